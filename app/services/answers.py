"""Answers as people read them, in a given language: the review screen and the printouts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from app.domain.dates import PartialDate
from app.domain.errors import N_
from app.formdefs import FieldDef, FieldType, Money
from app.formdefs.values import typed
from app.i18n import gettext
from app.i18n.dates import partial_date_text
from app.i18n.languages import babel_locale, language
from app.printing.marks import directional, joined

YES, NO = N_("Yes"), N_("No")


def money_text(amount: Decimal, currency: str, language: str) -> str:
    return format_currency(amount, currency, locale=babel_locale(language))


def answer_text(field: FieldDef, raw: Any, language: str) -> str:
    """One answer in ``language``; free text stays as it was typed."""
    value = typed(field, raw)
    if value is None:
        return "—"
    match field.type:
        case FieldType.MONEY:
            assert isinstance(value, Money)
            return money_text(value.amount, value.currency, language)
        case FieldType.DATE:
            if isinstance(value, PartialDate):
                return partial_date_text(value, language)
            return format_date(value, "medium", locale=babel_locale(language))
        case FieldType.YES_NO:
            return gettext(YES if value else NO, language)
        case FieldType.CHOICE:
            return gettext(field.choice_label(value), language)
        case FieldType.MULTI_CHOICE:
            return ", ".join(gettext(field.choice_label(v), language) for v in value)
        case FieldType.INTEGER:
            return format_decimal(value, locale=babel_locale(language))
    return str(value)


def bilingual_answer(field: FieldDef, raw: Any, migrant: str, office: str) -> str:
    """Choices and yes/no in both languages (the migrant's first); other answers once."""
    first = answer_text(field, raw, migrant)
    if field.type not in (FieldType.CHOICE, FieldType.MULTI_CHOICE, FieldType.YES_NO):
        return first
    second = answer_text(field, raw, office)
    if first == second:
        return first
    # Each language's piece isolated, so "متوسط / moderate" is never resolved as one phrase.
    return directional(joined([first, second], " / "), language(migrant).right_to_left)
