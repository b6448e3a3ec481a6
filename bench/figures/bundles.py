"""Bundles: export every case of the bench office for HQ, and import a bundle at HQ.

Export is measured on all N cases (``export_bundle(..., everything=True)``). Import, which
applies each case through the merge, is measured on a bundle of a smaller office
(``IMPORT_CASES``) into a new HQ, reported per case. Baseline for both: the standard
pipeline alone on the same plaintext size (zstd, then age to one X25519 recipient, and back),
i.e. what any tool pays to move those bytes safely.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from bench.common import PASSWORD, USERNAME, Context, figure, log, unlock_workspace

FIGURES = ("export", "import")
IMPORT_CASES = 2000


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


def _raw_pipeline(size: int) -> float:
    """Seconds to compress and encrypt ``size`` bytes of JSON-like text, then decrypt and
    decompress them, with the same libraries and nothing else."""
    import pyrage
    import zstandard

    identity = pyrage.x25519.Identity.generate()
    line = b'{"type":"case","given_name":"Lan","family_name":"Tran","answers":{"x":"y"}}\n'
    data = line * max(1, size // len(line))
    start = time.perf_counter()
    sealed = pyrage.encrypt(zstandard.ZstdCompressor(level=3).compress(data),
                            [identity.to_public()])  # fmt: skip
    zstandard.ZstdDecompressor().decompress(pyrage.decrypt(sealed, [identity]),
                                            max_output_size=len(data))  # fmt: skip
    return time.perf_counter() - start


def measure(context: Context) -> dict[str, Any]:
    from app.services.bundle_export import export_bundle
    from app.services.bundle_import import import_bundle
    from app.services.demo import add_demo_cases

    scratch = Path(context.scratch) / "bundles"
    stick = scratch / "stick"
    stick.mkdir(parents=True, exist_ok=True)
    office = unlock_workspace(context)
    hq = _installation(scratch / "hq", "hq", "HQ")
    try:
        _pair(office, hq, stick)
        start = time.perf_counter()
        sent = export_bundle(office, stick, everything=True, include_demo=True)
        export_seconds = time.perf_counter() - start
        size = sent.path.stat().st_size
        log(f"export: {sent.cases} cases in {export_seconds:.1f} s, {size / 1e6:.1f} MB")
        small = _installation(scratch / "small", "office", "SM")
        try:
            add_demo_cases(small, IMPORT_CASES, seed=5)
            _pair(small, hq, stick)
            bundle = export_bundle(small, stick, include_demo=True).path
        finally:
            small.close()
        start = time.perf_counter()
        result = import_bundle(hq, bundle)
        import_seconds = time.perf_counter() - start
        per_case_ms = import_seconds * 1000 / max(result.new_cases, 1)
        log(f"import: {result.new_cases} cases in {import_seconds:.1f} s")
        raw_export = _raw_pipeline(size * 8)  # about the plaintext a bundle of that size holds
        raw_import = _raw_pipeline(bundle.stat().st_size * 8) * 1000 / IMPORT_CASES
    finally:
        office.close()
        hq.close()
    return {
        "export": figure(export_seconds, "s", baseline=raw_export,
                         baseline_label="zstd + age on the same plaintext size",
                         cases=sent.cases, bundle_mb=round(size / 1e6, 1)),
        "import": figure(per_case_ms, "ms per case", baseline=raw_import,
                         baseline_label="age + zstd back, per case of the same bundle",
                         digits=3, cases=result.new_cases, seconds=round(import_seconds, 1)),
    }  # fmt: skip
