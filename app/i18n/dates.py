"""Dates as people type and read them in their language: "14/06/1985", "14.06.1985",
"1985/6/14", "06/1985", "1985", "١٤/٦/١٩٨٥" - and the same dates written out in words.

The order of day, month and year comes from the language's short date pattern in CLDR
(through Babel). A year is always typed with four digits, so it can stand anywhere; a
two-digit year is refused rather than guessed (is "25" 1925 or 2025?).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache

from babel import Locale
from babel.dates import format_date, format_skeleton

from app.domain.dates import PartialDate, as_partial
from app.i18n.languages import babel_locale

# Bidi marks CLDR puts into Arabic patterns, and that an input method may add.
_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_SEPARATORS = re.compile(r"[\s./\-,\u060c\u060d]+")
_PATTERN_FIELDS = re.compile(r"[dMyLG]+")


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(babel_locale(language))


@cache
def date_order(language: str) -> str:
    """How ``language`` writes a date in numbers: "dmy", "mdy" or "ymd"."""
    pattern = _locale(language).date_formats["short"].pattern
    positions = {letter: pattern.find(letter) for letter in "dMy"}
    if min(positions.values()) < 0:
        return "dmy"
    return "".join(sorted("dmy", key=lambda part: positions["M" if part == "m" else part]))


@cache
def date_separator(language: str) -> str:
    """The separator between day, month and year in ``language``'s short dates."""
    pattern = _MARKS.sub("", _locale(language).date_formats["short"].pattern).replace("'", "")
    pieces = [piece for piece in _PATTERN_FIELDS.split(pattern) if piece]
    return pieces[0] if pieces else "/"


@cache
def _month_names(language: str) -> dict[str, int]:
    locale = _locale(language)
    names: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in locale.months[context][width].items():
                names.setdefault(_MARKS.sub("", name).casefold().rstrip("."), number)
    return names


def _normalised(text: str) -> str:
    """Digits of any script as 0-9, bidi marks dropped."""
    text = _MARKS.sub("", text)
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text).strip()


def _build(year: str, month: str | int | None = None, day: str | None = None) -> PartialDate | None:
    if len(year) != 4 or (isinstance(month, str) and len(month) > 2) or (day and len(day) > 2):
        return None
    try:
        return PartialDate(int(year), int(month) if month else None, int(day) if day else None)
    except ValueError:
        return None


def _numeric(parts: list[str], order: str) -> PartialDate | None:
    if len(parts) == 1:
        (only,) = parts
        if len(only) == 4:
            return _build(only)
        if len(only) == 8:  # typed without separators
            if order == "ymd":
                return _build(only[:4], only[4:6], only[6:])
            if order == "mdy":
                return _build(only[4:], only[:2], only[2:4])
            return _build(only[4:], only[2:4], only[:2])
        return None
    if len(parts) == 2:
        first, second = parts
        if len(first) == 4 and len(second) <= 2:
            return _build(first, second)
        if len(second) == 4 and len(first) <= 2:
            return _build(second, first)
        return None
    if len(parts) == 3:
        if len(parts[0]) == 4:  # ISO order is read in every language
            return _build(parts[0], parts[1], parts[2])
        day, month = (parts[1], parts[0]) if order == "mdy" else (parts[0], parts[1])
        return _build(parts[2], month, day)
    return None


def parse_date_text(text: str, language: str) -> PartialDate | None:
    """The date, month or year in ``text`` as typed in ``language``; None if unreadable.

    Separators may be ".", "/", "-" or spaces; month names of the language are understood.
    """
    parts = [part for part in _SEPARATORS.split(_normalised(text)) if part]
    words = [part for part in parts if not part.isdigit()]
    if not words:
        return _numeric(parts, date_order(language))
    if len(words) != 1:
        return None
    month = _month_names(language).get(words[0].casefold())
    numbers = [part for part in parts if part.isdigit()]
    years = [number for number in numbers if len(number) == 4]
    days = [number for number in numbers if len(number) <= 2]
    if month is None or len(years) != 1 or len(days) > 1 or len(numbers) != len(years + days):
        return None
    return _build(years[0], month, days[0] if days else None)


def entry_text(value: PartialDate, language: str) -> str:
    """``value`` in numbers, the way :func:`parse_date_text` reads it back."""
    order, separator = date_order(language), date_separator(language)
    fields = {"d": f"{value.day:02d}" if value.day else "", "y": f"{value.year:04d}"}
    fields["m"] = f"{value.month:02d}" if value.month else ""
    return separator.join(fields[part] for part in order if fields[part]).strip()


def partial_date_text(value: PartialDate, language: str, width: str = "medium") -> str:
    """A date as people read it: "14 Jun 1985" (``width`` as Babel's), "June 1985", "1985"."""
    locale = babel_locale(language)
    if value.day is not None:
        return format_date(value.earliest, width, locale=locale)
    if value.month is not None:
        return format_skeleton("yMMMM", value.earliest, locale=locale)
    return str(value.year)


def date_text(value: dt.date | PartialDate, language: str, width: str = "medium") -> str:
    """A day, or a date known in part, as ``language`` reads it, in its own locale.

    Printed forms use the "medium" width in every column: "14 Jun 1985" (en), "14 iun. 1985"
    (ro), "14‏/06‏/1985" (ar, read right to left), so one paper has one style of date.
    Babel writes the digits 0-9, as :data:`app.i18n.numbers.NUMBERING_SYSTEMS` chooses.
    """
    partial = as_partial(value)
    assert partial is not None
    return partial_date_text(partial, language, width)
