"""Translations of Homeward's own strings, and the active interface language.

Catalogs are gettext: ``translations/<lang>/LC_MESSAGES/homeward.mo`` compiled when the
package is built. A source checkout has only the ``.po`` files; they are compiled in memory
then, so developers see their edits without a build step.
"""

from __future__ import annotations

import gettext as _gettext
import io
import re
import unicodedata
from functools import cache

from app.domain.errors import N_, HomewardError, Msgid
from app.i18n.languages import LANGUAGE_CODES, language
from app.resources import resource_dir

DOMAIN = "homeward"
DEFAULT_LANGUAGE = "en"

__all__ = [
    "N_",
    "active_language",
    "fill",
    "gettext",
    "ngettext",
    "set_language",
    "translate_error",
]


@cache
def translations(code: str) -> _gettext.NullTranslations:
    """The catalog of language ``code``; English (the message ids) needs none."""
    if code == DEFAULT_LANGUAGE or code not in LANGUAGE_CODES:
        return _gettext.NullTranslations()
    folder = resource_dir("translations") / code / "LC_MESSAGES"
    compiled = folder / f"{DOMAIN}.mo"
    if compiled.is_file():
        with open(compiled, "rb") as handle:
            return _gettext.GNUTranslations(handle)
    source = folder / f"{DOMAIN}.po"
    if source.is_file():
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with open(source, "rb") as handle:
            catalog = read_po(handle, locale=code)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return _gettext.GNUTranslations(buffer)
    return _gettext.NullTranslations()


class _Active:
    """The interface language; one per process, switched at run time by the UI."""

    code: str = DEFAULT_LANGUAGE


def set_language(code: str) -> None:
    _Active.code = code if code in LANGUAGE_CODES else DEFAULT_LANGUAGE


def active_language() -> str:
    return _Active.code


def gettext(message: str, language: str | None = None) -> str:
    return translations(language or _Active.code).gettext(message)


def ngettext(singular: str, plural: str, count: int, language: str | None = None) -> str:
    return translations(language or _Active.code).ngettext(singular, plural, count)


FSI, PDI = "\u2068", "\u2069"


def fill(template: str, **params: object) -> str:
    """``template.format(**params)`` with values isolated (FSI…PDI, Unicode's bidi isolates)
    where directions can mix: a Latin reason inside an Arabic sentence, or an Arabic name
    inside an English one, keeps its own direction and leaves the punctuation where it is."""
    rtl_interface = language(_Active.code).right_to_left
    return template.format(**{
        key: f"{FSI}{value}{PDI}" if rtl_interface or _has_rtl(str(value)) else value
        for key, value in params.items()
    })  # fmt: skip


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def translate_error(error: HomewardError, language: str | None = None) -> str:
    """The error's message in ``language``, its field problems translated as well."""
    params = {
        key: gettext(value, language) if isinstance(value, Msgid) else value
        for key, value in error.params.items()
    }
    problems = getattr(error, "problems", None)
    if problems and isinstance(next(iter(problems.values())), str):
        params["summary"] = "; ".join(
            _problem_text(field, text, error.params, language) for field, text in problems.items()
        )
    return gettext(error.message_template, language).format(**params)


_MEMBER_FIELD = re.compile(r"^household\[(\d+)\]\.")


def _problem_text(
    field: str, template: str, params: dict[str, object], language: str | None
) -> str:
    problem = gettext(template, language).format(**params)
    member = _MEMBER_FIELD.match(field)
    if member is None:
        return problem
    return gettext("household member {number}: {problem}", language).format(
        number=member.group(1), problem=problem
    )
