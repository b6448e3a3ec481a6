"""One way to run long work (a backup, a purge, demo cases, later bundles) off the window's
thread, as Anki's task manager does: the work is a plain function that takes a progress
callback and a cancel flag and never touches Qt; its outcome comes back on the window's
thread. A progress dialog appears only when the work lasts longer than 600 ms, and Cancel
asks the work to stop at its next safe point (the service then rolls back: a cancel keeps
nothing half done, and says nothing).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.domain.errors import OperationCancelled
from app.i18n import gettext as _
from app.ui.errors import show_error

SHOW_AFTER_MS = 600
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], Any]


class _Bridge(QObject):
    """Carries the worker thread's news to the window's thread (queued connections)."""

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class Task(QObject):
    """One run of long work. ``done`` carries its result; a failure is shown to the person
    (a cancel silently), then ``ended`` fires in every case."""

    done = Signal(object)
    ended = Signal()

    def __init__(self, parent: QWidget, label: str, work: Work) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._bridge = _Bridge()
        self._bridge.progressed.connect(self._progressed)
        self._bridge.finished.connect(self._finished)
        self._bridge.failed.connect(self._failed)
        self.dialog = QProgressDialog(label, _("Cancel"), 0, 0, parent)
        self.dialog.setObjectName("taskProgress")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumDuration(2**31 - 1)  # shown by our own timer, not Qt's guess
        self.dialog.canceled.connect(self.cancel)
        self.dialog.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dialog.show)
        self.running = True
        self._thread = threading.Thread(target=self._run, args=(work,), name="task", daemon=True)

    def start(self) -> Task:
        self._timer.start(SHOW_AFTER_MS)
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()
        self.dialog.setLabelText(_("Cancelling…"))
        self.dialog.setCancelButton(None)  # type: ignore[arg-type]

    def _run(self, work: Work) -> None:
        try:
            result = work(self._bridge.progressed.emit, self._cancel.is_set)
        except BaseException as error:  # handed to the window's thread, never lost
            self._bridge.failed.emit(error)
        else:
            self._bridge.finished.emit(result)

    def _progressed(self, done: int, total: int) -> None:
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total > 0 else 0)

    def _end(self) -> None:
        self.running = False
        self._timer.stop()
        self.dialog.hide()
        self.dialog.deleteLater()
        self.ended.emit()

    def _finished(self, result: object) -> None:
        self._end()
        self.done.emit(result)

    def _failed(self, error: BaseException) -> None:
        self._end()
        if not isinstance(error, OperationCancelled):
            show_error(self.parent() if isinstance(self.parent(), QWidget) else None, error)


def run_task(parent: QWidget, label: str, work: Work,
             on_done: Callable[[Any], None] | None = None) -> Task:  # fmt: skip
    """Start ``work`` off the window's thread; ``on_done`` gets its result on the window's."""
    task = Task(parent, label, work)
    if on_done is not None:
        task.done.connect(on_done)
    return task.start()
