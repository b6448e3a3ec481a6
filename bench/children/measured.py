"""Run a module as ``python -m MODULE ARGS`` and, when it ends, report its peak resident
memory (VmHWM) on stderr: ``python -m bench.children.measured MODULE ARGS...``.

Not ru_maxrss from wait4: Linux carries the spawning process's high-water mark over the exec
into the child's, so a large parent would be counted as the child's peak.
"""

from __future__ import annotations

import atexit
import runpy
import sys

MARKER = "bench-peak-rss-kib="


def _report() -> None:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                sys.stderr.write(f"\n{MARKER}{line.split()[1]}\n")
                sys.stderr.flush()


if __name__ == "__main__":
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    atexit.register(_report)
    runpy.run_module(module, run_name="__main__", alter_sys=True)
