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


def test_imports_after_qt_get_the_binding_s_own_answer_quickly():
    """PySide6 checks every module imported after it for "PySide6" in its source; Homeward
    puts a file read in place of ``inspect.getsource`` (a sixth of the start-up), with the
    same answers."""
    import inspect
    import json
    import math

    import app.services.cases
    import app.ui.main_window
    from app.ui.pyside_imports import mentions_pyside

    feature = sys.modules["shibokensupport.feature"]
    assert feature._mod_uses_pyside is mentions_pyside
    for module in (app.ui.main_window, app.services.cases, json, sys.modules[__name__]):
        assert mentions_pyside(module) == ("PySide6" in inspect.getsource(module)), module
    assert mentions_pyside(app.ui.main_window) and not mentions_pyside(app.services.cases)
    assert not mentions_pyside(math) and not mentions_pyside(sys)  # no source file
