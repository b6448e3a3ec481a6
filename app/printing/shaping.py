"""HarfBuzz shaping of one level run, and what each drawn glyph stands for in the text.

A run is shaped in its own direction (odd level: right to left, so HarfBuzz mirrors its
brackets and returns its glyphs in visual order). Each glyph is drawn through a code whose
ToUnicode entry is the text of its HarfBuzz cluster, so that copying or searching the PDF
gives the words as typed:

- a glyph standing for several characters (lam-alef, a letter with its shadda and harakat,
  a letter and the ZWNJ after it) maps to the whole cluster; the marks drawn as glyphs of
  their own are wrapped in marked content whose ActualText is empty for both pdftotext and
  PDFium, so they are not extracted twice or before their letter;
- in a right-to-left run the cluster's text is given in visual order (reversed), because
  text extractors read right-to-left lines from the right and reverse them back;
- a glyph shared by several characters (Persian yeh and alef maksura, isolated and final)
  gets a code per character it stands for, so "ی" never comes back as "ى".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import uharfbuzz as hb
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr

from app.printing.fonts import remember_extracted_text

FEATURES = {"kern": True, "liga": True}


@dataclass(frozen=True)
class Group:
    """Consecutive glyphs drawn with one call; ``hidden``: marks whose text is elsewhere.

    ``plain``: the same codes as a plain string when every glyph sits where the font's own
    advance puts it (no kerning, no offset). ReportLab writes such a string exactly as the
    shaped one, without walking it glyph by glyph; None when HarfBuzz moved a glyph.
    """

    text: ShapedStr
    width: float
    hidden: bool
    plain: str | None = None
    # How it is written into a content stream (see app.printing.written), per font state.
    written: dict[tuple[Any, ...], str] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )


@dataclass(frozen=True)
class ShapedRun:
    font: str
    size: float
    rtl: bool
    source: str
    groups: tuple[Group, ...]

    @property
    def width(self) -> float:
        return sum(group.width for group in self.groups)

    @property
    def drawn(self) -> str:
        """The code points drawn (private-use ones stand for substituted glyphs)."""
        return "".join(str(group.text) for group in self.groups)


_CODES: dict[tuple[str, int, str], int] = {}


def _code(font: Any, name: str, gid: int, text: str, advance: float) -> int:
    """The code that draws glyph ``gid`` and extracts as ``text``."""
    face = font.face
    default = face.glyphToChar.get(gid)
    if default and chr(default[0]) == text:
        return default[0]
    key = (name, gid, text)
    code = _CODES.get(key)
    if code is None:
        code = 0xE000
        while code in face.charToGlyph:
            code += 1
        if code > 0xF8FF:
            raise RuntimeError("no private-use code left in " + name)
        face.charToGlyph[code] = gid
        face.glyphToChar.setdefault(gid, []).append(code)
        face.charWidths[code] = advance
        remember_extracted_text(name, code, text)
        _CODES[key] = code
    return code


def _shaped(text: str, hb_font: hb.Font, rtl: bool) -> Iterator[tuple[Any, Any, str]]:
    """HarfBuzz's glyphs for ``text``: (info, position, text carried) in visual order.

    The cluster's text goes with its first glyph that has a width (the letter, not its
    marks); a cluster of only zero-width glyphs (ZWNJ) keeps its own; other glyphs carry
    nothing (""), their text being drawn by another glyph.
    """
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if rtl else "ltr"
    hb.shape(hb_font, buffer, FEATURES)
    infos, positions = buffer.glyph_infos, buffer.glyph_positions
    starts = sorted({info.cluster for info in infos})
    ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
    carried: set[int] = set()
    for info, position in zip(infos, positions, strict=True):
        cluster = text[info.cluster : ends[info.cluster]]
        if info.cluster not in carried and (position.x_advance != 0 or len(cluster) == 1):
            carried.add(info.cluster)
            yield info, position, cluster[::-1] if rtl else cluster
        else:
            yield info, position, ""


@lru_cache(maxsize=8192)
def shape(text: str, font_name: str, size: float, rtl: bool) -> ShapedRun:
    """``text`` (logical order, one level run, one font) shaped in the run's direction."""
    font = pdfmetrics.getFont(font_name)
    hb_font = font.hbFont(size)
    glyphs: list[tuple[str, ShapeData, bool]] = []
    for info, position, source in _shaped(text, hb_font, rtl):
        advance = font.pdfScale(hb_font.get_glyph_h_advance(info.codepoint))
        code = _code(font, font_name, info.codepoint, source, advance)
        width = font.face.charWidths[code]
        data = ShapeData(
            info.cluster,
            font.pdfScale(position.x_advance),
            font.pdfScale(position.y_advance),
            font.pdfScale(position.x_offset),
            font.pdfScale(position.y_offset),
            width,
        )
        glyphs.append((chr(code), data, not source))
    return ShapedRun(font_name, size, rtl, text, _groups(glyphs, size))


@lru_cache(maxsize=16384)
def run_width(text: str, font_name: str, size: float, rtl: bool) -> float:
    """``shape(...).width`` without building the run: the same sums in the same order, so a
    line measured while breaking lines is exactly as wide as when it is drawn."""
    font = pdfmetrics.getFont(font_name)
    widths: list[float] = []
    advances: list[float] = []
    hidden = False
    for _, position, source in _shaped(text, font.hbFont(size), rtl):
        if advances and hidden != (not source):
            widths.append(sum(advances) * size / 1000)
            advances = []
        hidden = not source
        advances.append(font.pdfScale(position.x_advance))
    if advances:
        widths.append(sum(advances) * size / 1000)
    return sum(widths)


def _groups(glyphs: list[tuple[str, ShapeData, bool]], size: float) -> tuple[Group, ...]:
    groups: list[Group] = []
    start = 0
    for index in range(1, len(glyphs) + 1):
        if index == len(glyphs) or glyphs[index][2] != glyphs[start][2]:
            part = glyphs[start:index]
            codes = "".join(g[0] for g in part)
            text = ShapedStr(codes, shapeData=[g[1] for g in part])
            width = sum(g[1].x_advance for g in part) * size / 1000
            plain = all(
                g[1].x_offset == 0 and g[1].y_offset == 0 and g[1].x_advance == g[1].width
                for g in part
            )
            groups.append(Group(text, width, part[0][2], codes if plain else None))
            start = index
    return tuple(groups)
