"""A date field that may be left unknown: many returnees know only a year, or nothing."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget

from app.i18n import gettext as _

_UNKNOWN = QDate(1899, 12, 31)


class OptionalDateEdit(QDateEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(_UNKNOWN)
        self.setMaximumDate(QDate(2100, 12, 31))
        self.setSpecialValueText(_("unknown"))
        self.setCalendarPopup(True)
        self.setDate(_UNKNOWN)

    def value(self) -> dt.date | None:
        date = self.date()
        return None if date == _UNKNOWN else dt.date(date.year(), date.month(), date.day())

    def set_value(self, value: dt.date | None) -> None:
        self.setDate(_UNKNOWN if value is None else QDate(value.year, value.month, value.day))
