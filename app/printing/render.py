"""Laying out a :class:`PrintDocument` as a PDF with ReportLab.

Every page carries the case number, a QR code of the case UUID and plan revision, and
"page X of Y" in both languages; the totals are written when the document is complete.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import xObjectName
from reportlab.pdfgen.canvas import PATH_OPS, Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Spacer

from app.printing import qr
from app.printing.bidi import is_rtl_text
from app.printing.document import (
    Bilingual,
    FreeText,
    Grid,
    Note,
    PrintDocument,
    Row,
    Section,
    Value,
)
from app.printing.flow import KeepWithNext, KeepWithPrevious, RowTable
from app.printing.fonts import register_fonts
from app.printing.marks import fill, joined
from app.printing.text import BidiParagraph, line_width

GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#999999")
WARNING = colors.HexColor("#b71c1c")
UNTRANSLATED = colors.HexColor("#8a4b00")  # a note that an answer is not in the migrant's language
SHADE = colors.HexColor("#eeeeee")
MARGIN = 16 * mm
HEADER = 24 * mm
FOOTER = 14 * mm
QR_SIZE = 20 * mm
BODY_FONT = "NotoSans-Regular"  # also for table cells: ReportLab would default to Helvetica
HEADER_SIZES = (8.5, 8, 7.5, 7, 6.5)  # table header sizes, tried in turn (see header_widths)
PADDING = 12  # a table cell's left and right padding together (ReportLab's default)
SIGNING_ROOM = 14 * mm  # above the signature line
DATE_ROOM = 9 * mm  # above the date line: room to write a date by hand


def _label(text: Bilingual, size: float = 9.5, *, bold: bool = True) -> list[Flowable]:
    """The migrant's language first (it is their form), the office's language under it."""
    parts: list[Flowable] = [BidiParagraph(text.migrant, size, bold=bold)]
    if not text.same:
        parts.append(BidiParagraph(text.office, size - 1.5, color=GREY))
    return parts


def _value(value: Value, size: float = 10) -> list[Flowable]:
    # A list, not a bare flowable: a row breaks (when it must) only through list cells.
    if isinstance(value, Bilingual):  # one value in each column's locale, each its own paragraph
        return [_Together(_label(value, size, bold=False))]
    if isinstance(value, FreeText):
        return _free_text(value, size)
    return [BidiParagraph(value or "—", size)]


def _free_text(answer: FreeText, size: float) -> list[Flowable]:
    """The migrant's version first, the counsellor's text under it in grey; or the text
    once and, under it, the note that it is not written in the migrant's language."""
    if answer.migrant:
        return [
            BidiParagraph(answer.migrant, size),
            Spacer(1, 1 * mm),
            BidiParagraph(answer.text, size - 1, color=GREY),
        ]
    parts: list[Flowable] = [BidiParagraph(answer.text or "—", size)]
    if answer.note is not None:
        parts += [
            Spacer(1, 1 * mm),
            BidiParagraph(answer.note.migrant, size - 1.5, bold=True, color=UNTRANSLATED),
        ]
        if not answer.note.same:
            parts.append(BidiParagraph(answer.note.office, size - 2, color=UNTRANSLATED))
    return parts


class _Together(Flowable):
    """Paragraphs that stay together when a table row splits between pages: "200,00 €" is
    never left at the foot of a page with "€200.00" at the top of the next."""

    def __init__(self, parts: list[Flowable]) -> None:
        super().__init__()
        self.parts = parts

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        heights = [part.wrap(available_width, available_height)[1] for part in self.parts]
        self.width, self.height = available_width, sum(heights)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        if self.wrap(available_width, available_height)[1] <= available_height:
            return [self]
        return [Spacer(available_width, 0), self]  # all of it goes on with the rest of the row

    def draw(self) -> None:
        y = self.height
        for part in self.parts:
            y -= part.height
            part.drawOn(self.canv, 0, y)


def _heading(text: Bilingual) -> list[Flowable]:
    """A section title: kept with what follows it (see :func:`_section`)."""
    return [
        Spacer(1, 3 * mm),
        BidiParagraph(text.migrant, 12.5, bold=True),
        *([] if text.same else [BidiParagraph(text.office, 10, color=GREY)]),
        Spacer(1, 1.5 * mm),
    ]


def _mirrored(cells: list[Any], rtl: bool) -> list[Any]:
    return cells[::-1] if rtl else cells


class _Page:
    """What every block needs to know about the page: text width, body height, direction."""

    def __init__(self, width: float, height: float, rtl: bool) -> None:
        self.width, self.height, self.rtl = width, height, rtl


def _rows_table(rows: list[Row], page: _Page) -> RowTable:
    data = [_mirrored([_label(row.label), _value(row.value)], page.rtl) for row in rows]
    widths = _mirrored([page.width * 0.42, page.width * 0.58], page.rtl)
    return RowTable(data, widths, [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), BODY_FONT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ], page.height)  # fmt: skip


def _longest_word(text: str, size: float, bold: bool) -> float:
    rtl = is_rtl_text(text)
    return max((line_width(word, size, bold, rtl) for word in text.split()), default=0.0)


def header_widths(
    headers: tuple[Bilingual, ...], fractions: tuple[float, ...], total: float
) -> tuple[list[float], float] | None:
    """Column widths and header size so that every header word fits its column whole.

    Starts from ``fractions`` of ``total``; a column too narrow for its longest header word
    takes the room it needs from the columns with room to spare. If even that is not
    enough, the header font shrinks a little. None if no size down to 6.5 pt fits.
    """
    register_fonts()
    for size in HEADER_SIZES:
        minima = [
            PADDING + 0.5 + max(_longest_word(header.migrant, size, True),
                                _longest_word(header.office, size - 1.5, False))
            for header in headers
        ]  # fmt: skip
        if sum(minima) > total:
            continue
        widths = [fraction * total for fraction in fractions]
        short = sum(max(0.0, need - width) for width, need in zip(widths, minima, strict=True))
        spare = sum(max(0.0, width - need) for width, need in zip(widths, minima, strict=True))
        if short:
            widths = [
                need if width < need else width - (width - need) * short / spare
                for width, need in zip(widths, minima, strict=True)
            ]
        return widths, size
    return None


def _grid(grid: Grid, page: _Page) -> RowTable:
    fitted = header_widths(grid.headers, grid.widths, page.width)
    widths, size = fitted or ([page.width * w for w in grid.widths], HEADER_SIZES[-1])
    data: list[list[Any]] = [_mirrored([_label(header, size) for header in grid.headers],
                                       page.rtl)]  # fmt: skip
    data += [_mirrored([_value(cell, 9) for cell in row], page.rtl) for row in grid.rows]
    return RowTable(data, _mirrored(widths, page.rtl), [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), BODY_FONT),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("GRID", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ], page.height, header_rows=1, space_after=2 * mm)  # fmt: skip


def _note(note: Note, page: _Page) -> RowTable:
    """A note as a one-cell table, so it breaks across pages by the same rules as a row."""
    colour = WARNING if note.warning else colors.black
    cell: list[Flowable] = [BidiParagraph(note.text.migrant, 9.5, bold=note.warning, color=colour)]
    if not note.text.same:
        cell.append(BidiParagraph(note.text.office, 8.5, color=GREY))
    return RowTable([[cell]], [page.width], [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), BODY_FONT),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ], page.height, space_after=2 * mm)  # fmt: skip


def _blocks(section: Section, page: _Page) -> list[Flowable]:
    """One flowable per block; consecutive label/value rows make one table, and a note
    just before rows (an assistance item's title) keeps with them."""
    flowables: list[Flowable] = []
    rows: list[Row] = []
    note_before_rows = False

    def flush() -> None:
        nonlocal note_before_rows
        table = _rows_table(rows, page)
        if note_before_rows:
            flowables[-1] = KeepWithNext([flowables[-1]], table)
        else:
            flowables.append(table)
        rows.clear()
        note_before_rows = False

    for block in section.blocks:
        if isinstance(block, Row):
            rows.append(block)
            continue
        if rows:
            flush()
        flowables.append(_grid(block, page) if isinstance(block, Grid) else _note(block, page))
        note_before_rows = isinstance(block, Note)
    if rows:
        flush()
    return flowables


def _signatures(document: PrintDocument, page: _Page) -> RowTable | None:
    """A column per signer: room to sign above a line, then room to write the date."""
    if not document.signatures:
        return None
    cells = []
    for who in document.signatures:
        cell: list[Flowable] = [Spacer(1, SIGNING_ROOM), _WritingLine(),
                                *_label(who, 8.5, bold=False)]  # fmt: skip
        if document.signature_date is not None:
            cell += [Spacer(1, DATE_ROOM), _WritingLine(),
                     *_label(document.signature_date, 8, bold=False)]  # fmt: skip
        cells.append(cell)
    column = page.width / len(cells)
    return RowTable([_mirrored(cells, page.rtl)], [column] * len(cells), [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), BODY_FONT),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
    ], page.height, space_before=4 * mm)  # fmt: skip


class _WritingLine(Flowable):
    """A rule across the cell to write on (a signature, a date)."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, 1.5 * mm  # the rule, then a little air
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setStrokeColor(colors.black)
        self.canv.setLineWidth(0.6)
        self.canv.line(0, self.height, self.width, self.height)


def _section(section: Section, page: _Page, signatures: RowTable | None = None) -> list[Flowable]:
    """A section's flowables: its heading keeps with its first block, and the signatures
    (after the last section) with its last block."""
    blocks = _blocks(section, page)
    if signatures is not None:
        if blocks:
            blocks[-1] = KeepWithPrevious(blocks[-1], signatures)
        else:
            blocks = [signatures]
    if not blocks:
        return _heading(section.title)
    blocks[0] = KeepWithNext(_heading(section.title), blocks[0])
    return blocks


def _numbered_canvas(document: PrintDocument, page_size: tuple[float, float]) -> type[Canvas]:
    """A canvas that draws header and footer once the page count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = BODY_FONT  # else an unembedded Helvetica is referenced
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            width, height = page_size
            _define_qr(self, document.qr_payload, width - MARGIN - QR_SIZE,
                       height - MARGIN - QR_SIZE + 4 * mm)  # fmt: skip
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _decorate(self, document, page_size, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


QR_FORM = "qr"


def _define_qr(canvas: Canvas, payload: str, x: float, y: float) -> None:
    """The QR code as a form drawn on every page: built and written once per document.

    Its squares are added to the form's stream as bytes: ReportLab would pass the whole
    stream through its PDFDocEncoding codec, a millisecond for these 40 kB of ASCII, on
    which that codec changes nothing."""
    canvas.beginForm(QR_FORM)
    canvas.setFillColor(colors.black)
    fill = PATH_OPS[0, 1, canvas._fillMode]
    canvas.endForm()
    form = canvas._doc.idToObject[xObjectName(QR_FORM)]
    form.stream += b"\n" + _qr_squares(payload, x, y, fill)


@lru_cache(maxsize=64)
def _qr_squares(payload: str, x: float, y: float, fill: str) -> bytes:
    """The dark modules as vector squares (sharp at any printer resolution, no font needed),
    each as ReportLab's ``rect`` writes it, one a line; kept, as a form is printed again."""
    rows = qr.matrix(payload)
    border = 1
    module = QR_SIZE / (len(rows) + 2 * border)
    size = fp_str(module)
    lefts = [fp_str(x + (column + border) * module) for column in range(len(rows[0]))]
    squares = []
    for row_index, row in enumerate(rows):
        top = fp_str(y + QR_SIZE - (row_index + border + 1) * module)
        squares += [
            f"n {lefts[column]} {top} {size} {size} re {fill}"
            for column, dark in enumerate(row)
            if dark
        ]
    return "\n".join(squares).encode("ascii")


def _draw_office_lines(
    canvas: Canvas, document: PrintDocument, width: float, height: float
) -> None:
    """The office line in the migrant's language (if given), then the office's, under the
    case number; a smaller size if they would run into the rule under the header."""
    lines = [document.office_line]
    if document.office_line_migrant and document.office_line_migrant != document.office_line:
        lines.insert(0, document.office_line_migrant)
    room = width - 2 * MARGIN - QR_SIZE - 6 * mm
    top = height - MARGIN - 2.5 * mm
    bottom = height - MARGIN - HEADER + 7 * mm
    for size in (8, 7, 6):
        # Like every label: the migrant's language in black, the office's in grey under it.
        paragraphs = [
            BidiParagraph(line, size, color=colors.black if len(lines) > index + 1 else GREY)
            for index, line in enumerate(lines)
        ]
        heights = [paragraph.wrap(room, top - bottom)[1] for paragraph in paragraphs]
        if sum(heights) <= top - bottom:
            break
    for paragraph, paragraph_height in zip(paragraphs, heights, strict=True):
        top -= paragraph_height
        paragraph.drawOn(canvas, MARGIN, top)


def _decorate(
    canvas: Canvas, document: PrintDocument, size: tuple[float, float], page: int, pages: int
) -> None:
    width, height = size
    canvas.saveState()
    canvas.doForm(QR_FORM)
    number = BidiParagraph(document.case_number, 13, bold=True)
    number.wrap(80 * mm, 20 * mm)
    number.drawOn(canvas, MARGIN, height - MARGIN - 2 * mm)
    _draw_office_lines(canvas, document, width, height)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, height - MARGIN - HEADER + 6 * mm, width - MARGIN,
                height - MARGIN - HEADER + 6 * mm)  # fmt: skip
    template = document.page_template
    # Each piece is isolated: resolved as one string, "{pages} میں سے صفحہ {page}" after a
    # Latin case number came out "2 2 صفحہ میں سے".
    pieces = [document.case_number, fill(template.migrant, page=page, pages=pages)]
    if not template.same:
        pieces.append(fill(template.office, page=page, pages=pages))
    footer = BidiParagraph(joined(pieces, "  ·  "), 8, color=GREY, rtl=document.right_to_left)
    footer.wrap(width - 2 * MARGIN, FOOTER)
    footer.drawOn(canvas, MARGIN, MARGIN - 6 * mm)
    canvas.restoreState()


def render(document: PrintDocument) -> bytes:
    """The PDF of ``document``; the same document gives the same bytes."""
    register_fonts()
    # Streams (the embedded fonts above all) written binary rather than in ASCII85: a smaller
    # file, and ReportLab's pure-Python encoder was a tenth of the time of a print.
    rl_config.useA85 = 0
    page_size = LETTER if document.page_size.lower() == "letter" else A4
    buffer = io.BytesIO()
    width = page_size[0] - 2 * MARGIN
    template = BaseDocTemplate(
        buffer,
        pagesize=page_size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER,
        bottomMargin=MARGIN + FOOTER / 2,
        title=f"{document.case_number} — {document.title.office}",
        author="Homeward",
        subject=document.metadata.get("subject", ""),
        creator="Homeward",
        invariant=1,
    )
    body_height = page_size[1] - 2 * MARGIN - HEADER - FOOTER / 2
    frame = Frame(
        MARGIN, MARGIN + FOOTER / 2, width, body_height, id="body",
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
    )  # fmt: skip
    template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    page = _Page(width, body_height, document.right_to_left)
    story: list[Flowable] = [BidiParagraph(document.title.migrant, 17, bold=True)]
    if not document.title.same:
        story.append(BidiParagraph(document.title.office, 12, color=GREY))
    story.append(Spacer(1, 3 * mm))
    signatures = _signatures(document, page)
    for number, section in enumerate(document.sections, start=1):
        last = number == len(document.sections)
        story += _section(section, page, signatures if last else None)
    if signatures is not None and not document.sections:
        story.append(signatures)
    template.build(story, canvasmaker=_numbered_canvas(document, page_size))
    return buffer.getvalue()
