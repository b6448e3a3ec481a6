"""Long work runs off the window's thread: a progress dialog only after 600 ms, a cancel that
keeps nothing, failures shown in one line."""

import threading

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from app.domain.errors import CannotWrite, OperationCancelled
from app.services.backup import back_up
from app.ui.tasks import run_task


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_quick_work_shows_no_dialog_and_hands_back_its_result(qtbot, parent):
    results = []
    task = run_task(parent, "Working…", lambda progress, cancelled: 42, results.append)
    with qtbot.waitSignal(task.ended, timeout=5000):
        pass
    assert results == [42]
    assert not task.dialog.isVisible()


def test_long_work_shows_progress_and_a_cancel_keeps_nothing(qtbot, parent, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a))
    release, results, seen = threading.Event(), [], []

    def work(progress, cancelled):
        for step in range(1000):
            progress(step, 1000)
            seen.append(step)
            if cancelled():
                raise OperationCancelled()
            release.wait(0.01)
        return "finished"

    task = run_task(parent, "Working…", work, results.append)
    qtbot.waitUntil(task.dialog.isVisible, timeout=3000)
    assert task.running and task.dialog.maximum() == 1000
    cancel = next(b for b in task.dialog.findChildren(QPushButton) if b.text() == "Cancel")
    with qtbot.waitSignal(task.ended, timeout=5000):
        cancel.click()
    assert results == [] and warnings == []  # a cancel is silent
    assert len(seen) < 1000 and not task.running


def test_a_failure_is_shown_in_one_line(qtbot, parent, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))

    def work(progress, cancelled):
        raise CannotWrite(path="/media/stick/x", reason="No space left on device")

    task = run_task(parent, "Working…", work)
    with qtbot.waitSignal(task.ended, timeout=5000):
        pass
    assert len(shown) == 1 and "/media/stick/x" in shown[0] and "\n" not in shown[0]


def test_a_cancelled_backup_leaves_the_earlier_file(workspace, tmp_path):
    (tmp_path / "stick").mkdir()
    out = tmp_path / "stick" / "office.hwbackup"
    back_up(workspace, out)
    before = out.read_bytes()
    with pytest.raises(OperationCancelled):
        back_up(workspace, out, cancelled=lambda: True)
    assert out.read_bytes() == before
    assert [p.name for p in out.parent.iterdir()] == ["office.hwbackup"]
