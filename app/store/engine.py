"""The one way to open the case store.

An office's store is a SQLCipher file opened with a raw key (WAL, foreign keys on). A
headquarters that outgrew one laptop keeps the same tables on a PostgreSQL server
(``--database-url``); there the server and its disk protect the data at rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from app.domain.errors import NotAServerAddress, StoreUnreadable

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


SERVER_DRIVERS = ("postgresql", "postgresql+psycopg")  # the first means the second


def server_url(url: str) -> URL:
    """``url`` parsed, with its driver; anything but a PostgreSQL address (through psycopg,
    the driver Homeward uses) is refused in one line, before anything is opened."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise NotAServerAddress(NotAServerAddress.unreadable) from None
    if parsed.drivername not in SERVER_DRIVERS:
        raise NotAServerAddress(url=safe_url(url))
    return parsed.set(drivername="postgresql+psycopg")


def open_server_engine(url: str) -> Engine:
    """An engine on the PostgreSQL database at ``url``; raises if it cannot be reached."""
    from sqlalchemy.exc import OperationalError

    parsed = server_url(url)
    engine = create_engine(
        parsed, hide_parameters=True, pool_pre_ping=True, connect_args={"connect_timeout": 10}
    )
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1")).scalar_one()
    except (OperationalError, DatabaseError) as error:
        engine.dispose()
        reason = str(getattr(error, "orig", error)).strip().splitlines()
        raise StoreUnreadable(path=safe_url(url), reason=reason[0] if reason else "") from None
    return engine


def safe_url(url: str) -> str:
    """``url`` without its password, for messages, logs and the settings file."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
        # Not .set(password=None): set() takes None as "leave as it is". libpq also reads a
        # password from the query (?password=...).
        query = {k: v for k, v in parsed.query.items() if k.lower() != "password"}
        bare = URL.create(parsed.drivername, parsed.username, None, parsed.host, parsed.port,
                          parsed.database, query)  # fmt: skip
        return bare.render_as_string(hide_password=False)
    except ArgumentError:
        return "(not a database address)"


def is_sqlite(bind: Engine | Connection | Session) -> bool:
    """Whether the store is the SQLCipher file (backups, integrity checks and PRAGMAs are
    SQLite's own), rather than a server."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    return engine.dialect.name == "sqlite"


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit, so DTOs can be built from them, and
    that seal the audit events of each transaction into the hash chain."""
    from app.store import audit  # audit imports the models; the engine must not at import

    factory = sessionmaker(engine, expire_on_commit=False)
    audit.install(factory)
    return factory
