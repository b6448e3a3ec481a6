"""The case register as a Qt table model.

The model has as many rows as the search matches from the start (one count per search), and
reads a page of them from the store when the view first shows one of its rows. A page next
to one already read follows it by keyset; a page far from any (the end, a reselected case
deep in the list) is found by counting along the sort's index. So scrolling to the end or
selecting the 90,000th case reads one or two pages, not every page before them.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.cases import STATUS_LABELS
from app.i18n import N_
from app.i18n import gettext as _
from app.services.cases import CaseListing, CasePage, CaseQuery, CaseRegister, CaseRow, SortKey
from app.store.keyset import Anchor
from app.ui.formatting import country_text, date_text, datetime_text, language_text

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
DEMO_NOTE = N_("Demo case: synthetic data, not a real person.")
PAGE_SIZE = 200
KEEP_PAGES = 20  # pages of rows kept in memory; the anchors of every page read are kept

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
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, ROW_ROLE})


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
        self._listing: CaseListing | None = None
        self._pages: OrderedDict[int, CasePage] = OrderedDict()  # least recently used first
        self._edges: dict[int, tuple[Anchor, Anchor]] = {}  # first and last row of each page
        self._total = 0
        self.reload()

    @property
    def query(self) -> CaseQuery:
        return self._query

    @property
    def total(self) -> int:
        """Cases matching the current search."""
        return self._total

    def reload(self) -> None:
        """Count the matches; rows are read when the view shows them."""
        self.beginResetModel()
        self._listing = self._register.listing(self._query)
        self._total = self._listing.total or 0
        self._pages.clear()
        self._edges.clear()
        self.endResetModel()

    def set_search(self, text: str, *, force: bool = False) -> None:
        """Show cases matching ``text``; ``force`` reloads even if the text is unchanged."""
        if force or text != self._query.text:
            self._query = replace(self._query, text=text)
            self.reload()

    def row_at(self, row: int) -> CaseRow | None:
        if not 0 <= row < self._total:
            return None
        page = self._page(row // PAGE_SIZE)
        within = row % PAGE_SIZE
        return page.rows[within] if within < len(page.rows) else None

    def row_of(self, case_number: str) -> int:
        """Row of ``case_number`` in the list, or -1 if the search does not match it."""
        for number, page in self._pages.items():
            for within, row in enumerate(page.rows):
                if row.case_number == case_number:
                    return number * PAGE_SIZE + within
        position = self._listing.position(case_number) if self._listing else None
        return position if position is not None and position < self._total else -1

    def _page(self, number: int) -> CasePage:
        page = self._pages.get(number)
        if page is None:
            page = self._read(number)
            self._pages[number] = page
            if page.first is not None and page.last is not None:
                self._edges[number] = (page.first, page.last)
            while len(self._pages) > KEEP_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page

    def _read(self, number: int) -> CasePage:
        """Page ``number`` from its neighbour's edge if one was read, else by position."""
        assert self._listing is not None
        start = number * PAGE_SIZE
        size = min(PAGE_SIZE, self._total - start)
        if number == 0:
            return self._listing.first(size)
        if number - 1 in self._edges:
            return self._listing.after(self._edges[number - 1][1], size)
        if number + 1 in self._edges:
            return self._listing.before(self._edges[number + 1][0], size)
        return self._listing.at(start, size)

    # Qt model interface
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks each cell for some eight roles (font, colours, alignment...): those
        # the model does not give are answered before the row is looked up.
        if role not in _ROLES or not index.isValid():
            return None
        row = self.row_at(index.row())
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
        sort = COLUMNS[column][0]
        if (sort, descending) == (self._query.sort, self._query.descending):
            return  # the view re-applies its sort indicator (set up, restored): nothing new
        self._query = replace(self._query, sort=sort, descending=descending)
        self.reload()
