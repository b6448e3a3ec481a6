"""A paragraph flowable that prints any of Homeward's scripts correctly.

Words are measured after HarfBuzz shaping, lines are broken in logical order, then each
line is put in visual order (:mod:`app.printing.bidi`) and drawn run by run, each run in a
font that has its characters. Right-to-left paragraphs are right-aligned. The flowable
splits between lines, so long answers flow across pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.colors import Color, black
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from app.printing.bidi import Run, is_rtl_text, visual_runs
from app.printing.fonts import (
    family_for,
    font_name,
    register_fonts,
    remember_glyph_sources,
)


@dataclass(frozen=True)
class Piece:
    """A stretch of one run in one font, shaped, ready to draw."""

    font: str
    text: ShapedStr | str
    width: float


def _segments(run: Run) -> Iterator[tuple[str, str]]:
    """Split a run where the font has to change; (family, text) in logical order."""
    current, start = None, 0
    for index, char in enumerate(run.text):
        family = family_for(char, prefer_arabic=run.rtl)
        if char.isspace() and current is not None:
            family = current  # spaces stay with the text around them
        if family != current:
            if current is not None:
                yield current, run.text[start:index]
            current, start = family, index
    if current is not None:
        yield current, run.text[start:]


@lru_cache(maxsize=4096)
def _shaped(text: str, font: str, size: float) -> Piece:
    shaped = shapeStr(text, font, size, force=True)
    data = getattr(shaped, "__shapeData__", None)
    if data:
        width = sum(item.x_advance for item in data) * size / 1000
    else:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        width = stringWidth(text, font, size)
    if data:
        remember_glyph_sources(font, text, shaped, data)
    return Piece(font, shaped, width)


_MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")


def _hb_guesses_rtl(text: str) -> bool:
    """Whether HarfBuzz will shape ``text`` right to left (it guesses from the script)."""
    return any(
        0x0590 <= (code := ord(char)) <= 0x08FF or 0xFB1D <= code <= 0xFDFF
        or 0xFE70 <= code <= 0xFEFF
        for char in text
    )  # fmt: skip


def _in_run_direction(part: str, run_rtl: bool) -> str:
    """The text to hand HarfBuzz so its glyphs come out in the run's visual order.

    HarfBuzz picks the direction from the script: a right-to-left run of only punctuation
    or Latin symbols would come out left to right (and unmirrored), and Arabic-Indic digits
    in a number run would come out reversed. Reversing such parts first puts them right.
    """
    if _hb_guesses_rtl(part) == run_rtl:
        return part
    reversed_part = part[::-1]
    return reversed_part.translate(_MIRRORED) if run_rtl else reversed_part


def shape_line(text: str, size: float, bold: bool, rtl: bool) -> list[Piece]:
    """Pieces of one line in drawing order (left to right)."""
    pieces: list[Piece] = []
    for run in visual_runs(text, rtl):
        segments = list(_segments(run))
        if run.rtl:
            segments.reverse()
        for family, part in segments:
            shaped_text = _in_run_direction(part, run.rtl)
            pieces.append(_shaped(shaped_text, font_name(family, bold), size))
    return pieces


def line_width(text: str, size: float, bold: bool, rtl: bool) -> float:
    return sum(piece.width for piece in shape_line(text, size, bold, rtl))


def break_lines(text: str, width: float, size: float, bold: bool, rtl: bool) -> list[str]:
    """Logical lines that fit ``width``; a word longer than a line is cut by characters."""
    lines: list[str] = []
    for paragraph in text.split("\n") or [""]:
        words = paragraph.split(" ")
        line = ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if line_width(candidate, size, bold, rtl) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
            while line_width(line, size, bold, rtl) > width and len(line) > 1:
                cut = _longest_fit(line, width, size, bold, rtl)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines


def _longest_fit(text: str, width: float, size: float, bold: bool, rtl: bool) -> int:
    """How many characters of ``text`` fit ``width`` (at least one), by bisection."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if line_width(text[:middle], size, bold, rtl) <= width:
            low = middle
        else:
            high = middle - 1
    return low


class BidiParagraph(Flowable):
    """Text in any supported script, wrapped to the frame, splittable between lines."""

    def __init__(
        self,
        text: str,
        size: float = 10,
        *,
        bold: bool = False,
        rtl: bool | None = None,
        color: Color = black,
        leading: float | None = None,
        space_after: float = 0,
        lines: list[str] | None = None,
    ) -> None:
        super().__init__()
        register_fonts()
        self.text = text
        self.size = size
        self.bold = bold
        self.rtl = is_rtl_text(text) if rtl is None else rtl
        self.color = color
        # Arabic script needs more room above and below than Latin at the same size.
        self.leading = leading or size * (1.7 if self._has_arabic(text) else 1.3)
        self.spaceAfter = space_after
        self._lines = lines
        self._width = 0.0

    @staticmethod
    def _has_arabic(text: str) -> bool:
        return any(0x0600 <= ord(c) <= 0x08FF or 0xFB50 <= ord(c) <= 0xFEFF for c in text)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._width = available_width
        if self._lines is None:
            self._lines = break_lines(self.text, available_width, self.size, self.bold, self.rtl)
        # Tables read .height to decide where a row splits: keep it true.
        self.width, self.height = available_width, len(self._lines) * self.leading
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        assert self._lines is not None
        fit = int(available_height // self.leading)
        if fit <= 0:
            return []
        if fit >= len(self._lines):
            return [self]
        return [
            self._part(self._lines[:fit], 0),
            self._part(self._lines[fit:], self.spaceAfter),
        ]

    def _part(self, lines: list[str], space_after: float) -> BidiParagraph:
        return BidiParagraph(
            "\n".join(lines), self.size, bold=self.bold, rtl=self.rtl, color=self.color,
            leading=self.leading, space_after=space_after, lines=lines,
        )  # fmt: skip

    def draw(self) -> None:
        canvas: Canvas = self.canv
        assert self._lines is not None
        canvas.setFillColor(self.color)
        height = len(self._lines) * self.leading
        for number, line in enumerate(self._lines):
            baseline = height - (number + 1) * self.leading + (self.leading - self.size) / 2 + 2
            pieces = shape_line(line, self.size, self.bold, self.rtl)
            total = sum(piece.width for piece in pieces)
            x = self._width - total if self.rtl else 0.0
            for piece in pieces:
                canvas.setFont(piece.font, self.size)
                canvas.drawString(x, baseline, piece.text)
                x += piece.width
