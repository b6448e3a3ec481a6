"""Every catalog is complete, not fuzzy, and keeps the placeholders of its message ids;
the template matches what the code and the forms say today."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.i18n import translations
from app.i18n.catalogs import completeness
from app.i18n.languages import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "translations"
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
CODES = [language.code for language in LANGUAGES if language.code != "en"]


def read(path, locale=None):
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def from_forms(message):
    return all(path.startswith("forms/") for path, _line in message.locations)


def test_template_is_up_to_date(tmp_path):
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
         "translations/babel.cfg", "-k", "N_", "-k", "_", "-o", str(fresh), "app", "forms"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    ids = {m.id for m in read(fresh) if m.id}
    committed = {m.id for m in read(CATALOGS / "homeward.pot") if m.id}
    assert ids == committed, "run scripts/update-translations"


@pytest.mark.parametrize("code", CODES)
def test_catalog_is_complete_and_keeps_placeholders(code):
    language = next(lang for lang in LANGUAGES if lang.code == code)
    template = read(CATALOGS / "homeward.pot")
    catalog = read(CATALOGS / code / "LC_MESSAGES" / "homeward.po", code)
    problems = []
    for wanted in template:
        if not wanted.id or (not language.forms and from_forms(wanted)):
            continue
        message = catalog.get(wanted.id)
        if message is None:
            problems.append(f"missing: {wanted.id!r}")
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {wanted.id!r}")
        ids = wanted.id if isinstance(wanted.id, tuple) else (wanted.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            if not string.strip():
                problems.append(f"empty: {wanted.id!r}")
            elif set(PLACEHOLDER.findall(string)) != expected:
                problems.append(f"placeholders differ: {wanted.id!r} -> {string!r}")
    assert problems == [], "\n".join(problems[:20])


def test_catalogs_load_and_translate():
    assert translations("ar").gettext("Case number") != "Case number"
    assert translations("en").gettext("Case number") == "Case number"


@pytest.mark.parametrize("code", [lang.code for lang in LANGUAGES if lang.forms])
def test_form_languages_report_complete(code):
    ui, forms = completeness(code)
    assert ui.translated == ui.total > 100
    assert forms.translated == forms.total > 100


# Babel's extractor does not look inside f-strings: a message written there is never offered
# to translators and stays English in every language. (``_(variable)`` is fine: the message
# itself is marked where it is written.)
_MARKED_IN_FSTRING = re.compile(r"""\bf(["']).*\{[^}]*\b(_|N_|ngettext)\(\s*["']""")


def test_no_message_is_marked_inside_an_f_string():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "app").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _MARKED_IN_FSTRING.search(line)
    ]
    assert found == [], "move these _() calls out of the f-strings: " + ", ".join(found)
