"""Printing one request form, warm, in English and in Arabic (shaped, right to left).

Baseline: ReportLab alone drawing the same text as Homeward's own PDF: each run of text of
one font and size on one line (as PDFium extracts it) drawn with ``drawString`` in the same
font file, size and colour at the same place, one page of the baseline per page of the form,
with the same stream settings (Flate, binary) and the same QR code: its modules drawn as
filled squares once per document in a form XObject placed on every page. Runs in Arabic
script are drawn as ReportLab's HarfBuzz path shapes them (``shapeStr``), the glyph work a
correct form needs; Latin runs are not shaped (kerning is not something a correct form
needs). What a warm print of Homeward has cached, the baseline does once, outside the
timing: the QR matrix and the shaped runs. What ReportLab does for every document, it does
on every print: font subsets and ToUnicode maps (its own fonts and ReportLab's own map maker,
whatever the code measured does to Homeward's), compression.

It leaves out what raw ReportLab does not do here: bidi reordering (its ``rlbidi`` is not
installed: mixed lines come out in the wrong order), wrapping words to a width, tables and
their rules. So the baseline is a floor, not an alternative.
"""

from __future__ import annotations

import ctypes
import io
import uuid
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from bench.common import Context, figure, log, median, timed_ms, unlock_workspace

FIGURES = ("print_request_en", "print_request_ar")
# A case whose plan is complete, in Arabic with an interpreter's versions if there is one.
_CASE = (
    "SELECT c.case_number, c.uuid FROM returnee_case c JOIN form_response f "
    "ON f.case_id = c.id AND f.form_id = 'plan' "
    "WHERE c.status IN ('ready', 'submitted', 'approved', 'in_implementation', 'closed') "
    "ORDER BY c.session_language = 'ar' DESC, f.answers LIKE '%@ar%' DESC, c.id LIMIT 1"
)
# Other cases with a complete plan: a form printed for the first time (its labels laid out
# before, the case's own text, fonts subsets and QR code not).
_OTHERS = (
    "SELECT c.case_number FROM returnee_case c JOIN form_response f "
    "ON f.case_id = c.id AND f.form_id = 'plan' "
    "WHERE c.status IN ('ready', 'submitted', 'approved', 'in_implementation', 'closed') "
    "AND c.case_number != ? ORDER BY c.id LIMIT ?"
)
QR_SIZE = 20 * 72 / 25.4  # as Homeward prints it: 20 mm, one module of border
_PREFIX = "Bench"  # the baseline's own registrations of the same font files


def _case(workspace: Any) -> tuple[str, str]:
    raw = workspace.engine.raw_connection()
    try:
        row = raw.cursor().execute(_CASE).fetchone()
    finally:
        raw.close()
    if row is None:
        raise RuntimeError("no case with a complete plan in the bench data")
    return str(row[0]), str(uuid.UUID(str(row[1])))  # stored as 32 hex digits


def _others(workspace: Any, case_number: str, count: int) -> list[str]:
    raw = workspace.engine.raw_connection()
    try:
        return [str(row[0]) for row in raw.cursor().execute(_OTHERS, (case_number, count))]
    finally:
        raw.close()


@dataclass(frozen=True)
class TextRun:
    """Text of one font, size and colour on one line, as PDFium reads it from a page."""

    font: str  # the font file's name, e.g. NotoNaskhArabic-Bold
    size: float
    x: float
    y: float
    colour: tuple[float, float, float]
    text: str


def _runs(pdf: bytes) -> list[list[TextRun]]:
    """Each page's text runs; a run ends where PDFium puts a gap (a generated space or line
    break) or the font, size or line changes."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(pdf)
    pages = []
    x, y = ctypes.c_double(), ctypes.c_double()
    red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
    name, flags = ctypes.create_string_buffer(128), ctypes.c_int()
    for page in document:
        text = page.get_textpage()  # kept: it is closed when collected
        textpage = text.raw
        runs: list[list[Any]] = []
        current: list[Any] | None = None
        for index in range(raw.FPDFText_CountChars(textpage)):
            char = chr(raw.FPDFText_GetUnicode(textpage, index))
            if raw.FPDFText_IsGenerated(textpage, index) or char in "\r\n":
                current = None
                continue
            raw.FPDFText_GetFontInfo(textpage, index, name, 128, ctypes.byref(flags))
            font = name.value.decode().split("+")[-1]
            size = round(raw.FPDFText_GetFontSize(textpage, index), 2)
            raw.FPDFText_GetCharOrigin(textpage, index, ctypes.byref(x), ctypes.byref(y))
            raw.FPDFText_GetFillColor(
                textpage, index, *map(ctypes.byref, (red, green, blue, alpha))
            )
            colour = (red.value / 255, green.value / 255, blue.value / 255)
            if current is None or current[:2] != [font, size] or abs(current[3] - y.value) > 0.5:
                current = [font, size, x.value, y.value, colour, []]
                runs.append(current)
            current[2] = min(current[2], x.value)
            current[5].append(char)
        pages.append([
            TextRun(font, size, x_, y_, colour, "".join(chars).strip())
            for font, size, x_, y_, colour, chars in runs if "".join(chars).strip()
        ])  # fmt: skip
        text.close()
    document.close()
    return pages


def _arabic(font: str) -> bool:
    return "Arabic" in font or "Urdu" in font


def _register_fonts(pages: list[list[TextRun]]) -> None:
    """The baseline's own TTFonts of the font files the form uses (registering is once per
    program, so it is not timed; each print still builds its subsets, as ReportLab does).

    Not through ``registerFont``: given a face it has seen, that names the font already
    registered for it, Homeward's, with everything Homeward does to write it quicker."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from app.resources import fonts_dir

    for font in {run.font for runs in pages for run in runs}:
        if _PREFIX + font not in pdfmetrics._fonts:
            own = TTFont(_PREFIX + font, str(fonts_dir() / f"{font}.ttf"))
            pdfmetrics._fonts[_PREFIX + font] = own


def _shaped(pages: list[list[TextRun]]) -> list[list[TextRun]]:
    """The runs in Arabic script shaped by ReportLab's HarfBuzz path, once (a warm print of
    Homeward has its glyph runs cached too). ``drawString(shaping=True)`` would shape
    nothing: it needs ReportLab's rlbidi, which is not installed."""
    from reportlab.pdfbase.ttfonts import shapeStr

    return [
        [
            replace(run, text=shapeStr(run.text, _PREFIX + run.font, run.size))
            if _arabic(run.font)
            else run
            for run in runs
        ]
        for runs in pages
    ]


def _reportlab_cmap() -> Any:
    """ReportLab's own ToUnicode map maker, taken before Homeward loads its printing (which
    may replace it in ReportLab's module)."""
    from reportlab.pdfbase import ttfonts

    return ttfonts.makeToUnicodeCMap


_RAW: dict[str, Any] = {}


def _draw(pages: list[list[TextRun]], rows: Any) -> bytes:
    """The baseline PDF; ``rows``: the QR code's matrix (segno's, rows of 0/1)."""
    from reportlab.pdfbase import ttfonts

    replaced, ttfonts.makeToUnicodeCMap = ttfonts.makeToUnicodeCMap, _RAW["cmap"]
    try:
        return _draw_raw(pages, rows)
    finally:
        ttfonts.makeToUnicodeCMap = replaced


def _draw_raw(pages: list[list[TextRun]], rows: Any) -> bytes:
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    rl_config.useA85 = 0  # binary streams, as Homeward writes them
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    module = QR_SIZE / (len(rows) + 2)
    left, bottom = A4[0] - 16 * 72 / 25.4 - QR_SIZE, A4[1] - 12 * 72 / 25.4 - QR_SIZE
    canvas.beginForm("qr")
    for row_index, row in enumerate(rows):
        for column, dark in enumerate(row):
            if dark:
                canvas.rect(left + (column + 1) * module,
                            bottom + QR_SIZE - (row_index + 2) * module,
                            module, module, stroke=0, fill=1)  # fmt: skip
    canvas.endForm()
    for runs in pages:
        canvas.doForm("qr")
        for run in runs:
            canvas.setFont(_PREFIX + run.font, run.size)
            canvas.setFillColorRGB(*run.colour)
            canvas.drawString(run.x, run.y, run.text)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def measure(context: Context) -> dict[str, Any]:
    import segno

    _RAW.setdefault("cmap", _reportlab_cmap())  # before the first print
    from app.services.printing import PrintForm, Printing

    workspace = unlock_workspace(context)
    printing = Printing(workspace)
    case_number, case_uuid = _case(workspace)
    repeats = max(context.repeats, 15)
    others = _others(workspace, case_number, 2 * repeats)
    figures = {}
    for index, language in enumerate(("en", "ar")):
        result = printing.render(case_number, PrintForm.REQUEST, language)  # warm
        pages = _runs(result.pdf)
        _register_fonts(pages)
        pages = _shaped(pages)
        revision = printing.counselling.state(case_number).case_revision
        payload = (
            f"homeward:v1:{case_uuid}:request:plan-revision={result.plan_revision}"
            f":case-revision={revision}"
        )  # as the form's QR code has it
        qr = segno.make(payload, error="m", micro=False).matrix
        _draw(pages, qr)  # warm
        homeward, baseline = [], []
        for _ in range(repeats):
            homeward.append(timed_ms(lambda lang=language: printing.render(
                case_number, PrintForm.REQUEST, lang)))  # fmt: skip
            baseline.append(timed_ms(lambda pages=pages, qr=qr: _draw(pages, qr)))
        value, base = median(homeward), median(baseline)
        first = [
            timed_ms(partial(printing.render, case, PrintForm.REQUEST, language))
            for case in others[index * repeats : (index + 1) * repeats]
        ]
        log(f"print {language}: {value:.1f} ms, ReportLab alone {base:.1f} ms; "
            f"other cases, once each: {median(first):.1f} ms")  # fmt: skip
        figures[f"print_request_{language}"] = figure(
            value,
            "ms (median, warm)",
            baseline=base,
            baseline_label="ReportLab drawing the same text runs in the same fonts, and the QR",
            target="≤ 2× baseline",
            met=value <= 2 * base,
            case=case_number,
            pages=result.pages,
            text_runs=sum(len(runs) for runs in pages),
            repeats=repeats,
            # Not the figure: what a print of a case not printed before costs.
            other_cases_ms=round(median(first), 1) if first else None,
            other_cases=len(first),
        )
    workspace.close()
    return figures
