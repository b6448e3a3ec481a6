"""Printing a case: the request form, the reintegration plan and the consent.

Builds the bilingual document (the migrant's language first, the office's second), renders
it, and records the print in the audit trail with the PDF's hash, so a signed paper can be
matched to the exact plan revision it shows (the QR code carries the same revision).
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.dates import format_date
from sqlalchemy.orm import Session

from app.config import load_settings, write_atomically
from app.domain.errors import N_, CannotWrite, InvalidInput
from app.domain.people import RELATIONSHIP_LABELS, SEX_LABELS
from app.domain.plan import PRIORITY_LABELS, Reason
from app.formdefs import FieldType, FormDef
from app.formdefs.values import relevant_answers, typed
from app.i18n import gettext
from app.i18n.dates import partial_date_text
from app.i18n.languages import (
    FORM_LANGUAGE_CODES,
    babel_locale,
    country_name,
    language,
    language_name,
)
from app.printing.document import Bilingual, Grid, Note, PrintDocument, Row, Section
from app.printing.render import render
from app.printing.text import directional, fill, joined
from app.services.answers import NO, YES, bilingual_answer, money_text
from app.services.cases import CaseDetail, CaseRegister, load_case
from app.services.counselling import Counselling, PlanAssessment, SessionState
from app.services.workspace import Workspace
from app.store import audit
from app.store.types import utcnow


class PrintForm(enum.StrEnum):
    REQUEST = "request"
    PLAN = "plan"
    CONSENT = "consent"


FORM_TITLES = {
    PrintForm.REQUEST: N_("Reintegration assistance request form"),
    PrintForm.PLAN: N_("Individual reintegration plan"),
    PrintForm.CONSENT: N_("Consent and declaration of voluntariness"),
}
PAGE_TEMPLATE = N_("Page {page} of {pages}")
REQUEST_DECLARATION = N_(
    "I request the reintegration assistance described above. The information I have given "
    "is true. I understand that the assistance is given in kind, paid directly to suppliers, "
    "and that I may withdraw at any time before departure."
)
SIGNATURES = {
    PrintForm.REQUEST: (N_("Returnee"), N_("Counsellor"), N_("Interpreter")),
    PrintForm.PLAN: (N_("Returnee"), N_("Counsellor")),
    PrintForm.CONSENT: (N_("Returnee"), N_("Counsellor"), N_("Interpreter")),
}


@dataclass(frozen=True)
class PrintResult:
    pdf: bytes
    sha256: str
    pages: int
    form: PrintForm
    language: str
    plan_revision: int


class Printing:
    def __init__(self, workspace: Workspace, counselling: Counselling | None = None) -> None:
        self.workspace = workspace
        self.counselling = counselling or Counselling(workspace)
        self.register = CaseRegister(workspace)

    def office_language(self) -> str:
        chosen = load_settings(self.workspace.paths).get("office_language", "en")
        return chosen if chosen in FORM_LANGUAGE_CODES else "en"

    def render(
        self,
        case_number: str,
        form: PrintForm,
        language: str | None = None,
        page_size: str = "A4",
    ) -> PrintResult:
        """The PDF of one form of one case (nothing is recorded: that is :meth:`record`)."""
        detail = self.register.detail(case_number)
        state = self.counselling.state(case_number)
        migrant = language or detail.row.session_language
        if migrant not in FORM_LANGUAGE_CODES:
            raise InvalidInput({"language": N_("choose one of the form languages")})
        if page_size.lower() not in ("a4", "letter"):
            raise InvalidInput({"page_size": N_("the paper size is A4 or Letter")})
        builder = _Builder(self, detail, state, migrant, self.office_language())
        document = builder.document(form, page_size)
        pdf = render(document)
        return PrintResult(
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            pages=len(re.findall(rb"/Type /Page[^s]", pdf)),
            form=form,
            language=migrant,
            plan_revision=builder.plan_revision,
        )

    def record(self, case_number: str, result: PrintResult, target: str) -> None:
        """Note in the case's audit trail who printed what, in which language, with which hash."""
        with self.workspace.transaction() as session:
            self._record(session, case_number, result, target)

    def _record(self, session: Session, case_number: str, result: PrintResult, target: str) -> None:
        case = load_case(session, case_number)
        audit.record(
            session,
            "case.printed",
            user_id=self.workspace.user.id,
            case=case,
            detail={
                "form": result.form.value,
                "language": result.language,
                "sha256": result.sha256,
                "pages": result.pages,
                "plan_revision": result.plan_revision,
                "target": target,
            },
        )

    def print_to_file(
        self,
        case_number: str,
        form: PrintForm,
        out: Path,
        language: str | None = None,
        page_size: str = "A4",
    ) -> PrintResult:
        result = self.render(case_number, form, language, page_size)
        self.save(case_number, result, out)
        return result

    def save(self, case_number: str, result: PrintResult, out: Path) -> None:
        """Write a rendered form to ``out`` (atomically) and record it."""
        # The audit event and the file stand or fall together.
        with self.workspace.transaction() as session:
            self._record(session, case_number, result, "file")
            try:
                write_atomically(out, result.pdf)
            except OSError as error:
                raise CannotWrite(path=str(out), reason=error.strerror or str(error)) from None


class _Builder:
    """Builds one document in two languages for one case."""

    def __init__(
        self,
        printing: Printing,
        detail: CaseDetail,
        state: SessionState,
        migrant: str,
        office: str,
    ) -> None:
        self.printing = printing
        self.detail = detail
        self.state = state
        self.migrant = migrant
        self.office = office
        plan = state.responses.get("plan")
        self.plan_revision = plan.revision if plan else 0

    # translation helpers
    def bi(self, message: str, **params: Any) -> Bilingual:
        def text(code: str) -> str:
            # Values isolated; a translation keeps its language's direction even when it
            # starts with a Latin word ("EUR میں کل رقم").
            translated = gettext(message, code)
            filled = fill(translated, **params) if params else translated
            return directional(filled, language(code).right_to_left)

        return Bilingual(text(self.migrant), text(self.office))

    def both(self, migrant: str, office: str, after: str = "") -> str:
        """A value in both languages on one line: each isolated, the migrant's first (at the
        right in a right-to-left form)."""
        text = migrant if migrant == office else joined([migrant, office], " / ")
        return directional(text + after, language(self.migrant).right_to_left)

    def form(self, form_id: str) -> FormDef:
        return self.printing.counselling.form(self.state, form_id)

    def answers(self, form_id: str) -> dict[str, Any]:
        response = self.state.responses.get(form_id)
        return relevant_answers(self.form(form_id), response.answers) if response else {}

    # documents
    def document(self, form: PrintForm, page_size: str) -> PrintDocument:
        if form is PrintForm.REQUEST:
            sections = self.request_sections()
        else:
            # Whoever signs the consent or the plan is named on it, not only on the request.
            sections = [self.returnee_section(), *self.form_sections(form.value)]
            if form is PrintForm.PLAN:
                sections.append(self.assessment_section())
        row = self.detail.row
        office = self.printing.workspace.installation
        printed = format_date(utcnow().date(), "medium", locale=babel_locale(self.office))
        office_line = joined([
            office.office_name,
            fill(gettext("Plan revision {revision}", self.office), revision=self.plan_revision),
            fill(gettext("Printed {date}", self.office), date=printed),
        ], " · ")  # fmt: skip
        return PrintDocument(
            title=self.bi(FORM_TITLES[form]),
            case_number=row.case_number,
            # The case revision changes with any answer or status; the plan revision names
            # the plan version the paper shows.
            qr_payload=(
                f"homeward:v1:{row.uuid}:{form.value}:plan-revision={self.plan_revision}"
                f":case-revision={self.state.case_revision}"
            ),
            office_line=office_line,
            page_template=self.bi(PAGE_TEMPLATE),
            sections=tuple(sections),
            signatures=tuple(self.bi(who) for who in SIGNATURES[form]),
            signature_date=self.bi(N_("Date")),
            page_size=page_size,
            right_to_left=language(self.migrant).right_to_left,
            metadata={"subject": f"{row.uuid} plan-revision {self.plan_revision}"},
        )

    def returnee_section(self) -> Section:
        row, detail = self.detail.row, self.detail
        born = partial_date_text(row.date_of_birth, self.office) if row.date_of_birth else "—"
        sex = self.both(gettext(SEX_LABELS[detail.sex], self.migrant),
                        gettext(SEX_LABELS[detail.sex], self.office))  # fmt: skip
        country = country_name(row.country_of_return, self.migrant)
        region = f"{country}, {row.region_of_return}" if row.region_of_return else country
        rows = [
            Row(self.bi(N_("Family name")), row.family_name),
            Row(self.bi(N_("Given name")), row.given_name),
            Row(self.bi(N_("Name in own script")), detail.native_name or "—"),
            Row(self.bi(N_("Date of birth")), born),
            Row(self.bi(N_("Sex")), sex),
            Row(self.bi(N_("Nationality")), country_name(row.nationality, self.migrant)),
            Row(self.bi(N_("Country of return")), region),
            Row(self.bi(N_("Language of the session")),
                language_name(row.session_language, self.migrant)),
        ]  # fmt: skip
        return Section(self.bi(N_("Returnee")), tuple(rows))

    def household_section(self) -> Section:
        members = self.detail.household
        if not members:
            return Section(self.bi(N_("Household")),
                           (Note(self.bi(N_("No household members recorded."))),))  # fmt: skip
        headers = (
            self.bi(N_("Given name")), self.bi(N_("Family name")), self.bi(N_("Relationship")),
            self.bi(N_("Date of birth")), self.bi(N_("Returns together")),
        )  # fmt: skip
        rows = tuple(
            (
                m.given_name,
                m.family_name,
                gettext(RELATIONSHIP_LABELS[m.relationship], self.migrant),
                partial_date_text(m.date_of_birth, self.office, "short")
                if m.date_of_birth else "—",
                gettext(YES if m.returns_together else NO, self.migrant),
            )
            for m in members
        )  # fmt: skip
        grid = Grid(headers, rows, (0.22, 0.22, 0.22, 0.17, 0.17))
        return Section(self.bi(N_("Household")), (grid,))

    def request_sections(self) -> list[Section]:
        sections = [self.returnee_section(), self.household_section()]
        intake, intake_form = self.answers("intake"), self.form("intake")
        intention = [
            Row(self.field_label(intake_form, field_id),
                bilingual_answer(intake_form.field(field_id), intake[field_id],
                                 self.migrant, self.office))
            for field_id in ("intended_activity", "intended_activity_type")
            if intake_form.has_field(field_id) and field_id in intake
        ]  # fmt: skip
        sections.append(
            Section(
                self.bi(N_("Intended activity after return")),
                tuple(intention) or (Note(self.bi(N_("Not answered yet."))),),
            )
        )
        plan, plan_form = self.answers("plan"), self.form("plan")
        blocks: list[Any] = []
        if plan_form.has_field("assistance_items"):
            group = plan_form.field("assistance_items")
            columns = [m for m in ("assistance_type", "description", "supplier", "estimated_cost")
                       if any(m == member.id for member in group.members)]  # fmt: skip
            headers = tuple(self.bi(group.member(m).label) for m in columns)
            rows = tuple(
                tuple(
                    bilingual_answer(group.member(m), item.get(m), self.migrant, self.office)
                    if item.get(m) is not None else "—"
                    for m in columns
                )
                for item in typed(group, plan.get("assistance_items")) or []
            )  # fmt: skip
            if rows:
                even = (1 / len(columns),) * len(columns)
                widths = (0.2, 0.42, 0.2, 0.18) if len(columns) == 4 else even
                blocks.append(Grid(headers, rows, widths))
        if not blocks:
            blocks.append(Note(self.bi(N_("No assistance items yet."))))
        blocks += self.budget_notes(self.printing.counselling.assessment(self.state))
        sections.append(Section(self.bi(N_("Assistance requested")), tuple(blocks)))
        objectives = [
            Row(self.field_label(plan_form, field_id), str(plan[field_id]))
            for field_id in ("objectives", "skills_use")
            if plan_form.has_field(field_id) and field_id in plan
        ]
        sections.append(
            Section(
                self.bi(N_("Objectives")),
                tuple(objectives) or (Note(self.bi(N_("Not answered yet."))),),
            )
        )
        sections.append(Section(self.bi(N_("Declaration")), (Note(self.bi(REQUEST_DECLARATION)),)))
        return sections

    def field_label(self, form: FormDef, field_id: str) -> Bilingual:
        return self.bi(form.field(field_id).label)

    def form_sections(self, form_id: str) -> list[Section]:
        form, answers = self.form(form_id), self.answers(form_id)
        sections = []
        for section in form.sections:
            blocks: list[Any] = []
            for field in section.fields:
                if field.id not in answers:
                    continue
                if field.type is not FieldType.REPEAT:
                    value = bilingual_answer(field, answers[field.id], self.migrant, self.office)
                    blocks.append(Row(self.bi(field.label), value))
                    continue
                for number, item in enumerate(typed(field, answers[field.id]) or [], start=1):
                    blocks.append(Note(self.item_title(field.item_label, number)))
                    for member in field.members:
                        if member.id in item:
                            value = bilingual_answer(member, item[member.id], self.migrant,
                                                     self.office)  # fmt: skip
                            blocks.append(Row(self.bi(member.label), value))
            if blocks:
                sections.append(Section(self.bi(section.title), tuple(blocks)))
        if not sections:
            sections.append(Section(self.bi(form.title), (Note(self.bi(N_("Not answered yet."))),)))
        return sections

    @staticmethod
    def reason_text(reason: Reason, code: str) -> str:
        params = {
            k: gettext(v, code) if isinstance(v, str) else v for k, v in reason.params.items()
        }
        text = fill(gettext(reason.template, code), **params) + f" (+{reason.points})"
        return directional(text, language(code).right_to_left)

    def item_title(self, item_label: str, number: int) -> Bilingual:
        base = self.bi(item_label)
        return Bilingual(f"{base.migrant} {number}", f"{base.office} {number}")

    def budget_notes(self, assessment: PlanAssessment) -> list[Any]:
        budget = assessment.budget
        if not budget.totals:
            return []
        totals = ", ".join(money_text(t, c, self.office) for c, t in budget.totals.items())
        notes: list[Any] = [Row(self.bi(N_("Total")), totals)]
        cap = money_text(budget.cap_eur, "EUR", self.office)
        if budget.eur_equivalent is not None:
            equivalent = money_text(budget.eur_equivalent, "EUR", self.office)
            notes.append(Row(self.bi(N_("Total in EUR (estimate)")), equivalent))
            if budget.over_cap:
                notes.append(Note(self.bi(N_("The plan is above the cap of {cap} per returnee."),
                                          cap=cap), warning=True))  # fmt: skip
        return notes

    def assessment_section(self) -> Section:
        assessment = self.printing.counselling.assessment(self.state)
        priority = assessment.priority
        rows: list[Any] = []
        if priority.level is not None:
            level = self.bi(PRIORITY_LABELS[priority.level])
            rows.append(
                Row(
                    self.bi(N_("Priority")),
                    self.both(level.migrant, level.office, f" ({priority.score})"),
                )
            )
        for reason in priority.reasons:
            rows.append(Note(Bilingual(
                self.reason_text(reason, self.migrant), self.reason_text(reason, self.office)
            )))  # fmt: skip
        rows += self.budget_notes(assessment)
        return Section(self.bi(N_("Assessment")), tuple(rows))
