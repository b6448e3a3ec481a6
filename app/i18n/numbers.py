"""Reading numbers as people type them in their language: "1,500.50", "1 500,50", "١٥٠٠"."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale

from app.i18n.languages import babel_locale

_SPACES = re.compile(r"[\s'\u00a0\u202f\u2009]")
_PLAIN = re.compile(r"^\d+(\.\d+)?$")


@cache
def _decimal_symbol(language: str) -> str:
    locale = Locale.parse(babel_locale(language))
    symbol = locale.number_symbols.get("latn", {}).get("decimal", ".")
    return symbol if symbol in ".," else "."


def parse_number(text: str, language: str) -> Decimal | None:
    """The number in ``text``, or None if it is not clearly one.

    Group separators must group by three ("1,500" is fifteen hundred in English, but "1,5"
    is refused rather than guessed), digits of any script are accepted, and the Arabic
    decimal separator counts as a decimal point.
    """
    digits = (
        "".join(str(unicodedata.digit(char)) if char.isdigit() else char for char in text.strip())
        .replace("\u066b", ".")
        .replace("\u066c", "")
    )
    digits = _SPACES.sub("", digits)
    if not digits:
        return None
    point = "." if "\u066b" in text else _decimal_symbol(language)
    group = "," if point == "." else "."
    whole, _sep, fraction = digits.partition(point)
    if group in fraction:
        return None
    parts = whole.split(group)
    if len(parts) > 1 and (not parts[0] or any(len(part) != 3 for part in parts[1:])):
        return None
    plain = "".join(parts) + (f".{fraction}" if fraction else "")
    if not _PLAIN.match(plain):
        return None
    try:
        return Decimal(plain)
    except InvalidOperation:
        return None


@cache
def known_currencies() -> frozenset[str]:
    """Every ISO 4217 code CLDR knows (the office may set a rate for any of them)."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies())
