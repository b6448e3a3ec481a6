"""Keyset pages: read the rows that follow (or precede) a known row in an indexed order.

OFFSET walks every row before the page and a sort without an index reads every row; a keyset
page starts at the index entry of the row it follows, so page 400 costs what page 1 costs.
The order's last key is unique (a case id), so each row has exactly one place in it.
Comparisons are row values over plain columns, which SQLite turns into one index range (it
does not for expressions such as ``lower(name)``: keep such keys as computed columns).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, bindparam, tuple_, type_coerce


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

    def order_by(self, *, reverse: bool = False) -> list[ColumnElement[Any]]:
        """ORDER BY terms; ``reverse`` reads the same order from its end."""
        down = self.descending != reverse
        return [key.desc() if down else key.asc() for key in self.keys]

    def beyond(self, *, reverse: bool = False) -> ColumnElement[bool]:
        """Rows after the anchor given by :meth:`params` (before it, with ``reverse``).

        The anchor is a bound parameter, so one statement serves every page."""
        values = tuple_(
            *(bindparam(f"anchor_{i}", type_=key.type) for i, key in enumerate(self.keys))
        )
        row = tuple_(*self.keys)
        return row < values if self.descending != reverse else row > values

    def params(self, anchor: Anchor) -> dict[str, Any]:
        """The values of :meth:`beyond`'s parameters for ``anchor``."""
        values = zip(range(len(self.keys)), anchor.values, strict=True)
        return {f"anchor_{i}": value for i, value in values}

    def columns(self) -> list[ColumnElement[Any]]:
        """The keys to select (labelled: a select would fold a key it already holds)."""
        return [key.label(f"keyset_{i}") for i, key in enumerate(self.keys)]

    def anchor_of(self, row: Sequence[Any]) -> Anchor:
        """The anchor of a result row whose last columns are :meth:`columns`."""
        return Anchor(tuple(row[len(row) - len(self.keys) :]))
