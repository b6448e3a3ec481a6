"""Opening a case: the session window of a case, from nothing to painted (what Enter on the
case list does: ``SessionWindow(counselling, case_number, language)``, shown).

Baseline: the same widgets with a raw read: a main window with the step list and a stack of
the same form pages (``FormPage`` for consent, intake and plan, in the case's two languages,
filled with the stored answers read by one SQL query), shown and painted. What is left is
what the session adds: the service's reads, the sitting it records, its checks.
"""

from __future__ import annotations

import json
import time
from typing import Any

from bench.common import (
    Context,
    PaintWatch,
    figure,
    log,
    median,
    qt_application,
    unlock_workspace,
    wait_until,
)

FIGURES = ("open_case",)
_CASES = (
    "SELECT case_number, session_language FROM returnee_case "
    "WHERE id % (SELECT max(1, count(*) / 12) FROM returnee_case) = 0 ORDER BY id LIMIT 12"
)
_ANSWERS = (
    "SELECT f.form_id, f.form_version, f.answers FROM form_response f "
    "JOIN returnee_case c ON c.id = f.case_id WHERE c.case_number = ?"
)


def _painted_ms(app: Any, make: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    window = make()
    watch = PaintWatch(window)
    window.show()
    wait_until(app, lambda: watch.painted)
    return (time.perf_counter() - start) * 1000, window


def measure(context: Context) -> dict[str, Any]:
    from PySide6.QtWidgets import QHBoxLayout, QListWidget, QMainWindow, QStackedWidget, QWidget

    from app.formdefs import load_forms
    from app.i18n import translations
    from app.i18n.languages import LANGUAGE_CODES
    from app.services.counselling import Counselling
    from app.ui.session.form_page import FormPage, Languages
    from app.ui.session.window import SessionWindow

    app = qt_application()
    # An installed Homeward reads compiled catalogs; run from the source tree it compiles
    # each language's catalog at its first use (about 50 ms). Compile them all first, so
    # both measurements see the installed program's cost.
    for code in LANGUAGE_CODES:
        translations(code)
    workspace = unlock_workspace(context)
    counselling = Counselling(workspace)
    forms = load_forms()
    raw = workspace.engine.raw_connection()
    cases = raw.cursor().execute(_CASES).fetchall()

    def bare_window(case_number: str, language: str) -> QMainWindow:
        rows = raw.cursor().execute(_ANSWERS, (case_number,)).fetchall()
        answers = {form_id: (version, json.loads(text)) for form_id, version, text in rows}
        window = QMainWindow()
        steps = QListWidget()
        steps.addItems(["Consent", "Intake", "Plan", "Review"])
        stack = QStackedWidget()
        langs = Languages("en", language)
        for form_id in ("consent", "intake", "plan"):
            version, given = answers.get(form_id, (None, {}))
            form = forms.version(form_id, version) if version else forms.current(form_id)
            page = FormPage(form, langs)
            page.set_answers(given)
            stack.addWidget(page)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(steps)
        layout.addWidget(stack, 1)
        window.setCentralWidget(central)
        window.resize(1300, 860)
        return window

    homeward, baseline = [], []
    for number, (case_number, language) in enumerate(cases):
        opened, window = _painted_ms(
            app, lambda c=case_number: SessionWindow(counselling, c, "en", None)
        )
        window.close()
        bare, plain = _painted_ms(app, lambda c=case_number, lang=language: bare_window(c, lang))
        plain.close()
        plain.deleteLater()
        app.processEvents()
        if number:  # the first case is the warm-up
            homeward.append(opened)
            baseline.append(bare)
    raw.close()
    workspace.close()
    value, base = median(homeward), median(baseline)
    log(f"open a case: {value:.0f} ms (same widgets, raw read: {base:.0f} ms)")
    return {
        "open_case": figure(
            value,
            "ms (median)",
            baseline=base,
            baseline_label="the same form pages with a raw read",
            target="< 50 ms",
            met=value < 50,
            digits=0,
            cases=len(homeward),
            max_ms=round(max(homeward)),
        )
    }
