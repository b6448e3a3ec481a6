"""Signing in: the password unlocks the encrypted store for this session."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import HomewardError
from app.i18n import gettext as _
from app.i18n import translate_error
from app.services.workspace import Workspace
from app.ui.buttons import ok_cancel

Unlock = Callable[[str, str], Workspace]


class LoginDialog(QDialog):
    def __init__(
        self, unlock: Unlock, office_label: str, last_user: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle(_("Sign in to Homeward"))
        self._unlock = unlock
        self.workspace: Workspace | None = None

        heading = QLabel(office_label)
        heading.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.username = QLineEdit(last_user)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("loginMessage")
        self.message.setStyleSheet("color: #c62828;")
        self.message.setWordWrap(True)
        self.message.hide()

        form = QFormLayout()
        form.addRow(_("User name"), self.username)
        form.addRow(_("Password"), self.password)
        buttons, _ok, _cancel = ok_cancel(self, _("Sign in"), _("Quit"))

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)
        (self.password if last_user else self.username).setFocus()

    def accept(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.workspace = self._unlock(self.username.text(), self.password.text())
        except HomewardError as error:
            self.message.setText(translate_error(error))
            self.message.show()
            self.password.clear()
            self.password.setFocus()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        super().accept()
