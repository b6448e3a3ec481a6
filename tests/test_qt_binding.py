"""The Qt binding Homeward runs on keeps Python's reference counts right.

PySide6 6.12.0 loses one reference to ``True`` on every ``Signal.emit()`` made from Python;
every keystroke in a form emits, and after some thousand the interpreter aborts
("bool_dealloc"). pyproject.toml keeps that release out; this test keeps it out for good.
"""

import sys

from PySide6.QtCore import QObject, Signal


class _Editor(QObject):
    changed = Signal()
    typed = Signal(str)


def test_emitting_signals_keeps_reference_counts(qapp):
    editor = _Editor()
    seen = []
    editor.changed.connect(lambda: seen.append(1))
    editor.typed.connect(seen.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(200):
        editor.changed.emit()
        editor.typed.emit("a")
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert len(seen) == 400
    assert abs(after[0] - before[0]) < 20 and abs(after[1] - before[1]) < 20
