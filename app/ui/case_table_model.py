"""The case register as a Qt table model: pages fetched from the store as the view scrolls."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.cases import STATUS_LABELS
from app.i18n import N_
from app.i18n import gettext as _
from app.services.cases import CaseQuery, CaseRegister, CaseRow, SortKey
from app.ui.formatting import country_text, date_text, datetime_text, language_text

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
DEMO_NOTE = N_("Demo case: synthetic data, not a real person.")
PAGE_SIZE = 200

COLUMNS: tuple[tuple[SortKey, str], ...] = (
    (SortKey.CASE_NUMBER, N_("Case number")),
    (SortKey.NAME, N_("Name")),
    (SortKey.BIRTH, N_("Born")),
    (SortKey.NATIONALITY, N_("Nationality")),
    (SortKey.COUNTRY, N_("Returning to")),
    (SortKey.STATUS, N_("Status")),
    (SortKey.LANGUAGE, N_("Language")),
    (SortKey.UPDATED, N_("Last change")),
)


def column_of(key: SortKey) -> int:
    return next(i for i, (column_key, _label) in enumerate(COLUMNS) if column_key is key)


_Index = QModelIndex | QPersistentModelIndex


def _cell(row: CaseRow, key: SortKey) -> str:
    if key is SortKey.CASE_NUMBER:
        return row.case_number
    if key is SortKey.NAME:
        return ", ".join(part for part in (row.family_name.upper(), row.given_name) if part)
    if key is SortKey.BIRTH:
        return date_text(row.date_of_birth)
    if key is SortKey.NATIONALITY:
        return country_text(row.nationality)
    if key is SortKey.COUNTRY:
        place = country_text(row.country_of_return)
        return f"{place} ({row.region_of_return})" if row.region_of_return else place
    if key is SortKey.STATUS:
        return _(STATUS_LABELS[row.status])
    if key is SortKey.LANGUAGE:
        return language_text(row.session_language)
    return datetime_text(row.updated_at)


class CaseTableModel(QAbstractTableModel):
    def __init__(self, register: CaseRegister, parent: Any = None) -> None:
        super().__init__(parent)
        self._register = register
        self._query = CaseQuery()
        self._rows: list[CaseRow] = []
        self._total = 0
        self.reload()

    @property
    def query(self) -> CaseQuery:
        return self._query

    @property
    def total(self) -> int:
        """Cases matching the current search, fetched or not."""
        return self._total

    def reload(self) -> None:
        """Count the matches and fetch the first page; the view asks for the rest on scroll."""
        self.beginResetModel()
        self._total = self._register.count(self._query)
        self._rows = self._register.page(self._query, 0, PAGE_SIZE) if self._total else []
        self.endResetModel()

    def set_search(self, text: str, *, force: bool = False) -> None:
        """Show cases matching ``text``; ``force`` reloads even if the text is unchanged."""
        if force or text != self._query.text:
            self._query = replace(self._query, text=text)
            self.reload()

    def row_at(self, row: int) -> CaseRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, case_number: str) -> int:
        """Row of ``case_number`` among those fetched so far, or -1."""
        for position, row in enumerate(self._rows):
            if row.case_number == case_number:
                return position
        return -1

    # Qt model interface
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        page = self._register.page(self._query, len(self._rows), PAGE_SIZE)
        if not page:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(row, COLUMNS[index.column()][0])
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole text of a cut-off cell
            text = _cell(row, COLUMNS[index.column()][0])
            return f"{text}\n{_(DEMO_NOTE)}" if row.is_demo else text
        if role == ROW_ROLE:
            return row
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section][1])
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self._query = replace(self._query, sort=COLUMNS[column][0], descending=descending)
        self.reload()
