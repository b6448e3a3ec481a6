"""A throwaway PostgreSQL server for the tests that run headquarters on PostgreSQL.

The cluster lives in a temporary folder and listens on loopback only, on a free port, with
trust authentication for the local user (nothing else can reach it). As root (CI), the
server runs as the ``postgres`` account Debian's package creates, since PostgreSQL refuses
to run as root. A server that cannot start is an error, not a reason to skip.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path


class ServerUnavailable(RuntimeError):
    pass


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    raise ServerUnavailable(
        f"{name} not found: install PostgreSQL (Debian: apt-get install postgresql)"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ServerUnavailable("running as root without runuser: cannot start PostgreSQL")
    return [runuser, "-u", "postgres", "--", *command]


class PostgresServer:
    """One running cluster; :meth:`new_database` gives each test its own database."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "cluster"
        self.port = _free_port()
        self.user = "postgres" if os.geteuid() == 0 else _current_user()

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        log = self.root / "server.log"
        self._run([_binary("initdb"), "-D", str(self.data), "-A", "trust", "-U", self.user,
                   "-E", "UTF8", "--locale=C.UTF-8" if _has_c_utf8() else "--locale=C"])
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories='{self.root}' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        self._run([_binary("pg_ctl"), "-D", str(self.data), "-l", str(log), "-o", options,
                   "-w", "-t", "60", "start"])

    def stop(self) -> None:
        with contextlib.suppress(ServerUnavailable):
            self._run([_binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a new, empty database."""
        import psycopg

        name = f"hw_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def _run(self, command: list[str]) -> None:
        done = subprocess.run(
            _as_server_user(command), capture_output=True, text=True, cwd=self.root, check=False
        )
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ServerUnavailable(
                f"{Path(command[0]).name} failed ({done.returncode}): "
                f"{done.stderr.strip()[-2000:]}\n{tail}"
            )


def _current_user() -> str:
    import getpass

    return getpass.getuser()


def _has_c_utf8() -> bool:
    done = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False)
    return any(line.lower() in ("c.utf8", "c.utf-8") for line in done.stdout.splitlines())


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    root = Path(tempfile.mkdtemp(prefix="homeward-pg-"))
    root.chmod(0o755)
    server = PostgresServer(root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
