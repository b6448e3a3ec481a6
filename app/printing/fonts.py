"""The shipped Noto fonts registered with ReportLab, and which one draws which character.

Fonts are embedded as subsets. Arabic script prints in Noto Naskh Arabic (Arabic, Dari,
Pashto and Urdu): ReportLab applies HarfBuzz's horizontal glyph offsets but not the vertical
ones Nastaliq's cascading words need, so Urdu is printed in Naskh rather than wrongly in
Nastaliq.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.printing.embedding import embed_quickly
from app.resources import fonts_dir

LATIN = "NotoSans"
GEORGIAN = "NotoSansGeorgian"
ARABIC = "NotoNaskhArabic"
FAMILIES = (LATIN, GEORGIAN, ARABIC)


def font_name(family: str, bold: bool) -> str:
    return f"{family}-Bold" if bold else f"{family}-Regular"


# What each private-use code of a font stands for when text is copied from the PDF: shaped
# glyphs (contextual forms, ligatures, a letter with its marks) are drawn through such codes
# (see app.printing.shaping).
_GLYPH_SOURCES: dict[str, dict[int, str]] = {}


def remember_extracted_text(font: str, code: int, text: str) -> None:
    _GLYPH_SOURCES.setdefault(font, {})[code] = text


def _extracted_text(font: str, code: int) -> str:
    """What a copy from the PDF should give for code point ``code`` of ``font``."""
    if 0xE000 <= code <= 0xF8FF:
        return _GLYPH_SOURCES.get(font, {}).get(code, chr(code))
    if 0xFB00 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        # Presentation forms (Arabic contextual forms, the "ffi" ligature) -> their letters.
        return unicodedata.normalize("NFKC", chr(code))
    return chr(code)


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """ReportLab's ToUnicode CMap, but mapping shaped glyphs back to the letters they show,
    so text copied or searched in the PDF is the words, not private-use code points."""
    return _cmap(fontname, tuple(subset))


@lru_cache(maxsize=64)
def _cmap(fontname: str, subset: tuple[int, ...]) -> str:
    """Kept: a code's text never changes once it is drawn, and forms embed the same subsets."""
    font = fontname.split("+", 1)[-1]
    entries = [
        f"<{index:02X}> <{_utf16_hex(_extracted_text(font, code))}>"
        for index, code in enumerate(subset)
    ]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
            "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})",
            "/Supplement 0", ">> def", f"/CMapName /{fontname} def", "/CMapType 2 def",
            "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
            f"{len(subset)} beginbfchar", *entries, "endbfchar", "endcmap",
            "CMapName currentdict /CMap defineresource pop", "end", "end",
        ]
    )  # fmt: skip


@lru_cache(maxsize=4096)
def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


@cache
def register_fonts() -> None:
    """Register every shipped face once, with HarfBuzz shaping on."""
    for family in FAMILIES:
        for bold in (False, True):
            name = font_name(family, bold)
            font = TTFont(name, str(fonts_dir() / f"{name}.ttf"), shapable=True)
            embed_quickly(font, _to_unicode_cmap)
            pdfmetrics.registerFont(font)


@cache
def _coverage(name: str) -> frozenset[int]:
    font = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)


def preferred_family(rtl: bool) -> str:
    """The family a run's characters go to first: Arabic script's in a right-to-left run."""
    return ARABIC if rtl else LATIN


@cache
def covered(family: str) -> frozenset[str]:
    """The characters ``family`` draws (as :func:`family_for` sees them)."""
    return frozenset(map(chr, _coverage(font_name(family, False))))


def family_for(char: str, prefer_arabic: bool) -> str:
    """The family that has ``char``; ties go to the run's own script."""
    order = (ARABIC, LATIN, GEORGIAN) if prefer_arabic else (LATIN, GEORGIAN, ARABIC)
    code = ord(char)
    for family in order:
        if code in _coverage(font_name(family, False)):
            return family
    return order[0]
