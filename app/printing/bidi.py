"""Visual order of a line of mixed right-to-left and left-to-right text.

A compact form of the Unicode bidirectional algorithm for what forms contain: one paragraph
direction, runs of Arabic-script text, runs of Latin/Cyrillic/Georgian text, and numbers.
Numbers keep their left-to-right order inside right-to-left text ("1 500 EUR" is not
reversed). Each run stays in logical order: HarfBuzz shapes it and returns the glyphs of a
right-to-left run already in visual order, so only the order of the runs is decided here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_RTL = {"R", "AL"}
_NUMBER = {"EN", "AN"}
_NUMBER_JOINERS = {"ES", "ET", "CS"}  # "+", "%", "€", ",", "." between or around digits


@dataclass(frozen=True)
class Run:
    text: str
    rtl: bool


def is_rtl_text(text: str) -> bool:
    """True if the first strong character is right-to-left (the paragraph's direction)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in _RTL:
            return True
        if kind == "L":
            return False
    return False


def _directions(text: str, base_rtl: bool) -> list[bool]:
    """Per character: True if it belongs to a right-to-left run."""
    kinds = [unicodedata.bidirectional(char) for char in text]
    strong: list[bool | None] = []
    for index, kind in enumerate(kinds):
        if kind in _RTL:
            strong.append(True)
        elif (
            kind == "L"
            or kind in _NUMBER
            or (kind in _NUMBER_JOINERS and _next_to_number(kinds, index))
        ):
            strong.append(False)
        elif kind == "NSM" and strong:
            strong.append(strong[-1])
        else:
            strong.append(None)  # neutral: decided by its neighbours
    resolved: list[bool] = []
    for index, value in enumerate(strong):
        if value is not None:
            resolved.append(value)
            continue
        before = next((s for s in reversed(strong[:index]) if s is not None), base_rtl)
        after = next((s for s in strong[index + 1 :] if s is not None), base_rtl)
        resolved.append(before if before == after else base_rtl)
    return resolved


def _next_to_number(kinds: list[str], index: int) -> bool:
    left = kinds[index - 1] if index > 0 else ""
    right = kinds[index + 1] if index + 1 < len(kinds) else ""
    return left in _NUMBER or right in _NUMBER


def visual_runs(text: str, base_rtl: bool | None = None) -> list[Run]:
    """The runs of ``text`` in the order they are drawn from left to right."""
    if not text:
        return []
    rtl_paragraph = is_rtl_text(text) if base_rtl is None else base_rtl
    directions = _directions(text, rtl_paragraph)
    runs: list[Run] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or directions[index] != directions[start]:
            runs.append(Run(text[start:index], directions[start]))
            start = index
    if rtl_paragraph:
        runs.reverse()
    return runs
