"""What the printer writes into a page's content stream, byte for byte as ReportLab writes
it, with less work.

ReportLab formats everything it draws anew, numbers through its pure-Python ``fp_str``: the
font operator, size and leading of every string, the escaped codes, the ``TJ`` array of a
shaped group, the matrix that moves a flowable to its place, the colour of each paragraph.
A label prints on every form; only where it stands and which codes the document gave its
glyphs differ from one print to the next. So:

- the text between a group's origin and ``T*`` is kept on the group, keyed by the font's
  name in the document and the subset codes (what ReportLab's ``splitString`` gives, which
  also records the glyphs the document uses);
- positions are formatted number by number from a memo (a column's x, a line's baseline
  recur), and a move's four constant numbers are not formatted at all;
- a colour's operator is formatted once.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from app.printing.shaping import Group

# Bodies kept per group: a form prints a label with the same codes again and again, but
# another case's text can give the glyphs other codes; a few variants are enough.
_VARIANTS = 8
_NUMBERS: dict[float, str] = {}
_MAX_NUMBERS = 8192  # positions differ from form to form: start again past this many
_FILLS: dict[tuple[float, float, float], str] = {}


def _number(value: float) -> str:
    """``fp_str(value)``, remembered."""
    text = _NUMBERS.get(value)
    if text is None:
        if len(_NUMBERS) >= _MAX_NUMBERS:
            _NUMBERS.clear()
        text = _NUMBERS[value] = fp_str(value)
    return text


def write_group(canvas: Canvas, font_name: str, group: Group, x: float, y: float) -> None:
    """Write ``group`` at (x, y) in the canvas's current font and size, which must be
    ``font_name`` set by ``canvas.setFont(font_name, size)`` (leading: ReportLab's 1.2)."""
    font = pdfmetrics.getFont(font_name)
    doc = canvas._doc
    text = group.text if group.plain is None else group.plain
    codes = _codes(font, doc, text)
    key = (font.state[doc].internalName, codes)
    body = group.written.get(key)
    if body is None:
        if group.plain is None:
            body = canvas.beginText(x, y)._formatText(text)
        else:
            body = _plain_body(canvas, font, codes)
        if len(group.written) >= _VARIANTS:
            group.written.clear()
        # The name is given on the first write of the font in a document: key it as it is now.
        group.written[(font.state[doc].internalName, codes)] = body
    canvas._code.append(f"BT 1 0 0 1 {_number(x)} {_number(y)} Tm {body} T* ET")


def _codes(font: Any, doc: Any, text: str) -> tuple[tuple[int, bytes], ...]:
    """``font.splitString(text, doc)``: the document's codes of the glyphs, by subset (it
    gives codes to glyphs the document has not used yet). When every glyph has a code in
    the first subset (most forms), it is one translation of the text."""
    state = font.state.get(doc)
    if state is not None and text and "\xa0" not in text:
        assigned = state.assignments
        if assigned.keys() >= set(map(ord, text)):
            codes = text.translate(assigned)
            if max(codes) < "\u0100":
                return ((0, codes.encode("latin-1")),)
    return tuple(font.splitString(text, doc))


def _plain_body(canvas: Canvas, font: Any, codes: tuple[tuple[int, bytes], ...]) -> str:
    """What ReportLab's ``_formatText`` writes for a string that is not shaped (it has the
    codes from ``splitString``): each subset's font operator, then its codes."""
    doc = canvas._doc
    size = f"{_number(canvas._fontsize)} Tf {_number(canvas._leading)} TL"
    parts = []
    current = -1
    for subset, text in codes:
        if subset != current:
            parts.append(f"{font.getSubsetInternalName(subset, doc)} {size}")
            current = subset
        parts.append(f"({escapePDF(text)}) Tj")
    return " ".join(parts)


def draw_on(flowable: Flowable, canvas: Canvas, x: float, y: float) -> None:
    """``flowable.drawOn(canvas, x, y)`` (left-aligned): the same state saved, the same
    ``cm``, the matrix tracked the same way."""
    canvas.saveState()  # ends the code with "q": the move below is not merged into a "cm"
    a, b, c, d, e, f = canvas._currentMatrix
    canvas._currentMatrix = (a, b, c, d, a * x + c * y + e, b * x + d * y + f)
    canvas._code.append(f"1 0 0 1 {_number(x)} {_number(y)} cm")
    flowable.canv = canvas
    flowable.draw()
    del flowable.canv
    canvas.restoreState()


def set_fill(canvas: Canvas, color: Color) -> None:
    """``canvas.setFillColor(color)`` for an RGB colour, its operator formatted once."""
    if type(color) is not Color or canvas._enforceColorSpace:
        canvas.setFillColor(color)
        return
    rgb = (color.red, color.green, color.blue)
    operator = _FILLS.get(rgb)
    if operator is None:
        operator = _FILLS[rgb] = f"{fp_str(rgb)} rg"
    canvas._fillColorObj = color
    canvas._code.append(operator)
    if color.alpha is not None:
        canvas.setFillAlpha(color.alpha)
