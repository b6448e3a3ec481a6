"""The Unicode bidirectional algorithm (UAX #9), in the order it is meant to run.

:func:`resolve` gives every character of a paragraph its embedding level (P2-P3, X1-X10 with
isolates, W1-W7, N0-N2 with bracket pairs, I1-I2). Lines are broken afterwards on the logical
text, and :func:`line_runs` reorders one line (L1-L2). Resolving each wrapped line on its own
would reorder a number that wraps ("+93 70" / "123 4567"), and resolving a label and a value
joined into one string would mix their directions: a value in a template is isolated
(FSI…PDI), and each piece keeps its own direction.

Conformance is checked against Unicode's BidiCharacterTest.txt (tests/test_print_bidi.py).
Mirroring (L4) is left to HarfBuzz, which mirrors brackets in right-to-left runs.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

LRE, RLE, LRO, RLO, PDF = "\u202a", "\u202b", "\u202d", "\u202e", "\u202c"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
LRM, RLM, ALM = "\u200e", "\u200f", "\u061c"
CONTROLS = frozenset(LRE + RLE + LRO + RLO + PDF + LRI + RLI + FSI + PDI + LRM + RLM + ALM)

MAX_DEPTH = 125
_ISOLATE_INITIATORS = frozenset(("LRI", "RLI", "FSI"))
_REMOVED = frozenset(("RLE", "LRE", "RLO", "LRO", "PDF", "BN"))  # X9
_NEUTRAL_OR_ISOLATE = frozenset(("B", "S", "WS", "ON", "LRI", "RLI", "FSI", "PDI"))  # NI

# BidiBrackets.txt (Unicode 15): opening and closing code points of each pair.
_PAIRS = (
    0x0028, 0x0029, 0x005B, 0x005D, 0x007B, 0x007D, 0x0F3A, 0x0F3B, 0x0F3C, 0x0F3D,
    0x169B, 0x169C, 0x2045, 0x2046, 0x207D, 0x207E, 0x208D, 0x208E, 0x2308, 0x2309,
    0x230A, 0x230B, 0x2329, 0x232A, 0x2768, 0x2769, 0x276A, 0x276B, 0x276C, 0x276D,
    0x276E, 0x276F, 0x2770, 0x2771, 0x2772, 0x2773, 0x2774, 0x2775, 0x27C5, 0x27C6,
    0x27E6, 0x27E7, 0x27E8, 0x27E9, 0x27EA, 0x27EB, 0x27EC, 0x27ED, 0x27EE, 0x27EF,
    0x2983, 0x2984, 0x2985, 0x2986, 0x2987, 0x2988, 0x2989, 0x298A, 0x298B, 0x298C,
    0x298D, 0x2990, 0x298F, 0x298E, 0x2991, 0x2992, 0x2993, 0x2994, 0x2995, 0x2996,
    0x2997, 0x2998, 0x29D8, 0x29D9, 0x29DA, 0x29DB, 0x29FC, 0x29FD, 0x2E22, 0x2E23,
    0x2E24, 0x2E25, 0x2E26, 0x2E27, 0x2E28, 0x2E29, 0x2E55, 0x2E56, 0x2E57, 0x2E58,
    0x2E59, 0x2E5A, 0x2E5B, 0x2E5C, 0x3008, 0x3009, 0x300A, 0x300B, 0x300C, 0x300D,
    0x300E, 0x300F, 0x3010, 0x3011, 0x3014, 0x3015, 0x3016, 0x3017, 0x3018, 0x3019,
    0x301A, 0x301B, 0xFE59, 0xFE5A, 0xFE5B, 0xFE5C, 0xFE5D, 0xFE5E, 0xFF08, 0xFF09,
    0xFF3B, 0xFF3D, 0xFF5B, 0xFF5D, 0xFF5F, 0xFF60, 0xFF62, 0xFF63,
)  # fmt: skip
# Canonical equivalents count as the same bracket (BD16): U+2329/232A are U+3008/3009.
_CANONICAL = {0x2329: 0x3008, 0x232A: 0x3009}
_OPENING = {
    _CANONICAL.get(o, o): _CANONICAL.get(c, c)
    for o, c in zip(_PAIRS[::2], _PAIRS[1::2], strict=True)
}
_CLOSING = frozenset(_OPENING.values())


@cache
def bidi_class(char: str) -> str:
    """The character's Bidi_Class, with the defaults UAX #9 gives unassigned code points."""
    kind = unicodedata.bidirectional(char)
    if kind:
        return kind
    code = ord(char)
    if 0x0600 <= code <= 0x07BF or 0x0860 <= code <= 0x08FF or 0xFB50 <= code <= 0xFDCF:
        return "AL"
    if 0x0590 <= code <= 0x08FF or 0xFB1D <= code <= 0xFB4F or 0x10800 <= code <= 0x10FFF:
        return "R"
    if 0x1E800 <= code <= 0x1EFFF:
        return "R"
    return "L"


@dataclass(frozen=True)
class LevelRun:
    """Characters ``start``…``end`` (logical, end excluded) at one embedding level."""

    start: int
    end: int
    level: int

    @property
    def rtl(self) -> bool:
        return self.level % 2 == 1


@dataclass(frozen=True)
class Resolved:
    """A paragraph with the level of each character (X9-removed ones: ``None``)."""

    text: str
    base_level: int
    levels: tuple[int | None, ...]
    classes: tuple[str, ...]
    # Every character at the base level (a paragraph of one direction): any line of it is
    # one run, and L1 changes nothing.
    uniform: bool = False

    @property
    def rtl(self) -> bool:
        return self.base_level == 1


def _first_strong(classes: list[str], start: int, end: int) -> str | None:
    """P2: the first L, R or AL, skipping isolated text and stopping at a paragraph end."""
    depth = 0
    for index in range(start, end):
        kind = classes[index]
        if kind in _ISOLATE_INITIATORS:
            depth += 1
        elif kind == "PDI":
            if depth == 0:
                return None  # the end of an isolate being measured (FSI)
            depth -= 1
        elif kind == "B":
            return None
        elif depth == 0 and kind in ("L", "R", "AL"):
            return kind
    return None


@lru_cache(maxsize=4096)
def is_rtl_text(text: str) -> bool:
    """P2-P3: a paragraph is right to left if its first strong letter (outside isolates) is."""
    classes = [bidi_class(char) for char in text]
    return _first_strong(classes, 0, len(classes)) in ("R", "AL")


def _matching_pdis(classes: list[str]) -> dict[int, int]:
    """BD9: each isolate initiator and the PDI that closes it."""
    matches: dict[int, int] = {}
    open_initiators: list[int] = []
    for index, kind in enumerate(classes):
        if kind in _ISOLATE_INITIATORS:
            open_initiators.append(index)
        elif kind == "PDI" and open_initiators:
            matches[open_initiators.pop()] = index
        elif kind == "B":
            open_initiators.clear()
    return matches


def _explicit(
    classes: list[str], base: int, matches: dict[int, int]
) -> tuple[list[int], list[str]]:
    """X1-X8: explicit levels and directional overrides."""
    types = list(classes)
    levels = [base] * len(classes)
    # stack entries: level, override ("L", "R" or ""), isolate
    stack: list[tuple[int, str, bool]] = [(base, "", False)]
    overflow_isolates = overflow_embeddings = valid_isolates = 0
    for index, kind in enumerate(classes):
        level, override, _ = stack[-1]
        if kind in ("RLE", "LRE", "RLO", "LRO"):
            levels[index] = level
            new = (level + 1) | 1 if kind[0] == "R" else (level + 2) & ~1
            if new <= MAX_DEPTH and overflow_isolates == 0 and overflow_embeddings == 0:
                stack.append((new, kind[0] if kind[2] == "O" else "", False))
            elif overflow_isolates == 0:
                overflow_embeddings += 1
        elif kind in _ISOLATE_INITIATORS:
            levels[index] = level
            if override:
                types[index] = override
            rtl = kind == "RLI"
            if kind == "FSI":
                end = matches.get(index, len(classes))
                rtl = _first_strong(classes, index + 1, end) in ("R", "AL")
            new = (level + 1) | 1 if rtl else (level + 2) & ~1
            if new <= MAX_DEPTH and overflow_isolates == 0 and overflow_embeddings == 0:
                valid_isolates += 1
                stack.append((new, "", True))
            else:
                overflow_isolates += 1
        elif kind == "PDI":
            if overflow_isolates > 0:
                overflow_isolates -= 1
            elif valid_isolates > 0:
                overflow_embeddings = 0
                while not stack[-1][2]:
                    stack.pop()
                stack.pop()
                valid_isolates -= 1
            level, override, _ = stack[-1]
            levels[index] = level
            if override:
                types[index] = override
        elif kind == "PDF":
            levels[index] = level
            if overflow_isolates > 0:
                pass
            elif overflow_embeddings > 0:
                overflow_embeddings -= 1
            elif not stack[-1][2] and len(stack) >= 2:
                stack.pop()
        elif kind == "B":
            levels[index] = base
        else:
            levels[index] = level
            if override and kind != "BN":
                types[index] = override
    return levels, types


def _sequences(
    classes: list[str], levels: list[int], matches: dict[int, int], kept: list[int]
) -> list[list[int]]:
    """X10/BD13: isolating run sequences (lists of kept character indices)."""
    runs: list[list[int]] = []
    for index in kept:
        if runs and levels[runs[-1][-1]] == levels[index]:
            runs[-1].append(index)
        else:
            runs.append([index])
    run_of = {run[0]: number for number, run in enumerate(runs)}
    continued = set(matches.values())
    sequences = []
    for run in runs:
        if classes[run[0]] == "PDI" and run[0] in continued:
            continue
        sequence = list(run)
        while classes[sequence[-1]] in _ISOLATE_INITIATORS and sequence[-1] in matches:
            following = run_of.get(matches[sequence[-1]])
            if following is None:
                break
            sequence += runs[following]
        sequences.append(sequence)
    return sequences


def _weak(types: list[str], original: list[str], sos: str) -> None:
    """W1-W7 on one isolating run sequence, in place."""
    previous = sos
    for i, kind in enumerate(types):  # W1
        if kind == "NSM":
            types[i] = "ON" if previous in ("LRI", "RLI", "FSI", "PDI") else previous
        previous = types[i]
    strong = sos
    for i, kind in enumerate(types):  # W2
        if kind in ("L", "R", "AL"):
            strong = kind
        elif kind == "EN" and strong == "AL":
            types[i] = "AN"
    for i, kind in enumerate(types):  # W3
        if kind == "AL":
            types[i] = "R"
    for i in range(1, len(types) - 1):  # W4
        before, kind, after = types[i - 1], types[i], types[i + 1]
        if kind == "ES" and before == after == "EN":
            types[i] = "EN"
        elif kind == "CS" and before == after and before in ("EN", "AN"):
            types[i] = before
    i = 0
    while i < len(types):  # W5
        if types[i] != "ET":
            i += 1
            continue
        end = i
        while end < len(types) and types[end] == "ET":
            end += 1
        if (i > 0 and types[i - 1] == "EN") or (end < len(types) and types[end] == "EN"):
            types[i:end] = ["EN"] * (end - i)
        i = end
    for i, kind in enumerate(types):  # W6
        if kind in ("ES", "ET", "CS"):
            types[i] = "ON"
    strong = sos
    for i, kind in enumerate(types):  # W7
        if kind in ("L", "R"):
            strong = kind
        elif kind == "EN" and strong == "L":
            types[i] = "L"


def _strong_of(kind: str) -> str | None:
    """The direction a resolved type counts as in N0-N2 (numbers count as R)."""
    if kind == "L":
        return "L"
    if kind in ("R", "EN", "AN"):
        return "R"
    return None


def _bracket_pairs(chars: list[str], types: list[str]) -> list[tuple[int, int]]:
    """BD16: bracket pairs (positions in the sequence), sorted by the opening bracket."""
    stack: list[tuple[int, int]] = []  # (closing code point wanted, position)
    pairs = []
    for position, char in enumerate(chars):
        if types[position] != "ON":
            continue
        code = _CANONICAL.get(ord(char), ord(char))
        if code in _OPENING:
            if len(stack) == 63:
                return sorted(pairs)
            stack.append((_OPENING[code], position))
        elif code in _CLOSING:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == code:
                    pairs.append((stack[depth][1], position))
                    del stack[depth:]
                    break
    return sorted(pairs)


def _brackets(
    chars: list[str], types: list[str], original: list[str], sos: str, embedding: str
) -> None:
    """N0: a pair of brackets takes the direction of what it holds, or of its context."""
    for opening, closing in _bracket_pairs(chars, types):
        inside = {_strong_of(kind) for kind in types[opening + 1 : closing]} - {None}
        if not inside:
            continue
        if embedding in inside:
            direction = embedding
        else:
            before = next(
                (s for s in map(_strong_of, reversed(types[:opening])) if s is not None), sos
            )
            direction = before if before != embedding else embedding
        for position in (opening, closing):
            types[position] = direction
            following = position + 1
            while following < len(types) and original[following] == "NSM":
                types[following] = direction
                following += 1


def _neutrals(types: list[str], sos: str, eos: str, embedding: str) -> None:
    """N1-N2: a neutral between two of the same direction takes it, else the embedding's."""
    i = 0
    while i < len(types):
        if types[i] not in _NEUTRAL_OR_ISOLATE:
            i += 1
            continue
        end = i
        while end < len(types) and types[end] in _NEUTRAL_OR_ISOLATE:
            end += 1
        before = _strong_of(types[i - 1]) if i > 0 else sos
        after = _strong_of(types[end]) if end < len(types) else eos
        types[i:end] = [before if before == after else embedding] * (end - i)
        i = end


# Paragraphs of one direction resolve without the algorithm (checked against the whole of
# BidiCharacterTest.txt like the rest). Left to right: no right-to-left letter, Arabic number,
# explicit formatting, boundary neutral or paragraph separator; then W1-W7 make every number
# L (its last strong letter is L, or sos) and N1-N2 every neutral L, all at level 0.
_PLAIN_LTR = frozenset(("L", "EN", "ES", "ET", "CS", "NSM", "ON", "WS", "S"))
# Right to left: no left-to-right letter and no number of either kind (W5 has no EN to join
# an ET to), the rest as above: every character R at level 1.
_PLAIN_RTL = frozenset(("R", "AL", "ES", "ET", "CS", "NSM", "ON", "WS", "S"))


def resolve(text: str, rtl: bool | None = None) -> Resolved:
    """Levels of one paragraph; ``rtl`` None: direction of the first strong letter (P2-P3)."""
    return _resolve(text, rtl)


@lru_cache(maxsize=4096)
def _resolve(text: str, rtl: bool | None) -> Resolved:
    classes = [bidi_class(char) for char in text]
    if rtl is None:
        rtl = _first_strong(classes, 0, len(classes)) in ("R", "AL")
    base = 1 if rtl else 0
    kinds = set(classes)
    if kinds <= (_PLAIN_RTL if rtl else _PLAIN_LTR):
        return Resolved(text, base, (base,) * len(text), tuple(classes), uniform=True)
    matches = _matching_pdis(classes)
    levels, types = _explicit(classes, base, matches)
    kept = [index for index, kind in enumerate(classes) if kind not in _REMOVED]
    final: list[int | None] = [None] * len(text)
    for sequence in _sequences(classes, levels, matches, kept):
        level = levels[sequence[0]]
        first, last = sequence[0], sequence[-1]
        before_index = kept.index(first) - 1
        before = levels[kept[before_index]] if before_index >= 0 else base
        if classes[last] in _ISOLATE_INITIATORS:  # its isolate reaches the paragraph end
            after = base
        else:
            after_index = kept.index(last) + 1
            after = levels[kept[after_index]] if after_index < len(kept) else base
        sos = "R" if max(before, level) % 2 else "L"
        eos = "R" if max(after, level) % 2 else "L"
        embedding = "R" if level % 2 else "L"
        seq_types = [types[index] for index in sequence]
        original = [classes[index] for index in sequence]
        _weak(seq_types, original, sos)
        _brackets([text[index] for index in sequence], seq_types, original, sos, embedding)
        _neutrals(seq_types, sos, eos, embedding)
        for index, kind in zip(sequence, seq_types, strict=True):  # I1-I2
            if level % 2 == 0:
                final[index] = level + {"R": 1, "AN": 2, "EN": 2}.get(kind, 0)
            else:
                final[index] = level + (1 if kind in ("L", "EN", "AN") else 0)
    return Resolved(text, base, tuple(final), tuple(classes))


_TRAILING = frozenset(("WS", "FSI", "LRI", "RLI", "PDI"))


def line_levels(paragraph: Resolved, start: int, end: int) -> list[int | None]:
    """L1: levels of characters ``start``…``end`` as one line (separators and trailing
    white space back to the paragraph level)."""
    levels = list(paragraph.levels[start:end])
    classes = paragraph.classes[start:end]
    trailing = True
    for i in range(len(levels) - 1, -1, -1):
        kind = classes[i]
        if kind in ("S", "B"):
            levels[i] = paragraph.base_level
            trailing = True
        elif kind in _TRAILING or kind in _REMOVED:
            if trailing and levels[i] is not None:
                levels[i] = paragraph.base_level
        else:
            trailing = False
    return levels


def visual_order(paragraph: Resolved, start: int = 0, end: int | None = None) -> list[int]:
    """L2: indices of the line's characters (X9-removed ones left out), left to right."""
    end = len(paragraph.text) if end is None else end
    levels = line_levels(paragraph, start, end)
    order = [start + i for i, level in enumerate(levels) if level is not None]
    line = [level for level in levels if level is not None]
    if not line:
        return []
    highest = max(line)
    lowest_odd = min((level for level in line if level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if line[i] < level:
                i += 1
                continue
            stop = i
            while stop < len(order) and line[stop] >= level:
                stop += 1
            order[i:stop] = reversed(order[i:stop])
            line[i:stop] = reversed(line[i:stop])
            i = stop
    return order


def line_runs(paragraph: Resolved, start: int = 0, end: int | None = None) -> list[LevelRun]:
    """The line's runs of one level in drawing order (left to right); each run's characters
    stay in logical order, for HarfBuzz to shape in the run's direction."""
    end = len(paragraph.text) if end is None else end
    if paragraph.uniform:
        return [LevelRun(start, end, paragraph.base_level)] if end > start else []
    levels = line_levels(paragraph, start, end)
    runs: list[LevelRun] = []
    first = last = -1
    current: int | None = None
    for i, level in enumerate(levels):
        if level is None:
            continue  # X9-removed: drawn nowhere, and no break between runs of one level
        if level != current:
            if current is not None:
                runs.append(LevelRun(start + first, start + last + 1, current))
            first, current = i, level
        last = i
    if current is None:
        return []
    runs.append(LevelRun(start + first, start + last + 1, current))
    order = list(range(len(runs)))
    highest = max(run.level for run in runs)
    lowest_odd = min((run.level for run in runs if run.level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if runs[order[i]].level < level:
                i += 1
                continue
            stop = i
            while stop < len(order) and runs[order[stop]].level >= level:
                stop += 1
            order[i:stop] = reversed(order[i:stop])
            i = stop
    return [runs[i] for i in order]


@dataclass(frozen=True)
class Run:
    """A run's text (logical order) and direction, as :func:`visual_runs` lists them."""

    text: str
    rtl: bool


def visual_runs(text: str, base_rtl: bool | None = None) -> list[Run]:
    """The runs of a one-line paragraph in drawing order (left to right)."""
    paragraph = resolve(text, base_rtl)
    return [
        Run("".join(c for c in text[run.start : run.end] if c not in CONTROLS), run.rtl)
        for run in line_runs(paragraph)
    ]
