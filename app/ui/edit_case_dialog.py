"""Correcting a case after it was opened: the returnee's names, date of birth, sex,
nationality, where they return to, and the household (the session language is changed in
the session window)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QWidget

from app.domain.cases import STATUS_LABELS
from app.domain.errors import CaseIdentityLocked, Msgid
from app.domain.people import IDENTITY_LOCKED_STATUSES
from app.i18n import gettext as _
from app.i18n import translate_error
from app.services.cases import CaseRegister, CaseRow
from app.ui.case_form import CaseFormDialog


class EditCaseDialog(CaseFormDialog):
    """Prefilled from the store; OK saves the changes as one new revision of the case."""

    def __init__(
        self, register: CaseRegister, case_number: str, parent: QWidget | None = None
    ) -> None:
        detail = register.detail(case_number)
        title = _("Edit case {number}").format(number=detail.row.case_number)
        super().__init__(title, _("Save"), parent, with_session_language=False)
        self.setObjectName("editCaseDialog")
        self.register = register
        self.case_number = detail.row.case_number
        self.saved: CaseRow | None = None
        self.form.set_detail(detail)
        status = detail.row.status
        if status in IDENTITY_LOCKED_STATUSES:  # shown as it is, but it cannot be changed
            locked = CaseIdentityLocked(
                case_number=self.case_number, status=Msgid(STATUS_LABELS[status])
            )
            self.problems.setText(translate_error(locked))
            self.problems.show()
            for widget in (self.form.household, *self.form.field_widgets()):
                widget.setEnabled(False)
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def save(self) -> None:
        identity = self.form.identity()
        self.refuse_unreadable_dates(identity)
        self.saved = self.register.edit_identity(self.case_number, identity)
