"""The fonts written into each PDF with the same bytes as ReportLab writes them, built with
less work: a form embeds the same faces, mostly the same glyphs, on every print.

- A subset (the font file of the glyphs a document uses) is built by ReportLab in Python:
  the last ones are kept, as the same codes give the same subset.
- A font file or ToUnicode map that was compressed before is not compressed again.
- A subset's widths and its descriptor's metrics are written from numbers formatted once,
  not through ReportLab's pure-Python number formatting and codec on every print.

Homeward's ToUnicode maps (see app.printing.fonts) are handed to ReportLab only while a
Homeward font writes itself: any other font keeps ReportLab's.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, ttfonts
from reportlab.pdfbase.ttfonts import TTFont


class _KeptFlate(pdfdoc.PDFStreamFilterZCompress):
    """ReportLab's Flate filter, remembering the last streams it compressed."""

    def encode(self, text: str | bytes) -> bytes:
        return _compressed(text.encode("utf8") if isinstance(text, str) else text)


@lru_cache(maxsize=64)
def _compressed(data: bytes) -> bytes:
    return zlib.compress(data)


KEPT_FLATE = _KeptFlate()
_REPORTLAB_CMAP = ttfonts.makeToUnicodeCMap
_CMAP_SWAP = threading.Lock()
_NUMBERS: dict[float, bytes] = {}


def _number(value: float) -> bytes:
    """``value`` as ReportLab formats a number in a PDF object (fp_str, then its codec)."""
    written = _NUMBERS.get(value)
    if written is None:
        written = _NUMBERS[value] = fp_str(value).encode("extpdfdoc")
    return written


class _Formatted(pdfdoc.PDFObject):
    """A PDF object already formatted (it refers to no other object)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


@lru_cache(maxsize=64)
def _array(numbers: tuple[float, ...]) -> bytes:
    """``PDFArray(numbers)`` as ReportLab formats it."""
    return pdfdoc.PDFArray(map(_number, numbers)).format(None)


def _objects_kept(font: TTFont, cmap: Callable[[str, Sequence[int]], str]) -> None:
    """Let ``font`` write its PDF objects (per subset: font, widths, ToUnicode map made by
    ``cmap``, font file) as before, then give the numbers and streams the quicker writers
    above. ReportLab takes the map from a function of its module: it is ``cmap`` only while
    this font writes itself, so other fonts (the bench's raw ReportLab) keep ReportLab's."""
    add_objects = font.addObjects

    def add_kept(doc: Any) -> None:
        first = doc.objectcounter + 1
        with _CMAP_SWAP:  # two prints at once never restore the map under each other
            ttfonts.makeToUnicodeCMap = cmap
            try:
                add_objects(doc)
            finally:
                ttfonts.makeToUnicodeCMap = _REPORTLAB_CMAP
        for number in range(first, doc.objectcounter + 1):
            added = doc.idToObject[doc.numberToId[number]]
            if isinstance(added, pdfdoc.PDFTrueTypeFont):
                added.Widths = _Formatted(_array(tuple(added.Widths.sequence)))
            elif isinstance(added, pdfdoc.PDFDictionary) and "FontBBox" in added.dict:
                _descriptor_numbers(added.dict)
            elif isinstance(added, pdfdoc.PDFStream) and added.filters == [pdfdoc.PDFZCompress]:
                added.filters = [KEPT_FLATE]

    font.addObjects = add_kept


def _descriptor_numbers(descriptor: dict[str, Any]) -> None:
    """A font descriptor's numbers (metrics, bounding box) as formatted once per face."""
    for key, value in descriptor.items():
        if type(value) in (int, float):
            descriptor[key] = _number(value)
    descriptor["FontBBox"] = pdfdoc.PDFArray(map(_number, descriptor["FontBBox"].sequence))


def _subsets_kept(face: Any) -> None:
    """Keep the last subsets ``face`` embedded: printing a form again embeds the same glyphs,
    and ReportLab builds a subset in Python. A code keeps its glyph for good (shaped glyphs
    get new codes, never another glyph), so the same codes give the same subset."""
    make = face.makeSubset

    @lru_cache(maxsize=16)
    def kept(codes: tuple[int, ...]) -> bytes:
        return make(list(codes))

    face.makeSubset = lambda subset: kept(tuple(subset))


def embed_quickly(font: TTFont, cmap: Callable[[str, Sequence[int]], str]) -> None:
    """Make ``font`` write itself into PDFs the quicker way (same bytes), with the ToUnicode
    maps ``cmap`` makes."""
    _subsets_kept(font.face)
    _objects_kept(font, cmap)
