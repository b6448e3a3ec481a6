"""Cold start to the case list painted, and the GUI's memory after searching and scrolling.

Each start is a new process running Homeward's real entry point (bench.children.gui): from
just before the process is spawned to the end of the first paint of the case table, sign-in
included (answered at once, with the bench installation's cheap key derivation: the real
cost of a password is a security setting, not start-up work). The first start of a run is a
warm-up, left to finish the day's backup so that the measured starts are ordinary ones.

Baseline: a bare QMainWindow with a QTableView (bench.children.bare_qt), same measurement.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

from bench.common import Context, child_env, figure, log, median

FIGURES = ("cold_start", "gui_memory")
EXIT_CODES: list[int] = []  # of the app's processes, when not 0


def _start(module: str, *args: str) -> tuple[float, dict[str, Any]]:
    spawned = time.time()
    done = subprocess.run([sys.executable, "-m", module, *args], env=child_env(),
                          capture_output=True, text=True, timeout=900)  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{module} failed ({done.returncode}): {done.stderr.strip()[-800:]}")
    report = json.loads(lines[-1])
    if "painted_at" not in report:
        raise RuntimeError(f"{module}: the case list was never painted")
    if done.returncode != 0:  # after the measurement: quitting went wrong, worth knowing
        EXIT_CODES.append(done.returncode)
        log(f"{module} {' '.join(args[:1])}: exit code {done.returncode} on quitting")
    return (report["painted_at"] - spawned) * 1000, report


def measure(context: Context) -> dict[str, Any]:
    gui, bare = "bench.children.gui", "bench.children.bare_qt"
    _start(gui, "warmup", context.data_dir)
    _start(bare)
    starts, bare_starts, bare_memory = [], [], []
    for _ in range(max(context.repeats, 5)):
        starts.append(_start(gui, "start", context.data_dir)[0])
        milliseconds, report = _start(bare)
        bare_starts.append(milliseconds)
        bare_memory.append(report["hwm_kib"] / 1024)
    value, base = median(starts), median(bare_starts)
    log(f"cold start: {value:.0f} ms (bare Qt {base:.0f} ms)")
    _, used = _start(gui, "memory", context.data_dir)
    memory, base_memory = used["hwm_kib"] / 1024, median(bare_memory)
    log(f"GUI memory: {memory:.0f} MiB (bare Qt {base_memory:.0f} MiB)")
    return {
        "cold_start": figure(
            value,
            "ms (median)",
            baseline=base,
            baseline_label="bare QMainWindow + QTableView, same measurement",
            target="< 800 ms and ≤ 4× baseline",
            met=value < 800 and value <= 4 * base,
            digits=0,
            samples_ms=[round(s) for s in starts],
            failed_exits=EXIT_CODES,
            baseline_samples_ms=[round(s) for s in bare_starts],
        ),
        "gui_memory": figure(
            memory,
            "MiB (peak RSS)",
            baseline=base_memory,
            baseline_label="bare QMainWindow + QTableView",
            target="< 250 MiB",
            met=memory < 250,
            digits=0,
            current_mib=round(used["rss_kib"] / 1024),
            rows_loaded=used.get("rows_after_scroll"),
            searches=7,
        ),
    }
