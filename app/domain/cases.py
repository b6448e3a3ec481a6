"""A case: its number, its status and the moves between statuses."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from app.domain.errors import N_, InvalidTransition
from app.domain.text import control_problem

CASE_NUMBER_DIGITS = 5
_CASE_NUMBER = re.compile(r"^(?P<office>[A-Z]{2,8})-(?P<year>\d{4})-(?P<seq>\d{5,9})$")
_OFFICE_CODE = re.compile(r"^[A-Z]{2,8}$")


class CaseStatus(enum.StrEnum):
    INTAKE = "intake"
    PLANNING = "planning"
    READY = "ready"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    IN_IMPLEMENTATION = "in_implementation"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


STATUS_LABELS: dict[CaseStatus, str] = {
    CaseStatus.INTAKE: N_("Intake"),
    CaseStatus.PLANNING: N_("Planning"),
    CaseStatus.READY: N_("Ready"),
    CaseStatus.SUBMITTED: N_("Submitted"),
    CaseStatus.APPROVED: N_("Approved"),
    CaseStatus.REJECTED: N_("Rejected"),
    CaseStatus.IN_IMPLEMENTATION: N_("In implementation"),
    CaseStatus.CLOSED: N_("Closed"),
    CaseStatus.WITHDRAWN: N_("Withdrawn"),
}

# The migrant may opt out at any time before departure, i.e. until the plan is being
# implemented; after that a case ends by being closed.
_TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.INTAKE: frozenset({CaseStatus.PLANNING, CaseStatus.WITHDRAWN}),
    CaseStatus.PLANNING: frozenset({CaseStatus.INTAKE, CaseStatus.READY, CaseStatus.WITHDRAWN}),
    CaseStatus.READY: frozenset({CaseStatus.PLANNING, CaseStatus.SUBMITTED, CaseStatus.WITHDRAWN}),
    CaseStatus.SUBMITTED: frozenset(
        {CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN}
    ),
    CaseStatus.APPROVED: frozenset({CaseStatus.IN_IMPLEMENTATION, CaseStatus.WITHDRAWN}),
    CaseStatus.REJECTED: frozenset({CaseStatus.PLANNING, CaseStatus.CLOSED}),
    CaseStatus.IN_IMPLEMENTATION: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
    CaseStatus.WITHDRAWN: frozenset(),
}


def allowed_transitions(current: CaseStatus) -> frozenset[CaseStatus]:
    return _TRANSITIONS[current]


def check_transition(current: CaseStatus, target: CaseStatus) -> None:
    if target not in _TRANSITIONS[current]:
        raise InvalidTransition(current=current.value, target=target.value)


def office_code_problem(code: str) -> str | None:
    if not _OFFICE_CODE.match(code):
        return N_("the office code is 2 to 8 capital letters A-Z, e.g. SK")
    return None


def office_name_problem(name: str) -> str | None:
    if not name.strip() or len(name) > 200:
        return N_("the office name is required (at most 200 characters)")
    return control_problem(name)


@dataclass(frozen=True, order=True)
class CaseNumber:
    """Human-readable, unique per office: ``SK-2026-00042``."""

    office: str
    year: int
    sequence: int

    def __str__(self) -> str:
        return f"{self.office}-{self.year:04d}-{self.sequence:0{CASE_NUMBER_DIGITS}d}"

    @classmethod
    def parse(cls, text: str) -> CaseNumber | None:
        if len(text) > 64:  # nothing that long is a case number; refuse before parsing
            return None
        match = _CASE_NUMBER.match(text.strip().upper())
        if not match:
            return None
        return cls(match["office"], int(match["year"]), int(match["seq"]))
