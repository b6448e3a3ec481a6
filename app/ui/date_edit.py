"""A date field that works as a person types: "14/06/1985", "06/1985" or just "1985".

The text is read in the order the interface language writes dates (day first in most of
them, year first in Dari and Pashto); the date as understood is shown in words beside the
field, so a swapped day and month is seen at once. Empty means unknown. What cannot be read
stays on screen, outlined, and is not taken as a date. A small button opens a calendar on
the typed date, or on today - never on a placeholder year.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.dates import PartialDate, as_partial
from app.i18n import active_language
from app.i18n import gettext as _
from app.i18n.dates import date_order, entry_text, parse_date_text, partial_date_text
from app.i18n.languages import babel_locale

INVALID_STYLE = "border: 2px solid #c62828;"
HINT_STYLE = "color: #4d4d4d;"  # readable beside the field (contrast above 7:1)
PROBLEM_STYLE = "color: #c62828;"
FIRST_DAY = QDate(1900, 1, 1)
LAST_DAY = QDate(2100, 12, 31)


def entry_pattern(language: str) -> str:
    """What to type, in the language's order: "DD/MM/YYYY", "YYYY/MM/DD"."""
    parts = {"d": _("DD"), "m": _("MM"), "y": _("YYYY")}
    return "/".join(parts[part] for part in date_order(language))


def _calendar_icon(color: QColor) -> QIcon:
    """A small calendar page (no icon theme offers one everywhere)."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(color)
    painter.drawRect(QRect(1, 2, 13, 12))
    painter.fillRect(QRect(1, 2, 14, 4), color)
    for row in range(2):
        for column in range(3):
            painter.fillRect(QRect(3 + column * 4, 8 + row * 3, 2, 2), color)
    painter.end()
    return QIcon(pixmap)


class _CalendarPopup(QFrame):
    """The calendar in a pop-up that closes on Escape or a click elsewhere."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget(self)
        self.calendar.setObjectName("calendar")
        self.calendar.setMinimumDate(FIRST_DAY)
        self.calendar.setMaximumDate(LAST_DAY)
        self.calendar.setGridVisible(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.calendar)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)


class DateField(QWidget):
    """A typed date; ``partial`` allows a month or a year alone.

    ``compact`` (for table cells) shows the date in words as a tooltip instead of beside it.
    """

    changed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, partial: bool = True, compact: bool = False
    ) -> None:
        super().__init__(parent)
        self.partial = partial
        self.compact = compact
        self.language = active_language()
        self._problem = ""  # set from outside (e.g. "in the future"), shown until the next edit
        self.line = QLineEdit()
        self.line.setObjectName("dateText")
        self.line.setPlaceholderText(entry_pattern(self.language))
        width = self.line.fontMetrics().horizontalAdvance("0000/00/000")
        self.line.setMinimumWidth(width + 16)
        self.line.setMaximumWidth(width + 48)
        self.button = QToolButton()
        self.button.setObjectName("calendarButton")
        self.button.setIcon(_calendar_icon(self.palette().color(self.foregroundRole())))
        self.button.setToolTip(_("Choose in a calendar"))
        self.button.setAccessibleName(_("Choose in a calendar"))
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field
        self.words = QLabel()
        self.words.setObjectName("dateWords")
        self.words.setTextFormat(Qt.TextFormat.PlainText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.line)
        layout.addWidget(self.button)
        layout.addWidget(self.words, 1)
        self.words.setVisible(not compact)
        self.popup = _CalendarPopup(self)
        self.calendar = self.popup.calendar
        self.calendar.setLocale(QLocale(babel_locale(self.language)))
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        self.button.clicked.connect(self.open_calendar)
        self.line.textChanged.connect(self._typed)
        # Forwarded by Qt, not emitted from Python: PySide6 6.12.0's SignalInstance.emit()
        # returns its bool without a reference, so each Python emit costs one on True.
        self.line.textChanged.connect(self.changed)
        self.line.editingFinished.connect(self._finished)
        self.line.returnPressed.connect(self._next_field)
        self.setFocusProxy(self.line)
        self._show_state(final=False)

    # value
    def value(self) -> PartialDate | None:
        """The date typed, or None when empty, unreadable or not precise enough."""
        parsed = parse_date_text(self.line.text(), self.language)
        if parsed is None or (not self.partial and not parsed.is_full):
            return None
        return parsed

    def set_value(self, value: PartialDate | dt.date | None) -> None:
        date = as_partial(value)
        self.line.setText(entry_text(date, self.language) if date else "")
        self._show_state(final=True)

    def set_text(self, text: str) -> None:
        """Show ``text`` as if typed (e.g. a stored answer that is no date), marked if wrong."""
        self.line.setText(text)
        self._show_state(final=True)

    @property
    def is_empty(self) -> bool:
        return not self.line.text().strip()

    @property
    def unreadable(self) -> bool:
        """Something is typed that is not a date this field takes."""
        return not self.is_empty and self.value() is None

    def set_today_default(self, today: dt.date | None = None) -> bool:
        """Fill an empty field with today; True if it was filled."""
        if not self.is_empty:
            return False
        self.set_value(today or dt.date.today())
        return True

    def mark(self, problem: str) -> None:
        """Outline the field with ``problem`` (already translated) beside it; "" clears."""
        self._problem = problem
        self._show_state(final=True)

    # calendar
    def open_calendar(self) -> None:
        """Open on the typed date (its month, for a month or year alone), else on today."""
        typed = self.value() or parse_date_text(self.line.text(), self.language)
        today = dt.date.today()
        if typed is not None and typed.is_full:
            day = QDate(typed.year, typed.month or 1, typed.day or 1)
            self.calendar.setSelectedDate(day)
        else:
            self.calendar.setSelectedDate(QDate(today.year, today.month, today.day))
            if typed is not None:
                self.calendar.setCurrentPage(typed.year, typed.month or 1)
        self.popup.adjustSize()
        below = self.line.mapToGlobal(QPoint(0, self.line.height()))
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            below.setX(self.line.mapToGlobal(QPoint(self.line.width(), 0)).x() - self.popup.width())
        self.popup.move(below)
        self.popup.show()
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, day: QDate) -> None:
        self.popup.hide()
        self.set_value(dt.date(day.year(), day.month(), day.day()))
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Alt+Down or F4 opens the calendar, as it opens a combo box's list.
        alt_down = (
            event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        if alt_down or event.key() == Qt.Key.Key_F4:
            self.open_calendar()
            return
        super().keyPressEvent(event)

    def _next_field(self) -> None:
        self.line.focusNextChild()

    # display
    def _typed(self) -> None:
        self._problem = ""
        self._show_state(final=False)  # set_value and leaving the field show the outline

    def _finished(self) -> None:
        self._show_state(final=True)

    def _state(self) -> tuple[str, str]:
        """(the date in words, what is wrong) for the text as it stands."""
        if self.is_empty:
            return "", ""
        pattern = entry_pattern(self.language)
        parsed = parse_date_text(self.line.text(), self.language)
        if parsed is None and self.partial:
            return "", _("Not a date: type {pattern}, or the year alone.").format(pattern=pattern)
        if parsed is None:
            return "", _("Not a date: type {pattern}.").format(pattern=pattern)
        if not self.partial and not parsed.is_full:
            return "", _("Give the full date: day, month and year.")
        return self._words(parsed), ""

    def _show_state(self, *, final: bool) -> None:
        """The date in words, or what is wrong; outlined only once typing is over."""
        words, problem = self._state()
        problem = self._problem or problem
        shown = bool(problem) and (final or bool(self._problem))
        self.line.setStyleSheet(INVALID_STYLE if shown else "")
        self.words.setStyleSheet(PROBLEM_STYLE if shown else HINT_STYLE)
        self.words.setText(problem if shown else words)
        if self.is_empty and not shown:
            pattern = entry_pattern(self.language)
            if self.partial:
                help_text = _(
                    "Type the date as {pattern}, the month and year, or the year alone. "
                    "Leave it empty if it is not known."
                ).format(pattern=pattern)
            else:
                help_text = _("Type the date as {pattern}.").format(pattern=pattern)
            self.line.setToolTip(help_text)
        else:
            self.line.setToolTip(self.words.text())

    def _words(self, value: PartialDate) -> str:
        if value.is_full:
            return partial_date_text(value, self.language, "long")
        if value.month is not None:
            return partial_date_text(value, self.language)
        return _("{year} (year only)").format(year=value.year)
