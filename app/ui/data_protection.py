"""The window's side of a returnee's data request and of restoring a backup: the questions
asked of the person (folder, file, password) and the answers shown; the work is the
services'."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from app.domain.errors import HomewardError
from app.i18n import fill
from app.i18n import gettext as _
from app.services.backup import restore
from app.services.returnee_data import export_returnee_data
from app.services.workspace import Workspace
from app.ui.errors import show_error


def export_returnee_data_to_folder(
    parent: QWidget, workspace: Workspace, case_number: str
) -> Path | None:
    """Ask for a folder (a USB stick, say) and write everything held about the returnee."""
    folder = QFileDialog.getExistingDirectory(
        parent, fill(_("Export the data of {case} into a folder"), case=case_number),
        str(Path.home()),
    )  # fmt: skip
    if not folder:
        return None
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        target = export_returnee_data(workspace, case_number, Path(folder))
    except HomewardError as error:
        QApplication.restoreOverrideCursor()
        show_error(parent, error)
        return None
    QApplication.restoreOverrideCursor()
    QMessageBox.information(parent, _("Returnee's data"), fill(_(
        "Everything held about the returnee of {case} is in {path}: a JSON file and the "
        "printed forms. Hand it over as your office's procedure says."
    ), case=case_number, path=str(target)))  # fmt: skip
    return target


@dataclass(frozen=True)
class RestoreChoice:
    backup: Path
    username: str
    password: str


def choose_backup_to_restore(parent: QWidget, username: str) -> RestoreChoice | None:
    """The backup file, a warning to confirm, and the password it was made with."""
    path, _filter = QFileDialog.getOpenFileName(
        parent, _("Restore from a backup"), str(Path.home()), _("Backups (*.hwbackup)")
    )
    if not path:
        return None
    answer = QMessageBox.warning(
        parent,
        _("Restore from a backup"),
        _(
            "The store will be replaced by the backup: everything changed since it was made "
            "is lost. The replaced store is kept aside in the data folder. Open sessions are "
            "saved and closed, and you sign in again afterwards."
        ),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    password, accepted = QInputDialog.getText(
        parent, _("Restore from a backup"),
        fill(_("Password of {user} when the backup was made:"), user=username),
        QLineEdit.EchoMode.Password,
    )  # fmt: skip
    if not accepted or not password:
        return None
    return RestoreChoice(Path(path), username, password)


def restore_backup_file(parent: QWidget, workspace: Workspace, choice: RestoreChoice) -> bool:
    """Close the store, put the backup in its place and say where the old one went. On a
    refusal (a wrong password, a damaged file) nothing changed and the store reopens."""
    workspace.close()
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        kept = restore(workspace.paths, choice.backup, choice.username, choice.password)
    except HomewardError as error:
        QApplication.restoreOverrideCursor()
        show_error(parent, error)
        return False
    QApplication.restoreOverrideCursor()
    QMessageBox.information(parent, _("Restore from a backup"), fill(_(
        "Backup restored. The store it replaced is kept in {path}. Sign in again to go on."
    ), path=str(kept)))  # fmt: skip
    return True
