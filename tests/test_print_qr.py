"""The QR code on a form is segno's, module for module: the quicker choice of its data mask
(app.printing.qr) picks the mask segno picks, for the payloads forms carry and for others."""

import random
import string
import uuid

import pytest
import segno

from app.printing import qr


def _payloads() -> list[str]:
    chosen = random.Random(16)
    forms = [
        f"homeward:v1:{uuid.UUID(int=chosen.getrandbits(128))}:{form}"
        f":plan-revision={chosen.randint(0, 300)}:case-revision={chosen.randint(0, 3000)}"
        for form in ("request", "plan", "consent")
        for _ in range(40)
    ]
    others = [
        "".join(chosen.choice(string.printable[:94]) for _ in range(length))
        for length in (1, 7, 20, 41, 64, 90, 130, 200, 320, 600)
        for _ in range(6)
    ]
    return [*forms, *others, "0123456789" * 8, "HELLO WORLD", "حالة ٢٠٢٤ — Case №7"]


def test_the_code_is_the_one_segno_makes():
    for payload in _payloads():
        made = segno.make(payload, error="m", micro=False)
        assert qr.matrix(payload) == made.matrix, payload


def test_segno_is_left_as_it_was():
    qr.matrix("homeward:v1:x:request")
    assert segno.encoder.find_and_apply_best_mask is qr._SEGNO_BEST_MASK


@pytest.mark.parametrize("mask", range(8))
def test_every_mask_scores_as_segno_scores_it(mask):
    """The penalty of each mask, not only of the winner, is segno's."""
    for payload in _payloads()[::12]:
        modules = segno.make(payload, error="m", micro=False, mask=mask).matrix
        rows = [int(bytes(row).translate(qr._BITS), 2) for row in modules]
        width = len(modules)
        assert qr._penalty(rows, width) == segno.encoder.evaluate_mask(modules, width, width)
