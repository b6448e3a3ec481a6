"""Scrolling the case list to its end: the real model (``CaseTableModel``) in a table view
sorted as the main window sorts it, scrolled to the bottom again and again (a person holding
Ctrl+End) until every case is fetched, then painted. No baseline: the issue has none."""

from __future__ import annotations

import time
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

FIGURES = ("scroll_to_end",)


def measure(context: Context) -> dict[str, Any]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableView

    from app.services.cases import CaseRegister, SortKey
    from app.ui.case_table_model import CaseTableModel, column_of

    app = qt_application()
    workspace = unlock_workspace(context)
    model = CaseTableModel(CaseRegister(workspace))
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(True)
    view.sortByColumn(column_of(SortKey.UPDATED), Qt.SortOrder.DescendingOrder)
    view.resize(1200, 800)
    watch = PaintWatch(view.viewport())
    view.show()
    wait_until(app, lambda: watch.painted)
    start = time.perf_counter()
    watch.reset()
    view.scrollToBottom()
    view.viewport().update()
    wait_until(app, lambda: watch.painted)
    seconds = time.perf_counter() - start
    rows = model.rowCount()
    log(f"scroll to the end: {seconds:.2f} s for {rows} rows")
    workspace.close()
    return {
        "scroll_to_end": figure(
            seconds,
            "s",
            target="< 1 s",
            met=seconds < 1,
            digits=2,
            rows=rows,
        )
    }
