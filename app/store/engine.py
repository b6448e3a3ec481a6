"""The one way to open the case store: SQLCipher with a raw key, WAL, foreign keys on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from app.domain.errors import StoreUnreadable

BUSY_TIMEOUT_MS = 5000  # how long a writer waits for another program's transaction


def _apply_pragmas(dbapi_connection: Any, _record: object) -> None:
    # The driver's own transaction handling leaves DDL outside transactions; SQLAlchemy
    # emits BEGIN itself instead (see _begin), so a migration commits whole or not at all.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # SQLCipher writes decryption failures to stderr; we report them ourselves.
        cursor.execute("PRAGMA cipher_log_level = NONE")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit survives a power cut, not only a crash of the program.
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def _begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def open_engine(path: Path, key: bytes) -> Engine:
    """An engine on the encrypted file at ``path``; raises if ``key`` does not open it."""
    url = URL.create("sqlite+pysqlcipher", password=f"x'{key.hex()}'", database=str(path))
    # hide_parameters: a failing statement's values (names, answers) never reach the log.
    engine = create_engine(url, hide_parameters=True)
    event.listen(engine, "connect", _apply_pragmas)
    event.listen(engine, "begin", _begin)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()
    except DatabaseError as error:
        engine.dispose()
        raise StoreUnreadable(path=str(path), reason=str(error.orig)) from None
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit, so DTOs can be built from them, and
    that seal the audit events of each transaction into the hash chain."""
    from app.store import audit  # audit imports the models; the engine must not at import

    factory = sessionmaker(engine, expire_on_commit=False)
    audit.install(factory)
    return factory
