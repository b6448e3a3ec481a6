"""First run: name this office and create its first administrator."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.config import DataPaths
from app.domain.accounts import (
    MIN_PASSWORD_LENGTH,
    normalise_username,
    password_problem,
    username_problem,
)
from app.domain.cases import office_code_problem, office_name_problem
from app.domain.errors import HomewardError, InvalidInput, PasswordMismatch
from app.i18n import gettext as _
from app.i18n import translate_error
from app.services.recovery import issue_recovery_key
from app.services.workspace import InstallationInfo, initialise, unlock
from app.ui.input_guard import ComboBox

PROBLEM_STYLE = "color: #b71c1c;"


def _problem_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(PROBLEM_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class _CheckedPage(QWizardPage):
    """A page that checks its own fields before the wizard moves on."""

    def __init__(self, check: Callable[[], bool]) -> None:
        super().__init__()
        self._check = check

    def validatePage(self) -> bool:
        return self._check()


class SetupWizard(QWizard):
    def __init__(self, paths: DataPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupWizard")
        self.setWindowTitle(_("Set up Homeward"))
        self.paths = paths
        self.info: InstallationInfo | None = None
        self.recovery_key = ""

        office_page = _CheckedPage(self._check_office)
        office_page.setTitle(_("This office"))
        office_page.setSubTitle(
            _("Cases are numbered with the office code, for example SK-2026-00001.")
        )
        self.role = ComboBox()
        self.role.addItem(_("Office (counselling returnees)"), "office")
        self.role.addItem(_("Headquarters (reviewing plans)"), "hq")
        self.office_code = QLineEdit()
        self.office_code.setObjectName("officeCode")
        self.office_code.setMaxLength(8)
        self.office_name = QLineEdit()
        self.office_name.setObjectName("officeName")
        self.problems: dict[str, QLabel] = {
            name: _problem_label()
            for name in ("office_code", "office_name", "username", "password", "repeat")
        }
        form = QFormLayout(office_page)
        form.addRow(_("Installation"), self.role)
        form.addRow(_("Office code"), self.office_code)
        form.addRow("", self.problems["office_code"])
        form.addRow(_("Office name"), self.office_name)
        form.addRow("", self.problems["office_name"])

        admin_page = QWizardPage()
        admin_page.setTitle(_("First administrator"))
        admin_page.setSubTitle(
            _("The password also encrypts the case store: without it the data cannot be read.")
        )
        self.username = QLineEdit()
        self.username.setObjectName("adminUsername")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("adminName")
        self.password = QLineEdit()
        self.password.setObjectName("adminPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("adminPasswordRepeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("setupMessage")
        self.message.setStyleSheet("color: #c62828;")
        self.message.setWordWrap(True)
        form = QFormLayout(admin_page)
        form.addRow(_("User name"), self.username)
        form.addRow("", self.problems["username"])
        form.addRow(_("Full name"), self.display_name)
        form.addRow(_("Password"), self.password)
        form.addRow("", self.problems["password"])
        form.addRow(_("Repeat the password"), self.repeat)
        form.addRow("", self.problems["repeat"])
        form.addRow(self.message)

        self.addPage(office_page)
        self.addPage(admin_page)
        self.setButtonText(QWizard.WizardButton.NextButton, _("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Set up"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Cancel"))

    def _show(self, problems: dict[str, str], names: tuple[str, ...]) -> bool:
        """Put each problem under its field, one line each; True when there is none."""
        for name in names:
            label = self.problems[name]
            text = problems.get(name)
            label.setText(_(text).format(min_length=MIN_PASSWORD_LENGTH) if text else "")
            label.setVisible(bool(text))
        return not any(name in problems for name in names)

    def _check_office(self) -> bool:
        problems: dict[str, str] = {}
        if problem := office_code_problem(self.office_code.text().strip().upper()):
            problems["office_code"] = problem
        if problem := office_name_problem(self.office_name.text()):
            problems["office_name"] = problem
        return self._show(problems, ("office_code", "office_name"))

    def _check_admin(self) -> bool:
        problems: dict[str, str] = {}
        if problem := username_problem(normalise_username(self.username.text())):
            problems["username"] = problem
        if problem := password_problem(self.password.text()):
            problems["password"] = problem
        elif self.password.text() != self.repeat.text():
            problems["repeat"] = PasswordMismatch.template
        return self._show(problems, ("username", "password", "repeat"))

    def accept(self) -> None:
        self.message.clear()
        if not self._check_admin():
            return
        try:
            self.info = initialise(
                self.paths,
                role=self.role.currentData(),
                office_code=self.office_code.text(),
                office_name=self.office_name.text(),
                admin_username=self.username.text(),
                admin_password=self.password.text(),
                admin_display_name=self.display_name.text(),
            )
        except InvalidInput as error:  # checked above; kept for rules that only set-up knows
            self._show(error.problems, tuple(self.problems))
            return
        except HomewardError as error:
            self.message.setText(translate_error(error))
            return
        self.recovery_key = self._issue_recovery_key()
        if self.recovery_key:
            self._show_recovery_key(self.recovery_key)
        super().accept()

    def _issue_recovery_key(self) -> str:
        try:
            workspace = unlock(self.paths, self.username.text(), self.password.text())
            try:
                return issue_recovery_key(workspace)
            finally:
                workspace.close()
        except HomewardError:  # set-up itself succeeded; an admin can issue one later
            return ""

    def _show_recovery_key(self, key: str) -> None:
        box = QMessageBox(self)
        box.setObjectName("recoveryKeyBox")
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(_("Recovery key"))
        box.setText(_(
            "Write this recovery key on paper now and lock it away at the office. It is "
            "shown only once. When every password is lost, it opens the store to give an "
            "administrator a new password (homeward recover)."
        ))  # fmt: skip
        box.setInformativeText(key)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.button(QMessageBox.StandardButton.Ok).setText(_("I have written it down"))
        box.exec()
