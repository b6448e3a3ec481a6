"""Full-text search over cases with SQLite FTS5.

One row per case, keyed by the case's integer id. ``remove_diacritics 2`` lets "nguyen"
find "Nguyễn"; every word typed is matched as a prefix, so results narrow as the user types.
Prefix indexes of one and two letters answer the first keystrokes from one list each, instead
of merging the lists of every word that begins so.
"""

from __future__ import annotations

import re

from sqlalchemy import (
    BindParameter,
    Connection,
    Select,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

SEARCH_TABLE = "case_search"
CREATE_SEARCH_TABLE = (
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5(case_number, names, places, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2')"
)
_search = table(SEARCH_TABLE, column("rowid"))
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 8
# Letters that are not a base letter plus a diacritic, so FTS5 cannot fold them itself.
_FOLD = str.maketrans({"đ": "d", "Đ": "D", "ı": "i", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"})


def is_search_table(name: str) -> bool:
    return name == SEARCH_TABLE or name.startswith(f"{SEARCH_TABLE}_")


def fold(value: str) -> str:
    return value.translate(_FOLD)


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH string for what the user typed, or None if nothing searchable."""
    words = _WORD.findall(fold(query))[:MAX_QUERY_WORDS]
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


def hits(expression: str | BindParameter[str]) -> Select[tuple[int]]:
    """The ids of the cases matching ``expression`` (a :func:`match_expression` or a
    parameter that will hold one), answered from the search index alone."""
    return select(_search.c.rowid).where(literal_column(SEARCH_TABLE).op("MATCH")(expression))


def count_hits(expression: str, *, at_most: int | None = None) -> Select[tuple[int]]:
    """How many cases match, counted in the search index (each case has one search row);
    with ``at_most``, the index stops reading there."""
    found = hits(expression)
    if at_most is not None:
        found = found.limit(at_most)
    return select(func.count()).select_from(found.subquery())


def search_row(case_id: int, case_number: str, names: str, places: str) -> dict[str, object]:
    """The search row of one case: its number also without the leading zeros, and its names
    also folded, so either spelling finds it."""
    digits = case_number.rsplit("-", 1)[-1].lstrip("0")
    folded = fold(names)
    return {
        "id": case_id,
        "number": f"{case_number} {digits}",
        "names": f"{names} {folded}" if folded != names else names,
        "places": places,
    }


def add_cases(target: Session | Connection, rows: list[dict[str, object]]) -> None:
    """Index cases that have no search row yet, in one statement (``rows`` from
    :func:`search_row`)."""
    if rows:
        target.execute(
            text(
                f"INSERT INTO {SEARCH_TABLE}(rowid, case_number, names, places) "
                "VALUES (:id, :number, :names, :places)"
            ),
            rows,
        )


def index_case(
    target: Session | Connection, case_id: int, case_number: str, names: str, places: str
) -> None:
    """Replace the search row of one case (call in the transaction that changed it)."""
    remove_case(target, case_id)
    add_cases(target, [search_row(case_id, case_number, names, places)])


def remove_case(target: Session | Connection, case_id: int) -> None:
    target.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE rowid = :id"), {"id": case_id})
