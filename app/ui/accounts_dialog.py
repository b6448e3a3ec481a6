"""The office's user accounts, for administrators: add, reset a password, disable."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.accounts import ROLE_LABELS, Role, disable_refusal, reset_refusal
from app.domain.errors import (
    N_,
    DuplicateUser,
    HomewardError,
    InvalidInput,
    PasswordMismatch,
)
from app.i18n import gettext as _
from app.i18n import translate_error
from app.services.accounts import (
    AccountView,
    add_account,
    disable_account,
    list_accounts,
    reset_password,
)
from app.services.answers import NO, YES
from app.services.workspace import Workspace
from app.ui.buttons import ok_cancel
from app.ui.formatting import datetime_text
from app.ui.password_dialog import ProblemLabel, password_edit, problem_text
from app.ui.pickers import EnumCombo

DISABLED_HINT = N_("This account is disabled. Reset its password to enable it again.")


def _busy() -> None:
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # Argon2 takes a moment


class AddAccountDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addAccountDialog")
        self.setWindowTitle(_("Add account"))
        self.workspace = workspace
        self.created: AccountView | None = None

        self.username = QLineEdit()
        self.username.setObjectName("newUsername")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("newDisplayName")
        self.role = EnumCombo(ROLE_LABELS)
        self.role.setObjectName("newRole")
        self.role.set_value(Role.COUNSELLOR)
        self.password = password_edit("newPassword")
        self.repeat = password_edit("repeatPassword")
        self.problems = {
            "username": ProblemLabel("usernameProblem"),
            "display_name": ProblemLabel("displayNameProblem"),
            "password": ProblemLabel("passwordProblem"),
            "repeat": ProblemLabel("repeatProblem"),
        }
        self.message = ProblemLabel("addAccountMessage", wrap=True)

        form = QFormLayout()
        for label, field, name in (
            (_("User name"), self.username, "username"),
            (_("Name"), self.display_name, "display_name"),
            (_("Role"), self.role, None),
            (_("Password"), self.password, "password"),
            (_("Repeat the password"), self.repeat, "repeat"),
        ):
            form.addRow(label, field)
            if name is not None:
                form.addRow("", self.problems[name])
        buttons, self.ok_button, _cancel = ok_cancel(self, _("Add account"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(460, 0)

    def _show(self, problems: dict[str, str | None], message: str | None = None) -> None:
        for name, label in self.problems.items():
            label.say(problems.get(name))
        self.message.say(message)
        fields = {"username": self.username, "display_name": self.display_name,
                  "password": self.password, "repeat": self.repeat}  # fmt: skip
        first = next((fields[n] for n in fields if problems.get(n)), None)
        if first is not None:
            first.setFocus()

    def accept(self) -> None:
        if self.password.text() != self.repeat.text():
            self._show({"repeat": translate_error(PasswordMismatch())})
            return
        _busy()
        try:
            self.created = add_account(
                self.workspace,
                self.username.text(),
                self.display_name.text(),
                self.role.value(),
                self.password.text(),
            )
        except InvalidInput as error:
            self._show({name: problem_text(error, name) for name in self.problems})
            return
        except DuplicateUser as error:
            self._show({"username": translate_error(error)})
            return
        except HomewardError as error:
            self._show({}, translate_error(error))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        super().accept()


class ResetPasswordDialog(QDialog):
    def __init__(
        self, workspace: Workspace, account: AccountView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resetPasswordDialog")
        self.setWindowTitle(_("Reset password"))
        self.workspace = workspace
        self.account = account
        self.done_for: AccountView | None = None

        intro = QLabel(
            _(
                "Give {user} a temporary password and tell it to them. They choose a new "
                "password when they next sign in."
            ).format(user=f"{account.display_name} ({account.username})")
        )
        intro.setWordWrap(True)
        self.password = password_edit("temporaryPassword")
        self.repeat = password_edit("repeatPassword")
        self.password_problem = ProblemLabel("passwordProblem")
        self.repeat_problem = ProblemLabel("repeatProblem")
        self.message = ProblemLabel("resetMessage", wrap=True)
        form = QFormLayout()
        form.addRow(_("Temporary password"), self.password)
        form.addRow("", self.password_problem)
        form.addRow(_("Repeat the password"), self.repeat)
        form.addRow("", self.repeat_problem)
        buttons, self.ok_button, _cancel = ok_cancel(self, _("Reset password"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(420, 0)

    def _show(self, password: str | None, repeat: str | None, message: str | None) -> None:
        self.password_problem.say(password)
        self.repeat_problem.say(repeat)
        self.message.say(message)
        (self.repeat if repeat and not password else self.password).setFocus()

    def accept(self) -> None:
        if self.password.text() != self.repeat.text():
            self._show(None, translate_error(PasswordMismatch()), None)
            return
        _busy()
        try:
            self.done_for = reset_password(
                self.workspace, self.account.username, self.password.text()
            )
        except InvalidInput as error:
            self._show(problem_text(error, "password"), None, None)
            return
        except HomewardError as error:
            self._show(None, None, translate_error(error))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        super().accept()


class AccountsDialog(QDialog):
    """The accounts as a table; each button is enabled only when it applies to the selected
    account, and a line under the table says why not. The services refuse anyway."""

    COLUMNS = (N_("User name"), N_("Name"), N_("Role"), N_("State"),
               N_("Must change password"), N_("Last sign-in"))  # fmt: skip

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountsDialog")
        self.setWindowTitle(_("User accounts"))
        self.workspace = workspace
        self.accounts: list[AccountView] = []
        self.add_dialog: AddAccountDialog | None = None
        self.reset_dialog: ResetPasswordDialog | None = None

        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("accountsTable")
        self.table.setHorizontalHeaderLabels([_(title) for title in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.add_button = QPushButton(_("Add account…"))
        self.add_button.setObjectName("addAccount")
        self.add_button.clicked.connect(self.open_add)
        self.reset_button = QPushButton(_("Reset password…"))
        self.reset_button.setObjectName("resetPassword")
        self.reset_button.clicked.connect(self.open_reset)
        self.disable_button = QPushButton(_("Disable"))
        self.disable_button.setObjectName("disableAccount")
        self.disable_button.clicked.connect(self.disable_selected)
        self.hint = QLabel()
        self.hint.setObjectName("accountHint")
        self.hint.setWordWrap(True)
        self.message = ProblemLabel("accountsMessage", wrap=True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)

        actions = QHBoxLayout()
        for button in (self.add_button, self.reset_button, self.disable_button):
            button.setAutoDefault(False)  # Enter in the table opens nothing by surprise
            actions.addWidget(button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        layout.addWidget(close)
        self.resize(820, 420)
        self.reload()

    # the table
    def reload(self, select: str | None = None) -> None:
        self.accounts = list_accounts(self.workspace)
        self.table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            cells = (
                account.username,
                account.display_name,
                _(ROLE_LABELS[account.role]),
                _("Active") if account.active else _("Disabled"),
                _(YES) if account.must_change_password else _(NO),
                datetime_text(account.last_login_at) if account.last_login_at else _("never"),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if select is not None:
            self.select(select)
        self._update_buttons()

    def select(self, username: str) -> bool:
        """Select ``username``'s row (through the selection model: right to left works too)."""
        for row, account in enumerate(self.accounts):
            if account.username == username:
                flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
                self.table.selectionModel().setCurrentIndex(
                    self.table.model().index(row, 0),
                    flags | QItemSelectionModel.SelectionFlag.Rows,
                )
                return True
        return False

    def selected(self) -> AccountView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.accounts[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        account = self.selected()
        if account is None:
            self.reset_button.setEnabled(False)
            self.disable_button.setEnabled(False)
            self.hint.clear()
            return
        signed_in = self.workspace.user.username
        admins = sum(1 for a in self.accounts if a.active and a.role is Role.ADMIN)
        no_reset = reset_refusal(account.username, signed_in=signed_in)
        no_disable = disable_refusal(
            account.username, signed_in=signed_in, role=account.role,
            active=account.active, active_admins=admins,
        )  # fmt: skip
        self.reset_button.setEnabled(no_reset is None)
        self.disable_button.setEnabled(account.active and no_disable is None)
        reasons = [translate_error(e) for e in (no_disable, no_reset) if e is not None]
        if not account.active:
            reasons.append(_(DISABLED_HINT))
        self.hint.setText(" ".join(reasons))

    # actions
    def open_add(self) -> AddAccountDialog:
        self.message.say(None)
        self.add_dialog = AddAccountDialog(self.workspace, self)
        self.add_dialog.accepted.connect(self._added)
        self.add_dialog.open()
        return self.add_dialog

    def _added(self) -> None:
        if self.add_dialog is not None and self.add_dialog.created is not None:
            self.reload(select=self.add_dialog.created.username)

    def open_reset(self) -> ResetPasswordDialog | None:
        account = self.selected()
        if account is None:
            return None
        self.message.say(None)
        self.reset_dialog = ResetPasswordDialog(self.workspace, account, self)
        self.reset_dialog.accepted.connect(lambda: self.reload(select=account.username))
        self.reset_dialog.open()
        return self.reset_dialog

    def disable_selected(self) -> None:
        account = self.selected()
        if account is None:
            return
        box = QMessageBox(self)
        box.setObjectName("confirmDisable")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Disable account"))
        box.setText(
            _(
                "Disable the account {user}? It can no longer sign in; its work stays. "
                "Resetting its password enables it again."
            ).format(user=f"{account.display_name} ({account.username})")
        )
        confirm = box.addButton(_("Disable"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not confirm:
            return
        try:
            disable_account(self.workspace, account.username)
        except HomewardError as error:
            self.message.say(translate_error(error))
            self.reload(select=account.username)
            return
        self.message.say(None)
        self.reload(select=account.username)
