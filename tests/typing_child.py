"""A counsellor typing steadily into the session window, run as its own process so that a
test can kill it (SIGKILL: no clean-up of any kind) and see what reached the store.

    python typing_child.py DATA_DIR CASE_NUMBER PASSWORD PROGRESS_FILE

Every key typed is counted in PROGRESS_FILE (flushed and synced), so the killer knows how
much was on screen at the moment of the kill.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from app.config import DataPaths
from app.services.counselling import Counselling
from app.services.workspace import unlock
from app.ui.application import application
from app.ui.session.window import SessionWindow

KEY_INTERVAL_MS = 50  # 20 keys a second: a fast, steady typist


def main(data_dir: str, case_number: str, password: str, progress: str) -> None:
    app = application()
    workspace = unlock(DataPaths(Path(data_dir)), "anna", password)
    window = SessionWindow(Counselling(workspace), case_number, "en")
    window.show()
    window.activateWindow()
    window.go_to(1)
    box = window.pages["intake"].editors["reason_for_return"].text
    box.setFocus()
    record = open(progress, "w", encoding="ascii")  # noqa: SIM115 - kept open until killed
    typed = 0

    def key() -> None:
        nonlocal typed
        QTest.keyClick(box, Qt.Key.Key_A)
        typed += 1
        record.write(f"{typed}\n")
        record.flush()
        os.fsync(record.fileno())

    timer = QTimer()
    timer.timeout.connect(key)
    timer.start(KEY_INTERVAL_MS)
    app.exec()


if __name__ == "__main__":
    main(*sys.argv[1:5])
