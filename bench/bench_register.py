"""Benchmark of the case register: demo data, search as you type, first page, start-up.

Prints one JSON document. Figures are medians (and p95 where noted) on this machine; compare
them only as ratios within one run. Usage: ``.venv/bin/python bench/bench_register.py [N]``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.config import DataPaths
from app.services.cases import CaseQuery, CaseRegister, SortKey
from app.services.demo import add_demo_cases
from app.services.workspace import initialise, unlock

PASSWORD = "benchmark password"
QUERIES = ("n", "ng", "ngu", "nguy", "beri", "georgia", "SK-2025", "олен", "kyiv", "ahmad")


def timed(fn, repeat: int) -> list[float]:  # noqa: ANN001
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return sorted(samples)[int(len(samples) * 0.95) - 1]


def main(count: int) -> dict[str, object]:
    results: dict[str, object] = {"cases": count}
    with tempfile.TemporaryDirectory() as folder:
        paths = DataPaths(Path(folder))
        start = time.perf_counter()
        initialise(
            paths,
            role="office",
            office_code="SK",
            office_name="Bench",
            admin_username="anna",
            admin_password=PASSWORD,
        )
        results["init_s"] = round(time.perf_counter() - start, 3)

        start = time.perf_counter()
        workspace = unlock(paths, "anna", PASSWORD)
        results["unlock_ms"] = round((time.perf_counter() - start) * 1000, 1)

        start = time.perf_counter()
        add_demo_cases(workspace, count, seed=1)
        elapsed = time.perf_counter() - start
        results["demo_cases_per_s"] = round(count / elapsed)

        register = CaseRegister(workspace)
        search: list[float] = []
        for text in QUERIES:
            query = CaseQuery(text=text)
            search += timed(lambda q=query: (register.count(q), register.page(q, 0, 200)), 5)
        results["search_count_and_first_page_ms"] = {
            "median": round(statistics.median(search), 2),
            "p95": round(p95(search), 2),
        }
        everything = CaseQuery(sort=SortKey.NAME, descending=False)
        first_page = timed(
            lambda: (register.count(everything), register.page(everything, 0, 200)), 9
        )
        results["unfiltered_first_page_by_name_ms"] = round(statistics.median(first_page), 2)
        deep = timed(lambda: register.page(everything, count - 200, 200), 9)
        results["last_page_by_name_ms"] = round(statistics.median(deep), 2)
        workspace.close()

        env = dict(os.environ, HOMEWARD_DATA_DIR=folder, HOMEWARD_PASSWORD=PASSWORD)
        cli = timed(
            lambda: subprocess.run(
                [sys.executable, "-m", "app", "cases", "--search", "beridze", "--json"],
                env=env,
                check=True,
                capture_output=True,
            ),
            5,
        )
        results["cli_search_process_ms"] = round(statistics.median(cli), 1)
    return results


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000), indent=2))
