"""Answers change only when the counsellor means it.

Qt gives a combo box, spin box or date field every wheel event over it, focused or not: a
counsellor scrolling a long form with the mouse changes the rating or the type of assistance
that happens to pass under the pointer, and autosave keeps the change. Homeward's combo boxes,
spin boxes and date edits are the classes below: over an unfocused one the wheel scrolls the
page that holds it instead. (The event is handed to the scroll area explicitly: Qt propagates
only wheel events that come from the window system.)

Each class handles its own wheel events rather than one filter on the application: such a
filter is called from Python for every event of every widget, and building a form page sends
thousands (it made opening a case nearly twice as slow). A test checks that app/ui creates no
plain QComboBox, QSpinBox or date edit.
"""

from __future__ import annotations

from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QDateEdit,
    QSpinBox,
    QWidget,
)


def scroll_page_instead(widget: QWidget, event: QWheelEvent) -> None:
    """Hand a wheel event meant for the page under ``widget`` to the page's scroll area."""
    area = widget.parentWidget()
    while area is not None and not isinstance(area, QAbstractScrollArea):
        area = area.parentWidget()
    if area is not None:
        QApplication.sendEvent(area.viewport(), event)
    else:
        event.ignore()  # nothing to scroll: let Qt offer it to the parents


class ComboBox(QComboBox):
    """A combo box that takes the wheel only once it was clicked or tabbed into."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            scroll_page_instead(self, event)


class SpinBox(QSpinBox):
    """A spin box that takes the wheel only once it was clicked or tabbed into."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            scroll_page_instead(self, event)


class DateEdit(QDateEdit):
    """A date edit that takes the wheel only once it was clicked or tabbed into."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            scroll_page_instead(self, event)
