"""Visual order of a line of mixed right-to-left and left-to-right text.

The Unicode bidirectional algorithm (UAX #9) for one paragraph without explicit embedding
controls, which is what forms contain: weak types (W1-W7), bracket pairs (N0), neutrals
(N1-N2), implicit levels (I1-I2) and reordering (L2). So "پاڼه 1 له 2 څخه" inside an
English line stays one right-to-left phrase with its numbers, and "1,500 EUR" inside Arabic
is not reversed.

Each run keeps its characters in logical order: HarfBuzz shapes it and returns the glyphs of
a right-to-left run already in visual order, so only the order of the runs is decided here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_NEUTRAL = {"B", "S", "WS", "ON", "BN"}


@dataclass(frozen=True)
class Run:
    text: str
    rtl: bool


def is_rtl_text(text: str) -> bool:
    """True if the first strong character is right-to-left (the paragraph's direction, P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _resolve_weak(kinds: list[str], base: str) -> list[str]:
    """W1-W7 on one isolating run (the whole line)."""
    types = list(kinds)
    previous = base
    for i, kind in enumerate(types):  # W1: non-spacing marks take the type before them
        if kind == "NSM":
            types[i] = previous if previous not in ("LRI", "RLI", "FSI", "PDI") else "ON"
        previous = types[i]
    last_strong = base
    for i, kind in enumerate(types):  # W2: European digits after Arabic letters are Arabic
        if kind in ("L", "R", "AL"):
            last_strong = kind
        elif kind == "EN" and last_strong == "AL":
            types[i] = "AN"
    types = ["R" if kind == "AL" else kind for kind in types]  # W3
    for i in range(1, len(types) - 1):  # W4: one separator between two numbers
        before, kind, after = types[i - 1], types[i], types[i + 1]
        if kind == "ES" and before == after == "EN":
            types[i] = "EN"
        elif kind == "CS" and before == after and before in ("EN", "AN"):
            types[i] = before
    i = 0
    while i < len(types):  # W5: terminators (%, €, #) next to European numbers
        if types[i] != "ET":
            i += 1
            continue
        end = i
        while end < len(types) and types[end] == "ET":
            end += 1
        if (i > 0 and types[i - 1] == "EN") or (end < len(types) and types[end] == "EN"):
            types[i:end] = ["EN"] * (end - i)
        i = end
    types = ["ON" if kind in ("ES", "ET", "CS") else kind for kind in types]  # W6
    last_strong = base
    for i, kind in enumerate(types):  # W7: European numbers in left-to-right text are L
        if kind in ("L", "R"):
            last_strong = kind
        elif kind == "EN" and last_strong == "L":
            types[i] = "L"
    return types


_OPENING = {"(": ")", "[": "]", "{": "}", "\u2045": "\u2046", "\u207d": "\u207e",
            "\u208d": "\u208e", "\u2329": "\u232a", "\u3008": "\u3009"}  # fmt: skip
_CLOSING = {closing: opening for opening, closing in _OPENING.items()}


def _bracket_pairs(text: str, types: list[str]) -> list[tuple[int, int]]:
    """BD16: matching bracket pairs (only brackets still neutral), by opening position."""
    stack: list[tuple[str, int]] = []
    pairs = []
    for index, char in enumerate(text):
        if types[index] != "ON":
            continue
        if char in _OPENING:
            if len(stack) == 63:
                break
            stack.append((_OPENING[char], index))
        elif char in _CLOSING:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == char:
                    pairs.append((stack[depth][1], index))
                    del stack[depth:]
                    break
    return sorted(pairs)


def _resolve_brackets(text: str, types: list[str], base: str) -> list[str]:
    """N0: a bracket pair takes the direction of the text inside it, or of its context, so
    "(Kabul)" in Arabic and "(أحمد)" in English keep their brackets round the right words."""
    resolved = list(types)

    def strong(kind: str) -> str | None:
        return "R" if kind in ("R", "EN", "AN") else "L" if kind == "L" else None

    for opening, closing in _bracket_pairs(text, types):
        inside = {strong(kind) for kind in resolved[opening + 1 : closing]} - {None}
        if not inside:
            continue
        if base in inside:
            direction = base
        else:
            other = inside.pop()
            before = next(
                (d for d in map(strong, reversed(resolved[:opening])) if d is not None), base
            )
            direction = other if before == other else base
        resolved[opening] = resolved[closing] = direction
    return resolved


def _resolve_neutral(types: list[str], base: str) -> list[str]:
    """N1-N2: neutrals between two of the same direction take it, others the paragraph's."""
    strong = ["R" if kind in ("EN", "AN") else kind for kind in types]
    resolved = list(types)
    i = 0
    while i < len(types):
        if types[i] not in _NEUTRAL:
            i += 1
            continue
        end = i
        while end < len(types) and types[end] in _NEUTRAL:
            end += 1
        before = strong[i - 1] if i > 0 else base
        after = strong[end] if end < len(types) else base
        resolved[i:end] = [before if before == after else base] * (end - i)
        i = end
    return resolved


def _levels(types: list[str], base_level: int) -> list[int]:
    """I1-I2: implicit embedding levels."""
    levels = []
    for kind in types:
        if base_level % 2 == 0:
            levels.append(base_level + {"R": 1, "AN": 2, "EN": 2}.get(kind, 0))
        else:
            levels.append(base_level + (1 if kind in ("L", "EN", "AN") else 0))
    return levels


def visual_runs(text: str, base_rtl: bool | None = None) -> list[Run]:
    """The runs of ``text`` (equal embedding level) in the order drawn, left to right."""
    if not text:
        return []
    rtl = is_rtl_text(text) if base_rtl is None else base_rtl
    base = "R" if rtl else "L"
    kinds = [unicodedata.bidirectional(char) or "L" for char in text]
    types = _resolve_neutral(_resolve_brackets(text, _resolve_weak(kinds, base), base), base)
    levels = _levels(types, 1 if rtl else 0)
    runs: list[tuple[str, int]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or levels[i] != levels[start]:
            runs.append((text[start:i], levels[start]))
            start = i
    # L2: from the highest level down to the lowest odd one, reverse every sequence of runs
    # at that level or higher.
    order = list(range(len(runs)))
    highest = max(level for _, level in runs)
    lowest_odd = min((level for _, level in runs if level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if runs[order[i]][1] < level:
                i += 1
                continue
            end = i
            while end < len(order) and runs[order[end]][1] >= level:
                end += 1
            order[i:end] = reversed(order[i:end])
            i = end
    return [Run(runs[index][0], runs[index][1] % 2 == 1) for index in order]
