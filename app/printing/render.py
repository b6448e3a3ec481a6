"""Laying out a :class:`PrintDocument` as a PDF with ReportLab.

Every page carries the case number, a QR code of the case UUID and plan revision, and
"page X of Y" in both languages; the totals are written when the document is complete.
"""

from __future__ import annotations

import io
from typing import Any

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.printing.document import Bilingual, FreeText, Grid, Note, PrintDocument, Row, Value
from app.printing.fonts import register_fonts
from app.printing.text import BidiParagraph, fill, joined

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


def _label(text: Bilingual, size: float = 9.5, *, bold: bool = True) -> list[Flowable]:
    """The migrant's language first (it is their form), the office's language under it."""
    parts: list[Flowable] = [BidiParagraph(text.migrant, size, bold=bold)]
    if not text.same:
        parts.append(BidiParagraph(text.office, size - 1.5, color=GREY))
    return parts


def _value(value: Value, size: float = 10) -> list[Flowable]:
    # A list, not a bare flowable: ReportLab splits a table row only through list cells.
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
    return [
        CondPageBreak(30 * mm),
        Spacer(1, 3 * mm),
        BidiParagraph(text.migrant, 12.5, bold=True),
        *([] if text.same else [BidiParagraph(text.office, 10, color=GREY)]),
        Spacer(1, 1.5 * mm),
    ]


def _mirrored(cells: list[Any], rtl: bool) -> list[Any]:
    return cells[::-1] if rtl else cells


def _rows_table(rows: list[Row], width: float, rtl: bool) -> Table:
    data = [_mirrored([_label(row.label), _value(row.value)], rtl) for row in rows]
    widths = _mirrored([width * 0.42, width * 0.58], rtl)
    table = Table(data, colWidths=widths, splitInRow=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), BODY_FONT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))  # fmt: skip
    return table


def _grid(grid: Grid, width: float, rtl: bool) -> Table:
    data: list[list[Any]] = [_mirrored([_label(header, 8.5) for header in grid.headers], rtl)]
    data += [_mirrored([_value(cell, 9) for cell in row], rtl) for row in grid.rows]
    widths = _mirrored([width * w for w in grid.widths], rtl)
    table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), BODY_FONT),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("GRID", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))  # fmt: skip
    return table


def _note(note: Note) -> list[Flowable]:
    colour = WARNING if note.warning else colors.black
    parts: list[Flowable] = [
        BidiParagraph(note.text.migrant, 9.5, bold=note.warning,
                      color=colour),
    ]  # fmt: skip
    if not note.text.same:
        parts.append(BidiParagraph(note.text.office, 8.5, color=GREY))
    return [*parts, Spacer(1, 2 * mm)]


def _signatures(document: PrintDocument, width: float) -> list[Flowable]:
    if not document.signatures:
        return []
    cells = []
    for who in document.signatures:
        cells.append([
            Spacer(1, 14 * mm),
            _SignatureLine(width / len(document.signatures) - 8 * mm),
            *_label(who, 8.5, bold=False),
            *([] if document.signature_date is None
              else _label(document.signature_date, 8, bold=False)),
        ])  # fmt: skip
    table = Table(
        [_mirrored(cells, document.right_to_left)], colWidths=[width / len(cells)] * len(cells)
    )
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), BODY_FONT)])
    )
    return [Spacer(1, 6 * mm), KeepTogether([table])]


class _SignatureLine(Flowable):
    def __init__(self, width: float) -> None:
        super().__init__()
        self.width = width
        self.height = 2

    def draw(self) -> None:
        self.canv.setStrokeColor(colors.black)
        self.canv.setLineWidth(0.6)
        self.canv.line(0, 1, self.width, 1)


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
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _decorate(self, document, page_size, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _draw_qr(canvas: Canvas, payload: str, x: float, y: float) -> None:
    """The QR code as vector squares (sharp at any printer resolution, no font needed)."""
    code = segno.make(payload, error="m", micro=False)
    rows = code.matrix
    border = 1
    module = QR_SIZE / (len(rows) + 2 * border)
    canvas.setFillColor(colors.black)
    for row_index, row in enumerate(rows):
        top = y + QR_SIZE - (row_index + border + 1) * module
        for column_index, dark in enumerate(row):
            if dark:
                left = x + (column_index + border) * module
                canvas.rect(left, top, module, module, stroke=0, fill=1)


def _decorate(
    canvas: Canvas, document: PrintDocument, size: tuple[float, float], page: int, pages: int
) -> None:
    width, height = size
    canvas.saveState()
    _draw_qr(
        canvas, document.qr_payload, width - MARGIN - QR_SIZE, height - MARGIN - QR_SIZE + 4 * mm
    )
    number = BidiParagraph(document.case_number, 13, bold=True)
    number.wrap(80 * mm, 20 * mm)
    number.drawOn(canvas, MARGIN, height - MARGIN - 2 * mm)
    office_lines = list(dict.fromkeys(
        line for line in (document.office_line_migrant, document.office_line) if line
    ))  # fmt: skip
    y = height - MARGIN - 8 * mm  # the bottom of the first line, where the one line was
    for index, text in enumerate(office_lines):
        # Like every label: the migrant's language in black, the office's in grey under it.
        colour = GREY if index or len(office_lines) == 1 else colors.black
        office = BidiParagraph(text, 8 if index == 0 else 7.5, color=colour)
        _width, line_height = office.wrap(width - 2 * MARGIN - QR_SIZE - 6 * mm, 20 * mm)
        if index:
            y -= line_height
        office.drawOn(canvas, MARGIN, y)
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
    story: list[Flowable] = [
        BidiParagraph(document.title.migrant, 17, bold=True),
    ]
    if not document.title.same:
        story.append(BidiParagraph(document.title.office, 12,
                                   color=GREY))  # fmt: skip
    story.append(Spacer(1, 3 * mm))
    for section in document.sections:
        story += _heading(section.title)
        rows: list[Row] = []
        for block in section.blocks:
            if isinstance(block, Row):
                rows.append(block)
                continue
            if rows:
                story.append(_rows_table(rows, width, document.right_to_left))
                rows = []
            story += (
                [_grid(block, width, document.right_to_left), Spacer(1, 2 * mm)]
                if isinstance(block, Grid)
                else _note(block)
            )
        if rows:
            story.append(_rows_table(rows, width, document.right_to_left))
    story += _signatures(document, width)
    template.build(story, canvasmaker=_numbered_canvas(document, page_size))
    return buffer.getvalue()
