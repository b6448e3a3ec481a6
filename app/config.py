"""Every path Homeward writes to, resolved in one place.

Order: ``--data-dir`` on the command line, then ``HOMEWARD_DATA_DIR``, then the platform's
user data folder. A headquarters on PostgreSQL keeps its key ring, settings and logs there
too; its cases live at ``--database-url``, ``HOMEWARD_DATABASE_URL`` or the address recorded
at set-up, in that order. Nothing here runs at import time, so tests point each run at a temporary
folder without patching globals.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from app.domain.errors import N_, CannotWrite, Msgid

DATA_DIR_ENV = "HOMEWARD_DATA_DIR"
PASSWORD_ENV = "HOMEWARD_PASSWORD"
USER_ENV = "HOMEWARD_USER"
DATABASE_URL_ENV = "HOMEWARD_DATABASE_URL"
DATABASE_URL_SETTING = "database_url"


@dataclass(frozen=True)
class DataPaths:
    """The files of one installation inside its data folder."""

    root: Path
    database_url: str | None = None  # a PostgreSQL server's address; None: the SQLCipher file

    @property
    def on_server(self) -> bool:
        return self.database_url is not None

    @property
    def database(self) -> Path:
        return self.root / "homeward.db"

    @property
    def keyring(self) -> Path:
        return self.root / "keyring.json"

    @property
    def sign_in_attempts(self) -> Path:
        return self.root / "sign-in-attempts.json"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def ui_state(self) -> Path:
        return self.root / "ui-state.ini"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def is_initialised(self) -> bool:
        return self.keyring.is_file()


def resolve_data_dir(
    explicit: str | os.PathLike[str] | None = None, database_url: str | None = None
) -> DataPaths:
    if explicit:
        root = Path(explicit)
    elif os.environ.get(DATA_DIR_ENV):
        root = Path(os.environ[DATA_DIR_ENV])
    else:
        root = Path(platformdirs.user_data_dir("Homeward", appauthor=False))
    paths = DataPaths(root.expanduser().resolve())
    url = database_url or os.environ.get(DATABASE_URL_ENV) or None
    if url is None:
        recorded = load_settings(paths).get(DATABASE_URL_SETTING)
        url = recorded if isinstance(recorded, str) and recorded else None
    return DataPaths(paths.root, url)


def restrict_permissions(paths: DataPaths) -> None:
    """Make the data folder the owner's alone: folders 0700, files 0600, on every start.

    A folder that already existed (or files copied in from a backup) may carry the umask's
    0755/0644; on a shared laptop that lets any other account read the logs and backups.
    Links are not followed. Where the owner cannot change a mode, it is left as it is.
    """
    if os.name != "posix" or not paths.root.is_dir() or paths.root.is_symlink():
        return
    _chmod(paths.root, 0o700)
    for folder, dirnames, filenames in os.walk(paths.root):
        for name in dirnames:
            _chmod(Path(folder) / name, 0o700)
        for name in filenames:
            _chmod(Path(folder) / name, 0o600)


def _chmod(path: Path, mode: int) -> None:
    try:
        if not path.is_symlink() and (path.stat().st_mode & 0o777) != mode:
            path.chmod(mode)
    except OSError:
        pass  # not ours to change (or gone meanwhile): reading and writing still decide


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a power cut leaves either the old or new file."""
    with staged_write(path, data):
        pass


@contextlib.contextmanager
def staged_write(path: Path, data: bytes) -> Iterator[None]:
    """Write ``data`` beside ``path`` and fsync it; it takes ``path``'s place only if the
    block ends without an exception (e.g. once the record of it has committed). On any
    failure the temporary file is removed, so a full disk leaves no half file behind."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        # Owner-only: the key ring and settings are nobody else's business on a shared laptop.
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        yield
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def inside_data_folder(paths: DataPaths, path: Path) -> bool:
    """Whether ``path`` (links followed) is the data folder or anywhere under it."""
    root, target = paths.root.resolve(), path.resolve()
    return target == root or root in target.parents


def output_problem(paths: DataPaths, out: Path) -> str | None:
    """Why a file the user asked for (a PDF, later a bundle) cannot be written at ``out``:
    never inside the data folder (it would overwrite the store or the key ring), never over
    anything but a regular file (a device, a folder, a pipe). A message id, or None."""
    try:
        inside = inside_data_folder(paths, out)
        existing = out.lstat() if os.path.lexists(out) else None
    except (OSError, RuntimeError):
        return N_("the output file cannot be reached")
    if inside:
        return N_("it is inside Homeward's data folder")
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        return N_("something that is not a regular file is already there")
    return None


def check_output(paths: DataPaths, out: Path) -> None:
    """Refuse ``out`` for the reason :func:`output_problem` gives, before any work."""
    if problem := output_problem(paths, out):
        raise CannotWrite(path=str(out), reason=Msgid(problem))


def write_output(out: Path, data: bytes) -> None:
    """Write a file the user asked for, whole or not at all, or say why it cannot be."""
    try:
        write_atomically(out, data)
    except OSError as error:
        raise CannotWrite(path=str(out), reason=error.strerror or str(error)) from None


def load_settings(paths: DataPaths) -> dict[str, Any]:
    """Installation settings (interface language and the like); empty when none are saved."""
    try:
        data = json.loads(paths.settings.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, a folder, unreadable, damaged: defaults apply
        return {}
    return data if isinstance(data, dict) else {}


def save_settings(paths: DataPaths, settings: dict[str, Any]) -> None:
    text = json.dumps(settings, ensure_ascii=False, indent=2, sort_keys=True)
    write_atomically(paths.settings, text.encode("utf-8"))
