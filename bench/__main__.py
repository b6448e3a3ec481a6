"""``python -m bench [--cases N] [--data-dir DIR] [--keep] [--only NAME,...] [--out FILE]``

Creates the data (an installation with N demo cases, cheap key derivation), runs every figure
of issue 16 in a process of its own beside its baseline measured in the same run, and prints
one JSON document on stdout (progress on stderr). ``--data-dir`` keeps the data between runs:
a folder that already holds N demo cases is reused as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, Context, child_env, log, run_json
from bench.figures import MODULES


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[2])
    parser.add_argument("--cases", type=int, default=10_000, metavar="N")
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="installation to create or reuse (kept); default: a throw-away one",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the throw-away folder (data and outputs) and say where",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        metavar="R",
        help="samples of the repeated figures (at least)",
    )
    parser.add_argument(
        "--only",
        metavar="NAME,...",
        help="figure modules to run: " + ", ".join(n for n, _ in MODULES),
    )
    parser.add_argument("--out", type=Path, metavar="FILE", help="also write the JSON there")
    parser.add_argument("--timeout", type=float, default=1800, metavar="S",
                        help="seconds a figure module may take")  # fmt: skip
    return parser.parse_args(argv)


def _demo_cases(data_dir: Path) -> int:
    from sqlalchemy import func, select

    from app.store.models import Case
    from bench.common import unlock_workspace

    workspace = unlock_workspace(Context(str(data_dir), 0, "", 0))
    try:
        with workspace.reading() as session:
            return int(session.scalar(select(func.count(Case.id))) or 0)
    finally:
        workspace.close()


def _data(data_dir: Path, cases: int, scratch: Path) -> None:
    """An installation with ``cases`` demo cases in ``data_dir``, made or reused."""
    from bench.figures.demo import initialise, run_demo

    if not (data_dir / "keyring.json").is_file():
        log(f"creating the installation in {data_dir}")
        initialise(data_dir)
    held = _demo_cases(data_dir)
    if held == cases:
        log(f"reusing {data_dir}: it holds {held} cases")
        return
    if held:
        raise SystemExit(f"bench: {data_dir} holds {held} cases, not {cases}; use another folder")
    run_demo(data_dir, cases, scratch)


def _summary(figures: dict[str, Any]) -> dict[str, list[str]]:
    summary: dict[str, list[str]] = {"met": [], "not_met": [], "no_target": [], "errors": []}
    for name, shown in figures.items():
        if "error" in shown:
            summary["errors"].append(name)
        elif shown.get("met") is True:
            summary["met"].append(name)
        elif shown.get("met") is False:
            summary["not_met"].append(name)
        else:
            summary["no_target"].append(name)
    return summary


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    from bench.machine import describe

    started, clock = time.strftime("%Y-%m-%dT%H:%M:%S%z"), time.perf_counter()
    machine = describe()
    scratch = Path(tempfile.mkdtemp(prefix="homeward-bench-"))
    data_dir = args.data_dir.resolve() if args.data_dir else scratch / "data"
    wanted = set(args.only.split(",")) if args.only else {name for name, _ in MODULES}
    figures: dict[str, Any] = {}
    try:
        # compiled once, as an installation is: no process below pays for compiling
        subprocess.run([sys.executable, "-m", "compileall", "-q", "app", "bench"], cwd=ROOT,
                       env=child_env(), check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        _data(data_dir, args.cases, scratch)
        context = Context(str(data_dir), args.cases, str(scratch), args.repeats)
        for name, keys in MODULES:
            if name not in wanted:
                continue
            log(f"— {name}")
            try:
                command = [sys.executable, "-m", "bench.child", name, context.to_json()]
                figures.update(run_json(command, env=child_env(), timeout=args.timeout))
            except Exception as error:  # one figure failing must not lose the others
                log(f"{name} failed: {error}")
                figures.update({key: {"error": str(error)[-1500:]} for key in keys})
    finally:
        if args.keep:
            log(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    machine["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    document = {
        "benchmark": "homeward (issue 16)",
        "cases": args.cases,
        "started_at": started,
        "duration_s": round(time.perf_counter() - clock),
        "machine": machine,
        "figures": figures,
        "summary": _summary(figures),
    }
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
