"""Erasing a case: why it may be erased, and which cases the retention period has reached.

An erased case leaves a tombstone (its UUID and number, who erased it, when and why) so an
old bundle cannot bring it back; everything that could name the returnee goes.
"""

from __future__ import annotations

import datetime as dt
import enum

from app.domain.cases import CaseStatus
from app.domain.errors import N_


class ErasureReason(enum.StrEnum):
    REQUEST = "request"  # the returnee asked for their data to be erased
    RETENTION = "retention"  # the office's retention period has passed
    MISTAKE = "mistake"  # opened by mistake, or twice


ERASURE_REASON_LABELS: dict[ErasureReason, str] = {
    ErasureReason.REQUEST: N_("The returnee asked for erasure"),
    ErasureReason.RETENTION: N_("The retention period has passed"),
    ErasureReason.MISTAKE: N_("Opened by mistake or twice"),
}

# Only a case that has ended is kept for a retention period and then erased; an open case
# is never purged however old its last change.
ENDED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.WITHDRAWN})
DEFAULT_RETENTION_YEARS = 5
RETENTION_YEARS = range(1, 51)


def retention_years_problem(years: int) -> str | None:
    if years not in RETENTION_YEARS:
        return N_("the retention period is 1 to 50 years")
    return None


def retention_cutoff(today: dt.date, years: int) -> dt.date:
    """Ended cases last changed before this day are due for erasure."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)
