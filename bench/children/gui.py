"""Homeward's desktop app started through its real entry point (``app.cli.main``, what the
``homeward`` command runs), signed in as the bench's administrator as soon as the sign-in
dialog shows, and watched until the case list has been painted.

``python -m bench.children.gui MODE DATA_DIR``, MODE:
- ``start``: print when the case list was first painted (``time.time()``) and the memory, quit;
- ``memory``: then search and scroll the list to its end as a person would, then print the
  memory (peak and current) and quit;
- ``warmup``: then wait for the start-up checks (integrity check, the day's backup) to finish,
  so that the measured starts are ordinary ones, not the first of the day.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any

from bench.common import PASSWORD, USERNAME, vm_kib

QUERIES = ("ngu", "ahmad", "beri", "kyiv", "DEMO-2025", "tbilisi", "")


def main() -> int:
    mode, data_dir = sys.argv[1], sys.argv[2]
    from PySide6.QtCore import QEvent, QObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    import app.ui.application as application  # the GUI imports it anyway, first thing

    report: dict[str, Any] = {}

    class SignInAtOnce(application.LoginDialog):
        def showEvent(self, event: Any) -> None:
            super().showEvent(event)
            self.username.setText(USERNAME)
            self.password.setText(PASSWORD)
            QTimer.singleShot(0, self.accept)

    class FirstPaint(QObject):
        def __init__(self, window: Any) -> None:
            super().__init__(window)
            self.window, self.seen = window, False

        def eventFilter(self, _watched: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint and not self.seen:
                self.seen = True
                QTimer.singleShot(0, self.painted)  # once this paint pass is over
            return False

        def painted(self) -> None:
            report["painted_at"] = time.time()
            report["rows"] = self.window.model.rowCount()
            if mode == "memory":
                exercise(self.window)
            if mode == "warmup":
                wait_for_checks(self.window)
                return
            done(self.window)

    class WatchedWindow(application.MainWindow):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.table.viewport().installEventFilter(FirstPaint(self))

    def exercise(window: Any) -> None:
        from PySide6.QtTest import QTest

        app = QApplication.instance()
        for text in QUERIES:
            window.search.setText(text)
            QTest.keyClick(window.search, Qt.Key.Key_Return)
            app.processEvents()
        window.table.scrollToBottom()  # the list holds every row; it reads the shown page
        app.processEvents()
        report["rows_after_scroll"] = window.model.rowCount()

    def wait_for_checks(window: Any) -> None:
        if any(t.name == "store-checks" and t.is_alive() for t in threading.enumerate()):
            QTimer.singleShot(200, lambda: wait_for_checks(window))
            return
        done(window)

    def done(window: Any) -> None:
        """Say what was measured now: what quitting does after it is not measured (and if it
        goes wrong, the exit code says so)."""
        report["rss_kib"], report["hwm_kib"] = vm_kib("VmRSS"), vm_kib("VmHWM")
        print(json.dumps(report), flush=True)
        window.close()

    application.LoginDialog = SignInAtOnce  # type: ignore[misc]
    application.MainWindow = WatchedWindow  # type: ignore[misc]
    from app.cli import main as homeward

    return homeward(["--data-dir", data_dir, "gui"])


if __name__ == "__main__":
    sys.exit(main())
