"""Keyset pages: read the rows that follow (or precede) a known row in an indexed order.

OFFSET walks every row before the page and a sort without an index reads every row; a keyset
page starts at the index entry of the row it follows, so page 400 costs what page 1 costs.
The order's last key is unique (a case id), so each row has exactly one place in it.

The page after a row (a, b, id) is read in parts, each one index seek: the rest of the rows
with the same a and b (id greater), then the same a (b greater), then a greater. A single
row-value comparison ``(a, b, id) > (?, ?, ?)`` would read every earlier row with the same
a: SQLite's range stops at the rowid and at expressions such as ``lower(name)`` (so such
keys are kept as computed columns).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    select,
    tuple_,
    type_coerce,
    union_all,
)


@dataclass(frozen=True)
class Anchor:
    """A row's place in an order: its sort values as the store holds them, its id last."""

    values: tuple[Any, ...]


def _stored(key: ColumnElement[Any]) -> ColumnElement[Any]:
    # Compared and handed back as stored (text for dates and times), not as Python values:
    # an anchor only ever goes back into the query that produced it.
    return key if isinstance(key.type, Integer) else type_coerce(key, String)


class KeysetOrder:
    """An order by ``keys`` (the last one unique), all ascending or all descending."""

    def __init__(self, keys: Sequence[ColumnElement[Any]], *, descending: bool) -> None:
        self.keys = tuple(_stored(key) for key in keys)
        self.descending = descending
        self._anchor = tuple(
            bindparam(f"anchor_{i}", type_=key.type) for i, key in enumerate(self.keys)
        )

    def order_by(self, *, reverse: bool = False) -> list[ColumnElement[Any]]:
        """ORDER BY terms; ``reverse`` reads the same order from its end."""
        down = self.descending != reverse
        return [key.desc() if down else key.asc() for key in self.keys]

    def columns(self) -> list[ColumnElement[Any]]:
        """The keys to select (labelled: a select would fold a key it already holds)."""
        return [key.label(f"keyset_{i}") for i, key in enumerate(self.keys)]

    def page(
        self,
        statement: Select[Any],
        limit: BindParameter[int],
        *,
        anchored: bool,
        reverse: bool = False,
    ) -> Select[Any] | CompoundSelect[Any]:
        """``limit`` rows of ``statement`` (which selects :meth:`columns` last) in this order,
        after the anchor given by :meth:`params` if ``anchored`` (before it, ``reverse``)."""
        ordered = statement.order_by(*self.order_by(reverse=reverse)).limit(limit)
        if not anchored:
            return ordered
        down = self.descending != reverse
        parts = []
        for depth in reversed(range(len(self.keys))):
            pairs = zip(self.keys[:depth], self._anchor[:depth], strict=True)
            same = [key == value for key, value in pairs]
            key, value = self.keys[depth], self._anchor[depth]
            parts.append(ordered.where(*same, key < value if down else key > value).subquery())
        # Each part is ordered and limited in itself; UNION ALL reads them one after the
        # other and stops at the limit, so a later part is not even started.
        return union_all(*(select(*part.c) for part in parts)).limit(limit)

    def before(self) -> ColumnElement[bool]:
        """Rows before the anchor given by :meth:`params` (to count them)."""
        row, anchor = tuple_(*self.keys), tuple_(*self._anchor)
        return and_(row > anchor) if self.descending else and_(row < anchor)

    def params(self, anchor: Anchor) -> dict[str, Any]:
        """The values of the anchor's parameters for ``anchor``."""
        values = zip(range(len(self.keys)), anchor.values, strict=True)
        return {f"anchor_{i}": value for i, value in values}

    def anchor_of(self, row: Sequence[Any]) -> Anchor:
        """The anchor of a result row whose last columns are :meth:`columns`."""
        return Anchor(tuple(row[len(row) - len(self.keys) :]))
