"""What the printer writes into a page's content stream, byte for byte as ReportLab writes
it, with less work: glyph groups formatted once, not once per print, and a flowable's move
to its place without formatting the four constant numbers of the matrix.

ReportLab formats every string it draws anew: the font operator, the size and leading
through its pure-Python number formatting, the escaped codes, and for a shaped group the
``TJ`` array of glyph offsets. A label prints on every form; only where it stands and which
codes the document gave its glyphs differ from one print to the next. So the text between
the origin and ``T*`` is kept on the group, keyed by the font's name in the document and
the subset codes (what ReportLab's ``splitString`` gives, which also records the glyphs the
document uses), and the bytes written are exactly what ``beginText``/``textLine`` write.
"""

from __future__ import annotations

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from app.printing.shaping import Group

# Bodies kept per group: a form prints a label with the same codes again and again, but
# another case's text can give the glyphs other codes; a few variants are enough.
_VARIANTS = 8


def write_group(canvas: Canvas, font_name: str, group: Group, x: float, y: float) -> None:
    """Write ``group`` at (x, y) in the canvas's current font and size, which must be
    ``font_name`` set by ``canvas.setFont(font_name, size)`` (leading: ReportLab's 1.2)."""
    font = pdfmetrics.getFont(font_name)
    doc = canvas._doc
    text = group.text if group.plain is None else group.plain
    codes = tuple(font.splitString(text, doc))  # also assigns the codes of new glyphs
    key = (font.state[doc].internalName, codes)
    body = group.written.get(key)
    if body is None:
        body = canvas.beginText(x, y)._formatText(text)
        if len(group.written) >= _VARIANTS:
            group.written.clear()
        # The name is given on the first write of the font in a document: key it as it is now.
        group.written[(font.state[doc].internalName, codes)] = body
    canvas._code.append(f"BT 1 0 0 1 {fp_str(x, y)} Tm {body} T* ET")


def draw_on(flowable: Flowable, canvas: Canvas, x: float, y: float) -> None:
    """``flowable.drawOn(canvas, x, y)`` (left-aligned): the same state saved, the same
    ``cm``, the matrix tracked the same way."""
    canvas.saveState()  # ends the code with "q": the move below is not merged into a "cm"
    a, b, c, d, e, f = canvas._currentMatrix
    canvas._currentMatrix = (a, b, c, d, a * x + c * y + e, b * x + d * y + f)
    canvas._code.append(f"1 0 0 1 {fp_str(x, y)} cm")
    flowable.canv = canvas
    flowable.draw()
    del flowable.canv
    canvas.restoreState()
