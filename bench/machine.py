"""The machine the figures were measured on, so that a reader can compare like with like."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.common import ROOT


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def _sqlite() -> dict[str, str]:
    import sqlcipher3

    connection = sqlcipher3.connect(":memory:")
    try:
        cipher = connection.execute("PRAGMA cipher_version").fetchone()
    finally:
        connection.close()
    return {"sqlite": sqlcipher3.sqlite_version, "sqlcipher": cipher[0] if cipher else "?"}


def _source() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "branch": git("rev-parse", "--abbrev-ref",
            "HEAD"), "uncommitted_changes": bool(git("status", "--porcelain"))}  # fmt: skip


def describe() -> dict[str, Any]:
    import PySide6
    import reportlab
    import sqlalchemy
    from PySide6 import QtCore

    from app import __version__

    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "ram_gib": _ram_gib(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "qt": QtCore.qVersion(),
        "pyside6": PySide6.__version__,
        **_sqlite(),
        "sqlalchemy": sqlalchemy.__version__,
        "reportlab": reportlab.Version,
        "homeward": __version__,
        "source": _source(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
