"""The read-only summary of the selected case, beside the case list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from app.domain.cases import STATUS_LABELS
from app.domain.people import RELATIONSHIP_LABELS, SEX_LABELS
from app.i18n import fill
from app.i18n import gettext as _
from app.services.cases import CaseDetail
from app.services.set_aside import reason_text
from app.ui.decision_summary import DecisionSummaryLabel
from app.ui.formatting import country_text, date_text, datetime_text, language_text

if TYPE_CHECKING:
    from app.services.case_progress import DecisionView
    from app.services.exchange import CaseAtHeadquarters

DEMO_STYLE = "background: #fff3cd; color: #5c3c00; padding: 4px; border-radius: 3px;"


class CaseDetailPane(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseDetail")
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("caseTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.demo_note = QLabel()
        self.demo_note.setObjectName("demoNote")
        self.demo_note.setWordWrap(True)
        self.demo_note.setStyleSheet(DEMO_STYLE)
        layout.addWidget(self.demo_note)
        self.decision = DecisionSummaryLabel()
        layout.addWidget(self.decision)
        self._facts = QFormLayout()
        layout.addLayout(self._facts)
        self._household_box = QGroupBox(_("Household"))
        self._household = QVBoxLayout(self._household_box)
        layout.addWidget(self._household_box)
        layout.addStretch(1)
        self.show_case(None)

    def show_case(
        self,
        detail: CaseDetail | None,
        decision: DecisionView | None = None,
        at_hq: CaseAtHeadquarters | None = None,
    ) -> None:
        while self._facts.rowCount():
            self._facts.removeRow(0)
        while self._household.count():
            item = self._household.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().hide()  # deleteLater alone leaves it drawn until the next loop
                item.widget().deleteLater()
        self._household_box.setTitle(_("Household"))
        self.decision.show_decision(decision if detail is not None else None)
        self.demo_note.setVisible(detail is not None and detail.row.is_demo)
        self.demo_note.setText(_("Demo case: synthetic data, not a real person."))
        if detail is None:
            self.title.setStyleSheet("color: palette(window-text);")
            self.title.setText(_("Select a case in the list, or press Ctrl+N for a new one."))
            self._household_box.hide()
            return
        self.title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        row = detail.row
        name = " ".join(part for part in (row.given_name, row.family_name.upper()) if part)
        self.title.setText(f"{row.case_number} — {name}")
        facts = [
            (_("Name in own script"), detail.native_name or "—"),
            (_("Date of birth"), date_text(row.date_of_birth)),
            (_("Sex"), _(SEX_LABELS[detail.sex])),
            (_("Nationality"), country_text(row.nationality)),
            (_("Country of return"), country_text(row.country_of_return)),
            (_("Region of return"), row.region_of_return or "—"),
            (_("Language of the session"), language_text(row.session_language)),
            (_("Status"), _(STATUS_LABELS[row.status])),
            (_("Opened"), f"{datetime_text(detail.created_at)} · {detail.created_by}"),
            (_("Revision"), str(detail.revision)),
        ]
        if at_hq is not None:
            facts.append((_("Headquarters"), headquarters_text(at_hq)))
        for label, value in facts:
            shown = QLabel(value)
            shown.setWordWrap(True)
            self._facts.addRow(label, shown)
        self._household_box.setVisible(True)
        if not detail.household:
            self._household.addWidget(QLabel(_("No household members recorded.")))
        for member in detail.household:
            together = _("returns together") if member.returns_together else _("stays")
            relation = _(RELATIONSHIP_LABELS[member.relationship])
            text = (
                f"{member.given_name} {member.family_name} — {relation}, "
                f"{date_text(member.date_of_birth)}, {_(SEX_LABELS[member.sex])}, {together}"
            )
            label = QLabel(text)
            label.setWordWrap(True)
            self._household.addWidget(label)


def headquarters_text(at_hq: CaseAtHeadquarters) -> str:
    """What HQ has of the case, in a line: nothing yet, this revision, an older one, or set
    aside with HQ's reason."""
    if at_hq.set_aside:
        reason = reason_text(at_hq.set_aside)
        return fill(_("set aside by headquarters: {reason}"), reason=reason)
    if at_hq.acknowledged is None:
        return _("not received yet (send a bundle)")
    if at_hq.acknowledged >= at_hq.revision:
        return fill(_("has this revision ({revision})"), revision=at_hq.revision)
    return fill(_("has revision {old}; revision {new} is still to send"),
                old=at_hq.acknowledged, new=at_hq.revision)  # fmt: skip
