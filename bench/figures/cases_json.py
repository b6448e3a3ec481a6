"""``homeward cases --json`` listing every case: its time and its peak memory, the command
run as a person runs it (``python -m app`` from this source tree).

Baseline: a script streaming the same fields from one SQL query (bench.children.stream_cases).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.common import PASSWORD, Context, child_env, figure, log, run_measured

FIGURES = ("cases_json_memory", "cases_json_time")


def measure(context: Context) -> dict[str, Any]:
    env = child_env(HOMEWARD_PASSWORD=PASSWORD)
    scratch = Path(context.scratch) / "cases_json"
    homeward = run_measured(
        "app", ["--data-dir", context.data_dir, "cases", "--json"], env=env,
        folder=scratch / "homeward",
    )  # fmt: skip
    if homeward.returncode != 0:
        raise RuntimeError(f"homeward cases --json failed: {homeward.stderr.strip()[-500:]}")
    baseline = run_measured(
        "bench.children.stream_cases", [context.data_dir], env=env, folder=scratch / "baseline"
    )
    if baseline.returncode != 0:
        raise RuntimeError(f"the streaming baseline failed: {baseline.stderr.strip()[-500:]}")
    listed = json.loads(homeward.stdout.read_text())["total"]  # read after both ran
    streamed = json.loads(baseline.stdout.read_text())["total"]
    log(f"cases --json: {homeward.seconds:.1f} s, {homeward.max_rss_mib:.0f} MiB "
        f"(streaming {baseline.seconds:.1f} s, {baseline.max_rss_mib:.0f} MiB)")  # fmt: skip
    return {
        "cases_json_memory": figure(
            homeward.max_rss_mib,
            "MiB (peak RSS)",
            baseline=baseline.max_rss_mib,
            baseline_label="streaming the same fields from one query",
            target="< 100 MiB",
            met=homeward.max_rss_mib < 100,
            cases=listed,
            baseline_cases=streamed,
        ),
        "cases_json_time": figure(
            homeward.seconds,
            "s",
            baseline=baseline.seconds,
            baseline_label="streaming the same fields from one query",
            digits=2,
            output_mib=round(homeward.stdout.stat().st_size / 2**20, 1),
        ),
    }
