"""Random and mutated input against the parsers that read what people and files hand us:
each either gives a value or refuses in Homeward's own terms; never a traceback, never a hang.
(hypothesis; each test bounded in examples and time.)"""

import contextlib
import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli.parser import parse_arguments
from app.domain.cases import CaseNumber
from app.domain.errors import StoreUnreadable
from app.formdefs import FormDefinitionError, load_form
from app.formdefs.expressions import ExpressionError, parse
from app.i18n.dates import parse_date_text
from app.i18n.numbers import parse_number
from app.store.keyring import Keyring

FAST = settings(max_examples=150, deadline=2000,
                suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
LANGUAGES = ["en", "ar", "fa", "ru", "vi", "ka", "ro", "fr"]
EDGES = st.sampled_from("\x00\x1b\u202e٫٬,.-/ 0123456789")
HOSTILE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | EDGES, max_size=80)


@FAST
@given(text=HOSTILE_TEXT, language=st.sampled_from(LANGUAGES))
def test_numbers_and_dates_typed_by_people(text, language):
    number = parse_number(text, language)
    assert number is None or number.is_finite()
    date = parse_date_text(text, language)
    assert date is None or 1 <= date.year <= 9999
    assert CaseNumber.parse(text) is None or str(CaseNumber.parse(text)).count("-") == 2


SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@FAST
@given(
    document=JSON, junk=st.binary(max_size=60), mode=st.sampled_from(["json", "mutate", "bytes"])
)
def test_key_ring_files(installed, document, junk, mode):
    path = installed.keyring
    good = path.read_bytes()
    try:
        if mode == "json":
            path.write_text(json.dumps(document))
        elif mode == "mutate":
            cut = len(junk) % len(good)
            path.write_bytes(good[:cut] + junk + good[cut + len(junk) :])
        else:
            path.write_bytes(junk)
        with contextlib.suppress(StoreUnreadable):
            Keyring.load(path)
    finally:
        path.write_bytes(good)


FORM = """id = "fuzz"
version = "1"
title = "Fuzz"

[[section]]
id = "main"
title = "Main"

[[field]]
id = "name"
section = "main"
type = "text"
label = "Name"
pattern = "[A-Z].*"
max_length = 40

[[field]]
id = "count"
section = "main"
type = "integer"
label = "Count"
min = 0
max = 20
relevant = "answered(name) and name != 'x'"
"""


@FAST
@given(position=st.integers(0, len(FORM)), cut=st.integers(0, 12),
       insert=st.text(alphabet=string.printable + "[]{}\\\"'()=-", max_size=30))  # fmt: skip
def test_mutated_form_definitions(tmp_path_factory, position, cut, insert):
    path = tmp_path_factory.mktemp("forms") / "fuzz.toml"
    path.write_text(FORM[:position] + insert + FORM[position + cut :], encoding="utf-8")
    with contextlib.suppress(FormDefinitionError):
        load_form(path)


@FAST
@given(source=st.text(alphabet=string.printable + "ـآ", max_size=120))
def test_conditions(source):
    with contextlib.suppress(ExpressionError):
        parse(source)


@FAST
@given(argv=st.lists(st.sampled_from(
    ["cases", "case", "print", "demo", "status", "users", "office", "audit", "verify", "--limit",
     "--json", "--cases", "--form", "request", "--out", "x.pdf", "--rate", "USD=1e999",
     "--search", "-5", "10" * 30, "\x1b[2J", "--data-dir", "/dev/null", "add", "--role"]
), max_size=6))  # fmt: skip
def test_command_line_arguments(argv):
    try:
        parse_arguments(argv)
    except SystemExit as stop:
        assert stop.code in (0, 2)


@pytest.mark.parametrize("text", ["1" * 5000, "٫" * 50, "1e99999999", "-0", "+ 1 2"])
def test_known_edges(text):
    number = parse_number(text, "en")
    assert number is None or number.is_finite()
