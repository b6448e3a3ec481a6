"""The shipped Noto fonts registered with ReportLab, and which one draws which character.

Fonts are embedded as subsets. Arabic script prints in Noto Naskh Arabic (Arabic, Dari,
Pashto and Urdu): ReportLab applies HarfBuzz's horizontal glyph offsets but not the vertical
ones Nastaliq's cascading words need, so Urdu is printed in Naskh rather than wrongly in
Nastaliq.
"""

from __future__ import annotations

from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.resources import fonts_dir

LATIN = "NotoSans"
GEORGIAN = "NotoSansGeorgian"
ARABIC = "NotoNaskhArabic"
FAMILIES = (LATIN, GEORGIAN, ARABIC)


def font_name(family: str, bold: bool) -> str:
    return f"{family}-Bold" if bold else f"{family}-Regular"


@cache
def register_fonts() -> None:
    """Register every shipped face once, with HarfBuzz shaping on."""
    for family in FAMILIES:
        for bold in (False, True):
            name = font_name(family, bold)
            font = TTFont(name, str(fonts_dir() / f"{name}.ttf"), shapable=True)
            pdfmetrics.registerFont(font)


@cache
def _coverage(name: str) -> frozenset[int]:
    font = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)


def family_for(char: str, prefer_arabic: bool) -> str:
    """The family that has ``char``; ties go to the run's own script."""
    order = (ARABIC, LATIN, GEORGIAN) if prefer_arabic else (LATIN, GEORGIAN, ARABIC)
    code = ord(char)
    for family in order:
        if code in _coverage(font_name(family, False)):
            return family
    return order[0]
