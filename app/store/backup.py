"""Backup files: one file holding a consistent copy of the encrypted store, the key ring and
the settings, checked after writing; and putting one back.

The copy is taken with SQLite's backup API (consistent while the window has the store open)
and stays encrypted with the store key, which only the key ring's passwords unwrap: a backup
on a USB stick leaks nothing without a password. A backup is written beside its target and
renamed into place only once complete and checked, so a pulled stick or a killed process
leaves the previous backup as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3
from sqlalchemy import Engine

from app.config import DataPaths
from app.store.keyring import Keyring

FORMAT = 1
MANIFEST = "homeward-backup.json"
STORE = "homeward.db"
KEYRING = "keyring.json"
SETTINGS = "settings.json"
MAX_BACKUP_BYTES = 8 * 1024**3  # a store of a few hundred thousand cases fits many times


class BackupError(Exception):
    """The backup cannot be written or is not a whole, readable Homeward backup; the message
    says why in plain words (English; the service layer maps it to a translated error)."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    installation: str
    created_at: dt.datetime
    store_bytes: int


Progress = Callable[[int, int], None]
PAGES_PER_STEP = 4096  # 16 MB of 4 KB pages between progress reports and cancel checks


class BackupCancelled(Exception):
    """The person cancelled; the half copy is thrown away with its work folder."""


def copy_store(engine: Engine, target: Path, progress: Progress | None = None,
               cancelled: Callable[[], bool] | None = None) -> None:  # fmt: skip
    """A consistent, encrypted copy of the store into ``target`` (a new file), in steps so
    progress shows and a cancel is heard."""

    def step(_status: int, remaining: int, total: int) -> None:
        if cancelled is not None and cancelled():
            raise BackupCancelled()
        if progress is not None:
            progress(total - remaining, total)

    raw = engine.raw_connection()
    try:
        copy = sqlcipher3.connect(str(target))
        try:
            copy.execute(f'PRAGMA key = "{engine.url.password}"')
            raw.driver_connection.backup(copy, pages=PAGES_PER_STEP, progress=step)
        finally:
            copy.close()
    finally:
        raw.close()


def check_store(path: Path, store_key: bytes) -> None:
    """The copy opens with the key and SQLite finds nothing wrong in it."""
    connection = sqlcipher3.connect(str(path))
    try:
        connection.execute(f"PRAGMA key = \"x'{store_key.hex()}'\"")
        result = connection.execute("PRAGMA quick_check").fetchall()
        if result != [("ok",)]:
            raise BackupError(f"the copied store is damaged ({result[0][0]})")
        connection.execute("SELECT count(*) FROM audit_event").fetchone()
    except sqlcipher3.DatabaseError as error:
        raise BackupError(f"the copied store cannot be read ({error})") from None
    finally:
        connection.close()


BACKUP_WORK_PREFIX = ".homeward-backup-"
RESTORE_WORK_PREFIX = ".restore-"


def sweep_leftovers(folder: Path, prefix: str) -> None:
    """Remove the work folders (``<prefix><pid>-…``) of backups or restores whose process was
    killed half-way; a folder whose process still runs, or of another name, stays."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        pid_text = entry.name.removeprefix(prefix).split("-", 1)[0]
        if not entry.name.startswith(prefix) or not pid_text.isdigit() or entry.is_symlink():
            continue
        if not entry.is_dir() or _running(int(pid_text)):
            continue
        shutil.rmtree(entry, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def write_backup(paths: DataPaths, engine: Engine, store_key: bytes, out: Path,
                 installation: str, progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None) -> BackupInfo:  # fmt: skip
    """Write a checked backup to ``out``; the previous file there stays until the new one is
    whole."""
    out.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(out.parent, BACKUP_WORK_PREFIX)
    prefix = f"{BACKUP_WORK_PREFIX}{os.getpid()}-"
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=prefix) as folder:
        store_copy = Path(folder) / STORE
        copy_store(engine, store_copy, progress, cancelled)
        check_store(store_copy, store_key)
        keyring = paths.keyring.read_bytes()
        created = dt.datetime.now(dt.UTC)
        manifest = {
            "format": FORMAT,
            "installation": installation,
            "created_at": created.isoformat(),
            "store_sha256": _sha256(store_copy),
            "keyring_sha256": hashlib.sha256(keyring).hexdigest(),
        }
        archive = Path(folder) / "backup.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as bundle:
            bundle.writestr(MANIFEST, json.dumps(manifest, indent=2))
            bundle.write(store_copy, STORE)
            bundle.writestr(KEYRING, keyring)
            if paths.settings.is_file():
                bundle.write(paths.settings, SETTINGS)
        with open(archive, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(archive, out)  # only now, whole and checked, does it take the name
    return BackupInfo(out, installation, created, store_copy_size(out))


def store_copy_size(path: Path) -> int:
    with zipfile.ZipFile(path) as bundle:
        return bundle.getinfo(STORE).file_size


def read_backup(path: Path, into: Path) -> dict[str, object]:
    """Unpack ``path`` into the folder ``into`` after checking it is a whole backup: its
    manifest, its members (no others), their hashes. Returns the manifest."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_BACKUP_BYTES:
            raise BackupError("it is not a backup file of a size Homeward writes")
        with zipfile.ZipFile(path) as bundle:
            names = set(bundle.namelist())
            if not {MANIFEST, STORE, KEYRING} <= names or names - {MANIFEST, STORE, KEYRING,
                                                                    SETTINGS}:  # fmt: skip
                raise BackupError("it is not a Homeward backup (its contents differ)")
            manifest = json.loads(bundle.read(MANIFEST)[:100_000])
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError("it was written by another version of Homeward")
            for name in names - {MANIFEST}:
                with bundle.open(name) as source, open(into / name, "wb") as target:
                    shutil.copyfileobj(source, target)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as error:
        raise BackupError(f"it cannot be read ({error.__class__.__name__})") from None
    if _sha256(into / STORE) != manifest.get("store_sha256"):
        raise BackupError("the store in it does not match its checksum (cut short or changed)")
    keyring = (into / KEYRING).read_bytes()
    if hashlib.sha256(keyring).hexdigest() != manifest.get("keyring_sha256"):
        raise BackupError("the key ring in it does not match its checksum")
    return manifest


def swap_in(paths: DataPaths, unpacked: Path) -> Path:
    """Put the unpacked backup in place of the store; the replaced files are kept in
    backups/replaced-<time>/ (returned). On any failure the store is put back as it was."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = paths.backups / f"replaced-{stamp}"
    kept.mkdir(parents=True, exist_ok=False)
    current = [paths.database.with_name(paths.database.name + s) for s in ("", "-wal", "-shm")]
    current += [paths.keyring, paths.settings]
    moved: list[tuple[Path, Path]] = []
    try:
        for path in current:
            if path.exists():
                path.rename(kept / path.name)
                moved.append((kept / path.name, path))
        for name, target in ((STORE, paths.database), (KEYRING, paths.keyring),
                             (SETTINGS, paths.settings)):  # fmt: skip
            if (unpacked / name).exists():
                os.replace(unpacked / name, target)
    except BaseException:
        for name in (STORE, KEYRING, SETTINGS):
            with suppress(OSError):
                (paths.root / name).unlink()
        for source, target in moved:
            os.replace(source, target)
        raise
    return kept


def load_unpacked_keyring(unpacked: Path) -> Keyring:
    return Keyring.load(unpacked / KEYRING)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
