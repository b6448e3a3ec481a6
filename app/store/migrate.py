"""Bring the store's schema up to date at start-up, copying the file aside first.

Alembic is imported only when a migration is due: a start with an up-to-date store compares
the stored revision with the newest shipped one, read from the revision files themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from app.domain.errors import StoreTooNew
from app.resources import resource_dir
from app.store.backup import copy_store

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger("homeward.store")
KEEP_BACKUPS = 10
MIGRATION_LOCK = 0x486F6D6577617264  # "Homeward": one migration at a time on a server
_REVISION = re.compile(r'^(down_)?revision: str(?: \| None)? = (None|"([^"]+)")', re.MULTILINE)


@cache
def shipped_head() -> str:
    """The newest revision shipped, from the revision files (the one no other revises)."""
    revisions, revised = set(), set()
    for path in (resource_dir("migrations") / "versions").glob("*.py"):
        for down, _value, name in _REVISION.findall(path.read_text(encoding="utf-8")):
            if name:
                (revised if down else revisions).add(name)
    heads = revisions - revised
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {sorted(heads)}")
    return heads.pop()


def stored_revision(engine: Engine) -> str | None:
    """The store's revision, read with plain SQL (None for a store without a schema)."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        return None


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {heads}")
    return heads[0]


def is_known_revision(revision: str) -> bool:
    """Whether this Homeward knows ``revision`` (a store from a newer one does not)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def current_revision_on(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def drop_store(engine: Engine) -> None:
    """Remove every table of a store on a server (a set-up that failed half-way)."""
    from sqlalchemy import MetaData

    tables = MetaData()
    with engine.begin() as connection:
        tables.reflect(connection)
        tables.drop_all(connection)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, database: Path | None, backups: Path | None) -> bool:
    """Upgrade to the newest schema; return True if anything ran.

    A store that already has a schema is copied to ``backups`` before it changes. A store
    written by a newer program (a revision we do not know) is refused untouched.
    """
    if stored_revision(engine) == shipped_head():
        return False  # the usual start: no Alembic at all
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return False
    if current is not None:
        try:
            script.get_revision(current)
        except Exception:
            raise StoreTooNew(revision=current) from None
        if database is not None and backups is not None and engine.dialect.name == "sqlite":
            backup_file(engine, database, backups, reason=f"before-{head}")
    if engine.dialect.name != "sqlite":
        with engine.connect() as connection, connection.begin():
            # PostgreSQL changes its schema inside the transaction: all or nothing. The lock
            # keeps two programs starting together from migrating the same database twice.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            if current_revision_on(connection) != head:
                command.upgrade(alembic_config(connection), "head")
        log.info("store upgraded from %s to %s", current, head)
        return True
    with engine.connect() as connection:
        # Batch migrations copy and drop tables: with foreign keys on, dropping a case table
        # would cascade into its answers. Keys are switched off (outside the transaction, as
        # SQLite requires), checked before the commit, and switched on again.
        driver = connection.connection.driver_connection  # below SQLAlchemy's autobegin
        driver.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection), "head")
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration to {head} broke {len(broken)} references")
        finally:
            driver.execute("PRAGMA foreign_keys = ON")
    log.info("store upgraded from %s to %s", current, head)
    return True


def backup_file(engine: Engine, database: Path, backups: Path, reason: str) -> Path:
    """Copy the store with SQLite's backup API (consistent even while another program has it
    open), encrypted with the same key."""
    backups.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = backups / f"{database.stem}-{stamp}-{reason}{database.suffix}"
    copy_store(engine, target)
    for old in sorted(backups.glob(f"{database.stem}-*{database.suffix}"))[:-KEEP_BACKUPS]:
        old.unlink()
    log.info("store copied to %s", target.name)
    return target
