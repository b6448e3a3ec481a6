"""First run: name this office and create its first administrator."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.config import DataPaths
from app.domain.errors import HomewardError, PasswordMismatch
from app.i18n import gettext as _
from app.i18n import translate_error
from app.services.workspace import InstallationInfo, initialise


class SetupWizard(QWizard):
    def __init__(self, paths: DataPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupWizard")
        self.setWindowTitle(_("Set up Homeward"))
        self.paths = paths
        self.info: InstallationInfo | None = None

        office_page = QWizardPage()
        office_page.setTitle(_("This office"))
        office_page.setSubTitle(
            _("Cases are numbered with the office code, for example SK-2026-00001.")
        )
        self.role = QComboBox()
        self.role.addItem(_("Office (counselling returnees)"), "office")
        self.role.addItem(_("Headquarters (reviewing plans)"), "hq")
        self.office_code = QLineEdit()
        self.office_code.setObjectName("officeCode")
        self.office_code.setMaxLength(8)
        self.office_name = QLineEdit()
        self.office_name.setObjectName("officeName")
        form = QFormLayout(office_page)
        form.addRow(_("Installation"), self.role)
        form.addRow(_("Office code"), self.office_code)
        form.addRow(_("Office name"), self.office_name)

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
        form.addRow(_("Full name"), self.display_name)
        form.addRow(_("Password"), self.password)
        form.addRow(_("Repeat the password"), self.repeat)
        form.addRow(self.message)

        self.addPage(office_page)
        self.addPage(admin_page)
        self.setButtonText(QWizard.WizardButton.NextButton, _("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Set up"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Cancel"))

    def accept(self) -> None:
        try:
            if self.password.text() != self.repeat.text():
                raise PasswordMismatch()
            self.info = initialise(
                self.paths,
                role=self.role.currentData(),
                office_code=self.office_code.text(),
                office_name=self.office_name.text(),
                admin_username=self.username.text(),
                admin_password=self.password.text(),
                admin_display_name=self.display_name.text(),
            )
        except HomewardError as error:
            self.message.setText(translate_error(error))
            return
        super().accept()
