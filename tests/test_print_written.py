"""What the printer writes by its quicker paths (app.printing.written) is what ReportLab
writes: glyph groups (shaped or plain, written again from the kept text or anew with other
codes), a paragraph moved to its place, a paragraph's colour."""

import io

from reportlab.lib.colors import Color, HexColor, black
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from app.printing import shaping, written
from app.printing.fonts import ARABIC, LATIN, font_name, register_fonts
from test_print_caches import SAMPLES


def _canvas() -> Canvas:
    return Canvas(io.BytesIO(), initialFontName="NotoSans-Regular")


def _by_reportlab(canvas: Canvas, group: shaping.Group, x: float, y: float) -> None:
    text = canvas.beginText(x, y)
    text.textLine(group.text if group.plain is None else group.plain)
    canvas.drawText(text)


def _both(samples: list[tuple[str, str, bool]]) -> tuple[list[str], list[str]]:
    """Each sample's groups written twice, at two places, on a canvas by each writer."""
    ours, theirs = _canvas(), _canvas()
    for canvas, write in ((ours, written.write_group), (theirs, None)):
        for sample, family, rtl in samples:
            run = shaping.shape(sample, font_name(family, False), 9.5, rtl)
            canvas.setFont(run.font, 9.5)
            for x, y in ((10.5, 700.25), (72 + 1 / 3, 12.125)):
                for group in run.groups:
                    if write is None:
                        _by_reportlab(canvas, group, x, y)
                    else:
                        write(canvas, run.font, group, x, y)
    return ours._code, theirs._code


def test_groups_are_written_as_reportlab_writes_them():
    register_fonts()
    # A lead text gives some glyphs their codes first: the same groups get other codes.
    for lead in ([], [("zyxwvu ZYX 987", LATIN, False)], [("ئۇيغۇر", ARABIC, True)]):
        ours, theirs = _both([*lead, *SAMPLES])
        assert ours == theirs


class _Box(Flowable):
    def draw(self) -> None:
        self.canv.rect(0, 0, 10, 10)


def test_a_move_and_a_colour_are_written_as_reportlab_writes_them():
    ours, theirs = _canvas(), _canvas()
    for x, y in ((0, 0), (45.354, 612.75), (1 / 3, -2.5)):
        written.draw_on(_Box(), ours, x, y)
        _Box().drawOn(theirs, x, y)
    for colour in (black, HexColor("#555555"), HexColor("#8a4b00"), Color(0.2, 0.4, 0.6, 0.5)):
        written.set_fill(ours, colour)
        theirs.setFillColor(colour)
    assert ours._code == theirs._code
    assert ours._currentMatrix == theirs._currentMatrix
    assert ours._fillColorObj == theirs._fillColorObj
