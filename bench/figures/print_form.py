"""Printing one request form, warm, in English and in Arabic (shaped, right to left).

Baseline: ReportLab alone drawing the same text: the lines of Homeward's own PDF (as PDFium
extracts them) drawn with ``drawString`` in the same fonts, one page of the baseline per page
of the form. Arabic lines are shaped by ReportLab's HarfBuzz path (``shaping=True``); they are
not bidi-reordered, which a correct form needs, so the baseline is a floor, not an
alternative.
"""

from __future__ import annotations

import io
from typing import Any

from bench.common import Context, figure, log, median, timed_ms, unlock_workspace

FIGURES = ("print_request_en", "print_request_ar")
# A case whose plan is complete, in Arabic with an interpreter's versions if there is one.
_CASE = (
    "SELECT c.case_number FROM returnee_case c JOIN form_response f "
    "ON f.case_id = c.id AND f.form_id = 'plan' "
    "WHERE c.status IN ('ready', 'submitted', 'approved', 'in_implementation', 'closed') "
    "ORDER BY c.session_language = 'ar' DESC, f.answers LIKE '%@ar%' DESC, c.id LIMIT 1"
)


def _case(workspace: Any) -> str:
    raw = workspace.engine.raw_connection()
    try:
        row = raw.cursor().execute(_CASE).fetchone()
    finally:
        raw.close()
    if row is None:
        raise RuntimeError("no case with a complete plan in the bench data")
    return str(row[0])


def _lines(pdf: bytes) -> list[list[str]]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    pages = []
    for page in document:
        text = page.get_textpage().get_text_range()
        pages.append([line for line in text.splitlines() if line.strip()])
    document.close()
    return pages


def _arabic(line: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in line)


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from app.resources import fonts_dir

    latin, arabic = "BenchNotoSans", "BenchNotoNaskhArabic"
    pdfmetrics.registerFont(TTFont(latin, str(fonts_dir() / "NotoSans-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(arabic, str(fonts_dir() / "NotoNaskhArabic-Regular.ttf")))
    return latin, arabic


def _draw(pages: list[list[str]], latin: str, arabic: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for lines in pages:
        y = A4[1] - 40
        for line in lines:
            if _arabic(line):
                canvas.setFont(arabic, 9)
                canvas.drawRightString(A4[0] - 40, y, line, shaping=True)
            else:
                canvas.setFont(latin, 9)
                canvas.drawString(40, y, line)
            y -= 11
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def measure(context: Context) -> dict[str, Any]:
    from app.services.printing import PrintForm, Printing

    workspace = unlock_workspace(context)
    printing = Printing(workspace)
    case_number = _case(workspace)
    latin, arabic = _fonts()
    repeats = max(context.repeats, 15)
    figures = {}
    for language in ("en", "ar"):
        result = printing.render(case_number, PrintForm.REQUEST, language)  # warm
        pages = _lines(result.pdf)
        _draw(pages, latin, arabic)  # warm
        homeward, baseline = [], []
        for _ in range(repeats):
            homeward.append(timed_ms(lambda lang=language: printing.render(
                case_number, PrintForm.REQUEST, lang)))  # fmt: skip
            baseline.append(timed_ms(lambda pages=pages: _draw(pages, latin, arabic)))
        value, base = median(homeward), median(baseline)
        log(f"print {language}: {value:.1f} ms, ReportLab alone {base:.1f} ms")
        figures[f"print_request_{language}"] = figure(
            value,
            "ms (median, warm)",
            baseline=base,
            baseline_label="ReportLab drawing the same lines in the same fonts",
            target="≤ 2× baseline",
            met=value <= 2 * base,
            case=case_number,
            pages=result.pages,
            lines=sum(len(lines) for lines in pages),
            repeats=repeats,
        )
    workspace.close()
    return figures
