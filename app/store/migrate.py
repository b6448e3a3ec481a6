"""Bring the store's schema up to date at start-up, copying the file aside first."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine

from app.domain.errors import StoreTooNew
from app.resources import resource_dir
from app.store.backup import copy_store

log = logging.getLogger("homeward.store")
KEEP_BACKUPS = 10


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {heads}")
    return heads[0]


def is_known_revision(revision: str) -> bool:
    """Whether this Homeward knows ``revision`` (a store from a newer one does not)."""
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, database: Path | None, backups: Path | None) -> bool:
    """Upgrade to the newest schema; return True if anything ran.

    A store that already has a schema is copied to ``backups`` before it changes. A store
    written by a newer program (a revision we do not know) is refused untouched.
    """
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
        if database is not None and backups is not None:
            backup_file(engine, database, backups, reason=f"before-{head}")
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
