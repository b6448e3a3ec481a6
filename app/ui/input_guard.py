"""Answers change only when the counsellor means it.

Qt gives a combo box, spin box or date field every wheel event over it, focused or not: a
counsellor scrolling a long form with the mouse changes the rating or the type of assistance
that happens to pass under the pointer, and autosave keeps the change. One filter on the
application stops that for every such widget, present and future: over an unfocused one the
wheel scrolls the page that holds it instead. (The event is handed to the scroll area
explicitly: Qt propagates only wheel events that come from the window system.)
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QComboBox | QAbstractSpinBox)
            and not watched.hasFocus()
        ):
            area = watched.parentWidget()
            while area is not None and not isinstance(area, QAbstractScrollArea):
                area = area.parentWidget()
            if area is not None:
                QApplication.sendEvent(area.viewport(), event)
            else:
                event.ignore()  # nothing to scroll: let Qt offer it to the parents
            return True
        return False


class _Installed:
    guard: WheelGuard | None = None


def install_wheel_guard(app: QApplication) -> None:
    if _Installed.guard is None:
        _Installed.guard = WheelGuard(app)
        app.installEventFilter(_Installed.guard)
