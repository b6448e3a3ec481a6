"""Opening a case: the returnee, where they return to, the session language, the household."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.domain.people import NewCaseInput
from app.i18n import gettext as _
from app.services.cases import CaseRegister, CaseRow
from app.ui.case_form import CaseFormDialog, HouseholdEditor

__all__ = ["HouseholdEditor", "NewCaseDialog"]


class NewCaseDialog(CaseFormDialog):
    def __init__(self, register: CaseRegister, parent: QWidget | None = None) -> None:
        super().__init__(_("New case"), _("Open case"), parent, with_session_language=True)
        self.setObjectName("newCaseDialog")
        self.register = register
        self.created: CaseRow | None = None

    def new_case(self) -> NewCaseInput:
        return self.form.new_case()

    def save(self) -> None:
        new_case = self.form.new_case()
        self.refuse_unreadable_dates(new_case)
        self.created = self.register.open_case(new_case)
