"""Bundles: export and import throughput at 10,000 cases, and their peak memory at N.

Throughput is measured on an office of 10,000 demo cases (the bench's own office when it
holds no more; else a separate one made here), each figure beside a baseline measured in the
same run on the same data:

- export: ``export_bundle(..., everything=True)``, cases per second (median of up to 3).
  Baseline: the standard pipeline alone on the same plaintext bytes (the bundle's JSON
  lines): zstd at the bundle's level, then age to one X25519 recipient.
- import: ``import_bundle`` of that bundle into a new HQ (SQLite, SQLCipher), cases per
  second. Baseline: the rows that import wrote (cases, returnees, households, answers,
  sittings, search rows, arrivals, audit events, the office's events), inserted again with
  the driver's executemany into a new store opened the same way (the import's page cache
  too), in one transaction.

Peak memory (VmHWM of a process of its own) of an export of the bench's N cases and of its
import into a new HQ; baseline: the same process just before the work (modules loaded,
store open).
"""

from __future__ import annotations

import json
import os
import statistics
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

FIGURES = ("export", "import", "export_memory", "import_memory")
THROUGHPUT_CASES = 10_000
EXPORT_TARGET, IMPORT_TARGET, MEMORY_TARGET_MB = 10_000, 5_000, 300
_MIB = 1024 * 1024
_IMPORTED = (  # table, the rows an import of new cases writes there
    ("returnee_case", ""),
    ("returnee", ""),
    ("household_member", ""),
    ("form_response", ""),
    ("counselling_session", ""),
    ("case_arrival", ""),
    ("audit_event", "WHERE action = 'case.imported'"),
    ("imported_event", ""),
)


def _installation(folder: Path, role: str, code: str) -> Any:
    from app.config import DataPaths
    from app.services.workspace import initialise, unlock
    from app.store.keyring import KdfParams

    paths = DataPaths(folder)
    initialise(paths, role=role, office_code=code, office_name=code, admin_username=USERNAME,
               admin_password=PASSWORD, kdf=KdfParams(1, 8192, 1))  # fmt: skip
    return unlock(paths, USERNAME, PASSWORD)


def _pair(office: Any, hq: Any, stick: Path) -> None:
    from app.services.keys import export_public_keys, revoke_peer, trust_key_export, trusted_keys

    for earlier in trusted_keys(office):  # an HQ of an earlier run on reused data
        if earlier.role == "hq" and not earlier.revoked and not earlier.replaced_by:
            revoke_peer(office, earlier.fingerprint)
    for reader, writer in ((office, hq), (hq, office)):
        key = stick / f"{writer.installation.office_code}-{os.getpid()}.key"
        trust_key_export(reader, key, export_public_keys(writer, key))


def measure(context: Context) -> dict[str, Any]:
    scratch = Path(context.scratch) / "bundles"
    stick = scratch / "stick"
    stick.mkdir(parents=True, exist_ok=True)
    figures = _throughput(context, scratch, stick)
    figures.update(_memory(context, scratch, stick))
    return figures


# Throughput at 10,000 cases ------------------------------------------------------------------


def _office_of_10k(context: Context, scratch: Path) -> Path:
    """The bench's office if it holds at most 10,000 cases, else a new one of 10,000."""
    if context.cases <= THROUGHPUT_CASES:
        return Path(context.data_dir)
    from app.services.demo import add_demo_cases

    folder = scratch / "office10k"
    log(f"bundles: an office of {THROUGHPUT_CASES:,} demo cases for the throughput figures")
    office = _installation(folder, "office", "TK")
    try:
        add_demo_cases(office, THROUGHPUT_CASES, seed=15)
    finally:
        office.close()
    return folder


def _throughput(context: Context, scratch: Path, stick: Path) -> dict[str, Any]:
    from app.config import DataPaths
    from app.services.bundle_export import export_bundle
    from app.services.bundle_import import import_bundle
    from app.services.workspace import unlock

    office = unlock(DataPaths(_office_of_10k(context, scratch)), USERNAME, PASSWORD)
    hq = _installation(scratch / "hq", "hq", "HQ")
    try:
        _pair(office, hq, stick)
        runs = []
        for _ in range(max(1, min(context.repeats, 3))):
            start = time.perf_counter()
            sent = export_bundle(office, stick, everything=True, include_demo=True)
            runs.append(time.perf_counter() - start)
        export_seconds, cases = statistics.median(runs), sent.cases
        log(f"export: {cases} cases in {export_seconds:.2f} s (median of {len(runs)})")
        plaintext = _plaintext(sent.path, hq)
        raw_export = _raw_export(plaintext)
        log(f"export baseline: zstd + age of {len(plaintext) / 1e6:.0f} MB in {raw_export:.2f} s")
        start = time.perf_counter()
        imported = import_bundle(hq, sent.path)
        import_seconds = time.perf_counter() - start
        log(f"import: {imported.new_cases} cases in {import_seconds:.2f} s")
        assert imported.new_cases == cases, imported
    finally:
        office.close()
        hq.close()
    raw_import = _raw_import(scratch / "hq", scratch / "raw_store")
    log(f"import baseline: executemany of the same rows in {raw_import:.2f} s")
    export_rate, import_rate = cases / export_seconds, cases / import_seconds
    return {
        "export": figure(export_rate, "cases/s", baseline=cases / raw_export,
                         baseline_label="zstd + age of the same plaintext bytes",
                         target=f"≥ {EXPORT_TARGET:,} cases/s", met=export_rate >= EXPORT_TARGET,
                         lower_is_better=False, digits=0, cases=cases,
                         seconds=round(export_seconds, 2), bundle_mb=round(
                             sent.path.stat().st_size / 1e6, 1),
                         plaintext_mb=round(len(plaintext) / 1e6, 1)),
        "import": figure(import_rate, "cases/s", baseline=cases / raw_import,
                         baseline_label="executemany of the same rows into a new store",
                         target=f"≥ {IMPORT_TARGET:,} cases/s", met=import_rate >= IMPORT_TARGET,
                         lower_is_better=False, digits=0, cases=cases,
                         seconds=round(import_seconds, 2)),
    }  # fmt: skip


def _plaintext(path: Path, hq: Any) -> bytes:
    """The bundle's records as the JSON lines it carries (what was compressed, encrypted)."""
    import msgspec

    from app.bundles.envelope import open_bundle
    from app.services.keys import current_peers, installation_keys, public_from_bytes

    with hq.reading() as session:
        trusted = {p.fingerprint: public_from_bytes(p.public_keys)
                   for p in session.scalars(current_peers())}  # fmt: skip
    encode = msgspec.json.Encoder().encode
    lines = bytearray()
    with open_bundle(path, identity=installation_keys(hq), trusted=trusted.get) as opened:
        for record in opened.records():
            lines += encode(record) + b"\n"
    return bytes(lines)


def _raw_export(plaintext: bytes) -> float:
    """Seconds to compress ``plaintext`` as a bundle does and encrypt it for one recipient."""
    import pyrage
    import zstandard

    from app.bundles import envelope

    recipient = pyrage.x25519.Identity.generate().to_public()
    start = time.perf_counter()
    compressed = zstandard.ZstdCompressor(level=envelope._COMPRESSION_LEVEL).compress(plaintext)
    pyrage.encrypt(compressed, [recipient])
    return time.perf_counter() - start


def _raw_import(hq_dir: Path, folder: Path) -> float:
    """Seconds to insert the rows an import wrote at HQ again, into a new store opened the
    same way, with the driver's executemany in one transaction."""
    from app.services.bulk_rows import PAGE_CACHE_KIB
    from app.store import migrate
    from app.store.engine import open_engine
    from app.store.keyring import Keyring, new_store_key

    key = Keyring.load(hq_dir / "keyring.json").open(USERNAME, PASSWORD)
    source_engine = open_engine(hq_dir / "homeward.db", key)
    folder.mkdir(parents=True, exist_ok=True)
    target_engine = open_engine(folder / "homeward.db", new_store_key())
    migrate.upgrade(target_engine, None, None)
    source, target = source_engine.raw_connection(), target_engine.raw_connection()
    try:
        read, write = source.cursor(), target.cursor()
        write.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")  # as the import has it
        for table in ("office", "user_account"):  # what the rows point to, not timed
            rows = read.execute(f"SELECT * FROM {table}").fetchall()
            write.execute("BEGIN")
            write.execute(f"DELETE FROM {table}")
            write.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[0]))})",
                              rows)  # fmt: skip
            write.execute("COMMIT")
        batches = []
        for table, where in _IMPORTED:
            columns = _stored(read, table)
            rows = read.execute(f"SELECT {columns} FROM {table} {where}").fetchall()
            batches.append((f"INSERT INTO {table} ({columns}) VALUES "
                            f"({','.join('?' * len(columns.split(',')))})", rows))  # fmt: skip
        batches.append(("INSERT INTO case_search (rowid, case_number, names, places) "
                        "VALUES (?,?,?,?)",
                        read.execute("SELECT rowid, case_number, names, places "
                                     "FROM case_search").fetchall()))  # fmt: skip
        start = time.perf_counter()
        write.execute("BEGIN")
        for sql, rows in batches:
            if rows:
                write.executemany(sql, rows)
        write.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        source.close()
        target.close()
        source_engine.dispose()
        target_engine.dispose()


def _stored(read: Any, table: str) -> str:
    """The columns a row is written with: generated ones (the sort keys) are computed."""
    info = read.execute(f"PRAGMA table_xinfo({table})").fetchall()
    return ", ".join(row[1] for row in info if row[6] == 0)  # hidden 2, 3: generated


# Peak memory at N ------------------------------------------------------------------------------


def _memory(context: Context, scratch: Path, stick: Path) -> dict[str, Any]:
    """Export the bench office's N cases and import them into a new HQ, each in a process
    of its own whose peak resident memory is read at its end."""
    from app.config import DataPaths
    from app.services.workspace import unlock

    office = unlock(DataPaths(Path(context.data_dir)), USERNAME, PASSWORD)
    hq = _installation(scratch / "hq_n", "hq", "HQ")
    try:
        _pair(office, hq, stick)
    finally:
        office.close()
        hq.close()
    out = scratch / "stick_n"
    out.mkdir(exist_ok=True)
    export = _measured(["export", context.data_dir, str(out)], scratch / "export_n")
    imported = _measured(["import", str(scratch / "hq_n"), export["path"]],
                         scratch / "import_n")  # fmt: skip
    return {name: _memory_figure(run) for name, run in
            (("export_memory", export), ("import_memory", imported))}  # fmt: skip


def _measured(args: list[str], folder: Path) -> dict[str, Any]:
    log(f"bundles: {args[0]} of every case in a process of its own …")
    run = run_measured("bench.children.bundle_run", args, env=child_env(), folder=folder)
    if run.returncode != 0:
        raise RuntimeError(f"bundle {args[0]} failed: {run.stderr.strip()[-800:]}")
    result = json.loads(run.stdout.read_text().strip().splitlines()[-1])
    result["peak_mib"] = run.max_rss_mib
    log(f"bundles: {args[0]} of {result['cases']} cases in {result['seconds']:.1f} s, "
        f"peak {run.max_rss_mib:.0f} MiB")  # fmt: skip
    return result


def _memory_figure(run: dict[str, Any]) -> dict[str, Any]:
    peak = run["peak_mib"]
    return figure(peak, "MiB", baseline=run["rss_before_kib"] / 1024,
                  baseline_label="the same process just before the work",
                  target=f"≤ {MEMORY_TARGET_MB} MB", met=peak * _MIB / 1e6 <= MEMORY_TARGET_MB,
                  cases=run["cases"], seconds=round(run["seconds"], 1),
                  cases_per_s=round(run["cases"] / run["seconds"]))  # fmt: skip
