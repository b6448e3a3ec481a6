"""Full-text search over cases: SQLite FTS5 in an office, tsvector on a PostgreSQL server.

One row per case, keyed by the case's integer id (``rowid`` on both, so one query serves
both). FTS5's ``remove_diacritics 2`` lets "nguyen" find "Nguyễn"; on PostgreSQL the names
are stored folded as well, and the words typed are folded the same way. Every word typed is
matched as a prefix, so results narrow as the user types. In FTS5, prefix indexes of one and
two letters answer the first keystrokes from one list each; PostgreSQL's GIN index answers
prefix queries by itself.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, ClassVar

from sqlalchemy import (
    BindParameter,
    Connection,
    Select,
    column,
    func,
    select,
    table,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import NullType

SEARCH_TABLE = "case_search"
CREATE_SEARCH_TABLE = (
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5(case_number, names, places, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2')"
)
# The PostgreSQL twin (created by the migrations): a generated tsvector with a GIN index.
_search = table(SEARCH_TABLE, column("rowid"))
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 8
# Letters that are not a base letter plus a diacritic, so FTS5 cannot fold them itself.
_FOLD = str.maketrans({"đ": "d", "Đ": "D", "ı": "i", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"})


class _Matches(ColumnElement[Any]):
    """``expression`` matches a case's search row, in the store's own dialect."""

    type = NullType()  # not Boolean: SQLite would be asked "MATCH ... = 1"
    inherit_cache = True
    _traverse_internals: ClassVar = [("query", InternalTraversal.dp_clauseelement)]

    def __init__(self, expression: str | BindParameter[str]) -> None:
        from sqlalchemy import literal

        self.query = (
            expression if isinstance(expression, BindParameter) else literal(expression)
        )


@compiles(_Matches)
def _matches_fts5(element: _Matches, compiler: Any, **kw: Any) -> str:
    return f"{SEARCH_TABLE} MATCH {compiler.process(element.query, **kw)}"


@compiles(_Matches, "postgresql")
def _matches_tsvector(element: _Matches, compiler: Any, **kw: Any) -> str:
    return f"document @@ to_tsquery('simple', {compiler.process(element.query, **kw)})"


def is_search_table(name: str) -> bool:
    return name == SEARCH_TABLE or name.startswith(f"{SEARCH_TABLE}_")


def fold(value: str) -> str:
    return value.translate(_FOLD)


def strip_marks(value: str) -> str:
    """``value`` without its diacritics (what FTS5's ``remove_diacritics`` does)."""
    decomposed = unicodedata.normalize("NFKD", fold(value))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def match_expression(query: str, dialect: str = "sqlite") -> str | None:
    """A search string for what the user typed, in the store's dialect (an FTS5 MATCH
    string, or a tsquery), or None if nothing searchable."""
    if dialect == "sqlite":
        words = _WORD.findall(fold(query))[:MAX_QUERY_WORDS]
        return " ".join(f'"{word}"*' for word in words) or None
    words = _WORD.findall(strip_marks(query))[:MAX_QUERY_WORDS]
    return " & ".join(f"{word}:*" for word in words) or None


def hits(expression: str | BindParameter[str]) -> Select[tuple[int]]:
    """The ids of the cases matching ``expression`` (a :func:`match_expression` or a
    parameter that will hold one), answered from the search index alone."""
    return select(_search.c.rowid).where(_Matches(expression))


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
    if rows and _dialect(target) != "sqlite":
        rows = [_folded(row) for row in rows]
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


def _dialect(target: Session | Connection) -> str:
    bind = target.get_bind() if isinstance(target, Session) else target
    return bind.dialect.name


def _folded(row: dict[str, object]) -> dict[str, object]:
    """The row with names and places also without diacritics (PostgreSQL's 'simple'
    configuration keeps them)."""
    folded = dict(row)
    for key in ("names", "places"):
        value = str(row[key])
        bare = strip_marks(value)
        folded[key] = f"{value} {bare}" if bare != value else value
    return folded
