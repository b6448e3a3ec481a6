"""The languages Homeward speaks: code, script and writing direction."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from babel import Locale


@dataclass(frozen=True)
class Language:
    code: str
    script: str  # ISO 15924
    forms: bool  # the counselling forms are translated, not only the interface

    @property
    def right_to_left(self) -> bool:
        return self.script == "Arab"

    @property
    def direction(self) -> str:
        return "rtl" if self.right_to_left else "ltr"

    @property
    def native_name(self) -> str:
        """Written out here rather than read from CLDR: the case list and the language menu
        need every endonym at start-up, and loading fifteen locales for them costs a quarter
        of a second (a test checks the table against CLDR)."""
        return ENDONYMS[self.code]

    @property
    def english_name(self) -> str:
        return language_name(self.code, "en")


ENDONYMS = {
    "en": "English", "ru": "Русский", "uk": "Українська", "vi": "Tiếng Việt", "ka": "ქართული",
    "ro": "Română", "sq": "Shqip", "az": "Azərbaycan", "ar": "العربية", "fa": "دری",
    "ps": "پښتو", "ur": "اردو", "es": "Español", "fr": "Français", "sk": "Slovenčina",
}  # fmt: skip

LANGUAGES: tuple[Language, ...] = (
    Language("en", "Latn", True),
    Language("ru", "Cyrl", True),
    Language("uk", "Cyrl", True),
    Language("vi", "Latn", True),
    Language("ka", "Geor", True),
    Language("ro", "Latn", True),
    Language("sq", "Latn", True),
    Language("az", "Latn", True),
    Language("ar", "Arab", True),
    Language("fa", "Arab", True),
    Language("ps", "Arab", True),
    Language("ur", "Arab", True),
    Language("es", "Latn", True),
    Language("fr", "Latn", True),
    Language("sk", "Latn", False),
)
LANGUAGE_CODES: frozenset[str] = frozenset(language.code for language in LANGUAGES)
FORM_LANGUAGE_CODES: frozenset[str] = frozenset(lang.code for lang in LANGUAGES if lang.forms)


def language(code: str) -> Language:
    for candidate in LANGUAGES:
        if candidate.code == code:
            return candidate
    raise KeyError(code)


def babel_locale(code: str) -> str:
    """The Babel locale to format in: offices outside the US read English dates day first
    ("18 May 2004"), so English formats as en_GB."""
    return "en_GB" if code == "en" else code


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@cache
def language_name(code: str, in_language: str) -> str:
    """The name of language ``code`` written in ``in_language``.

    "fa" is the Dari spoken by Afghan returnees, so it takes CLDR's name for fa_AF.
    """
    key = "fa_AF" if code == "fa" else code
    name = _locale(in_language).languages.get(key, code)
    # Names of languages are lower case in many languages, but a picker lists them as
    # titles. Georgian has no case: its capitals (Mtavruli) are not used that way.
    if language(in_language).script in {"Latn", "Cyrl"}:
        name = name[:1].upper() + name[1:]
    return name


_NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO"})


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166 alpha-2 codes Babel can name (Kosovo's XK included)."""
    territories = _locale("en").territories
    return frozenset(
        code
        for code in territories
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


def country_name(code: str, in_language: str) -> str:
    return _locale(in_language).territories.get(code, code)
