"""Moving a case on after its plan is ready: submitted, decided, implemented, closed.

Each use case is one transaction with its audit events: the status change is the same
"case.status_changed" event the session writes; a decision adds "decision.recorded" (the
outcome and the approved total, never the amounts per item; the reason in the note).
Decisions come on paper from headquarters for now, so they are typed in at the office.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy.orm import Session, selectinload

from app.domain.accounts import may
from app.domain.cases import CaseStatus
from app.domain.decisions import (
    MAX_NOTE_LENGTH,
    MOVE_RULE,
    OUTCOME_STATUS,
    ApprovedAmount,
    DecisionInput,
    DecisionOutcome,
    DecisionSource,
    MoveKind,
    approved_total_eur,
    check_move,
    moves_from,
    not_awaiting_decision,
    note_problem,
    validate_decision,
)
from app.domain.errors import InvalidInput
from app.formdefs import FieldDef, Money
from app.formdefs.values import relevant_answers, typed
from app.services.cases import CaseRow, case_row, load_case
from app.services.counselling import Counselling, SessionState, move_case
from app.services.office import budget_settings
from app.services.workspace import Workspace
from app.store import audit
from app.store.models import Case, CaseDecision

__all__ = [
    "ApprovedAmount",
    "DecisionForm",
    "DecisionInput",
    "DecisionOutcome",
    "DecisionView",
    "Move",
    "MoveKind",
    "PlanItem",
    "ProgressResult",
    "ProgressState",
    "available_moves",
    "close_case",
    "decision_form",
    "latest_decision",
    "progress_state",
    "record_decision",
    "revise_plan",
    "start_implementation",
    "submit",
]


@dataclass(frozen=True)
class Move:
    """A next step the case can take now; ``permitted`` says whether this user may take it."""

    kind: MoveKind
    targets: tuple[CaseStatus, ...]
    label: str  # gettext message id
    permitted: bool


@dataclass(frozen=True)
class PlanItem:
    """One assistance item of the plan, as the decision form lists it (numbered from 1)."""

    number: int
    assistance_type: str
    type_label: str  # gettext message id ("" when not given)
    description: str
    supplier: str
    requested: Decimal | None
    currency: str  # of the requested cost; EUR when none was given

    @property
    def currencies(self) -> tuple[str, ...]:
        """What an approved amount for this item may be given in."""
        return (self.currency,) if self.currency == "EUR" else (self.currency, "EUR")


@dataclass(frozen=True)
class DecisionView:
    outcome: DecisionOutcome
    decided_on: dt.date
    amounts: tuple[ApprovedAmount, ...]
    approved_total_eur: Decimal | None
    reason: str
    reference: str
    source: DecisionSource
    plan_revision: int | None
    recorded_by: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class ProgressState:
    case: CaseRow
    moves: tuple[Move, ...]
    decision: DecisionView | None


@dataclass(frozen=True)
class ProgressResult:
    case: CaseRow
    previous: CaseStatus
    decision: DecisionView | None = None


@dataclass(frozen=True)
class DecisionForm:
    """What the decision form shows: the plan's items and the office's rates."""

    case: CaseRow
    plan_revision: int | None
    items: tuple[PlanItem, ...]
    rates_to_eur: dict[str, Decimal]
    rates_date: dt.date | None
    cap_eur: Decimal

    def total_eur(self, amounts: Iterable[ApprovedAmount]) -> Decimal | None:
        return approved_total_eur(amounts, self.rates_to_eur)


# reading
def available_moves(workspace: Workspace, case_number: str) -> tuple[Move, ...]:
    with workspace.reading() as session:
        return _moves(workspace, CaseStatus(load_case(session, case_number).status))


def latest_decision(workspace: Workspace, case_number: str) -> DecisionView | None:
    with workspace.reading() as session:
        case = load_case(session, case_number, selectinload(Case.decisions))
        return decision_view(case.decisions[-1]) if case.decisions else None


def progress_state(workspace: Workspace, case_number: str) -> ProgressState:
    """The case, its next moves and its latest decision, read together (for the dialog)."""
    with workspace.reading() as session:
        case = load_case(session, case_number, selectinload(Case.decisions))
        return ProgressState(
            case_row(case),
            _moves(workspace, CaseStatus(case.status)),
            decision_view(case.decisions[-1]) if case.decisions else None,
        )


def decision_form(workspace: Workspace, case_number: str) -> DecisionForm:
    counselling = Counselling(workspace)
    state = counselling.state(case_number)
    budget = budget_settings(workspace)
    return DecisionForm(
        state.case,
        state.responses["plan"].revision if "plan" in state.responses else None,
        plan_items(counselling, state),
        dict(budget.rates_to_eur),
        budget.rates_date,
        budget.cap_eur,
    )


def plan_items(counselling: Counselling, state: SessionState) -> tuple[PlanItem, ...]:
    """The assistance items of the case's plan, as the answers that count give them."""
    response = state.responses.get("plan")
    form = counselling.form(state, "plan")
    if response is None or not form.has_field("assistance_items"):
        return ()
    group = form.field("assistance_items")
    kept = relevant_answers(form, response.answers)
    items = []
    for number, item in enumerate(typed(group, kept.get("assistance_items")) or [], start=1):
        cost = _member_value(group, "estimated_cost", item)
        kind = _member_value(group, "assistance_type", item)
        kind_field = _member(group, "assistance_type")
        money = cost if isinstance(cost, Money) else None
        items.append(
            PlanItem(
                number=number,
                assistance_type=str(kind or ""),
                type_label=kind_field.choice_label(kind) if kind and kind_field else "",
                description=str(_member_value(group, "description", item) or ""),
                supplier=str(_member_value(group, "supplier", item) or ""),
                requested=money.amount if money else None,
                currency=(money.currency if money and money.currency else "EUR"),
            )
        )
    return tuple(items)


# writing
def submit(workspace: Workspace, case_number: str, note: str = "") -> ProgressResult:
    """The plan went to headquarters: the answers are locked from now on."""
    return _simple_move(workspace, case_number, MoveKind.SUBMIT, note)


def start_implementation(workspace: Workspace, case_number: str, note: str = "") -> ProgressResult:
    return _simple_move(workspace, case_number, MoveKind.START_IMPLEMENTATION, note)


def close_case(workspace: Workspace, case_number: str, note: str = "") -> ProgressResult:
    """End a case after implementation, or after a rejection that will not be revised."""
    return _simple_move(workspace, case_number, MoveKind.CLOSE, note)


def revise_plan(workspace: Workspace, case_number: str, note: str = "") -> ProgressResult:
    """A rejected plan goes back to planning; its plan step has to be completed again."""
    return _simple_move(workspace, case_number, MoveKind.REVISE_PLAN, note)


def record_decision(
    workspace: Workspace,
    case_number: str,
    decision: DecisionInput,
    *,
    today: dt.date | None = None,
) -> ProgressResult:
    """Record the decision (at an office: received on paper; at HQ: made here) and move the
    case to approved or rejected."""
    workspace.require(MOVE_RULE[MoveKind.RECORD_DECISION].permission)
    counselling = Counselling(workspace)
    state = counselling.state(case_number)
    if state.case.status is not CaseStatus.SUBMITTED:
        raise not_awaiting_decision(state.case.case_number, state.case.status)
    items = {item.number: item.currency for item in plan_items(counselling, state)}
    amounts = tuple(
        sorted(
            (
                replace(a, currency=a.currency.strip().upper() or items.get(a.item, "EUR"))
                for a in decision.amounts
            ),
            key=lambda a: a.item,
        )
    )
    decision = replace(
        decision,
        amounts=amounts,
        reason=decision.reason.strip(),
        reference=decision.reference.strip(),
    )
    rates = budget_settings(workspace).rates_to_eur
    validate_decision(decision, items, rates, today or dt.date.today())
    approved = decision.outcome is DecisionOutcome.APPROVED
    total = approved_total_eur(amounts, rates) if approved else None
    # At HQ the decision is made here and travels to the office in the next return bundle;
    # at an office it is HQ's letter typed in.
    hq = workspace.installation.role == "hq"
    source = DecisionSource.HQ if hq else DecisionSource.PAPER
    with workspace.transaction() as session:
        case = load_case(session, case_number, selectinload(Case.responses))
        current = CaseStatus(case.status)
        if current is not CaseStatus.SUBMITTED:  # someone else recorded it meanwhile
            raise not_awaiting_decision(case.case_number, current)
        target = OUTCOME_STATUS[decision.outcome]
        check_move(MoveKind.RECORD_DECISION, current, target)
        move_case(session, case, target, workspace.user.id, decision.reason)
        plan = next((r for r in case.responses if r.form_id == "plan"), None)
        record = CaseDecision(
            case=case,
            outcome=decision.outcome.value,
            approved_amounts=[a.to_json() for a in amounts],
            approved_total_eur=format(total, "f") if total is not None else None,
            reason=decision.reason,
            reference=decision.reference,
            decided_on=decision.decided_on,
            source=source.value,
            plan_revision=plan.revision if plan is not None else None,
            recorded_by_id=workspace.user.id,
        )
        session.add(record)
        audit.record(
            session,
            "decision.recorded",
            user_id=workspace.user.id,
            case=case,
            detail={
                "outcome": decision.outcome.value,
                "approved_total_eur": record.approved_total_eur,
                "source": source.value,
            },
        ).note = decision.reason
        session.flush()
        return ProgressResult(case_row(case), current, decision_view(record))


# helpers
def _moves(workspace: Workspace, status: CaseStatus) -> tuple[Move, ...]:
    return tuple(
        Move(rule.kind, rule.targets, rule.label, may(workspace.user.role, rule.permission))
        for rule in moves_from(status)
    )


def _simple_move(
    workspace: Workspace, case_number: str, kind: MoveKind, note: str
) -> ProgressResult:
    rule = MOVE_RULE[kind]
    workspace.require(rule.permission)
    if problem := note_problem(note):
        raise InvalidInput({"note": problem}, max_note=MAX_NOTE_LENGTH)
    with workspace.transaction() as session:
        case = load_case(session, case_number, selectinload(Case.responses))
        current = CaseStatus(case.status)
        target = rule.targets[0]
        check_move(kind, current, target)
        move_case(session, case, target, workspace.user.id, note.strip())
        if kind is MoveKind.REVISE_PLAN:
            _reopen_plan(session, workspace, case)
        return ProgressResult(case_row(case), current)


def _reopen_plan(session: Session, workspace: Workspace, case: Case) -> None:
    plan = next((r for r in case.responses if r.form_id == "plan"), None)
    if plan is None or plan.completed_at is None:
        return
    plan.completed_at = None
    plan.completed_by_id = None
    audit.record(
        session,
        "step.reopened",
        user_id=workspace.user.id,
        case=case,
        detail={"form": "plan", "version": plan.form_version},
    )


def decision_view(record: CaseDecision) -> DecisionView:
    total = record.approved_total_eur
    return DecisionView(
        outcome=DecisionOutcome(record.outcome),
        decided_on=record.decided_on,
        amounts=tuple(
            ApprovedAmount(int(str(a["item"])), Decimal(str(a["amount"])), str(a["currency"]))
            for a in record.approved_amounts
        ),
        approved_total_eur=Decimal(total) if total is not None else None,
        reason=record.reason,
        reference=record.reference,
        source=DecisionSource(record.source),
        plan_revision=record.plan_revision,
        recorded_by=record.recorded_by.display_name if record.recorded_by else "",
        recorded_at=record.recorded_at,
    )


def _member(group: FieldDef, field_id: str) -> FieldDef | None:
    try:
        return group.member(field_id)
    except KeyError:
        return None


def _member_value(group: FieldDef, field_id: str, item: dict[str, object]) -> object:
    member = _member(group, field_id)
    return typed(member, item.get(field_id)) if member is not None else None
