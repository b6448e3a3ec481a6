"""Judging a reintegration plan: its priority when resources are limited, and its budget.

The programme's published rules: (1) feasibility, (2) urgency of need, with priority for
returns to war-, conflict- or disaster-affected areas and for vulnerable persons (seriously
ill, unaccompanied minors, single parents, large families), (3) motivation. The score below
makes those rules explicit and explainable: every point added comes with its reason.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from app.domain.errors import N_

RATING_RANGE = range(1, 6)
CRITERIA = ("feasibility", "urgency", "motivation")
CRITERION_LABELS = {
    "feasibility": N_("Feasibility"),
    "urgency": N_("Urgency of need"),
    "motivation": N_("Motivation"),
}

# Vulnerabilities named in the programme's priority rule, and others the intake records.
PRIORITY_VULNERABILITIES: dict[str, str] = {
    "serious_illness": N_("Serious illness"),
    "unaccompanied_minor": N_("Unaccompanied minor"),
    "single_parent": N_("Single parent"),
    "large_family": N_("Large family"),
    "conflict_area": N_("Return to a war-, conflict- or disaster-affected area"),
}
OTHER_VULNERABILITIES: dict[str, str] = {
    "disability": N_("Disability"),
    "trafficking_victim": N_("Victim of trafficking"),
    "elderly": N_("Older person"),
    "pregnancy": N_("Pregnancy"),
    "violence_survivor": N_("Survivor of violence"),
}
PRIORITY_VULNERABILITY_POINTS = 3
OTHER_VULNERABILITY_POINTS = 1
MAX_VULNERABILITY_POINTS = 9
HIGH_FROM = 20
MEDIUM_FROM = 13


class PriorityLevel(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


PRIORITY_LABELS = {
    PriorityLevel.HIGH: N_("High priority"),
    PriorityLevel.MEDIUM: N_("Medium priority"),
    PriorityLevel.LOW: N_("Low priority"),
}


@dataclass(frozen=True)
class Reason:
    """One line of the explanation: a gettext template, its parameters, the points."""

    template: str
    params: Mapping[str, object]
    points: int


@dataclass(frozen=True)
class Priority:
    level: PriorityLevel | None  # None until all three criteria are rated
    score: int
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...] = ()


def assess_priority(ratings: Mapping[str, int | None], vulnerabilities: Iterable[str]) -> Priority:
    """Urgency counts double; each vulnerability adds points, up to a cap."""
    reasons: list[Reason] = []
    missing = tuple(c for c in CRITERIA if ratings.get(c) not in RATING_RANGE)
    score = 0
    for criterion in CRITERIA:
        rating = ratings.get(criterion)
        if rating not in RATING_RANGE:
            continue
        points = rating * (2 if criterion == "urgency" else 1)
        score += points
        reasons.append(
            Reason(
                N_("{criterion} rated {rating} of 5"),
                {"criterion": CRITERION_LABELS[criterion], "rating": rating},
                points,
            )
        )
    bonus = 0
    for code in dict.fromkeys(vulnerabilities):
        if code in PRIORITY_VULNERABILITIES:
            label, points = PRIORITY_VULNERABILITIES[code], PRIORITY_VULNERABILITY_POINTS
        elif code in OTHER_VULNERABILITIES:
            label, points = OTHER_VULNERABILITIES[code], OTHER_VULNERABILITY_POINTS
        else:
            continue
        points = min(points, MAX_VULNERABILITY_POINTS - bonus)
        bonus += points
        reasons.append(
            Reason(N_("Vulnerable situation: {situation}"), {"situation": label}, points)
        )
    score += bonus
    if missing:
        return Priority(None, score, tuple(reasons), missing)
    if score >= HIGH_FROM:
        level = PriorityLevel.HIGH
    elif score >= MEDIUM_FROM:
        level = PriorityLevel.MEDIUM
    else:
        level = PriorityLevel.LOW
    return Priority(level, score, tuple(reasons))


@dataclass(frozen=True)
class BudgetCheck:
    totals: dict[str, Decimal]  # per currency, in the order first used
    eur_equivalent: Decimal | None  # None when a currency has no rate
    cap_eur: Decimal
    missing_rates: tuple[str, ...] = field(default=())

    @property
    def over_cap(self) -> bool:
        return self.eur_equivalent is not None and self.eur_equivalent > self.cap_eur

    @property
    def remaining_eur(self) -> Decimal | None:
        return None if self.eur_equivalent is None else self.cap_eur - self.eur_equivalent


def check_budget(
    costs: Iterable[tuple[Decimal, str]], cap_eur: Decimal, rates_to_eur: Mapping[str, Decimal]
) -> BudgetCheck:
    """Totals per currency and, where every currency has a rate, the EUR-equivalent."""
    totals: dict[str, Decimal] = {}
    for amount, currency in costs:
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    missing = tuple(c for c in totals if c != "EUR" and c not in rates_to_eur)
    equivalent = None
    if not missing:
        equivalent = sum(
            (
                total * (Decimal(1) if c == "EUR" else rates_to_eur[c])
                for c, total in totals.items()
            ),
            Decimal(0),
        ).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return BudgetCheck(totals, equivalent, cap_eur, missing)
