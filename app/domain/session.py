"""The steps of a counselling session and what each needs before the next one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.domain.cases import CaseStatus
from app.domain.errors import N_, HomewardError

STEPS: tuple[str, ...] = ("consent", "intake", "plan", "review")
FORM_STEPS: tuple[str, ...] = ("consent", "intake", "plan")
STEP_LABELS = {
    "consent": N_("Consent"),
    "intake": N_("Part 1: profile intake"),
    "plan": N_("Part 2: reintegration plan"),
    "review": N_("Review"),
}
# The migrant must say yes to each of these before the session goes on.
CONSENT_DECLARATIONS: tuple[str, ...] = (
    "information_received",
    "voluntary_return_declaration",
    "data_processing_consent",
)
# Statuses in which the answers may still change; afterwards the plan is with HQ.
EDITABLE_STATUSES = frozenset({CaseStatus.INTAKE, CaseStatus.PLANNING, CaseStatus.READY})
# While the answers can change, the status follows the completed steps.
SESSION_STATUSES: tuple[CaseStatus, ...] = (
    CaseStatus.INTAKE,
    CaseStatus.PLANNING,
    CaseStatus.READY,
)


def status_for(completed: set[str]) -> CaseStatus:
    """Intake until consent and intake are done, planning until the plan is, then ready."""
    if set(FORM_STEPS) <= completed:
        return CaseStatus.READY
    if {"consent", "intake"} <= completed:
        return CaseStatus.PLANNING
    return CaseStatus.INTAKE


class CaseLocked(HomewardError):
    code = "HW041"
    exit_code = 2
    template = N_("Case {case_number} is {status}: its answers can no longer be changed.")


class StepIncomplete(HomewardError):
    """The step has unanswered or wrong answers; ``problems`` maps field paths to problems
    (objects with ``format(translate)``, from the form engine)."""

    code = "HW042"
    exit_code = 2
    template = N_("{step} is not complete yet: {count} answer(s) need attention.")

    def __init__(self, problems: Mapping[str, Any], **params: object) -> None:
        self.problems = dict(problems)
        super().__init__(None, count=len(problems), **params)


class ConsentRefused(HomewardError):
    code = "HW043"
    exit_code = 2
    template = N_(
        "The session cannot go on without the returnee's consent and declaration of voluntariness."
    )


class StepOutOfOrder(HomewardError):
    code = "HW044"
    exit_code = 2
    template = N_("Complete {previous} first.")
