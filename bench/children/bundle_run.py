"""One bundle export or import in a process of its own, for its peak memory (run through
bench.children.measured): ``python -m bench.children.bundle_run export OFFICE_DIR STICK``
or ``... import HQ_DIR BUNDLE``. Prints one JSON line: cases, seconds, the process's
resident memory just before the work (modules loaded, store open) and the bundle's path."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> None:
    from app.config import DataPaths
    from app.services.bundle_export import export_bundle
    from app.services.bundle_import import import_bundle
    from app.services.workspace import unlock
    from bench.common import PASSWORD, USERNAME, vm_kib

    what, data_dir, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    workspace = unlock(DataPaths(data_dir), USERNAME, PASSWORD)
    try:
        before = vm_kib("VmRSS")
        start = time.perf_counter()
        if what == "export":
            sent = export_bundle(workspace, target, everything=True, include_demo=True)
            cases, path = sent.cases, str(sent.path)
        else:
            cases, path = import_bundle(workspace, target).new_cases, str(target)
        seconds = time.perf_counter() - start
    finally:
        workspace.close()
    print(json.dumps({"cases": cases, "seconds": seconds, "rss_before_kib": before,
                      "path": path}))  # fmt: skip


if __name__ == "__main__":
    main()
