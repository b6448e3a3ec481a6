"""Dates, countries and enumerations shown in the active interface language."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_datetime

from app.domain.dates import PartialDate
from app.i18n import active_language
from app.i18n import gettext as _
from app.i18n.dates import partial_date_text
from app.i18n.languages import babel_locale, country_name, language


def format_locale() -> str:
    return babel_locale(active_language())


def date_text(value: PartialDate | dt.date | None) -> str:
    """A date, or a month or year alone ("June 1985", "1985") when that is all that is known."""
    if value is None:
        return _("unknown")
    if isinstance(value, PartialDate):
        return partial_date_text(value, active_language())
    return format_date(value, "medium", locale=format_locale())


def datetime_text(value: dt.datetime) -> str:
    return format_datetime(value.astimezone(), "medium", locale=format_locale())


def country_text(code: str) -> str:
    return country_name(code, active_language()) if code else ""


def language_text(code: str) -> str:
    try:
        return language(code).native_name
    except KeyError:
        return code
