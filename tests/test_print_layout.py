"""Where printed forms break across pages: rows whole or broken with two lines either side,
headings with what follows, signatures never alone; headers wrapped between words only."""

import itertools
import re
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pytest

from app.i18n import gettext
from app.i18n.languages import FORM_LANGUAGE_CODES
from app.printing.document import Bilingual, Grid, PrintDocument, Row, Section
from app.printing.flow import RowTable
from app.printing.render import MARGIN, _grid, _Page, render
from app.services.cases import CaseRegister
from app.services.counselling import Counselling
from app.services.printing import PrintForm, Printing
from test_counselling import CONSENT, INTAKE, plan
from test_services import new_case

SENTENCE = "Open a small shop. "  # a fifth of a line: the page break moves by small steps


def lines_of(flowable) -> int:
    leading = getattr(flowable, "leading", None)
    return round(flowable.height / leading) if leading else 0


@dataclass
class DrawnRow:
    """One row of a table as drawn on one page (a broken row is drawn twice)."""

    page: int
    key: tuple[int, int]
    lines: list[int]  # lines of text per cell
    height: float
    page_room: float  # what a page allows a row of this table (below its header)
    text: str


@dataclass
class Layout:
    rows: list[DrawnRow] = field(default_factory=list)
    headers: list[tuple[int, tuple[int, int]]] = field(default_factory=list)  # (page, key)
    signatures_page: int | None = None
    first_on_page: dict[int, str] = field(default_factory=dict)  # what each page starts with

    def appearances(self, text: str) -> list[DrawnRow]:
        """Each part of the row whose text begins with ``text``, page by page."""
        keys = {row.key for row in self.rows if text in row.text}
        return [row for row in self.rows if row.key in keys]


@pytest.fixture
def layout(monkeypatch):
    """What each drawn table holds, page by page (the renderer's own layout objects)."""
    seen = Layout()
    original = RowTable.draw

    def draw(table):
        page = table.canv.getPageNumber()
        header = table.header_rows
        signatures = "_WritingLine" in repr(table._cellvalues)
        seen.first_on_page.setdefault(page, "signatures" if signatures else "content")
        if signatures:
            seen.signatures_page = page
        for index, (key, cells) in enumerate(zip(table.row_keys, table._cellvalues, strict=True)):
            if index < header:
                seen.headers.append((page, key))
                continue
            seen.rows.append(DrawnRow(
                page, key, [sum(lines_of(f) for f in cell) for cell in cells],
                table._rowHeights[index],
                table.page_height - sum(table._rowHeights[:header]),
                " ".join(getattr(f, "text", "") for cell in cells for f in cell),
            ))  # fmt: skip
        original(table)

    monkeypatch.setattr(RowTable, "draw", draw)
    return seen


def check_rows(layout: Layout) -> None:
    """Short rows are whole on one page; a broken row is taller than a page and keeps two
    lines of every broken cell on either side, every cell cut at the same place."""
    by_key: dict[tuple[int, int], list[DrawnRow]] = {}
    for row in layout.rows:
        by_key.setdefault(row.key, []).append(row)
    for parts in by_key.values():
        if len(parts) == 1:
            continue
        assert [p.page for p in parts] == list(range(parts[0].page, parts[0].page + len(parts)))
        whole = sum(p.height for p in parts)
        assert whole > parts[0].page_room, f"a short row was broken: {parts[0].text[:60]}"
        for above, below in itertools.pairwise(parts):
            for before, after in zip(above.lines, below.lines, strict=True):
                if after:  # this cell goes on: two lines at least either side
                    assert before >= 2 and after >= 2, (before, after, above.text[:60])
        # A repeated header opens the next page of a table that has one.
        for part in parts[1:]:
            table = part.key[0]
            if any(key[0] == table for _, key in layout.headers):
                assert (part.page, (table, 0)) in layout.headers


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


@pytest.fixture
def case(workspace):
    number = (
        CaseRegister(workspace)
        .open_case(new_case(given="Ahmad", family="Rahimi", country="AF", language="ps"))
        .case_number
    )
    counselling = Counselling(workspace)
    counselling.save_answers(number, "consent", CONSENT)
    counselling.save_answers(number, "intake", INTAKE)
    items = plan(*[("450", "EUR")] * 3)
    items["assistance_items"][0]["assistance_type"] = "medical"
    # a short row, but one that could break: eight lines or so
    items["assistance_items"][0]["description"] = "Treatment of a chronic illness. " + (
        "Medicines for six months and visits to a specialist. " * 5
    )
    counselling.save_answers(number, "plan", items)
    return number


def with_activity(workspace, case, sentences: int) -> None:
    answers = dict(INTAKE, intended_activity=SENTENCE * sentences)
    Counselling(workspace).save_answers(case, "intake", answers)


def first_item_ends_on(workspace, case, language, layout, sentences) -> int:
    """The page where the first assistance item's row ends."""
    with_activity(workspace, case, sentences)
    layout.rows.clear()
    layout.headers.clear()
    Printing(workspace).render(case, PrintForm.REQUEST, language)
    return layout.appearances("Treatment of a chronic illness")[-1].page


@pytest.mark.parametrize("language", ["ru", "ka"])
def test_a_short_row_at_a_page_break_moves_whole(workspace, case, language, layout):
    # Find the shortest intended activity that pushes the first assistance item (a short
    # row) off page 1: with one sentence less it fitted, so now it misses by less than a
    # line and ReportLab alone would have broken it inside its cells.
    low, high = 1, 40
    assert first_item_ends_on(workspace, case, language, layout, low) == 1
    assert first_item_ends_on(workspace, case, language, layout, high) == 2
    while high - low > 1:
        middle = (low + high) // 2
        if first_item_ends_on(workspace, case, language, layout, middle) == 1:
            low = middle
        else:
            high = middle
    with_activity(workspace, case, high)
    layout.rows.clear()
    layout.headers.clear()
    result = Printing(workspace).render(case, PrintForm.REQUEST, language)
    check_rows(layout)
    [first] = layout.appearances("Treatment of a chronic illness")
    [activity] = layout.appearances(SENTENCE.strip())
    assert (activity.page, first.page) == (1, 2)
    # On paper: the whole row, its column headers and its section title are on page 2.
    texts = page_texts(result.pdf)
    kind = gettext("Medical assistance", language)
    cell = f"{kind} / Medical assistance" if kind != "Medical assistance" else kind
    assert cell in texts[1]
    assert kind.split()[0] not in texts[0] and "Medical" not in texts[0]  # no ghost row
    for label in ("Assistance requested", "Type of assistance", "Estimated cost"):
        assert gettext(label, language) in texts[1] and label in texts[1]
        assert gettext(label, language) not in texts[0]


@pytest.mark.parametrize("language", ["ru", "ka"])
def test_a_row_taller_than_a_page_breaks_with_two_lines_either_side(
    workspace, case, language, layout
):
    items = plan(*[("450", "EUR")] * 2)
    items["assistance_items"][0]["assistance_type"] = "medical"
    items["assistance_items"][0]["description"] = "Tools, materials and a first stock. " * 110
    Counselling(workspace).save_answers(case, "plan", items)
    broken_at = set()
    for sentences in range(1, 60, 5):  # the break falls on different lines of the answer
        with_activity(workspace, case, sentences)
        layout.rows.clear()
        layout.headers.clear()
        Printing(workspace).render(case, PrintForm.REQUEST, language)
        check_rows(layout)
        parts = layout.appearances("Tools, materials")
        assert len(parts) >= 2  # taller than a page: it must break
        # the short cells (type, supplier, cost) stay whole above the break
        assert [n for n in parts[1].lines if n] == [parts[1].lines[1]]
        broken_at.add(parts[0].lines[1])
    assert len(broken_at) > 4


def test_signatures_never_stand_alone_on_a_page(workspace, case, layout):
    # Lengthen the objectives to the step where the plan takes one more page: there the
    # signatures alone would have been pushed over.
    counselling = Counselling(workspace)
    items = plan(*[("450", "EUR")] * 2)

    def plan_pages(sentences: int) -> int:
        items["objectives"] = "A stable income for the family. " * sentences
        counselling.save_answers(case, "plan", items)
        layout.first_on_page.clear()
        result = Printing(workspace).render(case, PrintForm.PLAN, "ru")
        assert layout.first_on_page.get(layout.signatures_page) == "content", sentences
        return result.pages

    low, high = 1, 2
    pages = plan_pages(low)
    while plan_pages(high) == pages:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if plan_pages(middle) == pages else (low, middle)
    assert plan_pages(high) == pages + 1
    last_page = page_texts(Printing(workspace).render(case, PrintForm.PLAN, "ru").pdf)[-1]
    # Something of the last section comes along to the last page: its last row, at least.
    assert gettext("Total in EUR (estimate)", "ru") in last_page


def test_a_last_row_that_cannot_share_a_page_with_the_signatures_breaks(layout):
    # 48 lines: shorter than a page, but not with the signatures under it.
    answer = "\n".join(f"Line {n} of the answer." for n in range(1, 49))
    document = PrintDocument(
        title=Bilingual("Form", "Form"), case_number="SK-1", qr_payload="x", office_line="o",
        page_template=Bilingual("{page}/{pages}", "{page}/{pages}"),
        sections=(Section(Bilingual("Plan", "Plan"), (Row(Bilingual("Answer", "A"), answer),)),),
        signatures=(Bilingual("Returnee", "R"), Bilingual("Counsellor", "C")),
        signature_date=Bilingual("Date", "D"),
    )  # fmt: skip
    texts = page_texts(render(document))
    assert layout.first_on_page[layout.signatures_page] == "content"
    above, below = layout.appearances("Line 1 of")
    assert below.page == above.page + 1 == layout.signatures_page
    assert above.lines[1] >= 2 and below.lines[1] >= 2 and above.lines[1] + below.lines[1] == 48
    assert "Line 48 of the answer." in texts[-1] and "Returnee" in texts[-1]


def test_each_signature_has_room_for_a_written_date(workspace, case, layout):
    result = Printing(workspace).render(case, PrintForm.CONSENT, "vi")
    document = pdfium.PdfDocument(result.pdf)
    try:
        page = document[layout.signatures_page - 1]
        rules = sorted(
            (round(obj.get_bounds()[1]), round(obj.get_bounds()[0]))
            for obj in page.get_objects()
            if obj.type == pdfium.raw.FPDF_PAGEOBJ_PATH
            and abs(obj.get_bounds()[3] - obj.get_bounds()[1]) < 2  # flat: a rule to write on
            and 100 < obj.get_bounds()[2] - obj.get_bounds()[0] < 200  # one column wide
        )
    finally:
        document.close()
    heights = sorted({y for y, _x in rules})
    assert len(rules) == 6 and len(heights) == 2  # three signers: a signature and a date
    text_height = 8 * 1.3 * 2 + 1.5 * 72 / 25.4  # the two label lines under a rule, and air
    # Above the date rule, under the labels of the signature: at least 7 mm to write in.
    assert heights[1] - heights[0] - text_height >= 7 * 72 / 25.4


HEADER_IDS = (
    "Type of assistance", "Description", "Supplier", "Estimated cost",  # assistance items
    "Given name", "Family name", "Relationship", "Date of birth", "Returns together",
)  # fmt: skip


@pytest.mark.parametrize("language", sorted(FORM_LANGUAGE_CODES))
def test_table_headers_wrap_between_words_only(language):
    # The longest header translations of every catalog, with the migrant's language first.
    longest = {m: max((gettext(m, code) for code in FORM_LANGUAGE_CODES), key=len)
               for m in HEADER_IDS}  # fmt: skip
    page = _Page(595 - 2 * MARGIN, 700, language in ("ar", "fa", "ps", "ur"))
    grids = [
        Grid(tuple(Bilingual(gettext(m, language), longest[m]) for m in HEADER_IDS[:4]),
             (("a", "b", "c", "d"),), (0.2, 0.42, 0.2, 0.18)),
        Grid(tuple(Bilingual(gettext(m, language), longest[m]) for m in HEADER_IDS[4:]),
             (("a", "b", "c", "d", "e"),), (0.22, 0.22, 0.22, 0.17, 0.17)),
    ]  # fmt: skip
    for grid in grids:
        table = _grid(grid, page)
        table.wrap(page.width, 700)
        for cell in table._cellvalues[0]:
            for paragraph in cell:
                words = set(paragraph.text.split())
                for line in paragraph._lines:
                    line_text = getattr(line, "text", line)  # a Line or its text
                    assert set(line_text.split()) <= words, f"{paragraph.text!r}: {line_text!r}"
    # and the document as a whole prints
    document = PrintDocument(
        title=Bilingual("T", "T"), case_number="SK-1", qr_payload="x", office_line="o",
        page_template=Bilingual("{page}/{pages}", "{page}/{pages}"),
        sections=(Section(Bilingual("S", "S"), (*grids, Row(Bilingual("a", "b"), "c"))),),
    )  # fmt: skip
    assert re.search(rb"/Type /Page[^s]", render(document))


def test_office_line_in_both_languages_on_every_page():
    rows = tuple(Row(Bilingual(f"სტრიქონი {n}", f"Line {n}"), "ტექსტი " * 40) for n in range(40))
    document = PrintDocument(
        title=Bilingual("ფორმა", "Form"), case_number="SK-2026-00001", qr_payload="x",
        office_line="Bratislava office · Plan revision 3",
        office_line_migrant="ბრატისლავის ოფისი · გეგმის ვერსია 3",
        page_template=Bilingual("გვერდი {page}", "Page {page}"),
        sections=(Section(Bilingual("განყოფილება", "Section"), rows),),
        signatures=(Bilingual("ხელმოწერა", "Signature"),),
        signature_date=Bilingual("თარიღი", "Date"),
    )  # fmt: skip
    texts = page_texts(render(document))
    assert len(texts) > 1
    for text in texts:
        migrant = text.index("ბრატისლავის ოფისი · გეგმის ვერსია 3")
        assert migrant < text.index("Bratislava office · Plan revision 3")
    # A last section that holds nothing: its heading still comes, and the signatures.
    empty_last = PrintDocument(**{
        **document.__dict__,
        "sections": (*document.sections, Section(Bilingual("ბოლო", "Last"), ())),
    })  # fmt: skip
    last_page = page_texts(render(empty_last))[-1]
    assert "ბოლო" in last_page and "ხელმოწერა" in last_page


def test_the_preview_counts_pages_in_words_that_agree(qtbot, workspace, case):
    from app.ui.print_dialog import PrintDialog

    fresh = CaseRegister(workspace).open_case(new_case()).case_number
    dialog = PrintDialog(Printing(workspace), fresh, "en", form=PrintForm.CONSENT)
    qtbot.addWidget(dialog)
    assert dialog.result is not None and dialog.result.pages == 1
    assert dialog.info.text().startswith("1 page · plan revision")
    dialog = PrintDialog(Printing(workspace), case, "en")
    qtbot.addWidget(dialog)
    assert dialog.result.pages > 1
    assert dialog.info.text().startswith(f"{dialog.result.pages} pages · plan revision")
