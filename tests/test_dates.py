"""Dates known in part, read as people type them in their language, and checked in forms."""

import datetime as dt

import pytest

from app.domain.dates import PartialDate, Precision
from app.domain.errors import InvalidInput
from app.domain.people import NewCaseInput, PersonInput, Sex, validate_new_case
from app.formdefs import FieldType, FormDefinitionError, load_form
from app.formdefs.expressions import parse
from app.formdefs.values import check_answer, lookup_in, to_json, typed
from app.i18n.dates import date_order, entry_text, parse_date_text, partial_date_text
from app.i18n.languages import LANGUAGE_CODES
from app.services.answers import answer_text

TODAY = dt.date(2026, 11, 25)


def test_iso_forms_and_precision():
    assert PartialDate.parse_iso("1985") == PartialDate(1985)
    assert PartialDate.parse_iso("1985-06") == PartialDate(1985, 6)
    assert PartialDate.parse_iso(" 1985-06-14 ") == PartialDate(1985, 6, 14)
    for text in ("1985", "1985-06", "1985-06-14"):
        assert PartialDate.parse_iso(text).isoformat() == text
    assert [PartialDate.parse_iso(t).precision for t in ("1985", "1985-06", "1985-06-14")] == [
        Precision.YEAR, Precision.MONTH, Precision.DAY,
    ]  # fmt: skip
    for wrong in ("85", "1985-6", "1985-13", "1985-02-30", "1985/06/14", "19850614", ""):
        with pytest.raises(ValueError):
            PartialDate.parse_iso(wrong)
    with pytest.raises(ValueError):
        PartialDate(1985, None, 14)  # a day without its month


def test_first_and_last_day_and_the_store():
    assert PartialDate(1984).earliest == dt.date(1984, 1, 1)
    assert PartialDate(1984).latest == dt.date(1984, 12, 31)
    assert PartialDate(1984, 2).latest == dt.date(1984, 2, 29)
    assert PartialDate(1984, 2, 3).earliest == PartialDate(1984, 2, 3).latest
    assert PartialDate.stored(dt.date(1984, 1, 1), "year") == PartialDate(1984)
    assert PartialDate.stored(dt.date(1984, 6, 1), "month") == PartialDate(1984, 6)
    assert PartialDate.stored(dt.date(1984, 6, 9), "day") == PartialDate(1984, 6, 9)
    assert PartialDate.stored(None, "day") is None
    assert PartialDate(1984, 6) < PartialDate(1984, 6, 1) < PartialDate(1984, 7) < PartialDate(1985)


def test_future_and_before_1900_are_right_for_a_year_or_month_alone():
    assert not PartialDate(2026).is_after(TODAY)  # this year: may well be past
    assert PartialDate(2027).is_after(TODAY)
    assert not PartialDate(2026, 11).is_after(TODAY)
    assert PartialDate(2026, 12).is_after(TODAY)
    assert PartialDate(2026, 11, 26).is_after(TODAY)
    assert PartialDate(1899).is_before(dt.date(1900, 1, 1))
    assert not PartialDate(1900).is_before(dt.date(1900, 1, 1))
    assert PartialDate(1985).age_on(TODAY) == 41


def _person(born) -> NewCaseInput:
    return NewCaseInput(
        returnee=PersonInput("An", "Nguyen", born, Sex.MALE),
        nationality="VN",
        country_of_return="VN",
        region_of_return="",
        session_language="vi",
    )


def test_a_returnee_born_this_year_or_in_1900_passes_but_not_next_year_or_1899():
    def check(born):
        validate_new_case(_person(born), today=TODAY, known_countries=frozenset({"VN"}),
                          known_languages=frozenset({"vi"}))  # fmt: skip

    check(PartialDate(2026))
    check(PartialDate(1900))
    check(dt.date(1990, 5, 1))  # a plain date is a full one
    assert _person(dt.date(1990, 5, 1)).returnee.date_of_birth == PartialDate(1990, 5, 1)
    for wrong, message in ((PartialDate(2027), "in the future"), (PartialDate(1899), "1900")):
        with pytest.raises(InvalidInput, match=message):
            check(wrong)


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "14/06/1985", PartialDate(1985, 6, 14)),
        ("en", "14.6.1985", PartialDate(1985, 6, 14)),
        ("en", "14-06-1985", PartialDate(1985, 6, 14)),
        ("en", "14 06 1985", PartialDate(1985, 6, 14)),
        ("en", "14061985", PartialDate(1985, 6, 14)),
        ("en", "1985-06-14", PartialDate(1985, 6, 14)),  # ISO is read in every language
        ("en", "1985", PartialDate(1985)),
        ("en", "06/1985", PartialDate(1985, 6)),
        ("en", "1985-06", PartialDate(1985, 6)),
        ("en", "June 1985", PartialDate(1985, 6)),
        ("en", "14 June 1985", PartialDate(1985, 6, 14)),
        ("en", "14 jun. 1985", PartialDate(1985, 6, 14)),
        ("fr", "14/06/1985", PartialDate(1985, 6, 14)),
        ("fr", "01/02/1985", PartialDate(1985, 2, 1)),  # day first: 1 February
        ("fr", "14 juin 1985", PartialDate(1985, 6, 14)),
        ("ru", "14.06.1985", PartialDate(1985, 6, 14)),
        ("ru", "14 июня 1985", PartialDate(1985, 6, 14)),
        ("vi", "14/6/1985", PartialDate(1985, 6, 14)),
        ("vi", "6/1985", PartialDate(1985, 6)),
        ("ar", "١٤/٠٦/١٩٨٥", PartialDate(1985, 6, 14)),  # Arabic-Indic digits
        ("ar", "14\u200f/6\u200f/1985", PartialDate(1985, 6, 14)),  # as CLDR writes it
        ("ar", "١٩٨٥", PartialDate(1985)),
        ("fa", "۱۹۸۵/۰۶/۱۴", PartialDate(1985, 6, 14)),  # year first, Persian digits
        ("fa", "14/06/1985", PartialDate(1985, 6, 14)),  # the year last is still the year
        ("ps", "1985/6", PartialDate(1985, 6)),
        ("sk", "14. 6. 1985", PartialDate(1985, 6, 14)),
    ],
)
def test_typed_dates_in_the_order_of_the_language(language, text, expected):
    assert parse_date_text(text, language) == expected


@pytest.mark.parametrize(
    "text", ["", "14/06/85", "31/02/1985", "14/13/1985", "abc", "1985 1986", "14/06/1985/2",
             "June July 1985", "12345"],
)  # fmt: skip
def test_what_is_not_clearly_a_date_is_refused(text):
    assert parse_date_text(text, "en") is None


def test_each_language_reads_back_what_it_writes():
    assert date_order("en") == "dmy" and date_order("fa") == "ymd"
    assert entry_text(PartialDate(1985, 6, 14), "en") == "14/06/1985"
    assert entry_text(PartialDate(1985, 6, 14), "ru") == "14.06.1985"
    assert entry_text(PartialDate(1985, 6, 14), "ps") == "1985/06/14"
    assert entry_text(PartialDate(1985, 6), "en") == "06/1985"
    assert entry_text(PartialDate(1985), "ar") == "1985"
    for language in LANGUAGE_CODES:
        for value in (PartialDate(1985, 6, 14), PartialDate(2001, 12), PartialDate(1950)):
            assert parse_date_text(entry_text(value, language), language) == value


def test_dates_in_words():
    assert partial_date_text(PartialDate(1985, 6, 14), "en", "long") == "14 June 1985"
    assert partial_date_text(PartialDate(1985, 6), "en") == "June 1985"
    assert partial_date_text(PartialDate(1985, 6), "fr") == "juin 1985"
    assert partial_date_text(PartialDate(1985), "vi") == "1985"


FORM = """
id = "sample"
version = "1"
title = "Sample"

[[section]]
id = "main"
title = "Main"

[[field]]
id = "born"
section = "main"
type = "date"
label = "Born"
partial = true
not_in_future = true

[[field]]
id = "signed"
section = "main"
type = "date"
label = "Signed"
default = "today"

[[field]]
id = "adult_question"
section = "main"
type = "text"
label = "Asked of adults"
relevant = "age(born) >= 18"
"""


def _form(tmp_path, text=FORM):
    path = tmp_path / "sample.toml"
    path.write_text(text, encoding="utf-8")
    return load_form(path)


def test_form_options_partial_and_default(tmp_path):
    form = _form(tmp_path)
    born, signed = form.field("born"), form.field("signed")
    assert born.type is FieldType.DATE and born.partial and not signed.partial
    assert signed.default == "today" and born.default == ""
    wrong = [
        (FORM.replace('default = "today"', 'default = "yesterday"'), "unknown default"),
        (FORM.replace("partial = true", 'partial = "yes"'), "true or false"),
        (FORM.replace('label = "Asked of adults"', 'label = "x"\npartial = true'),
         "does not apply to a text field"),
        (FORM.replace('label = "Asked of adults"', 'label = "x"\ndefault = "today"'),
         "does not apply to a text field"),
    ]  # fmt: skip
    for text, message in wrong:
        with pytest.raises(FormDefinitionError, match=message):
            _form(tmp_path, text)


def test_partial_answers_are_typed_and_checked(tmp_path):
    form = _form(tmp_path)
    born, signed = form.field("born"), form.field("signed")
    assert typed(born, "1985") == PartialDate(1985)
    assert typed(born, "1985-06-14") == PartialDate(1985, 6, 14)
    assert typed(signed, "2026-11-25") == dt.date(2026, 11, 25)  # a full date stays a date
    assert typed(signed, "2026") is None
    assert to_json(born, PartialDate(1985, 6)) == "1985-06"
    assert check_answer(born, "1985", TODAY) is None
    assert check_answer(born, "2026", TODAY) is None
    assert check_answer(born, "2027", TODAY).template == "the date cannot be in the future"
    problem = check_answer(signed, "2026-11", TODAY)
    assert problem is not None and problem.format() == "give the full date: day, month and year"
    assert check_answer(signed, "someday", TODAY).template == "this answer cannot be read"
    # conditions and printouts read a year alone too
    adult = parse("age(born) >= 18")
    assert adult.evaluate(lookup_in(form, {"born": "1985"}))
    assert not adult.evaluate(lookup_in(form, {"born": str(dt.date.today().year - 2)}))
    assert answer_text(born, "1985-06", "en") == "June 1985"
    assert answer_text(born, "1985", "en") == "1985"
    assert answer_text(signed, "2026-11-25", "en") == "25 Nov 2026"


def test_shipped_consent_dates_the_declaration_today_and_keeps_its_old_version():
    from app.formdefs import load_forms

    forms = load_forms()
    current = forms.current("consent")
    assert current.field("consent_date").default == "today"
    old = forms.version("consent", "2026.1")
    assert old.version == "2026.1" and old.field("consent_date").default == ""
    assert old.digest != current.digest
