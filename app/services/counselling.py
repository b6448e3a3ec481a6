"""The counselling session of one case: answers saved as typed, steps, status, assessment.

The UI keeps the answers of the form on screen and hands the whole document in after each
pause in typing; the service stores it in one transaction with a new revision and an audit
event naming the fields that changed (never their values).
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.accounts import Permission
from app.domain.cases import STATUS_LABELS, CaseStatus, check_transition
from app.domain.decisions import DECISION_STATUSES, DecisionRequired
from app.domain.errors import N_, Msgid
from app.domain.plan import BudgetCheck, Priority, assess_priority, check_budget
from app.domain.session import (
    CONSENT_DECLARATIONS,
    EDITABLE_STATUSES,
    FORM_STEPS,
    SESSION_STATUSES,
    STEP_LABELS,
    CaseLocked,
    ConsentRefused,
    StepIncomplete,
    StepOutOfOrder,
    status_for,
)
from app.formdefs import FormDef, FormRegistry, Money, load_forms, validate
from app.formdefs.values import Problem, relevant_answers, typed
from app.services.cases import CaseRow, case_row, load_case, reindex
from app.services.office import BudgetSettings, budget_settings
from app.services.workspace import Workspace
from app.store import audit
from app.store.models import Case, CounsellingSession, FormResponse
from app.store.types import utcnow

BUDGET_JUSTIFICATION = "budget_justification"


@dataclass(frozen=True)
class ResponseView:
    form_id: str
    form_version: str
    answers: dict[str, Any]
    revision: int
    completed_at: dt.datetime | None
    completed_by: str


@dataclass(frozen=True)
class SessionState:
    case: CaseRow
    case_revision: int
    responses: dict[str, ResponseView]

    def completed(self, form_id: str) -> bool:
        response = self.responses.get(form_id)
        return response is not None and response.completed_at is not None

    @property
    def editable(self) -> bool:
        return self.case.status in EDITABLE_STATUSES

    @property
    def next_step(self) -> str:
        """Where to resume: the first form step not yet completed, else the review."""
        return next((step for step in FORM_STEPS if not self.completed(step)), "review")


@dataclass(frozen=True)
class PlanAssessment:
    priority: Priority
    budget: BudgetCheck
    vulnerabilities: tuple[str, ...]
    rates_date: dt.date | None
    over_cap_explained: bool = False  # a plan above the cap says why


class Counselling:
    """Use cases of the session window and of ``homeward demo``."""

    def __init__(self, workspace: Workspace, forms: FormRegistry | None = None) -> None:
        self.workspace = workspace
        self.forms = forms or load_forms()

    # reading
    def state(self, case_number: str) -> SessionState:
        with self.workspace.reading() as session:
            return self._state(load_case(session, case_number))

    def form(self, state: SessionState, form_id: str) -> FormDef:
        """The definition the case's answers to ``form_id`` follow (current for new ones)."""
        response = state.responses.get(form_id)
        if response is None:
            return self.forms.current(form_id)
        return self.forms.version(form_id, response.form_version)

    def assessment(
        self, state: SessionState, budget_rules: BudgetSettings | None = None
    ) -> PlanAssessment:
        intake = state.responses.get("intake")
        plan = state.responses.get("plan")
        vulnerabilities: tuple[str, ...] = ()
        if intake is not None:
            form = self.form(state, "intake")
            kept = relevant_answers(form, intake.answers)
            if form.has_field("vulnerabilities"):
                vulnerabilities = tuple(
                    typed(form.field("vulnerabilities"), kept.get("vulnerabilities")) or ()
                )
        ratings: dict[str, int | None] = {}
        costs: list[tuple[Decimal, str]] = []
        if plan is not None:
            form = self.form(state, "plan")
            kept = relevant_answers(form, plan.answers)
            for criterion in ("feasibility", "urgency", "motivation"):
                raw = kept.get(f"{criterion}_rating")
                ratings[criterion] = int(raw) if isinstance(raw, str) and raw.isdigit() else None
            if form.has_field("assistance_items"):
                group = form.field("assistance_items")
                for item in typed(group, kept.get("assistance_items")) or []:
                    cost = typed(group.member("estimated_cost"), item.get("estimated_cost"))
                    if isinstance(cost, Money) and cost.currency:
                        costs.append((cost.amount, cost.currency))
        budget = budget_rules or budget_settings(self.workspace)
        justification = plan.answers.get(BUDGET_JUSTIFICATION) if plan is not None else None
        return PlanAssessment(
            assess_priority(ratings, vulnerabilities),
            check_budget(costs, budget.cap_eur, budget.rates_to_eur),
            vulnerabilities,
            budget.rates_date,
            isinstance(justification, str) and bool(justification.strip()),
        )

    # writing
    def save_answers(self, case_number: str, form_id: str, answers: Mapping[str, Any]) -> int:
        """Store the whole answer document of one form; return the case's new revision.

        Saving what is already stored changes nothing (no new revision, no audit event).
        """
        self.workspace.require(Permission.WORK_ON_CASES)
        with self.workspace.transaction() as session:
            case = load_case(session, case_number)
            self._require_editable(case)
            response = self._response(session, case, form_id)
            document = _clean(answers)
            changed = sorted(
                key
                for key in set(document) | set(response.answers)
                if document.get(key) != response.answers.get(key)
            )
            if not changed:
                return case.revision
            response.answers = document
            response.revision += 1
            response.updated_at = case.updated_at = utcnow()
            response.updated_by_id = self.workspace.user.id
            case.revision += 1
            if response.completed_at is not None:
                # A completed step changed: it has to be looked at (and signed) again.
                response.completed_at = None
                response.completed_by_id = None
                self._follow_steps(session, case)
            audit.record(
                session,
                "answers.saved",
                user_id=self.workspace.user.id,
                case=case,
                detail={"form": form_id, "version": response.form_version, "fields": changed},
            )
            if form_id == "intake":
                reindex(session, case)
            return case.revision

    def complete_step(self, case_number: str, form_id: str, today: dt.date | None = None) -> None:
        """Check the form's answers and mark the step done, moving the case on."""
        self.workspace.require(Permission.WORK_ON_CASES)
        budget_rules = budget_settings(self.workspace)  # read before the write begins
        with self.workspace.transaction() as session:
            case = load_case(session, case_number)
            self._require_editable(case)
            position = FORM_STEPS.index(form_id)
            state = self._state(case)
            for previous in FORM_STEPS[:position]:
                if not state.completed(previous):
                    raise StepOutOfOrder(previous=Msgid(STEP_LABELS[previous]))
            response = self._response(session, case, form_id)
            form = self.forms.version(form_id, response.form_version)
            problems = validate(form, response.answers, today or dt.date.today())
            if form_id == "plan":
                problems.update(self._budget_problems(form, state, response.answers, budget_rules))
            if problems:
                raise StepIncomplete(problems, step=Msgid(STEP_LABELS[form_id]))
            if form_id == "consent" and any(
                response.answers.get(name) is not True for name in CONSENT_DECLARATIONS
            ):
                raise ConsentRefused()
            response.completed_at = utcnow()
            response.completed_by_id = self.workspace.user.id
            case.revision += 1
            case.updated_at = utcnow()
            audit.record(
                session,
                "step.completed",
                user_id=self.workspace.user.id,
                case=case,
                detail={"form": form_id, "version": response.form_version},
            )
            self._follow_steps(session, case)

    def change_status(self, case_number: str, target: CaseStatus, reason: str = "") -> CaseRow:
        """Move a case to ``target`` if the programme allows it (e.g. the migrant withdraws).

        Approved and rejected come only with the decision (case_progress.record_decision).
        """
        self.workspace.require(Permission.WORK_ON_CASES)
        if target in DECISION_STATUSES:
            raise DecisionRequired(status=Msgid(STATUS_LABELS[target]))
        with self.workspace.transaction() as session:
            case = load_case(session, case_number)
            self._move(session, case, target, reason)
            return case_row(case)

    def set_session_language(self, case_number: str, language: str) -> None:
        with self.workspace.transaction() as session:
            case = load_case(session, case_number)
            if case.session_language != language:
                case.session_language = language
                case.revision += 1
                audit.record(
                    session,
                    "case.language_changed",
                    user_id=self.workspace.user.id,
                    case=case,
                    detail={"language": language},
                )

    def begin_session(self, case_number: str, counsellor_language: str) -> uuid.UUID:
        """Record that a counsellor sat down with the migrant for this case."""
        with self.workspace.transaction() as session:
            case = load_case(session, case_number)
            sitting = CounsellingSession(
                case=case,
                counsellor_id=self.workspace.user.id,
                counsellor_language=counsellor_language,
                migrant_language=case.session_language,
            )
            session.add(sitting)
            session.flush()
            return sitting.uuid

    def end_session(self, sitting_uuid: uuid.UUID) -> None:
        with self.workspace.transaction() as session:
            sitting = session.scalar(
                select(CounsellingSession).where(CounsellingSession.uuid == sitting_uuid)
            )
            if sitting is not None and sitting.ended_at is None:
                sitting.ended_at = utcnow()

    def _budget_problems(
        self,
        form: FormDef,
        state: SessionState,
        answers: Mapping[str, Any],
        budget_rules: BudgetSettings,
    ) -> dict[str, Problem]:
        """A plan above the cap needs its reasons written down, for HQ and on the paper."""
        if not form.has_field(BUDGET_JUSTIFICATION):
            return {}
        budget = self.assessment(state, budget_rules).budget
        answer = answers.get(BUDGET_JUSTIFICATION)
        if not budget.over_cap or (isinstance(answer, str) and answer.strip()):
            return {}
        return {
            BUDGET_JUSTIFICATION: Problem(
                N_("the plan costs more than the cap of {cap} EUR: say why it is needed"),
                {"cap": budget.cap_eur},
            )
        }

    # helpers
    def _require_editable(self, case: Case) -> None:
        if CaseStatus(case.status) not in EDITABLE_STATUSES:
            raise CaseLocked(case_number=case.case_number, status=case.status)

    def _response(self, session: Session, case: Case, form_id: str) -> FormResponse:
        response = next((r for r in case.responses if r.form_id == form_id), None)
        if response is None:
            form = self.forms.current(form_id)
            response = FormResponse(
                case=case,
                form_id=form_id,
                form_version=form.version,
                form_digest=form.digest,
                answers={},
                revision=0,
            )
            session.add(response)
        return response

    def _follow_steps(self, session: Session, case: Case) -> None:
        """Move the case, one allowed transition at a time, to the status its steps imply."""
        current = CaseStatus(case.status)
        if current not in SESSION_STATUSES:
            return
        done = {r.form_id for r in case.responses if r.completed_at is not None}
        target = SESSION_STATUSES.index(status_for(done))
        position = SESSION_STATUSES.index(current)
        while position != target:
            position += 1 if target > position else -1
            self._move(session, case, SESSION_STATUSES[position])

    def _move(self, session: Session, case: Case, target: CaseStatus, reason: str = "") -> None:
        move_case(session, case, target, self.workspace.user.id, reason)

    def _state(self, case: Case) -> SessionState:
        return SessionState(
            case=case_row(case),
            case_revision=case.revision,
            responses={
                r.form_id: ResponseView(
                    r.form_id,
                    r.form_version,
                    copy.deepcopy(r.answers),
                    r.revision,
                    r.completed_at,
                    r.completed_by.display_name if r.completed_by else "",
                )
                for r in case.responses
            },
        )


def move_case(
    session: Session, case: Case, target: CaseStatus, user_id: int, reason: str = ""
) -> None:
    """Move ``case`` to ``target`` if the programme allows it, with its audit event.

    Shared by the session (steps, withdrawal) and the later steps (app.services.case_progress).
    """
    current = CaseStatus(case.status)
    check_transition(current, target)
    case.status = target.value
    case.revision += 1
    case.updated_at = utcnow()
    audit.record(
        session,
        "case.status_changed",
        user_id=user_id,
        case=case,
        detail={"from": current.value, "to": target.value, "reason_given": bool(reason)},
    ).note = reason


def _clean(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Drop unanswered entries so that 'cleared' and 'never answered' store the same."""
    return {key: value for key, value in answers.items() if value not in (None, "", [], {})}
