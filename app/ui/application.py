"""Starting the desktop app: first-run set-up or sign-in, then the case register."""

from __future__ import annotations

import logging
import sys
import threading

import shiboken6
from PySide6.QtCore import QLockFile, QObject, QSettings, Signal
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from sqlalchemy.exc import SQLAlchemyError

from app import __version__
from app.config import DataPaths
from app.domain.errors import HomewardError, OperationCancelled
from app.i18n import active_language
from app.i18n import gettext as _
from app.services.backup import automatic_backup, store_health
from app.services.workspace import Workspace, default_username, unlock
from app.ui.errors import install_excepthook
from app.ui.fonts import apply_fonts
from app.ui.language import apply_language
from app.ui.login_dialog import LoginDialog
from app.ui.main_window import MainWindow

log = logging.getLogger("homeward.ui")


def application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    prepare(app)
    return app


def prepare(app: QApplication) -> None:
    """What every Homeward window relies on: names and the shipped fonts."""
    app.setApplicationName("Homeward")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Homeward")
    apply_fonts(app)


def ui_settings(paths: DataPaths) -> QSettings:
    """Window layout and the last user name, kept beside the data, not in the registry."""
    return QSettings(str(paths.ui_state), QSettings.Format.IniFormat)


def sign_in(paths: DataPaths, settings: QSettings) -> Workspace | None:
    """Run first-run set-up if needed, then the sign-in dialog; None if the user gave up.

    An account whose password an administrator reset chooses a new one before anything
    else; declining signs out again (back to the sign-in dialog)."""
    if not paths.is_initialised():
        from app.ui.setup_wizard import SetupWizard

        wizard = SetupWizard(paths)
        if wizard.exec() != QDialog.DialogCode.Accepted:
            return None
        settings.setValue("login/last_user", wizard.username.text().strip().casefold())
    last_user = str(settings.value("login/last_user", "") or "") or default_username(paths)
    while True:
        dialog = LoginDialog(
            lambda user, password: unlock(
                paths, user, password, sign_in=True, allow_temporary_password=True
            ),
            _("Homeward"),
            last_user,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.workspace is None:
            return None
        workspace, typed = dialog.workspace, dialog.password.text()
        dialog.password.clear()
        if not workspace.user.must_change_password:
            return workspace
        from app.ui.password_dialog import ChangePasswordDialog

        change = ChangePasswordDialog(workspace, None, forced=True, current_password=typed)
        if change.exec() == QDialog.DialogCode.Accepted:
            return workspace
        workspace.close()
        last_user = workspace.user.username
        log.info("signed out: no new password chosen after a reset")


def single_instance(paths: DataPaths) -> QLockFile | None:
    """Hold the data folder's lock for this window, or say who holds it (None).

    Two windows on one store would each keep their own view of a case and overwrite each
    other's answers. The lock names the holder's process; a lock left by a crash (its
    process gone) is taken over.
    """
    paths.root.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = QLockFile(str(paths.root / "window.lock"))
    lock.setStaleLockTime(0)  # stale only when its process is gone, however old
    if lock.tryLock(0):
        return lock
    pid = lock.getLockInfo()[0]  # (pid, host, application); pid 0 if it cannot be read
    QMessageBox.warning(
        None,
        _("Homeward"),
        _("Homeward is already open for this data folder (process {pid}). Switch to that "
          "window; a second one would overwrite what is typed in the first.").format(
            pid=pid or "?"
        ),
    )  # fmt: skip
    return None


class StoreCheck(QObject):
    """Carries the background check's finding to the window's thread."""

    damaged = Signal()


class BackgroundChecks(threading.Thread):
    """Off the window's thread, so the case list is usable meanwhile: the store's integrity
    check, then (only if it is whole) the day's backup. ``check`` says if it is damaged;
    :meth:`stop` ends both at their next step, so closing the window never waits long.

    The window starts them once the case list is painted: running beside the start-up, the
    check (whose progress handler takes the interpreter lock every thousand steps) made the
    list appear about a third later."""

    def __init__(self, workspace: Workspace, check: StoreCheck) -> None:
        super().__init__(name="store-checks", daemon=True)
        self._workspace, self._check = workspace, check
        self._stopping = threading.Event()

    def run(self) -> None:
        stopping = self._stopping.is_set
        try:
            if not store_health(self._workspace, stopping):
                self._check.damaged.emit()
                return  # a damaged store must not push a good backup out of the rotation
            automatic_backup(self._workspace, cancelled=stopping)
        except OperationCancelled:
            log.info("the background checks stopped with the window")
        except (HomewardError, OSError, SQLAlchemyError):
            log.warning("the background checks could not finish", exc_info=True)

    def stop(self) -> None:
        self._stopping.set()
        if self.ident is not None:  # started
            self.join()


def start_background_checks(workspace: Workspace, check: StoreCheck) -> BackgroundChecks:
    checks = BackgroundChecks(workspace, check)
    checks.start()
    return checks


def warn_store_damaged(parent: QWidget | None = None) -> None:
    QMessageBox.critical(
        parent,
        _("Homeward"),
        _("The case store failed its integrity check: part of it may be damaged. Keep "
          "working only to finish what is open, do not delete anything, and ask your "
          "administrator to restore the latest backup (homeward restore)."),
    )  # fmt: skip


def run_gui(paths: DataPaths) -> int:
    """Sign in, show the case register; after "Sign out" sign in again, until quitting."""
    app = application()
    apply_language(app, active_language())  # chosen by the command line from the settings
    install_excepthook()
    lock = single_instance(paths)
    if lock is None:
        return 1
    settings = ui_settings(paths)
    while True:
        workspace = sign_in(paths, settings)
        if workspace is None:
            return 0
        check = StoreCheck()
        check.damaged.connect(lambda: warn_store_damaged(QApplication.activeWindow()))
        checks = BackgroundChecks(workspace, check)
        try:
            code, signed_out = _run_main_window(app, workspace, settings, checks)
        finally:
            checks.stop()  # the integrity check must not lose its store mid-query
            workspace.close()
            log.info("signed out")
        if not signed_out:
            return code


def _run_main_window(
    app: QApplication, workspace: Workspace, settings: QSettings, checks: BackgroundChecks
) -> tuple[int, bool]:
    """The case register until the program quits (False) or the user signs out (True);
    ``checks`` start once the list is painted.

    MainWindow emits ``sign_out_requested`` (after saving its layout); its counselling
    session windows are closed first, each saving its answers. One that cannot save and is
    kept open by the user stops the sign-out."""
    window = MainWindow(workspace, settings)
    signed_out = False

    def sign_out() -> None:
        nonlocal signed_out
        for session_window in list(window.sessions.values()):
            if shiboken6.isValid(session_window) and not session_window.close():
                return
        signed_out = True
        window.close()
        app.quit()  # even if some other window is still open

    window.sign_out_requested.connect(sign_out)
    window.first_painted.connect(checks.start)
    window.show()
    code = app.exec()
    window.deleteLater()
    return code, signed_out
