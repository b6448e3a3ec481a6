"""Dates that may be known only in part: many returnees know only the year they were born in.

A :class:`PartialDate` is a year, a month of a year, or a day. Its ISO form is "1985",
"1985-06" or "1985-06-14"; it is stored as its first day plus its precision, so sorting by
the stored date still puts 1985 before 1986.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import functools
import re
from dataclasses import dataclass

_ISO = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")


class Precision(enum.StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@functools.total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A year, a month of a year, or a full date; ``month``/``day`` are None when unknown."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs its month")
        # dt.date checks the ranges (year 1..9999, month 1..12, the day in its month).
        dt.date(self.year, self.month or 1, self.day or 1)

    @classmethod
    def of(cls, value: dt.date) -> PartialDate:
        """The full date ``value``."""
        return cls(value.year, value.month, value.day)

    @classmethod
    def parse_iso(cls, text: str) -> PartialDate:
        """Read "1985", "1985-06" or "1985-06-14"; ValueError for anything else."""
        match = _ISO.match(text.strip())
        if match is None:
            raise ValueError(f"not an ISO date, month or year: {text!r}")
        month, day = match["month"], match["day"]
        return cls(int(match["year"]), int(month) if month else None, int(day) if day else None)

    @classmethod
    def stored(cls, earliest: dt.date | None, precision: str | None) -> PartialDate | None:
        """Back from the store's first day and precision (an unknown precision counts as day)."""
        if earliest is None:
            return None
        if precision == Precision.YEAR:
            return cls(earliest.year)
        if precision == Precision.MONTH:
            return cls(earliest.year, earliest.month)
        return cls.of(earliest)

    @property
    def precision(self) -> Precision:
        if self.month is None:
            return Precision.YEAR
        return Precision.MONTH if self.day is None else Precision.DAY

    @property
    def is_full(self) -> bool:
        return self.day is not None

    @property
    def earliest(self) -> dt.date:
        """The first day it can be."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        """The last day it can be."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def as_date(self) -> dt.date | None:
        """The date itself when the day is known, else None."""
        return self.earliest if self.is_full else None

    def isoformat(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def is_after(self, day: dt.date) -> bool:
        """Surely later than ``day``: a year alone is in the future only after this year."""
        return self.earliest > day

    def is_before(self, day: dt.date) -> bool:
        """Surely earlier than ``day``: the year 1899 is before 1900, 1900 is not."""
        return self.latest < day

    def age_on(self, day: dt.date) -> int:
        """Whole years from the first day it can be (a year alone counts from 1 January)."""
        born = self.earliest
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        return self.isoformat()


def as_partial(value: PartialDate | dt.date | None) -> PartialDate | None:
    """A partial date from either kind (a plain date is a full one)."""
    if value is None or isinstance(value, PartialDate):
        return value
    return PartialDate.of(value)
