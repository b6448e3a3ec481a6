"""The figures of a bench run as the Markdown table of bench/README.md:
``python -m bench.table bench/results/latest.json``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

LABELS = {
    "cold_start": "cold start to the case list painted",
    "gui_memory": "GUI memory after scrolling and searching",
    "search_keystroke": "one keystroke of search (count + first 200 rows), p95 of 234",
    "open_case": "open one case (session window painted)",
    "print_request_en": "print one request form, warm, en",
    "print_request_ar": "print one request form, warm, ar",
    "scroll_to_end": "scroll the list to the end",
    "close_deep_session": "close the session of a case deep in the list",
    "cases_json_memory": "`homeward cases --json`, all cases: peak memory",
    "cases_json_time": "`homeward cases --json`, all cases: time",
    "demo": "`homeward demo`",
    "autosave": "autosave of one form",
    "export": "export a bundle, 10,000 cases",
    "import": "import a bundle at HQ, 10,000 cases",
    "export_memory": "export a bundle of all cases: peak memory",
    "import_memory": "import a bundle of all cases: peak memory",
}


def _number(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def table(document: dict[str, Any]) -> str:
    lines = [
        "| figure | Homeward | baseline, same run | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for name, shown in document["figures"].items():
        label = LABELS.get(name, name)
        if "error" in shown:
            lines.append(f"| {label} | error: {shown['error'].splitlines()[-1][:80]} | | | | |")
            continue
        if shown.get("pending"):
            lines.append(f"| {label} | {shown['pending']} | | | | |")
            continue
        unit = shown["unit"]
        value = f"{_number(shown['value'])} {unit}"
        baseline = "–" if shown["baseline"] is None else (
            f"{shown.get('baseline_label') or ''}: {_number(shown['baseline'])}")  # fmt: skip
        ratio = "–" if shown["ratio"] is None else f"{shown['ratio']}×"
        met = {True: "yes", False: "**no**", None: "–"}[shown["met"]]
        lines.append(f"| {label} | {value} | {baseline} | {ratio} | "
                     f"{shown['target'] or '–'} | {met} |")  # fmt: skip
    machine = document["machine"]
    lines += [
        "",
        f"{document['cases']:,} cases; {machine['cpu_count']} × {machine['cpu_model']}, "
        f"{machine['ram_gib']} GiB, {machine['os']}, Python {machine['python']}, "
        f"Qt {machine['qt']}, SQLite {machine['sqlite']} (SQLCipher {machine['sqlcipher']}); "
        f"load average {machine['load_average_at_start'][0]} at the start, "
        f"{machine.get('load_average_at_end', ['?'])[0]} at the end; {document['started_at']}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
