"""The QR code of a form: segno's, with its data mask chosen quicker.

segno tries the eight data masks and scores each (ISO/IEC 18004 7.8.3) module by module in
Python: three quarters of the time it takes to make a code, and a tenth of a first print of
a case. Here the same scores (segno's own rules, its N3 as it counts it) are taken over rows
held as integers and strings, so the same mask wins and the code is the same, module for
module (tests/test_print_qr.py compares them). Micro codes, a mask asked for, and a matrix
that is not all 0 and 1 are left to segno.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from itertools import pairwise
from typing import Any

import segno
from segno import encoder

_SEGNO_BEST_MASK: Callable[..., tuple[int, Any]] = encoder.find_and_apply_best_mask
# N1: five or more modules of one colour in a line (two plain patterns scan quicker than one)
_RUNS = (re.compile("0{5,}"), re.compile("1{5,}"))
_N3 = "1011101"  # dark, light, dark x3, light, dark
_BITS = bytes.maketrans(b"\x00\x01", b"01")
_MODULES = bytes.maketrans(b"01", b"\x00\x01")


def matrix(payload: str) -> tuple[bytearray, ...]:
    """``segno.make(payload, error="m", micro=False).matrix``, made quicker."""
    encoder.find_and_apply_best_mask = _best_mask
    try:
        return segno.make(payload, error="m", micro=False).matrix
    finally:
        encoder.find_and_apply_best_mask = _SEGNO_BEST_MASK


def _best_mask(
    matrix: Sequence[bytearray], width: int, height: int, proposed_mask: int | None = None
) -> tuple[int, tuple[bytearray, ...]]:
    """segno's ``find_and_apply_best_mask``: the first mask of the lowest penalty, applied."""
    if proposed_mask is not None or width != height or width < 21 or _not_binary(matrix):
        return _SEGNO_BEST_MASK(matrix, width, height, proposed_mask)
    rows = [int(bytes(row).translate(_BITS), 2) for row in matrix]
    best_mask, best_score, best_rows = 0, -1, rows
    for mask, pattern in enumerate(_patterns(width)):
        masked = [row ^ bits for row, bits in zip(rows, pattern, strict=True)]
        score = _penalty(masked, width)
        if best_score < 0 or score < best_score:
            best_mask, best_score, best_rows = mask, score, masked
    return best_mask, tuple(
        bytearray(format(row, f"0{width}b").encode().translate(_MODULES)) for row in best_rows
    )


def _not_binary(matrix: Sequence[bytearray]) -> bool:
    return any(max(row) > 1 for row in matrix)


@cache
def _patterns(width: int) -> tuple[tuple[int, ...], ...]:
    """Per mask, the modules it flips in each row: where the mask's condition holds and the
    module is a data module (what segno's ``is_encoding_region`` says), as row integers."""
    function = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(function, width, width)
    encoder.add_alignment_patterns(function, width, width)
    function[-8][8] = 0x1

    def flipped(i: int, flips: Callable[[int, int], bool]) -> int:
        data = function[i]
        return int("".join("1" if data[j] > 0x1 and flips(i, j) else "0" for j in range(width)), 2)

    conditions = encoder.get_data_mask_functions(is_micro=False)
    return tuple(tuple(flipped(i, flips) for i in range(width)) for flips in conditions)


def _penalty(rows: list[int], size: int) -> int:
    """segno's ``evaluate_mask`` (N1 + N2 + N3 + N4) of a square matrix of row integers."""
    lines = [format(row, f"0{size}b") for row in rows]
    # Rows, then columns, one per line of one text: no run or pattern reaches across lines.
    text = "\n".join((*lines, *("".join(column) for column in zip(*lines, strict=True))))
    runs = [run for pattern in _RUNS for run in pattern.findall(text)]
    n1 = sum(map(len, runs)) - 2 * len(runs)
    # N2: each 2 x 2 block of one colour; bit k + 1 is the module left of bit k.
    inner = (1 << (size - 1)) - 1
    n2 = 0
    for above, row in pairwise(rows):
        same_below = ~(above ^ row)
        blocks = same_below & (same_below >> 1) & ~(row ^ (row >> 1)) & inner
        n2 += 3 * blocks.bit_count()
    dark = sum(row.bit_count() for row in rows)
    percent = float(dark) / (size**2)
    n4 = 10 * int(abs(percent * 100 - 50) / 5)
    return n1 + n2 + _n3(text, size) + n4


def _n3(text: str, size: int) -> int:
    """segno's N3 count over the lines of ``text`` (each ``size`` long), as it counts it: 40
    per pattern with four light modules on one side, or at an edge of its line."""
    count = 0
    found = text.find(_N3)
    while found != -1:
        start = found - found % (size + 1)  # of its line
        index, line = found - start, text[start : start + size]
        offset = index + 7
        if (
            index in (0, size - 7)
            or "1" not in line[max(index - 4, 0) : index]
            or "1" not in line[offset : offset + 4]
        ):
            count += 40
        else:
            offset = index + 4
        found = text.find(_N3, start + offset)
    return count
