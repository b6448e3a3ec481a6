"""After a plan is ready: submitting it, the decision received, implementation, closing.

Who may do what: counsellors move their cases along (submit, start implementation, close,
revise a rejected plan); recording a decision needs ``Permission.REVIEW_CASES`` (supervisors
and administrators), because an approved amount commits the programme's money and a
counsellor should not be the only one to read it off HQ's letter.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from app.domain.accounts import Permission
from app.domain.cases import STATUS_LABELS, CaseStatus, check_transition
from app.domain.errors import N_, HomewardError, InvalidInput, InvalidTransition, Msgid
from app.domain.plan import check_budget

MAX_REASON_LENGTH = 2000
MAX_REFERENCE_LENGTH = 100
MAX_NOTE_LENGTH = 2000
MAX_APPROVED_AMOUNT = Decimal(1_000_000_000)
_CENT = Decimal("0.01")


class DecisionOutcome(enum.StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


OUTCOME_STATUS = {
    DecisionOutcome.APPROVED: CaseStatus.APPROVED,
    DecisionOutcome.REJECTED: CaseStatus.REJECTED,
}
DECISION_STATUSES = frozenset(OUTCOME_STATUS.values())


class DecisionSource(enum.StrEnum):
    PAPER = "paper"  # a letter from HQ, typed in at the office
    HQ = "hq"  # later: decisions that arrive in bundles


SOURCE_LABELS = {DecisionSource.PAPER: N_("paper"), DecisionSource.HQ: N_("headquarters")}


class MoveKind(enum.StrEnum):
    SUBMIT = "submit"
    RECORD_DECISION = "record_decision"
    START_IMPLEMENTATION = "start_implementation"
    REVISE_PLAN = "revise_plan"
    CLOSE = "close"


@dataclass(frozen=True)
class MoveRule:
    kind: MoveKind
    sources: frozenset[CaseStatus]
    targets: tuple[CaseStatus, ...]
    permission: Permission
    label: str  # gettext message id


MOVE_RULES: tuple[MoveRule, ...] = (
    MoveRule(
        MoveKind.SUBMIT,
        frozenset({CaseStatus.READY}),
        (CaseStatus.SUBMITTED,),
        Permission.WORK_ON_CASES,
        N_("Mark as submitted"),
    ),
    MoveRule(
        MoveKind.RECORD_DECISION,
        frozenset({CaseStatus.SUBMITTED}),
        (CaseStatus.APPROVED, CaseStatus.REJECTED),
        Permission.REVIEW_CASES,
        N_("Record decision received…"),
    ),
    MoveRule(
        MoveKind.START_IMPLEMENTATION,
        frozenset({CaseStatus.APPROVED}),
        (CaseStatus.IN_IMPLEMENTATION,),
        Permission.WORK_ON_CASES,
        N_("Start implementation"),
    ),
    # READY -> PLANNING also exists, but there the session's steps move the case themselves.
    MoveRule(
        MoveKind.REVISE_PLAN,
        frozenset({CaseStatus.REJECTED}),
        (CaseStatus.PLANNING,),
        Permission.WORK_ON_CASES,
        N_("Revise the plan"),
    ),
    MoveRule(
        MoveKind.CLOSE,
        frozenset({CaseStatus.IN_IMPLEMENTATION, CaseStatus.REJECTED}),
        (CaseStatus.CLOSED,),
        Permission.WORK_ON_CASES,
        N_("Close case"),
    ),
)
MOVE_RULE = {rule.kind: rule for rule in MOVE_RULES}


def moves_from(current: CaseStatus) -> tuple[MoveRule, ...]:
    """The moves this programme step offers from ``current`` (withdrawal is the session's)."""
    return tuple(rule for rule in MOVE_RULES if current in rule.sources)


def check_move(kind: MoveKind, current: CaseStatus, target: CaseStatus) -> None:
    rule = MOVE_RULE[kind]
    if current not in rule.sources or target not in rule.targets:
        raise InvalidTransition(current=current.value, target=target.value)
    check_transition(current, target)


class NotAwaitingDecision(HomewardError):
    code = "HW065"
    exit_code = 2
    template = N_(
        "Case {case_number} is {status}: a decision can only be recorded for a submitted plan."
    )


class DecisionRequired(HomewardError):
    code = "HW066"
    exit_code = 2
    template = N_("A case becomes {status} only by recording the decision received.")


def not_awaiting_decision(case_number: str, status: CaseStatus) -> NotAwaitingDecision:
    return NotAwaitingDecision(case_number=case_number, status=Msgid(STATUS_LABELS[status]))


@dataclass(frozen=True)
class ApprovedAmount:
    """The amount approved for one assistance item (numbered from 1, as in the plan)."""

    item: int
    amount: Decimal
    currency: str

    def to_json(self) -> dict[str, object]:
        return {
            "item": self.item,
            "amount": format(self.amount.quantize(_CENT), "f"),
            "currency": self.currency,
        }


@dataclass(frozen=True)
class DecisionInput:
    """What a decision letter says. An amount's empty currency means the item's own."""

    outcome: DecisionOutcome
    decided_on: dt.date
    amounts: tuple[ApprovedAmount, ...] = ()
    reason: str = ""
    reference: str = ""


def approved_total_eur(
    amounts: Iterable[ApprovedAmount], rates_to_eur: Mapping[str, Decimal]
) -> Decimal | None:
    """The approved total in EUR with the office's rates (None when a rate is missing)."""
    costs = [(a.amount, a.currency) for a in amounts]
    return check_budget(costs, Decimal(0), rates_to_eur).eur_equivalent


def _items_text(items: Iterable[int]) -> str:
    return ", ".join(str(item) for item in sorted(set(items)))


def validate_decision(
    decision: DecisionInput,
    item_currencies: Mapping[int, str],
    rates_to_eur: Mapping[str, Decimal],
    today: dt.date,
) -> None:
    """Raise InvalidInput naming every problem of ``decision``.

    ``item_currencies`` maps each assistance item of the plan to the currency of its
    requested cost; an approved amount is in that currency or in EUR.
    """
    problems: dict[str, str] = {}
    params: dict[str, object] = {
        "max_reason": MAX_REASON_LENGTH,
        "max_reference": MAX_REFERENCE_LENGTH,
    }
    if decision.decided_on > today:
        problems["decided_on"] = N_("the decision date cannot be in the future")
    reason = decision.reason.strip()
    if decision.outcome is DecisionOutcome.REJECTED and not reason:
        problems["reason"] = N_("give the reason for the rejection")
    elif len(reason) > MAX_REASON_LENGTH:
        problems["reason"] = N_("the reason can have at most {max_reason} characters")
    if len(decision.reference.strip()) > MAX_REFERENCE_LENGTH:
        problems["reference"] = N_("the reference can have at most {max_reference} characters")
    amounts = decision.amounts
    if decision.outcome is DecisionOutcome.REJECTED:
        if amounts:
            problems["amounts"] = N_("a rejection has no approved amounts")
    elif not amounts:
        problems["amounts"] = N_("give the approved amount of at least one assistance item")
    else:
        _amount_problems(amounts, item_currencies, rates_to_eur, problems, params)
    if problems:
        raise InvalidInput(problems, **params)


def _amount_problems(
    amounts: tuple[ApprovedAmount, ...],
    item_currencies: Mapping[int, str],
    rates_to_eur: Mapping[str, Decimal],
    problems: dict[str, str],
    params: dict[str, object],
) -> None:
    seen: set[int] = set()
    unknown, twice, wrong, currency = [], [], [], []
    for amount in amounts:
        if amount.item not in item_currencies:
            unknown.append(amount.item)
            continue
        if amount.item in seen:
            twice.append(amount.item)
        seen.add(amount.item)
        value = amount.amount
        if (
            not value.is_finite()
            or not 0 <= value <= MAX_APPROVED_AMOUNT
            or value != value.quantize(_CENT)
        ):
            wrong.append(amount.item)
        if amount.currency not in {item_currencies[amount.item], "EUR"}:
            currency.append(amount.item)
    if unknown:
        problems["amounts.item"] = N_("the plan has no assistance item {unknown_items}")
        params["unknown_items"] = _items_text(unknown)
    if twice:
        problems["amounts.twice"] = N_("assistance item {twice_items} is given more than once")
        params["twice_items"] = _items_text(twice)
    if wrong:
        problems["amounts.value"] = N_(
            "an approved amount is a number from 0 with at most two decimals "
            "(assistance item {wrong_items})"
        )
        params["wrong_items"] = _items_text(wrong)
    if currency:
        problems["amounts.currency"] = N_(
            "an approved amount is in the currency of the item's cost or in EUR "
            "(assistance item {currency_items})"
        )
        params["currency_items"] = _items_text(currency)
    if not problems:
        missing = sorted({a.currency for a in amounts} - {"EUR"} - set(rates_to_eur))
        if missing:
            problems["amounts.rate"] = N_(
                "there is no exchange rate for {missing_rates}: set it under Budget and "
                "exchange rates, or give the amount in EUR"
            )
            params["missing_rates"] = ", ".join(missing)


def note_problem(note: str) -> str | None:
    if len(note.strip()) > MAX_NOTE_LENGTH:
        return N_("the note can have at most {max_note} characters")
    return None
