"""Starting the desktop app: first-run set-up or sign-in, then the case register."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog

from app import __version__
from app.config import DataPaths
from app.i18n import active_language
from app.i18n import gettext as _
from app.services.workspace import Workspace, default_username, unlock
from app.ui.errors import install_excepthook
from app.ui.fonts import apply_fonts
from app.ui.input_guard import install_wheel_guard
from app.ui.language import apply_language
from app.ui.login_dialog import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.setup_wizard import SetupWizard

log = logging.getLogger("homeward.ui")


def application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    prepare(app)
    return app


def prepare(app: QApplication) -> None:
    """What every Homeward window relies on: names, shipped fonts, no stray wheel edits."""
    app.setApplicationName("Homeward")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Homeward")
    apply_fonts(app)
    install_wheel_guard(app)


def ui_settings(paths: DataPaths) -> QSettings:
    """Window layout and the last user name, kept beside the data, not in the registry."""
    return QSettings(str(paths.ui_state), QSettings.Format.IniFormat)


def sign_in(paths: DataPaths, settings: QSettings) -> Workspace | None:
    """Run first-run set-up if needed, then the sign-in dialog; None if the user gave up."""
    if not paths.is_initialised():
        wizard = SetupWizard(paths)
        if wizard.exec() != QDialog.DialogCode.Accepted:
            return None
        settings.setValue("login/last_user", wizard.username.text().strip().casefold())
    last_user = str(settings.value("login/last_user", "") or "") or default_username(paths)
    dialog = LoginDialog(
        lambda user, password: unlock(paths, user, password, sign_in=True),
        _("Homeward"),
        last_user,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.workspace


def run_gui(paths: DataPaths) -> int:
    app = application()
    apply_language(app, active_language())  # chosen by the command line from the settings
    install_excepthook()
    settings = ui_settings(paths)
    workspace = sign_in(paths, settings)
    if workspace is None:
        return 0
    window = MainWindow(workspace, settings)
    window.show()
    try:
        return app.exec()
    finally:
        workspace.close()
        log.info("signed out")
