"""Run one figure module in this process: ``python -m bench.child NAME CONTEXT_JSON``.

Prints the module's figures as one JSON line on stdout (progress goes to stderr)."""

from __future__ import annotations

import importlib
import json
import sys

from bench.common import Context


def main() -> None:
    name, context = sys.argv[1], Context.from_json(sys.argv[2])
    module = importlib.import_module(f"bench.figures.{name}")
    figures = module.measure(context)
    sys.stdout.write(json.dumps(figures, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
