"""Printed forms: right-to-left order, HarfBuzz shaping, page flow, fonts, the audit trail."""

import re
import shutil
import subprocess

import pypdfium2 as pdfium
import pytest
import uharfbuzz as hb
from sqlalchemy import select

from app.printing.bidi import visual_runs
from app.printing.fonts import ARABIC, font_name, register_fonts
from app.printing.text import BidiParagraph, shape_line
from app.resources import fonts_dir
from app.services.cases import CaseRegister
from app.services.counselling import Counselling
from app.services.printing import PrintForm, Printing
from app.store.models import AuditEvent
from test_counselling import CONSENT, INTAKE, plan
from test_services import new_case


def pdf_text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def test_right_to_left_runs_keep_numbers_and_latin_in_order():
    # A grouped number stays one left-to-right run inside right-to-left text.
    runs = visual_runs("مبلغ 1,500.50 EUR برای تجهیزات")
    assert [(r.text, r.rtl) for r in runs] == [
        (" برای تجهیزات", True), ("EUR", False), (" ", True), ("1,500.50", False),
        ("مبلغ ", True),
    ]  # fmt: skip
    # Latin inside Arabic inside Latin: each keeps its own order.
    assert [r.text for r in visual_runs("Name: محمد (Kabul)")] == ["Name: ", "محمد", " (Kabul)"]
    # A right-to-left phrase with numbers inside an English line stays one phrase (UAX #9
    # W2/I2): read from the right it is "پاڼه 1 له 2 څخه".
    assert [r.text for r in visual_runs("SK · پاڼه 1 له 2 څخه · Page")] == [
        "SK · ", " څخه", "2", " له ", "1", "پاڼه ", " · Page",
    ]  # fmt: skip
    assert [r.rtl for r in visual_runs("Nguyễn Văn Hùng")] == [False]
    # Bracket pairs (N0) go with the words inside them.
    assert [(r.text, r.rtl) for r in visual_runs("يعمل مع Ali (Mohammed) هنا")] == [
        (" هنا", True), ("Ali (Mohammed)", False), ("يعمل مع ", True),
    ]  # fmt: skip
    assert [(r.text, r.rtl) for r in visual_runs("Brother: محمد (أحمد)")] == [
        ("Brother: ", False), ("محمد (أحمد)", True),
    ]  # fmt: skip
    assert visual_runs("(متن)") == [type(visual_runs("x")[0])("(متن)", True)]


def _glyph_names(text: str) -> list[str]:
    blob = hb.Blob.from_file_path(str(fonts_dir() / "NotoNaskhArabic-Regular.ttf"))
    font = hb.Font(hb.Face(blob))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer)
    return [font.glyph_to_string(info.codepoint) for info in buffer.glyph_infos]


def test_arabic_script_is_shaped_with_contextual_forms():
    register_fonts()
    # HarfBuzz turns "محمد" into initial meem, medial hah, medial meem and final dal, in
    # visual order (the isolated forms would be FEE1, FEA1, FEE1, FEA9)...
    assert _glyph_names("محمد") == ["uniFEAA", "uniFEE4", "uniFEA4", "uniFEE3"]
    # ...and what is drawn is those shaped glyphs, not the four isolated letters.
    for text in ("محمد احمدی", "ښځه ګلالۍ", "اسم العائلة"):
        pieces = shape_line(text, 12, False, True)
        assert all(p.font == font_name(ARABIC, False) for p in pieces)
        drawn = "".join(str(p.text) for p in pieces)
        assert drawn != text  # substituted glyphs are drawn through other code points
        assert any(0xE000 <= ord(c) <= 0xF8FF or 0xFE70 <= ord(c) <= 0xFEFF for c in drawn)


def test_georgian_and_vietnamese_need_no_substitution_but_their_fonts():
    georgian = shape_line("გიორგი ბერიძე", 12, False, False)
    assert [p.font for p in georgian] == [font_name("NotoSansGeorgian", False)]
    vietnamese = shape_line("Nguyễn Văn Hùng", 12, False, False)
    assert [p.font for p in vietnamese] == [font_name("NotoSans", False)]


def test_long_text_splits_between_lines():
    paragraph = BidiParagraph(" ".join(["کلمه"] * 400), 11)
    _width, height = paragraph.wrap(300, 10_000)
    parts = paragraph.split(300, height / 2)
    assert len(parts) == 2
    lines = [p.wrap(300, 10_000)[1] for p in parts]
    assert abs(sum(lines) - height) < 1e-6


@pytest.fixture
def ready_case(workspace):
    case_number = (
        CaseRegister(workspace)
        .open_case(new_case(given="Ahmad", family="Rahimi", country="AF", language="ps"))
        .case_number
    )
    counselling = Counselling(workspace)
    counselling.save_answers(case_number, "consent", CONSENT)
    counselling.save_answers(case_number, "intake", INTAKE)
    long_plan = plan(*[("450", "EUR")] * 6)
    for item in long_plan["assistance_items"]:
        item["description"] = "Equipment and materials for the workshop. " * 25
    long_plan["objectives"] = "A stable income for the family within six months. " * 60
    counselling.save_answers(case_number, "plan", long_plan)
    return case_number


def test_plan_flows_over_three_pages_with_page_numbers(workspace, ready_case):
    result = Printing(workspace).render(ready_case, PrintForm.PLAN, "en")
    texts = pdf_text(result.pdf)
    assert result.pages == len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {result.pages}" in text
        assert ready_case in text
    assert "A stable income for the family" in "".join(texts)


def test_request_form_in_pashto_is_bilingual_and_recorded(workspace, ready_case):
    printing = Printing(workspace)
    result = printing.render(ready_case, PrintForm.REQUEST)  # the case's language: Pashto
    assert result.language == "ps"
    text = "\n".join(pdf_text(result.pdf))
    from app.i18n import gettext

    for label in ("Reintegration assistance request form", "Family name", "Signature"):
        translated = gettext(label, "ps") if label != "Signature" else gettext("Returnee", "ps")
        assert translated in text, translated
    assert "Family name" in text and "Rahimi" in text
    printing.record(ready_case, result, "file")
    with workspace.reading() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.printed")).one()
    assert event.detail["sha256"] == result.sha256 and event.detail["language"] == "ps"
    assert event.detail["plan_revision"] == result.plan_revision > 0


def test_letter_paper_and_bad_language(workspace, ready_case):
    from app.domain.errors import InvalidInput

    letter = Printing(workspace).render(ready_case, PrintForm.CONSENT, "ka", "Letter")
    assert re.search(rb"/MediaBox \[ 0 0 612 792 \]", letter.pdf)
    with pytest.raises(InvalidInput):
        Printing(workspace).render(ready_case, PrintForm.CONSENT, "sk")  # interface only
    with pytest.raises(InvalidInput):
        Printing(workspace).render(ready_case, PrintForm.CONSENT, "en", "A3")


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_every_font_is_embedded_as_a_subset(workspace, ready_case, tmp_path):
    out = tmp_path / "request.pdf"
    Printing(workspace).print_to_file(ready_case, PrintForm.REQUEST, out, "ar")
    listing = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]  # fmt: skip
    assert listing, "no fonts"
    for line in listing:
        name, *_rest = line.split()
        assert re.match(r"[A-Z]{6}\+Noto", name), line
        assert " yes yes yes " in line, line


def test_a_table_row_with_long_text_splits_within_the_page():
    from reportlab.platypus import Table

    register_fonts()
    long_text = "მიკრობიზნესის წამოწყება / Micro-business start-up " * 6
    table = Table(
        [[[BidiParagraph(long_text, 9)], [BidiParagraph("Shelves and a fridge.", 9)]]],
        colWidths=[90, 300], splitInRow=1,
    )  # fmt: skip
    _width, full_height = table.wrap(390, 10_000)
    first, rest = table.split(390, full_height / 2)
    assert first.wrap(390, 10_000)[1] <= full_height / 2
    # the long cell really is divided between the two parts, nothing drawn twice or lost
    top = [line for p in first._cellvalues[0][0] for line in p._lines]
    bottom = [line for p in rest._cellvalues[0][0] for line in p._lines]
    whole = BidiParagraph(long_text, 9)
    whole.wrap(90 - 12, 10_000)  # the column less its padding
    assert top and bottom and top + bottom == whole._lines
