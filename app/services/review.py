"""Read-only views for headquarters' screens: the queue of submitted plans, one plan as the
reviewer reads it, a conflict's field and values in words, and the check of a fingerprint
typed while the sender reads it aloud. Nothing here writes; decisions go through
app.services.case_progress, settlements through app.services.exchange."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.bundles.keys import normalise_fingerprint
from app.domain.cases import STATUS_LABELS, CaseStatus
from app.domain.errors import N_
from app.domain.people import RELATIONSHIP_LABELS, SEX_LABELS, Relationship, Sex
from app.domain.plan import CRITERIA, CRITERION_LABELS, PriorityLevel, Reason
from app.domain.session import STEP_LABELS
from app.formdefs import FieldType, load_forms
from app.formdefs.values import relevant_answers
from app.i18n import gettext
from app.i18n.languages import country_name, language
from app.services.answers import NO, YES, answer_text
from app.services.case_progress import PlanItem, plan_items
from app.services.cases import case_row, load_case
from app.services.counselling import Counselling, ResponseView, SessionState
from app.services.exchange import Conflict
from app.services.office import BudgetSettings, budget_settings
from app.services.workspace import Workspace
from app.store.models import AuditEvent, Case, ImportedEvent

SUBMITTED = CaseStatus.SUBMITTED.value
_STATUS_CHANGED = "case.status_changed"


# --- fingerprints -------------------------------------------------------------------------


def typed_fingerprint(typed: str) -> str | None:
    """The fingerprint a person typed, in its canonical spelling (case, spaces and dashes do
    not matter; O is 0, I and L are 1), or None while it cannot be one."""
    try:
        return normalise_fingerprint(typed)
    except ValueError:
        return None


def fingerprint_length(typed: str) -> int:
    """How many of a fingerprint's 20 letters and digits were typed."""
    return sum(1 for ch in typed if ch not in " -")


# --- the review queue ---------------------------------------------------------------------


@dataclass(frozen=True)
class QueuedPlan:
    """One submitted plan waiting for headquarters' decision."""

    case_number: str
    office_code: str
    given_name: str
    family_name: str
    is_demo: bool
    submitted_at: dt.datetime
    priority: PriorityLevel | None  # None while a criterion is not rated
    score: int
    ratings: Mapping[str, int | None]  # feasibility, urgency, motivation: 1-5
    requested: tuple[tuple[str, Decimal], ...]  # totals per currency
    requested_eur: Decimal | None  # None when a currency has no rate
    over_cap: bool


@dataclass(frozen=True)
class CriterionReview:
    criterion: str
    label: str  # gettext message id
    rating: int | None
    reasons: str  # as the counsellor wrote them


@dataclass(frozen=True)
class PlanReview:
    """What the reviewer reads beside the queue: the items and the counsellor's reasons."""

    plan: QueuedPlan
    items: tuple[PlanItem, ...]
    criteria: tuple[CriterionReview, ...]
    priority_reasons: tuple[Reason, ...]
    objectives: str
    budget_justification: str
    comments: str
    cap_eur: Decimal


def _state(case: Case) -> SessionState:
    return SessionState(
        case=case_row(case),
        case_revision=case.revision,
        responses={
            r.form_id: ResponseView(
                r.form_id, r.form_version, dict(r.answers), r.revision, r.completed_at, ""
            )
            for r in case.responses
        },
    )


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def review_queue(workspace: Workspace) -> tuple[QueuedPlan, ...]:
    """The submitted plans, the one waiting longest first. A plan counts as submitted when
    its case last moved to "submitted" (at an office or here); without that event (demo
    cases), when the plan was completed, else when the case last changed."""
    counselling = Counselling(workspace)
    budget = budget_settings(workspace)
    with workspace.reading() as session:
        submitted: dict[Any, dt.datetime] = {}
        for model in (AuditEvent, ImportedEvent):
            for case_uuid, at, detail in session.execute(
                select(model.case_uuid, model.at, model.detail)
                .join(Case, Case.uuid == model.case_uuid)
                .where(Case.status == SUBMITTED, model.action == _STATUS_CHANGED)
            ):
                if isinstance(detail, dict) and detail.get("to") == SUBMITTED:
                    at = _aware(at)
                    submitted[case_uuid] = max(submitted.get(case_uuid, at), at)
        cases = session.scalars(
            select(Case)
            .where(Case.status == SUBMITTED)
            .options(
                selectinload(Case.returnee),
                selectinload(Case.office),
                selectinload(Case.responses),
            )
        ).all()
        queue = [_queued(counselling, case, submitted.get(case.uuid), budget) for case in cases]
    return tuple(sorted(queue, key=lambda plan: (plan.submitted_at, plan.case_number)))


def _queued(
    counselling: Counselling, case: Case, submitted_at: dt.datetime | None, budget: BudgetSettings
) -> QueuedPlan:
    state = _state(case)
    assessment = counselling.assessment(state, budget)
    plan_done = next((r.completed_at for r in case.responses if r.form_id == "plan"), None)
    ratings: dict[str, int | None] = dict.fromkeys(CRITERIA)
    plan = state.responses.get("plan")
    if plan is not None:
        for criterion in CRITERIA:
            raw = plan.answers.get(f"{criterion}_rating")
            ratings[criterion] = int(raw) if isinstance(raw, str) and raw.isdigit() else None
    return QueuedPlan(
        case_number=case.case_number,
        office_code=case.office.code,
        given_name=case.returnee.given_name if case.returnee else "",
        family_name=case.returnee.family_name if case.returnee else "",
        is_demo=case.is_demo,
        submitted_at=submitted_at or _aware(plan_done or case.updated_at),
        priority=assessment.priority.level,
        score=assessment.priority.score,
        ratings=ratings,
        requested=tuple(assessment.budget.totals.items()),
        requested_eur=assessment.budget.eur_equivalent,
        over_cap=assessment.budget.over_cap,
    )


def plan_review(workspace: Workspace, case_number: str) -> PlanReview:
    """One submitted plan as the reviewer reads it."""
    counselling = Counselling(workspace)
    budget = budget_settings(workspace)
    with workspace.reading() as session:
        case = load_case(
            session, case_number, selectinload(Case.office), selectinload(Case.responses)
        )
        submitted = None
        for model in (AuditEvent, ImportedEvent):
            for at, detail in session.execute(
                select(model.at, model.detail).where(
                    model.case_uuid == case.uuid, model.action == _STATUS_CHANGED
                )
            ):
                if isinstance(detail, dict) and detail.get("to") == SUBMITTED:
                    submitted = max(submitted or _aware(at), _aware(at))
        queued = _queued(counselling, case, submitted, budget)
        state = _state(case)
    assessment = counselling.assessment(state, budget)
    answers: Mapping[str, Any] = {}
    response = state.responses.get("plan")
    if response is not None:
        answers = relevant_answers(counselling.form(state, "plan"), response.answers)
    criteria = tuple(
        CriterionReview(
            criterion,
            CRITERION_LABELS[criterion],
            queued.ratings.get(criterion),
            _text(answers.get(f"{criterion}_reasons")),
        )
        for criterion in CRITERIA
    )
    return PlanReview(
        plan=queued,
        items=plan_items(counselling, state),
        criteria=criteria,
        priority_reasons=assessment.priority.reasons,
        objectives=_text(answers.get("objectives")),
        budget_justification=_text(answers.get("budget_justification")),
        comments=_text(answers.get("counsellor_comments")),
        cap_eur=budget.cap_eur,
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


# --- conflicts in words -------------------------------------------------------------------

FIELD_LABELS = {
    "case.status": N_("Status"),
    "case.country_of_return": N_("Country of return"),
    "case.region_of_return": N_("Region of return"),
    "case.session_language": N_("Language of the session"),
    "given_name": N_("Given name"),
    "family_name": N_("Family name"),
    "native_name": N_("Name in own script"),
    "date_of_birth": N_("Date of birth"),
    "date_of_birth_precision": N_("Date of birth"),
    "sex": N_("Sex"),
    "nationality": N_("Nationality"),
    "position": N_("Order in the household"),
    "relationship_to_returnee": N_("Relationship"),
    "returns_together": N_("Returns together"),
}
RETURNEE = N_("Returnee")
HOUSEHOLD_MEMBER = N_("Household member")
STEP_COMPLETED = N_("Step completed on")
# Fields a person may retype as text when settling a conflict.
_TEXT_FIELDS = frozenset({
    "case.region_of_return", "returnee.given_name", "returnee.family_name",
    "returnee.native_name",
})  # fmt: skip
_MEMBER_TEXT_FIELDS = frozenset({"given_name", "family_name"})


@dataclass(frozen=True)
class ConflictView:
    """A conflict as a person reads it."""

    conflict: Conflict
    field: tuple[str, ...]  # the field's label, in parts from the outside in (translated)
    office: str  # the office's value in words
    hq: str  # HQ's value in words
    editable: bool  # a text a person may retype; other values are settled by keeping a side


def describe_conflict(conflict: Conflict, in_language: str) -> ConflictView:
    """The conflict's field and both values in ``in_language``."""
    path = conflict.field
    parts, kind = _field(path, in_language)
    return ConflictView(
        conflict,
        parts,
        _value(path, kind, conflict.office, in_language),
        _value(path, kind, conflict.hq, in_language),
        _editable(path, kind, conflict),
    )


def _field(path: str, in_language: str) -> tuple[tuple[str, ...], Any]:
    """The label's parts and, for a form's answer, its field definition."""
    pieces = path.split(".")
    if path in FIELD_LABELS:
        return (gettext(FIELD_LABELS[path], in_language),), None
    if pieces[0] == "returnee" and len(pieces) == 2 and pieces[1] in FIELD_LABELS:
        return (gettext(RETURNEE, in_language), gettext(FIELD_LABELS[pieces[1]], in_language)), None
    if pieces[0] == "household" and len(pieces) == 3 and pieces[2] in FIELD_LABELS:
        return (gettext(HOUSEHOLD_MEMBER, in_language),
                gettext(FIELD_LABELS[pieces[2]], in_language)), None  # fmt: skip
    if pieces[0] == "forms" and len(pieces) >= 3:
        form_id = pieces[1]
        step = gettext(STEP_LABELS[form_id], in_language) if form_id in STEP_LABELS else form_id
        if pieces[2] == "answers" and len(pieces) == 4:
            try:
                definition = load_forms().current(form_id).field(pieces[3])
            except KeyError:
                return (step, pieces[3]), None
            return (step, gettext(definition.label, in_language)), definition
        if pieces[2] == "completed_at":
            return (step, gettext(STEP_COMPLETED, in_language)), None
    return (path,), None


def _value(path: str, definition: Any, value: Any, in_language: str) -> str:
    if value is None or value == "":
        return "—"
    if definition is not None and definition.type is not FieldType.REPEAT:
        try:
            return answer_text(definition, value, in_language)
        except (ValueError, TypeError, KeyError, ArithmeticError):
            pass  # an answer the current form would not take: shown as it is
    last = path.rsplit(".", 1)[-1]
    try:
        if path == "case.status":
            return gettext(STATUS_LABELS[CaseStatus(value)], in_language)
        if last == "sex":
            return gettext(SEX_LABELS[Sex(value)], in_language)
        if last == "relationship_to_returnee":
            return gettext(RELATIONSHIP_LABELS[Relationship(value)], in_language)
        if last in ("nationality", "country_of_return") and isinstance(value, str):
            return country_name(value, in_language)
        if last == "session_language" and isinstance(value, str):
            return language(value).native_name
    except (ValueError, KeyError):
        pass
    return _plain(value, in_language)


def _plain(value: Any, in_language: str) -> str:
    if isinstance(value, bool):
        return gettext(YES if value else NO, in_language)
    if isinstance(value, list):
        return "; ".join(_plain(v, in_language) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v, in_language)}" for k, v in value.items()) or "—"
    return str(value)


def _editable(path: str, definition: Any, conflict: Conflict) -> bool:
    if not all(v is None or isinstance(v, str) for v in (conflict.office, conflict.hq)):
        return False
    if path in _TEXT_FIELDS:
        return True
    pieces = path.split(".")
    if pieces[0] == "household" and len(pieces) == 3:
        return pieces[2] in _MEMBER_TEXT_FIELDS
    return definition is not None and definition.type in (FieldType.TEXT, FieldType.LONG_TEXT)


__all__ = [
    "ConflictView",
    "CriterionReview",
    "PlanReview",
    "QueuedPlan",
    "describe_conflict",
    "fingerprint_length",
    "plan_review",
    "review_queue",
    "typed_fingerprint",
]
