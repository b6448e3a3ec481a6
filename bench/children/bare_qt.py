"""Baseline of the cold start: a bare QMainWindow with a QTableView of 200 rows, offscreen,
watched the same way until the table has been painted. Prints when, and the memory."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

from bench.common import vm_kib


def main() -> int:
    app = QApplication(sys.argv[:1])
    model = QStandardItemModel(200, 8)
    for row in range(200):
        for column in range(8):
            model.setItem(row, column, QStandardItem(f"{row}-{column}"))
    window = QMainWindow()
    table = QTableView()
    table.setModel(model)
    window.setCentralWidget(table)
    report: dict[str, Any] = {}

    def painted() -> None:
        report.update(painted_at=time.time(), rss_kib=vm_kib("VmRSS"), hwm_kib=vm_kib("VmHWM"))
        window.close()

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, _watched: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint and not self.seen:
                self.seen = True
                QTimer.singleShot(0, painted)
            return False

    watch = FirstPaint()
    table.viewport().installEventFilter(watch)
    window.resize(1200, 800)
    window.show()
    code = app.exec()
    print(json.dumps(report))
    return code


if __name__ == "__main__":
    sys.exit(main())
