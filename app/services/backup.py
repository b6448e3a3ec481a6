"""Backups of the whole installation, by hand (``homeward backup``) and daily at sign-in,
and restoring one (``homeward restore``)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import OperationalError

from app.config import DataPaths, check_output
from app.domain.accounts import Permission
from app.domain.errors import (
    BackupUnusable,
    CannotWrite,
    NotOnServer,
    OperationCancelled,
    StoreTooNew,
    WindowOpen,
)
from app.services.workspace import Workspace, unlock
from app.store import audit, backup, migrate
from app.store.backup import BackupError, BackupInfo, Progress
from app.store.engine import open_engine

log = logging.getLogger("homeward.services")
AUTOMATIC_PREFIX = "auto-"
SUFFIX = ".hwbackup"
KEEP_AUTOMATIC = 7


def back_up(workspace: Workspace, out: Path, progress: Progress | None = None,
            cancelled: Callable[[], bool] | None = None) -> BackupInfo:  # fmt: skip
    """Write a checked backup of this installation to ``out`` (administrators). A cancel
    leaves the file that was at ``out`` (if any) as it was."""
    workspace.require(Permission.MANAGE_OFFICE)
    if workspace.paths.on_server:
        raise NotOnServer()
    check_output(workspace.paths, out)
    info = _write(workspace, out, progress, cancelled)
    with workspace.transaction() as session:
        audit.record(session, "store.backed_up", user_id=workspace.user.id,
                     detail={"bytes": info.store_bytes})  # fmt: skip
    return info


def automatic_backup(workspace: Workspace, now: dt.datetime | None = None,
                     cancelled: Callable[[], bool] | None = None) -> Path | None:  # fmt: skip
    """Once a day, a backup into the data folder's backups/ (the last seven kept); a cancel
    leaves the earlier ones as they were. A store on a server is the server's to back up."""
    if workspace.paths.on_server:
        return None
    folder = workspace.paths.backups
    moment = now or dt.datetime.now(dt.UTC)
    existing = sorted(folder.glob(f"{AUTOMATIC_PREFIX}*{SUFFIX}")) if folder.is_dir() else []
    if existing and moment.timestamp() - existing[-1].stat().st_mtime < 24 * 3600:
        return None
    target = folder / f"{AUTOMATIC_PREFIX}{moment.strftime('%Y%m%dT%H%M%SZ')}{SUFFIX}"
    _write(workspace, target, cancelled=cancelled)
    for old in sorted(folder.glob(f"{AUTOMATIC_PREFIX}*{SUFFIX}"))[:-KEEP_AUTOMATIC]:
        old.unlink()
    log.info("automatic backup written")
    return target


def _write(workspace: Workspace, out: Path, progress: Progress | None = None,
           cancelled: Callable[[], bool] | None = None) -> BackupInfo:  # fmt: skip
    try:
        return backup.write_backup(workspace.paths, workspace.engine, workspace.store_key,
                                   out, str(workspace.installation.uuid), progress,
                                   cancelled)  # fmt: skip
    except backup.BackupCancelled:
        raise OperationCancelled() from None
    except BackupError as error:
        raise BackupUnusable(path=str(out), reason=str(error)) from None
    except OSError as error:
        raise CannotWrite(path=str(out), reason=error.strerror or str(error)) from None


def restore(paths: DataPaths, source: Path, username: str | None, password: str) -> Path:
    """Put the backup ``source`` in place of this installation's store and key ring, once it
    is checked whole and opened with ``password``. Returns where the replaced files were
    kept. Refused while another process's window has the data folder open (the window
    itself restores after closing its store)."""
    if paths.on_server:
        raise NotOnServer()
    if (holder := window_holder(paths)) and holder != os.getpid():
        raise WindowOpen(pid=holder)
    paths.root.mkdir(mode=0o700, parents=True, exist_ok=True)
    backup.sweep_leftovers(paths.root, backup.RESTORE_WORK_PREFIX)
    prefix = f"{backup.RESTORE_WORK_PREFIX}{os.getpid()}-"
    with tempfile.TemporaryDirectory(dir=paths.root, prefix=prefix) as folder:
        unpacked = Path(folder)
        try:
            backup.read_backup(source, unpacked)
            keyring = backup.load_unpacked_keyring(unpacked)
        except BackupError as error:
            raise BackupUnusable(path=str(source), reason=str(error)) from None
        name = username or keyring.default_user
        store_key = keyring.open(name, password)  # AuthenticationFailed: a wrong password
        try:
            backup.check_store(unpacked / backup.STORE, store_key)
        except BackupError as error:
            raise BackupUnusable(path=str(source), reason=str(error)) from None
        engine = open_engine(unpacked / backup.STORE, store_key)
        try:
            revision = migrate.current_revision(engine)
        finally:
            engine.dispose()
        if revision is not None and not migrate.is_known_revision(revision):
            raise StoreTooNew(revision=revision)
        kept = backup.swap_in(paths, unpacked)
    workspace = unlock(paths, name, password)  # upgrades the schema if the backup is older
    try:
        with workspace.transaction() as session:
            audit.record(session, "store.restored", user_id=workspace.user.id,
                         detail={"file": source.name})  # fmt: skip
    finally:
        workspace.close()
    return kept


def store_health(workspace: Workspace, cancelled: Callable[[], bool] | None = None) -> bool:
    """Whether SQLite finds the store's pages and indexes whole (``PRAGMA quick_check``):
    run in the background after sign-in, so damage is found before it spreads to backups.
    A cancel (the window closing) stops the check at once: OperationCancelled. A server
    checks its own pages."""
    if workspace.paths.on_server:
        return True
    with workspace.engine.connect() as connection:
        driver = connection.connection.driver_connection
        if cancelled is not None:  # SQLite asks every 1,000 steps whether to go on
            driver.set_progress_handler(lambda: 1 if cancelled() else 0, 1_000)
        try:
            rows = connection.exec_driver_sql("PRAGMA quick_check").fetchall()
        except OperationalError:
            if cancelled is not None and cancelled():
                raise OperationCancelled() from None
            raise
        finally:
            driver.set_progress_handler(None, 0)
    healthy = rows == [("ok",)]
    if not healthy:
        log.error("the store failed its integrity check (%d problems)", len(rows))
    return healthy


def window_holder(paths: DataPaths) -> int | None:
    """The process of a window that has this data folder open, if any (its lock file)."""
    try:
        pid = int((paths.root / "window.lock").read_text(encoding="ascii").split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    return pid
