"""Rows written in bulk (the demo's synthetic cases, the new cases of an imported bundle):
one executemany per table instead of an ORM flush per object.

Ids of new cases come from :func:`new_case_ids` (the next ones on SQLite, a sequence on a
server); audit events written this way are sealed into the chain by the caller
(``audit.seal_rows``) after ``audit.lock_chain``.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import msgspec
from sqlalchemy import JSON, Connection, Table, func, insert, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from app.store import audit, search
from app.store.models import AuditEvent, Case

PAGE_CACHE_KIB = 64 * 1024


@contextmanager
def page_cache(connection: Connection, kib: int = PAGE_CACHE_KIB) -> Iterator[None]:
    """A larger SQLite page cache while bulk rows go in: new cases' rows go to the ends of
    their tables, but their UUIDs and numbers to every part of the indexes, whose pages
    would otherwise be read (and decrypted) again and again. A server manages its own."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def new_case_ids(session: Session, count: int) -> list[int]:
    """Ids for ``count`` new cases. SQLite gives the next ones after the largest (the write
    lock is held, nobody else can take them); a server's sequence hands them out, since
    other programs write beside this one."""
    if session.get_bind().dialect.name == "sqlite":
        first = (session.scalar(select(func.max(Case.id))) or 0) + 1
        return list(range(first, first + count))
    sequence = func.pg_get_serial_sequence(Case.__tablename__, "id")
    series = func.generate_series(1, count).table_valued("n")
    return list(session.scalars(select(func.nextval(sequence)).select_from(series)))


def insert_many(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """The driver's executemany, each value converted by its column type as SQLAlchemy does
    (Uuid, UtcDateTime; JSON by msgspec): SQLAlchemy's own per-row parameter handling was
    most of the time of writing bulk rows. A server's driver takes SQLAlchemy's batched
    inserts."""
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(insert(table), rows)
        return
    sql, pick, processors = _prepared(table, tuple(rows[0]), connection.dialect)
    # A case's rows share values (the moment it was opened): each is converted once.
    last_in: list[object] = [_NOTHING] * len(processors)
    last_out: list[object] = [None] * len(processors)
    converted = []
    for row in rows:
        values = list(pick(row))
        for slot, (position, process) in enumerate(processors):
            value = values[position]
            if value is not last_in[slot]:
                last_in[slot], last_out[slot] = value, process(value)
            values[position] = last_out[slot]
        converted.append(tuple(values))
    connection.exec_driver_sql(sql, converted)


_NOTHING = object()
_Processors = tuple[tuple[int, Callable[[Any], Any]], ...]


@functools.cache
def _prepared(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]], _Processors]:
    """The statement, what picks a row's values in its parameter order, and the converters
    of the columns that have one."""
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    names = tuple(compiled.positiontup or ())
    if not compiled.positional or sorted(names) != sorted(columns) or len(names) < 2:
        raise NotImplementedError("bulk inserts need a positional DB-API paramstyle")
    converters = ((i, _converter(table.c[name].type, dialect)) for i, name in enumerate(names))
    processors = tuple((i, process) for i, process in converters if process is not None)
    return compiled.string, operator.itemgetter(*names), processors


def _converter(column_type: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column type's own, but JSON written by msgspec: the same document (None too is
    JSON's null, as SQLAlchemy writes it), several times faster than the json module."""
    if isinstance(column_type, JSON):
        return _json_text
    # The dialect's own type, as the ORM writes it: SQLite's DATETIME text, not the
    # driver's default adapter (which leaves out a zero fraction of a second).
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def _json_text(value: Any) -> str:
    return _ENCODE(value).decode()


_ENCODE = msgspec.json.Encoder().encode


def insert_case_rows(
    session: Session,
    tables: list[tuple[Table, list[dict[str, Any]]]],
    search_rows: list[dict[str, object]],
    events: list[dict[str, Any]],
) -> None:
    """The rows of new cases table by table (parents first), their search rows, then their
    audit events sealed onto the end of the chain: the demo and an import write the same way.
    The caller holds the chain's lock (audit.lock_chain)."""
    connection = session.connection()
    for table, rows in tables:
        insert_many(connection, table, rows)
    search.add_cases(connection, search_rows)
    audit.seal_rows(events, audit.chain_end(session))
    insert_many(connection, AuditEvent.__table__, events)
