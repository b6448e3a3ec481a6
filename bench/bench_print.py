"""Benchmark: time to print one request form, warm, per script (median of repeated runs).

Prints one JSON document. Target from the printing issue: under 150 ms warm for one form.
Usage: ``.venv/bin/python bench/bench_print.py [REPEATS]``.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from app.config import DataPaths
from app.services.cases import CaseQuery, CaseRegister
from app.services.demo import add_demo_cases
from app.services.printing import PrintForm, Printing
from app.services.workspace import initialise, unlock
from app.store.keyring import KdfParams

LANGUAGES = ("en", "ru", "vi", "ka", "ar", "fa", "ps", "ur")


def main(repeats: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        paths = DataPaths(Path(folder))
        initialise(paths, role="office", office_code="SK", office_name="Bench",
                   admin_username="anna", admin_password="benchmark password",
                   kdf=KdfParams(1, 8192, 1))  # fmt: skip
        workspace = unlock(paths, "anna", "benchmark password")
        add_demo_cases(workspace, 200, seed=7)
        rows = CaseRegister(workspace).page(CaseQuery(), 0, 200)
        case = next(r for r in rows if r.status.value in ("ready", "submitted", "closed"))
        printing = Printing(workspace)
        start = time.perf_counter()
        printing.render(case.case_number, PrintForm.REQUEST, "ar")
        results: dict[str, object] = {
            "cold_first_print_ms": round((time.perf_counter() - start) * 1000, 1)
        }
        per_language = {}
        for language in LANGUAGES:
            printing.render(case.case_number, PrintForm.REQUEST, language)  # warm up
            samples = []
            for _ in range(repeats):
                start = time.perf_counter()
                result = printing.render(case.case_number, PrintForm.REQUEST, language)
                samples.append((time.perf_counter() - start) * 1000)
            per_language[language] = {"median_ms": round(statistics.median(samples), 1),
                                      "pages": result.pages}  # fmt: skip
        results["request_form_warm"] = per_language
        results["median_of_languages_ms"] = round(
            statistics.median(v["median_ms"] for v in per_language.values()), 1
        )
        workspace.close()
    return results


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 15), indent=2))
