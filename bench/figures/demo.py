"""``homeward demo --cases N``: synthetic cases per second, the command run as a person runs
it (``python -m app``), process start and sign-in included. Measured when the bench creates
its data; when it reuses a data folder, on a fresh throw-away installation instead.

Baseline: executemany of the same rows. The rows the command wrote (cases, returnees,
households, answers, decisions, search rows, "case opened" audit events) are read back 2,000
cases at a time and inserted into a new store opened the same way (SQLCipher, WAL, the same
synchronous setting), one transaction per 2,000 cases like the command; only the inserts and
commits are timed.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bench.common import (
    PASSWORD,
    USERNAME,
    Context,
    child_env,
    figure,
    log,
    run_measured,
)

FIGURES = ("demo",)
REUSED_DATA_CASES = 20_000  # demo size when the bench reuses a data folder
CHUNK = 2000
_TABLES = (  # table, its columns' filter on a range of case ids
    ("returnee_case", "id BETWEEN ? AND ? AND is_demo = 1"),
    ("returnee", "case_id BETWEEN ? AND ?"),
    ("household_member", "case_id BETWEEN ? AND ?"),
    ("form_response", "case_id BETWEEN ? AND ?"),
    ("case_decision", "case_id BETWEEN ? AND ?"),
    ("audit_event", "case_id BETWEEN ? AND ? AND action = 'case.opened'"),
)


def initialise(folder: Path) -> None:
    """A new installation in ``folder`` with the bench's administrator (cheap key derivation:
    the bench measures Homeward, not Argon2)."""
    from app.config import DataPaths
    from app.services.workspace import initialise as setup
    from app.store.keyring import KdfParams

    setup(DataPaths(folder), role="office", office_code="SK", office_name="Bench office",
          admin_username=USERNAME, admin_password=PASSWORD, kdf=KdfParams(1, 8192, 1))  # fmt: skip


def run_demo(data_dir: Path, cases: int, scratch: Path) -> dict[str, Any]:
    """``homeward demo --cases N --seed 16`` timed; written to scratch/demo_run.json."""
    log(f"homeward demo --cases {cases} …")
    done = run_measured(
        "app", ["--data-dir", str(data_dir), "demo", "--cases", str(cases), "--seed", "16"],
        env=child_env(HOMEWARD_PASSWORD=PASSWORD), folder=scratch / "demo_command",
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"homeward demo failed: {done.stderr.strip()[-800:]}")
    run = {"data_dir": str(data_dir), "cases": cases, "seconds": done.seconds,
           "cpu_seconds": done.cpu_seconds, "max_rss_mib": done.max_rss_mib}  # fmt: skip
    (scratch / "demo_run.json").write_text(json.dumps(run))
    log(f"homeward demo: {cases / done.seconds:.0f} cases/s ({done.seconds:.1f} s)")
    return run


def measure(context: Context) -> dict[str, Any]:
    scratch = Path(context.scratch)
    record = scratch / "demo_run.json"
    if record.is_file():
        run = json.loads(record.read_text())
    else:  # the data folder was reused: measure on a throw-away installation
        fresh = scratch / "demo_store"
        initialise(fresh)
        run = run_demo(fresh, min(context.cases, REUSED_DATA_CASES), scratch)
    baseline_seconds, copied = _executemany(Path(run["data_dir"]), scratch / "demo_baseline")
    rate, base = run["cases"] / run["seconds"], copied / baseline_seconds
    log(f"demo baseline: executemany of the same rows, {base:.0f} cases/s")
    return {
        "demo": figure(
            rate,
            "cases/s",
            baseline=base,
            baseline_label="executemany of the same rows, same store settings",
            target="≥ 2000 cases/s",
            met=rate >= 2000,
            lower_is_better=False,
            digits=0,
            cases=run["cases"],
            seconds=round(run["seconds"], 1),
            cases_per_cpu_second=round(run["cases"] / run["cpu_seconds"]),
            peak_rss_mib=round(run["max_rss_mib"]),
        )
    }


def _executemany(source_dir: Path, folder: Path) -> tuple[float, int]:
    """Seconds to insert every demo case's rows again into a new store, and how many cases."""
    from app.store import migrate
    from app.store.engine import open_engine
    from app.store.keyring import Keyring, new_store_key

    key = Keyring.load(source_dir / "keyring.json").open(USERNAME, PASSWORD)
    source_engine = open_engine(source_dir / "homeward.db", key)
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob("homeward.db*"):
        leftover.unlink()
    target_engine = open_engine(folder / "homeward.db", new_store_key())
    migrate.upgrade(target_engine, None, None)
    source, target = source_engine.raw_connection(), target_engine.raw_connection()
    try:
        read, write = source.cursor(), target.cursor()
        for table in ("office", "user_account"):  # what the cases point to, not timed
            _copy(read, write, f"SELECT * FROM {table}", table)
        low, high = read.execute(
            "SELECT min(id), max(id) FROM returnee_case WHERE is_demo = 1"
        ).fetchone()
        seconds, cases = 0.0, 0
        for start in range(low or 0, (high or -1) + 1, CHUNK):
            bounds = (start, start + CHUNK - 1)
            batches = [
                (table, read.execute(f"SELECT {_stored(read, table)} FROM {table} WHERE {where}",
                                     bounds).fetchall())
                for table, where in _TABLES
            ]  # fmt: skip
            search = read.execute(
                "SELECT rowid, case_number, names, places FROM case_search "
                "WHERE rowid BETWEEN ? AND ?",
                bounds,
            ).fetchall()
            began = time.perf_counter()
            write.execute("BEGIN")
            for table, rows in batches:
                if rows:
                    marks = ",".join("?" * len(rows[0]))
                    columns = _stored(read, table)
                    write.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
            write.executemany(
                "INSERT INTO case_search (rowid, case_number, names, places) VALUES (?,?,?,?)",
                search,
            )
            write.execute("COMMIT")
            seconds += time.perf_counter() - began
            cases += len(batches[0][1])
    finally:
        source.close()
        target.close()
        source_engine.dispose()
        target_engine.dispose()
    return seconds, cases


def _stored(read: Any, table: str) -> str:
    """The columns a row is written with: generated ones (the sort keys) are computed."""
    info = read.execute(f"PRAGMA table_xinfo({table})").fetchall()
    return ", ".join(row[1] for row in info if row[6] == 0)  # hidden 2, 3: generated


def _copy(read: Any, write: Any, query: str, table: str) -> None:
    rows = read.execute(query).fetchall()
    write.execute("BEGIN")
    write.execute(f"DELETE FROM {table}")
    if rows:
        write.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)
    write.execute("COMMIT")
