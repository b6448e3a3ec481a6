"""Rows written in bulk (the demo's synthetic cases, the new cases of an imported bundle):
one executemany per table instead of an ORM flush per object.

Ids of new cases come from :func:`new_case_ids` (the next ones on SQLite, a sequence on a
server); audit events written this way are sealed into the chain by the caller
(``audit.seal_rows``) after ``audit.lock_chain``.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from app.store.models import Case


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
    (Uuid, UtcDateTime, JSON...): SQLAlchemy's own per-row parameter handling was most of
    the time of writing bulk rows. A server's driver takes SQLAlchemy's batched inserts."""
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
    converters = ((i, table.c[name].type.bind_processor(dialect)) for i, name in enumerate(names))
    processors = tuple((i, process) for i, process in converters if process is not None)
    return compiled.string, operator.itemgetter(*names), processors


