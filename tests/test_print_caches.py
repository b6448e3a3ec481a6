"""What makes printing quick must not change what is printed: the QR code drawn once per
document still shows the case on every page, cached layouts and glyph runs give the same PDF,
a line measured while breaking lines is as wide as when drawn, and glyphs written as plain
strings are written as the shaped ones were."""

import io
import re
import zlib

import pytest
import segno
from reportlab.pdfgen.canvas import Canvas

from app.printing import bidi, render, shaping, text
from app.printing.fonts import ARABIC, GEORGIAN, LATIN, font_name, register_fonts
from app.services.printing import PrintForm, Printing
from test_printing import ready_case  # noqa: F401


def _streams(pdf: bytes) -> list[bytes]:
    return [
        zlib.decompress(match.group(1))
        for match in re.finditer(rb"/FlateDecode.*?stream\r?\n(.*?)endstream", pdf, re.S)
    ]


def _squares(form: bytes) -> set[tuple[int, int]]:
    """The QR form's squares as (row, column), the top left one at (0, 0)."""
    found = [
        tuple(map(float, match.groups()))
        for match in re.finditer(rb"n ([\d.]+) ([\d.]+) ([\d.]+) [\d.]+ re f", form)
    ]
    module = found[0][2]
    left, top = min(x for x, _, _ in found), max(y for _, y, _ in found)
    return {(round((top - y) / module), round((x - left) / module)) for x, y, _ in found}


def test_every_page_shows_the_qr_code_of_the_case_and_revision(workspace, ready_case):  # noqa: F811
    result = Printing(workspace).render(ready_case, PrintForm.REQUEST, "ps")
    assert result.pages > 1
    streams = _streams(result.pdf)
    forms = [stream for stream in streams if b" re f" in stream and b"BT" not in stream]
    assert len(forms) == 1  # written once
    assert sum(stream.count(b"/FormXob.qr Do") for stream in streams) == result.pages
    payload = re.search(rb"/Subject \((.*?)\)", result.pdf)
    assert payload is not None  # the subject names the case's UUID and plan revision
    uuid = payload.group(1).split()[0].decode()
    state = Printing(workspace).counselling.state(ready_case)
    expected = (
        f"homeward:v1:{uuid}:request:plan-revision={result.plan_revision}"
        f":case-revision={state.case_revision}"
    )
    matrix = segno.make(expected, error="m", micro=False).matrix
    dark = {(r, c) for r, row in enumerate(matrix) for c, on in enumerate(row) if on}
    top, left = min(r for r, _ in dark), min(c for _, c in dark)
    assert _squares(forms[0]) == {(r - top, c - left) for r, c in dark}


def _clear_caches() -> None:
    for cached in (
        bidi._resolve, bidi.is_rtl_text, text._lay_out, text._line_runs, text._font_segments,
        shaping.shape, shaping.run_width, render._qr_squares,
    ):  # fmt: skip
        cached.cache_clear()


def test_cached_layouts_and_runs_print_the_same_pdf(workspace, ready_case):  # noqa: F811
    printing = Printing(workspace)
    first = {
        lang: printing.render(ready_case, PrintForm.REQUEST, lang).pdf for lang in ("ur", "ka")
    }
    _clear_caches()
    again = {
        lang: printing.render(ready_case, PrintForm.REQUEST, lang).pdf for lang in ("ka", "ur")
    }
    assert again == first
    assert printing.render(ready_case, PrintForm.REQUEST, "ur").pdf == first["ur"]


SAMPLES = [
    ("AVAV Tokyo office, “quoted” ffi", LATIN, False),
    ("Nguyễn Văn Hùng – 1.510,00 €", LATIN, False),
    ("დაბრუნებული პირი", GEORGIAN, False),
    ("مُحَمَّد لا إله", ARABIC, True),  # harakat drawn as glyphs of their own, lam-alef
    ("می‌خواهم کار کنم", ARABIC, True),  # ZWNJ
    ("ئۇيغۇر ی ى", ARABIC, True),
]


@pytest.mark.parametrize(("sample", "family", "rtl"), SAMPLES)
@pytest.mark.parametrize("bold", [False, True])
def test_a_line_is_measured_exactly_as_wide_as_it_is_drawn(sample, family, rtl, bold):
    register_fonts()
    for size in (8, 9.5, 12.5):
        for end in range(1, len(sample) + 1):
            name = font_name(family, bold)
            assert shaping.run_width(sample[:end], name, size, rtl) == (
                shaping.shape(sample[:end], name, size, rtl).width
            )


def _written(group: str | shaping.ShapedStr, font: str) -> str:
    canvas = Canvas(io.BytesIO())
    canvas.setFont(font, 10)
    line = canvas.beginText(10, 20)
    line.textLine(group)
    return line.getCode()


@pytest.mark.parametrize(("sample", "family", "rtl"), SAMPLES)
def test_unmoved_glyphs_are_written_as_plain_strings_exactly_as_shaped(sample, family, rtl):
    register_fonts()
    run = shaping.shape(sample, font_name(family, False), 10, rtl)
    for group in run.groups:
        if group.plain is not None:
            assert group.plain == str(group.text)
            assert _written(group.plain, run.font) == _written(group.text, run.font)
    latin = font_name(LATIN, False)
    assert all(group.plain for group in shaping.shape("Family name", latin, 10, False).groups)
    # "AV" is kerned: its glyphs keep their positions
    assert shaping.shape("AV", latin, 10, False).groups[0].plain is None


def test_paragraphs_of_one_direction_skip_the_bidi_algorithm():
    latin = bidi.resolve("Nguyễn Văn Hùng (1985), 1.510,00 € – 3%", None)
    assert latin.uniform and set(latin.levels) == {0} and not latin.rtl
    arabic = bidi.resolve("اسم العائلة: (محمد)، «نعم»", None)
    assert arabic.uniform and set(arabic.levels) == {1} and arabic.rtl
    for mixed in ("مبلغ 1,500 EUR", "Name: محمد", "\u2068x\u2069", "a\u200cb"):
        assert not bidi.resolve(mixed, None).uniform
    # Latin text in a right-to-left paragraph is not of one direction either.
    assert not bidi.resolve("Kabul", True).uniform
