"""Numbers in people's languages: read as typed ("1,500.50", "1 500,50", "١٥٠٠") and
written for reading (counts, amounts, percentages), each in the language's own locale."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale
from babel.lists import format_list
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_minus_sign_symbol,
    get_plus_sign_symbol,
)

from app.i18n.languages import LANGUAGE_CODES, babel_locale

# The digits Homeward writes each language in (a CLDR numbering system), chosen once here.
# Latin digits (0-9) for every language:
# - CLDR's default is Latin already for ar (the language without a country; ar_EG, ar_SA,
#   ar_IQ would be Arabic-Indic) and ur, and for every non-Arabic-script language.
# - fa and ps default to Extended Arabic-Indic digits in CLDR (۱۲۳), but Babel never writes
#   those digits (asked for that system it swaps only the separators: "1٬510٫00"), writes
#   dates in 0-9 whatever the system, and the catalogs translate "{rating} of 5" and the
#   rating choices with Latin digits: another system would mix two kinds of digits in one
#   column. The window shows Latin digits too (Babel's default), so paper and screen agree.
# Typing digits of any script stays accepted (:func:`parse_number`).
NUMBERING_SYSTEMS: dict[str, str] = {code: "latn" for code in sorted(LANGUAGE_CODES)}
# Languages whose choice above differs from CLDR's default numbering system, on purpose.
NOT_CLDR_DEFAULT_DIGITS = frozenset({"fa", "ps"})

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


def numbering_system(language: str) -> str:
    """The digits ``language`` is written in (see :data:`NUMBERING_SYSTEMS`)."""
    return NUMBERING_SYSTEMS.get(language, "latn")


def number_text(value: int | Decimal, language: str) -> str:
    """A count, score or revision as ``language`` writes it: "1,234" (en), "1 234" (fr)."""
    return format_decimal(
        value, locale=babel_locale(language), numbering_system=numbering_system(language)
    )


def signed_text(value: int | Decimal, language: str) -> str:
    """A number with its sign always written, in ``language``'s own signs: "+3" in English;
    in Arabic script a left-to-right mark keeps the sign left of the digits ("\u200e+3")."""
    locale, system = babel_locale(language), numbering_system(language)
    sign = get_minus_sign_symbol if value < 0 else get_plus_sign_symbol
    return sign(locale, numbering_system=system) + number_text(abs(value), language)


def money_text(amount: Decimal, currency: str, language: str) -> str:
    """An amount as ``language`` writes it: "€1,510.00" (en), "1 510,00 €" (fr)."""
    return format_currency(
        amount, currency, locale=babel_locale(language), numbering_system=numbering_system(language)
    )


def percent_text(fraction: Decimal | float, language: str) -> str:
    """A share as ``language`` writes it: 0.25 is "25%" (en), "25 %" (fr)."""
    return format_percent(
        fraction, locale=babel_locale(language), numbering_system=numbering_system(language)
    )


def list_text(items: list[str], language: str) -> str:
    """Items joined the way ``language`` lists them: "a, b and c", "a, b și c", "a وb"."""
    if len(items) < 2:
        return "".join(items)
    return format_list(items, locale=babel_locale(language))
