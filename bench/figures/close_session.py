"""Closing the session of a case deep in the list: in the real main window, the case near
the end of the list is selected (its pages fetched, as scrolling there would), its session
opened, then closed; timed from the close until the list shows the case selected again and
has been painted, which is how long the window is frozen. No baseline: the issue has none."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.common import (
    Context,
    PaintWatch,
    figure,
    log,
    qt_application,
    unlock_workspace,
    wait_until,
)

FIGURES = ("close_deep_session",)


def measure(context: Context) -> dict[str, Any]:
    from PySide6.QtCore import QSettings

    from app.ui.main_window import MainWindow

    app = qt_application()
    workspace = unlock_workspace(context)
    settings_file = Path(context.scratch) / "close_session.ini"
    window = MainWindow(workspace, QSettings(str(settings_file), QSettings.Format.IniFormat))
    watch = PaintWatch(window.table.viewport())
    window.show()
    wait_until(app, lambda: watch.painted)
    deep = window.register.page(window.model.query, max(0, window.model.total - 3), 1)[0]
    if not window.select_case(deep.case_number):
        raise RuntimeError("the deep case could not be selected")
    session = window.open_session(window.selected_row())
    session_painted = PaintWatch(session)
    wait_until(app, lambda: session_painted.painted)
    app.processEvents()

    def shows_it() -> bool:
        row = window.selected_row()
        return row is not None and row.case_number == deep.case_number and watch.painted

    watch.reset()
    start = time.perf_counter()
    session.close()
    window.table.viewport().update()
    wait_until(app, shows_it)
    seconds = time.perf_counter() - start
    log(f"close a deep session: {seconds:.2f} s (case {window.model.row_of(deep.case_number)})")
    window.close()
    workspace.close()
    return {
        "close_deep_session": figure(
            seconds * 1000,
            "ms",
            target="< 100 ms (no freeze a person notices)",
            met=seconds < 0.1,
            digits=0,
            case_position=window.model.row_of(deep.case_number),
            of_cases=window.model.total,
        )
    }
