"""Choosing a new password: the user's own change, and the one forced after a reset."""

from __future__ import annotations

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

from app.domain.errors import HomewardError, InvalidInput, PasswordMismatch
from app.i18n import gettext as _
from app.i18n import translate_error
from app.services.accounts import change_password, change_temporary_password
from app.services.workspace import Workspace
from app.ui.buttons import ok_cancel

PROBLEM_STYLE = "color: #c62828;"


def password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class ProblemLabel(QLabel):
    """One line in red under a field (or the form), hidden while there is nothing to say."""

    def __init__(self, name: str, parent: QWidget | None = None, *, wrap: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(PROBLEM_STYLE)
        # A field's problem stays one line (the dialog widens): a wrapped label in a form
        # layout can be clipped. A message for the whole dialog wraps.
        self.setWordWrap(wrap)
        self.hide()

    def say(self, text: str | None) -> None:
        self.setText(text or "")
        self.setVisible(bool(text))


def problem_text(error: InvalidInput, field: str) -> str | None:
    """The translated problem of ``field`` in ``error``, or None."""
    template = error.problems.get(field)
    return _(template).format(**error.params) if template else None


class ChangePasswordDialog(QDialog):
    """Without ``forced`` the user types the current password; ``forced`` follows a sign-in
    with a password an administrator reset, typed a moment ago and passed in as
    ``current_password``. Cancelling a forced change is the caller's cue to sign out."""

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        forced: bool = False,
        *,
        current_password: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle(_("Change password"))
        self.workspace = workspace
        self.forced = forced
        self._current_password = current_password

        self.current = password_edit("currentPassword")
        self.new_password = password_edit("newPassword")
        self.repeat = password_edit("repeatPassword")
        self.message = ProblemLabel("passwordMessage", wrap=True)

        form = QFormLayout()
        if not forced:
            form.addRow(_("Current password"), self.current)
        form.addRow(_("New password"), self.new_password)
        form.addRow(_("Repeat the new password"), self.repeat)
        buttons, self.ok_button, self.cancel_button = ok_cancel(
            self, _("Change password"), _("Sign out") if forced else _("Cancel")
        )

        layout = QVBoxLayout(self)
        if forced:
            intro = QLabel(
                _(
                    "An administrator reset the password of {user}. Choose a new password "
                    "that only you know to continue."
                ).format(user=workspace.user.display_name)
            )
            intro.setObjectName("forcedIntro")
            intro.setWordWrap(True)
            layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(420, 0)
        (self.new_password if forced else self.current).setFocus()

    def accept(self) -> None:
        new = self.new_password.text()
        if new != self.repeat.text():
            self._refuse(translate_error(PasswordMismatch()), self.repeat)
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # Argon2 takes a moment
        try:
            if self.forced:
                change_temporary_password(self.workspace, self._current_password, new)
            else:
                change_password(self.workspace, self.current.text(), new)
        except HomewardError as error:
            wrong_current = not self.forced and not isinstance(error, InvalidInput)
            self._refuse(
                translate_error(error), self.current if wrong_current else self.new_password
            )
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._current_password = ""
        super().accept()

    def _refuse(self, text: str, focus: QLineEdit) -> None:
        self.message.say(text)
        focus.selectAll()
        focus.setFocus()
