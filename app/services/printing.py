"""Printing a case: the request form, the reintegration plan and the consent.

Builds the bilingual document (the migrant's language first, the office's second), renders
it, and records the print in the audit trail with the PDF's hash, so a signed paper can be
matched to the exact plan revision it shows (the QR code carries the same revision).

Every number, amount and date is written in the locale of the column it stands in: the
migrant's language in the first, the office's under it (the same 1510 EUR is "1.510,00 EUR"
in the Romanian column and "€1,510.00" in the English one). A value cell that holds one value
for both columns (a cost, a date of birth, a total) holds it in both locales, the migrant's
first, printed once when the two read the same (see :meth:`_Builder.each`).
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.config import check_output, load_settings, staged_write
from app.domain.errors import N_, CannotWrite, InvalidInput
from app.domain.people import RELATIONSHIP_LABELS, SEX_LABELS
from app.domain.plan import PRIORITY_LABELS, Reason
from app.formdefs import FieldDef, FieldType, FormDef
from app.formdefs.values import relevant_answers, typed
from app.i18n import gettext
from app.i18n.dates import date_text
from app.i18n.languages import (
    FORM_LANGUAGE_CODES,
    country_name,
    language,
    language_name,
)
from app.i18n.numbers import list_text, money_text, number_text, signed_text
from app.printing.document import Bilingual, Grid, Note, PrintDocument, Row, Section, Value
from app.printing.marks import directional, fill, joined
from app.services.answers import NO, YES, answer_text, bilingual_answer
from app.services.case_progress import latest_decision
from app.services.cases import CaseDetail, CaseRegister, load_case
from app.services.counselling import Counselling, PlanAssessment, SessionState
from app.services.free_text import FreeTextPrinter
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
        from app.printing.render import render  # ReportLab loads with the first print

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
        check_output(self.workspace.paths, out)
        # The audit event and the file stand or fall together: the PDF is written and synced
        # first, and takes its name only once the record of it has committed.
        try:
            with staged_write(out, result.pdf), self.workspace.transaction() as session:
                self._record(session, case_number, result, "file")
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
        self.free_text = FreeTextPrinter(migrant, office)
        for form_id in ("consent", "intake", "plan"):
            current = printing.counselling.forms.current(form_id)
            self.free_text.know_form(form_id, self.form(form_id), current)

    # translation helpers
    def bi(self, message: str, **params: Any) -> Bilingual:
        """``message`` in both languages; a parameter given as a function of the language
        code (e.g. ``lambda code: money_text(cap, "EUR", code)``) is written in each
        column's own locale."""

        def text(code: str) -> str:
            # Values isolated; a translation keeps its language's direction even when it
            # starts with a Latin word ("EUR میں کل رقم").
            translated = gettext(message, code)
            values = {k: v(code) if callable(v) else v for k, v in params.items()}
            filled = fill(translated, **values) if values else translated
            return directional(filled, language(code).right_to_left)

        return Bilingual(text(self.migrant), text(self.office))

    def each(self, make: Callable[[str], str]) -> Bilingual:
        """One value written in each column's locale: amounts, counts, dates.

        The rule for value cells: a number, amount or date is printed in both locales, the
        migrant's first (the renderer draws the office's under it, and only once when both
        read the same: "3" or "1985" are written alike); free text is printed as typed.
        """
        return Bilingual(make(self.migrant), make(self.office))

    def both(self, migrant: str, office: str, after: str = "") -> str:
        """A value in both languages on one line: each isolated, the migrant's first (at the
        right in a right-to-left form)."""
        text = migrant if migrant == office else joined([migrant, office], " / ")
        return directional(text + after, language(self.migrant).right_to_left)

    def office_line(self, code: str) -> str:
        """Office name · plan revision · printed date, in ``code``'s language and locale,
        each piece isolated, the line reading in that language's direction."""
        office = self.printing.workspace.installation
        revision = number_text(self.plan_revision, code)
        printed = date_text(utcnow().date(), code)
        line = joined([
            office.office_name,
            fill(gettext("Plan revision {revision}", code), revision=revision),
            fill(gettext("Printed {date}", code), date=printed),
        ], " · ")  # fmt: skip
        return directional(line, language(code).right_to_left)

    def form(self, form_id: str) -> FormDef:
        return self.printing.counselling.form(self.state, form_id)

    def answers(self, form_id: str) -> dict[str, Any]:
        response = self.state.responses.get(form_id)
        return relevant_answers(self.form(form_id), response.answers) if response else {}

    def answer(
        self, form_id: str, field: FieldDef, answers: dict[str, Any], group: FieldDef | None = None
    ) -> Value:
        """One printed answer: free text with its version in the migrant's language (or the
        note that it has none); amounts, dates and counts in each column's locale; choices as
        "migrant's / office's"."""
        free = self.free_text.value(form_id, field, answers, group)
        if free is not None:
            return free
        raw = answers[field.id]
        if field.type in (FieldType.MONEY, FieldType.DATE, FieldType.INTEGER):
            # amounts, dates and counts in each column's own locale
            return self.each(lambda code: answer_text(field, raw, code))
        return bilingual_answer(field, raw, self.migrant, self.office)

    # documents
    def document(self, form: PrintForm, page_size: str) -> PrintDocument:
        if form is PrintForm.REQUEST:
            sections = self.request_sections()
        else:
            # Whoever signs the consent or the plan is named on it, not only on the request.
            sections = [self.returnee_section(), *self.form_sections(form.value)]
            if form is PrintForm.PLAN:
                sections.append(self.assessment_section())
                if (decided := self.decision_section()) is not None:
                    sections.append(decided)
        row = self.detail.row
        return PrintDocument(
            title=self.bi(FORM_TITLES[form]),
            case_number=row.case_number,
            # The case revision changes with any answer or status; the plan revision names
            # the plan version the paper shows.
            qr_payload=(
                f"homeward:v1:{row.uuid}:{form.value}:plan-revision={self.plan_revision}"
                f":case-revision={self.state.case_revision}"
            ),
            office_line=self.office_line(self.office),
            office_line_migrant=self.office_line(self.migrant),
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
        birth = row.date_of_birth
        born = self.each(lambda code: date_text(birth, code)) if birth else "—"
        sex = self.both(gettext(SEX_LABELS[detail.sex], self.migrant),
                        gettext(SEX_LABELS[detail.sex], self.office))  # fmt: skip
        country = country_name(row.country_of_return, self.migrant)
        region = country
        if row.region_of_return:
            # The language's own comma ("،" in Arabic script), each piece isolated: a Latin
            # region name after an Arabic country name keeps the order it is read in.
            rtl = language(self.migrant).right_to_left
            comma = "، " if rtl else ", "
            region = directional(joined([country, row.region_of_return], comma), rtl)
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
                self.each(lambda code, born=m.date_of_birth: date_text(born, code))
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
                self.answer("intake", intake_form.field(field_id), intake))
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
                    self.answer("plan", group.member(m), item, group)
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
            Row(
                self.field_label(plan_form, field_id),
                self.answer("plan", plan_form.field(field_id), plan),
            )
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
                    blocks.append(Row(self.bi(field.label), self.answer(form_id, field, answers)))
                    continue
                for number, item in enumerate(typed(field, answers[field.id]) or [], start=1):
                    blocks.append(Note(self.item_title(field.item_label, number)))
                    for member in field.members:
                        if member.id in item:
                            value = self.answer(form_id, member, item, field)
                            blocks.append(Row(self.bi(member.label), value))
            if blocks:
                sections.append(Section(self.bi(section.title), tuple(blocks)))
        if not sections:
            sections.append(Section(self.bi(form.title), (Note(self.bi(N_("Not answered yet."))),)))
        return sections

    @staticmethod
    def reason_text(reason: Reason, code: str) -> str:
        """A priority reason in ``code``'s language, its rating and points in its locale."""
        params = {
            k: gettext(v, code) if isinstance(v, str)
            else (number_text(v, code) if isinstance(v, int) else v)
            for k, v in reason.params.items()
        }  # fmt: skip
        points = signed_text(reason.points, code)
        text = fill(gettext(reason.template, code), **params) + f" ({points})"
        return directional(text, language(code).right_to_left)

    def item_title(self, item_label: str, number: int) -> Bilingual:
        base = self.bi(item_label)
        return Bilingual(f"{base.migrant} {number_text(number, self.migrant)}",
                         f"{base.office} {number_text(number, self.office)}")  # fmt: skip

    def budget_notes(self, assessment: PlanAssessment) -> list[Any]:
        budget = assessment.budget
        if not budget.totals:
            return []
        totals = self.each(lambda code: list_text(
            [money_text(total, currency, code) for currency, total in budget.totals.items()], code
        ))  # fmt: skip
        notes: list[Any] = [Row(self.bi(N_("Total")), totals)]
        if budget.eur_equivalent is not None:
            equivalent = budget.eur_equivalent
            notes.append(
                Row(
                    self.bi(N_("Total in EUR (estimate)")),
                    self.each(lambda code: money_text(equivalent, "EUR", code)),
                )
            )
            if budget.over_cap:
                cap = budget.cap_eur
                notes.append(Note(self.bi(N_("The plan is above the cap of {cap} per returnee."),
                                          cap=lambda code: money_text(cap, "EUR", code)),
                                  warning=True))  # fmt: skip
        return notes

    def decision_section(self) -> Section | None:
        """HQ's decision on this plan, once there is one: outcome, date, reference, the
        amount approved for each item and the total (or the reason for a rejection)."""
        view = latest_decision(self.printing.workspace, self.detail.row.case_number)
        if view is None:
            return None
        approved = view.outcome.value == "approved"
        outcome = N_("Approved") if approved else N_("Rejected")
        rows: list[Any] = [
            Row(self.bi(N_("Decision")), self.bi(outcome)),
            Row(
                self.bi(N_("Decided on")), self.each(lambda code: date_text(view.decided_on, code))
            ),
        ]
        if view.reference:
            rows.append(Row(self.bi(N_("Reference")), view.reference))
        for amount in view.amounts:
            rows.append(Row(
                self.bi(N_("Approved for item {number}"), number=lambda code, n=amount.item:
                        number_text(n, code)),
                self.each(lambda code, a=amount: money_text(a.amount, a.currency, code)),
            ))  # fmt: skip
        if view.approved_total_eur is not None:
            total = view.approved_total_eur
            rows.append(Row(self.bi(N_("Approved in total (EUR)")),
                            self.each(lambda code: money_text(total, "EUR", code))))  # fmt: skip
        if view.reason:
            rows.append(Row(self.bi(N_("Reason")), view.reason))
        return Section(self.bi(N_("Decision of headquarters")), tuple(rows))

    def assessment_section(self) -> Section:
        assessment = self.printing.counselling.assessment(self.state)
        priority = assessment.priority
        rows: list[Any] = []
        if priority.level is not None:
            label, score = PRIORITY_LABELS[priority.level], priority.score
            rows.append(Row(self.bi(N_("Priority")), self.each(
                lambda code: directional(
                    f"{gettext(label, code)} ({number_text(score, code)})",
                    language(code).right_to_left,
                )
            )))  # fmt: skip
        for reason in priority.reasons:
            rows.append(Note(Bilingual(
                self.reason_text(reason, self.migrant), self.reason_text(reason, self.office)
            )))  # fmt: skip
        rows += self.budget_notes(assessment)
        return Section(self.bi(N_("Assessment")), tuple(rows))
