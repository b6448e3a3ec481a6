"""Every number, amount and date on a printed form is written in its own column's locale.

The migrant's language is printed in black, the office's in grey under it; the PDF's text is
split by that colour, so each column is checked on its own: the Romanian column holds
"1.510,00 EUR" and "1 mai 1990", the English one "€1,510.00" and "1 May 1990", and no
British-English number, amount or date slips into the Romanian or the Arabic column.
"""

import ctypes
import datetime as dt
import re
from collections import Counter
from decimal import Decimal

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, get_plus_sign_symbol

from app.config import load_settings, save_settings
from app.domain.dates import PartialDate
from app.domain.people import HouseholdMemberInput, Relationship, Sex
from app.i18n import gettext
from app.i18n.dates import date_text
from app.i18n.languages import LANGUAGE_CODES
from app.i18n.numbers import (
    NOT_CLDR_DEFAULT_DIGITS,
    NUMBERING_SYSTEMS,
    list_text,
    money_text,
    number_text,
    percent_text,
    signed_text,
)
from app.services.cases import CaseRegister
from app.services.counselling import Counselling
from app.services.printing import PrintForm, Printing
from test_counselling import CONSENT, INTAKE, plan
from test_services import new_case

PRINTED = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
GREY = (0x55, 0x55, 0x55)
_MARKS = re.compile("[\u200e\u200f\u061c\u2066-\u2069]")
ENGLISH_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\b")
# What only British English writes: a currency before its digits ("€1,510.00", "SYP3,333"),
# English month names, and 25/11/2026 (Arabic's day/month/year reads 2026/11/25 from the
# left, its marks putting each part right to left).
EN_GB_ANYWHERE = {
    "amount with its currency first": re.compile(r"(?:[€£$]|\b[A-Z]{3})\d"),
    "English month": ENGLISH_MONTH,
    "dd/mm/yyyy date": re.compile(r"\b\d{2}/\d{2}/\d{4}\b"),
}
# ...and, where the locale groups and separates otherwise, "1,510" and "1510.00".
EN_GB_SEPARATORS = {
    "comma grouping": re.compile(r"\d,\d{3}(?!\d)"),
    "decimal point": re.compile(r"\d\.\d{2}(?!\d)"),
}


def _normalised(text: str) -> str:
    return _MARKS.sub("", text).replace("\xa0", " ").replace("\u202f", " ").replace("\r", "")


def columns(pdf: bytes) -> list[tuple[str, str]]:
    """Per page, (the migrant's column, the office's column): black (or red) text, grey text."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for page in document:
            text_page = page.get_textpage()
            parts: dict[bool, list[str]] = {True: [], False: []}
            rgba = [ctypes.c_uint() for _ in range(4)]
            for index in range(text_page.count_chars()):
                pdfium_c.FPDFText_GetFillColor(text_page.raw, index, *rgba)
                grey = tuple(channel.value for channel in rgba[:3]) == GREY
                parts[not grey].append(text_page.get_text_range(index, 1))
            pages.append((_normalised("".join(parts[True])), _normalised("".join(parts[False]))))
    finally:
        document.close()
    return pages


def _numbers(text: str) -> Counter:
    return Counter(re.findall(r"\d(?:[\d.,]*\d)?", text))


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[\s\d.,:/·()+\-–]+", text) if word]


def in_line(expected: str, column: str) -> bool:
    """Whether one line of ``column`` holds ``expected``. Right-to-left lines come out of the
    PDF in drawing order, so there the numbers and words are compared, not their order."""
    expected = _normalised(expected)
    if expected in column:
        return True
    numbers, words = _numbers(expected), _words(expected)
    return any(
        not numbers - _numbers(line) and all(word in line for word in words)
        for line in column.splitlines()
    )


@pytest.fixture
def printed(workspace, monkeypatch):
    """A case in ``language`` with costs in EUR and SYP above the cap, a household member
    born on a known day and one born in a known month, rendered as ``form``."""
    monkeypatch.setattr("app.services.printing.utcnow", lambda: PRINTED)

    def render(language: str, form: PrintForm, office: str = "en") -> tuple[bytes, int]:
        save_settings(
            workspace.paths, {**load_settings(workspace.paths), "office_language": office}
        )
        household = (
            HouseholdMemberInput("Ana", "Rusu", PartialDate(2015, 3, 14), Sex.FEMALE,
                                 Relationship.CHILD),
            HouseholdMemberInput("Ion", "Rusu", PartialDate(2012, 7), Sex.MALE,
                                 Relationship.CHILD),
        )  # fmt: skip
        case = new_case(given="Ion", family="Rusu", country="MD", language=language,
                        region="Orhei", household=household)  # fmt: skip
        number = CaseRegister(workspace).open_case(case).case_number
        counselling = Counselling(workspace)
        counselling.save_answers(number, "consent", CONSENT)
        counselling.save_answers(number, "intake", {**INTAKE, "dependants_count": 3})
        counselling.save_answers(number, "plan", plan(("1510", "EUR"), ("3333333", "SYP")))
        result = Printing(workspace).render(number, form, language)
        return result.pdf, result.plan_revision

    return render


def expected(code: str, revision: int) -> dict[str, str]:
    """What a column in ``code`` must show, written by Babel and the catalogs directly."""
    locale = "en_GB" if code == "en" else code

    def money(amount: str, currency: str) -> str:
        return format_currency(Decimal(amount), currency, locale=locale)

    printed = format_date(PRINTED.date(), "medium", locale=locale)
    # 3,333,333 SYP at the indicative 0.000066 is 220.00 EUR: 1,730.00 EUR in all.
    return {
        "cost in EUR": money("1510", "EUR"),
        "cost in SYP": money("3333333", "SYP"),
        "totals": format_list([money("1510", "EUR"), money("3333333", "SYP")], locale=locale),
        "total in EUR": money("1730.00", "EUR"),
        "returnee's date of birth": format_date(dt.date(1990, 5, 1), "medium", locale=locale),
        "member's date of birth": format_date(dt.date(2015, 3, 14), "medium", locale=locale),
        "member's month of birth": format_skeleton("yMMMM", dt.date(2012, 7, 1), locale=locale),
        "printed": gettext("Printed {date}", code).format(date=printed),
        "plan revision": gettext("Plan revision {revision}", code).format(
            revision=format_decimal(revision, locale=locale)
        ),
    }


PLAN_ONLY = {"member's date of birth", "member's month of birth", "totals"}


def plan_expected(code: str, revision: int) -> dict[str, str]:
    values = {k: v for k, v in expected(code, revision).items() if k not in PLAN_ONLY}
    locale = "en_GB" if code == "en" else code
    cap = format_currency(Decimal(1500), "EUR", locale=locale)
    values["cap"] = gettext("The plan is above the cap of {cap} per returnee.", code).format(
        cap=cap
    )
    values["rating"] = (
        gettext("{criterion} rated {rating} of 5", code).format(
            criterion=gettext("Motivation", code), rating=format_decimal(5, locale=locale)
        )
        + f" ({get_plus_sign_symbol(locale)}{format_decimal(5, locale=locale)})"
    )
    # feasibility 4 + urgency 4 × 2 + motivation 5 + two vulnerabilities × 3
    high, item = gettext("High priority", code), gettext("Assistance item", code)
    values["priority"] = f"{high} ({format_decimal(23, locale=locale)})"
    values["item"] = f"{item} {format_decimal(2, locale=locale)}"
    return values


def check_columns(pdf: bytes, want_migrant: dict, want_office: dict, migrant_rtl: bool) -> None:
    pages = columns(pdf)
    migrant = "\n".join(page[0] for page in pages)
    office = "\n".join(page[1] for page in pages)
    for what, text in want_migrant.items():
        assert in_line(text, migrant), f"{what} {text!r} not in the migrant's column"
    for what, text in want_office.items():
        if text == want_migrant.get(what):
            continue  # written alike in both ("1 mai 1990" in ro and fr): printed once
        assert in_line(text, office), f"{what} {text!r} not in the office's column"
    # Nothing British in the migrant's column, on any page (the case number and the names
    # hold no such pattern).
    patterns = EN_GB_ANYWHERE if migrant_rtl else {**EN_GB_ANYWHERE, **EN_GB_SEPARATORS}
    for number, (column, _office) in enumerate(pages, start=1):
        for what, pattern in patterns.items():
            found = pattern.search(column)
            assert found is None, f"page {number}: {what} {found and found.group()!r}"
        assert "Printed" not in column and "Plan revision" not in column


@pytest.mark.parametrize("form", [PrintForm.REQUEST, PrintForm.PLAN])
def test_romanian_column_uses_romanian_numbers_amounts_and_dates(printed, form):
    pdf, revision = printed("ro", form)
    want = expected if form is PrintForm.REQUEST else plan_expected
    ro, en = want("ro", revision), want("en", revision)
    check_columns(pdf, ro, en, migrant_rtl=False)
    text = "\n".join(migrant for migrant, _office in columns(pdf))
    # Written out, so that a change of Babel's data is seen here first.
    assert "1.510,00 EUR și 3.333.333 SYP" in text and "1 mai 1990" in text
    assert ("14 mar. 2015" in text and "iulie 2012" in text) or form is PrintForm.PLAN
    assert "Imprimat la 25 nov. 2026" in text
    english = "\n".join(office for _migrant, office in columns(pdf))
    assert "€1,510.00 and SYP3,333,333" in english and "1 May 1990" in english
    assert "Printed 25 Nov 2026" in english


@pytest.mark.parametrize("form", [PrintForm.REQUEST, PrintForm.PLAN])
def test_arabic_column_uses_arabic_amounts_and_dates(printed, form):
    pdf, revision = printed("ar", form)
    want = expected if form is PrintForm.REQUEST else plan_expected
    check_columns(pdf, want("ar", revision), want("en", revision), migrant_rtl=True)
    text = "\n".join(migrant for migrant, _office in columns(pdf))
    assert "ل.س" in text and "SYP" not in text  # the Syrian pound by its Arabic symbol
    # 1 May 1990 in Arabic's medium form, day/month/year read from the right.
    assert "1990/05/01" in text


def test_office_in_french_under_romanian(printed):
    """Neither column is English: the office's column follows the office's language."""
    pdf, revision = printed("ro", PrintForm.REQUEST, office="fr")
    fr = expected("fr", revision)
    check_columns(pdf, expected("ro", revision), fr, migrant_rtl=False)
    french = "\n".join(office for _migrant, office in columns(pdf))
    assert "1 510,00 € et 3 333 333 SYP" in french and "Imprimé le 25 nov. 2026" in french
    for what, pattern in {**EN_GB_ANYWHERE, **EN_GB_SEPARATORS}.items():
        found = pattern.search(french)
        assert found is None, f"{what} {found and found.group()!r} in the French column"


def test_one_choice_of_digits_per_language():
    assert set(NUMBERING_SYSTEMS) == set(LANGUAGE_CODES)
    from babel import Locale

    for code, system in NUMBERING_SYSTEMS.items():
        default = Locale.parse("en_GB" if code == "en" else code).default_numbering_system
        assert (system == default) != (code in NOT_CLDR_DEFAULT_DIGITS), code
    # Latin digits in every language, with each locale's own separators and symbols.
    assert number_text(1234567, "fr") == "1\u202f234\u202f567"
    assert number_text(1234567, "ro") == "1.234.567"
    assert number_text(1234567, "ar") == "1,234,567"
    assert number_text(1234567, "fa") == "1,234,567"
    assert money_text(Decimal("1510"), "EUR", "fr") == "1\u202f510,00\xa0€"
    assert money_text(Decimal("1510"), "EUR", "en") == "€1,510.00"
    assert money_text(Decimal("1510"), "EUR", "ar") == "\u200f1,510.00\xa0€"
    assert percent_text(Decimal("0.25"), "fr") == "25\xa0%"
    assert percent_text(Decimal("0.25"), "en") == "25%"
    # Arabic script marks its sign left to right, so "(+3)" stays "(+3)" in a right-to-left line.
    assert signed_text(3, "en") == "+3" and signed_text(3, "ar") == "\u200e+3"
    assert signed_text(-1234, "ro") == "-1.234"
    assert list_text(["a", "b", "c"], "ro") == "a, b și c"
    assert list_text(["a"], "ro") == "a"


def test_dates_in_each_locale_including_partial_ones():
    day = dt.date(1985, 6, 14)
    assert date_text(day, "en") == "14 Jun 1985"
    assert date_text(day, "ro") == "14 iun. 1985"
    assert date_text(day, "ar") == "14\u200f/06\u200f/1985"
    assert date_text(PartialDate(1985, 6), "ru") == "июнь 1985\u202fг."
    assert date_text(PartialDate(1985, 6), "vi") == "tháng 6 năm 1985"
    assert date_text(PartialDate(1985), "fr") == "1985"


def test_an_amount_in_two_locales_stays_together_when_a_row_splits():
    from app.printing.document import Bilingual, Grid
    from app.printing.fonts import register_fonts
    from app.printing.render import _grid, _Page

    register_fonts()
    cost = Bilingual("200,00 €", "€200.00")
    header = Bilingual("Cost estimat", "Estimated cost")
    grid = Grid((header, header), (("Medical examinations. " * 30, cost),), (0.7, 0.3))
    # A page lower than the row: the row must break (between lines of the description).
    table = _grid(grid, _Page(400, 150, rtl=False))
    table.wrap(400, 10_000)
    parts = table.split(400, table._rowHeights[0] + 3 + 4 + 16 * 3)
    assert len(parts) == 2
    first, rest = parts

    def texts(part) -> list[str]:
        cell = part._cellvalues[-1][1]
        pieces = [p for flowable in cell for p in getattr(flowable, "parts", [flowable])]
        return [p.text for p in pieces if hasattr(p, "text")]

    # The description is divided between the pages; the cost's two lines stay together.
    both = ["200,00 €", "€200.00"]
    assert (texts(first) == both and "200,00 €" not in texts(rest)) or (
        texts(rest) == both and "200,00 €" not in texts(first)
    )
