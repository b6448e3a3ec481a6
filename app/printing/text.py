"""A paragraph flowable that prints any of Homeward's scripts correctly, and the helpers that
keep mixed-direction pieces apart.

UAX #9 in its order: the levels are resolved on the whole paragraph (:func:`bidi.resolve`),
lines are broken on the logical text with widths measured from the shaped glyph runs, then
each line is reordered (L1-L2) and drawn run by run, each level run shaped by HarfBuzz in its
own direction and font. Right-to-left paragraphs are right-aligned. The flowable splits
between lines, so long answers flow across pages.

Pieces of different languages are never resolved as one concatenated string: a value put
into a template is isolated (``app.printing.marks.fill``), pieces shown on one line are
isolated from each other (:func:`joined`), and a label keeps the direction of its language
(:func:`directional`) even when it starts with a Latin abbreviation ("EUR میں کل رقم").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.colors import Color, black
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from app.printing.bidi import (
    CONTROLS,
    LevelRun,
    Resolved,
    is_rtl_text,
    line_runs,
    resolve,
)
from app.printing.fonts import covered, family_for, font_name, preferred_family, register_fonts
from app.printing.shaping import ShapedRun, run_width, shape
from app.printing.written import draw_on, set_fill, write_group

# Marked content that both pdftotext and PDFium extract as nothing: marks whose text is
# carried by their letter's glyph (see app.printing.shaping).
_NO_TEXT = "/Span <</ActualText <FEFF0000>>> BDC"
_ARABIC_SCRIPT = re.compile("[\u0600-\u08ff\ufb50-\ufeff]")


@dataclass(frozen=True)
class Line:
    """Characters ``start``…``end`` of a resolved paragraph, laid out as one line."""

    paragraph: Resolved
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.paragraph.text[self.start : self.end]

    def runs(self) -> list[LevelRun]:
        """Level runs in drawing order, trailing white space left out."""
        end = _trimmed_end(self.paragraph.text, self.start, self.end)
        return line_runs(self.paragraph, self.start, end)


def _trimmed_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in CONTROLS):
        end -= 1
    return end


def _segments(text: str, rtl: bool) -> tuple[tuple[str, str], ...]:
    """Split a run where the font has to change; (family, text) in logical order."""
    if text and set(text) <= covered(preferred_family(rtl)):
        return ((preferred_family(rtl), text),)  # one font has every character
    return _font_segments(text, rtl)


@lru_cache(maxsize=4096)
def _font_segments(text: str, rtl: bool) -> tuple[tuple[str, str], ...]:
    segments = []
    current, start = None, 0
    for index, char in enumerate(text):
        family = family_for(char, prefer_arabic=rtl)
        if char.isspace() and current is not None:
            family = current  # spaces stay with the text around them
        if family != current:
            if current is not None:
                segments.append((current, text[start:index]))
            current, start = family, index
    if current is not None:
        segments.append((current, text[start:]))
    return tuple(segments)


def shaped_runs(line: Line, size: float, bold: bool) -> list[ShapedRun]:
    """The line's glyph runs in drawing order (left to right)."""
    paragraph = line.paragraph
    return list(_line_runs(paragraph.text, paragraph.rtl, line.start, line.end, size, bold))


@lru_cache(maxsize=8192)
def _line_runs(
    text: str, rtl: bool, start: int, end: int, size: float, bold: bool
) -> tuple[ShapedRun, ...]:
    """Drawn lines, cached across documents: the paragraph is resolved once per text."""
    return tuple(_shape_runs(Line(resolve(text, rtl), start, end), size, bold))


def _shape_runs(line: Line, size: float, bold: bool) -> list[ShapedRun]:
    return [shape(*piece) for piece in _pieces(line, size, bold)]


def _pieces(line: Line, size: float, bold: bool) -> Iterator[tuple[str, str, float, bool]]:
    """What to shape for ``line``, in drawing order: (text, font, size, rtl) per piece of a
    level run in one font."""
    register_fonts()
    text = line.paragraph.text
    for run in line.runs():
        drawn = text[run.start : run.end]
        if not CONTROLS.isdisjoint(drawn):
            drawn = "".join(c for c in drawn if c not in CONTROLS)
        segments = _segments(drawn, run.rtl)
        for family, part in reversed(segments) if run.rtl else segments:
            yield part, font_name(family, bold), size, run.rtl


def _width(paragraph: Resolved, start: int, end: int, size: float, bold: bool) -> float:
    """A candidate line's width, as wide as the line will be drawn (see run_width)."""
    return sum(run_width(*piece) for piece in _pieces(Line(paragraph, start, end), size, bold))


def lay_out(text: str, width: float, size: float, bold: bool, rtl: bool) -> list[Line]:
    """Lines that fit ``width``: levels resolved per paragraph, breaks at spaces in logical
    order, a word longer than a line cut by characters."""
    return list(_lay_out(text, width, size, bold, rtl))


@lru_cache(maxsize=4096)
def _lay_out(text: str, width: float, size: float, bold: bool, rtl: bool) -> tuple[Line, ...]:
    """Cached across documents: the same label is laid out at the same width on every form."""
    lines: list[Line] = []
    for paragraph_text in text.split("\n"):
        paragraph = resolve(paragraph_text, rtl)
        length = len(paragraph_text)
        breaks = [i + 1 for i, char in enumerate(paragraph_text) if char == " "] + [length]
        start = 0
        while True:
            end = _line_end(paragraph, start, breaks, width, size, bold)
            if end is None:  # the next word alone is too wide
                word_end = next(b for b in breaks if b > start) if start < length else length
                end = _longest_fit(paragraph, start, word_end, width, size, bold)
            lines.append(Line(paragraph, start, end))
            start = end
            if start >= length:
                break
    return tuple(lines)


def _line_end(
    paragraph: Resolved, start: int, breaks: list[int], width: float, size: float, bold: bool
) -> int | None:
    """The last break after ``start`` up to which the line fits ``width`` (None: not even
    the first word), measured exactly as drawn.

    A line grows with every word, so this is the break before the first that does not fit.
    Measuring the line up to every break in turn measures its first words again and again;
    instead the words are measured one by one (short, and the same words recur) to guess
    the break, and the line is measured exactly at the guess and beside it."""
    candidates = [candidate for candidate in breaks if candidate > start]

    def fits(index: int) -> bool:
        return _width(paragraph, start, candidates[index], size, bold) <= width

    guess, total, previous = -1, 0.0, start
    for index, candidate in enumerate(candidates):
        total += _width(paragraph, previous, candidate, size, bold)  # spaces left out
        if total > width:
            break
        guess, previous = index, candidate
    if guess >= 0 and not fits(guess):
        while guess >= 0 and not fits(guess):
            guess -= 1
    else:
        while guess + 1 < len(candidates) and fits(guess + 1):
            guess += 1
    return candidates[guess] if guess >= 0 else None


def _longest_fit(
    paragraph: Resolved, start: int, end: int, width: float, size: float, bold: bool
) -> int:
    """The end of the longest stretch from ``start`` (at least one character) that fits."""
    low, high = min(start + 1, end), end
    while low < high:
        middle = (low + high + 1) // 2
        if _width(paragraph, start, middle, size, bold) <= width:
            low = middle
        else:
            high = middle - 1
    return low


@dataclass(frozen=True)
class Piece:
    """A glyph run as drawn: font, code points, width."""

    font: str
    text: str
    width: float


def shape_line(text: str, size: float, bold: bool, rtl: bool) -> list[Piece]:
    """Pieces of a one-line paragraph in drawing order (left to right)."""
    line = Line(resolve(text, rtl), 0, len(text))
    return [Piece(run.font, run.drawn, run.width) for run in shaped_runs(line, size, bold)]


def line_width(text: str, size: float, bold: bool, rtl: bool) -> float:
    """How wide ``text`` is set on one line (e.g. the longest word of a table header)."""
    return sum(piece.width for piece in shape_line(text, size, bold, rtl))


def draw_line(canvas: Canvas, line: Line, x: float, y: float, size: float, bold: bool) -> None:
    """Draw ``line`` from ``x`` rightwards (a run's marks carry no text of their own)."""
    for run in shaped_runs(line, size, bold):
        canvas.setFont(run.font, size)
        for group in run.groups:
            if group.hidden:
                canvas._code.append(_NO_TEXT)
            # What canvas.drawString writes, without measuring or formatting it again.
            write_group(canvas, run.font, group, x, y)
            if group.hidden:
                canvas._code.append("EMC")
            x += group.width


class BidiParagraph(Flowable):
    """Text in any supported script, wrapped to the frame, splittable between lines.

    ``rtl`` is the paragraph's direction; None takes it from the first strong letter
    outside isolates (UAX #9 P2-P3).
    """

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
        lines: list[Line] | None = None,
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
        self._fixed = lines is not None  # a part of a split paragraph keeps its lines
        self._laid_width: float | None = None
        self._width = 0.0

    @staticmethod
    def _has_arabic(text: str) -> bool:
        return _ARABIC_SCRIPT.search(text) is not None

    def lines(self, available_width: float) -> list[Line]:
        """The laid-out lines (logical ranges of the resolved paragraphs)."""
        self.wrap(available_width, 10**9)
        assert self._lines is not None
        return self._lines

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._width = available_width
        # Tables wrap a cell at several widths while sizing columns: lay out again when the
        # width changes (a part of a split paragraph keeps the lines it was cut with).
        if self._lines is None or (not self._fixed and available_width != self._laid_width):
            self._lines = lay_out(self.text, available_width, self.size, self.bold, self.rtl)
            self._laid_width = available_width
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

    def _part(self, lines: list[Line], space_after: float) -> BidiParagraph:
        return BidiParagraph(
            "\n".join(line.text for line in lines), self.size, bold=self.bold, rtl=self.rtl,
            color=self.color, leading=self.leading, space_after=space_after, lines=lines,
        )  # fmt: skip

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        """As ReportLab's, with less work (app.printing.written): every cell places some."""
        draw_on(self, canvas, self._hAlignAdjust(x, _sW), y)

    def draw(self) -> None:
        canvas: Canvas = self.canv
        assert self._lines is not None
        set_fill(canvas, self.color)
        height = len(self._lines) * self.leading
        for number, line in enumerate(self._lines):
            baseline = height - (number + 1) * self.leading + (self.leading - self.size) / 2 + 2
            total = sum(run.width for run in shaped_runs(line, self.size, self.bold))
            x = self._width - total if self.rtl else 0.0
            draw_line(canvas, line, x, baseline, self.size, self.bold)
