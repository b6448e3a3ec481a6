"""HOOK for the bundle figures (export to HQ, import at HQ), to be filled in once bundles
exist: time ``homeward export --to DIR --all`` and ``homeward import FILE`` on the bench data,
beside a baseline (the same records serialised, compressed and encrypted without Homeward).
Until then both figures say they are pending."""

from __future__ import annotations

import importlib.util
from typing import Any

from bench.common import Context

FIGURES = ("export", "import")


def measure(context: Context) -> dict[str, Any]:
    exists = importlib.util.find_spec("app.bundles") is not None
    note = (
        "app.bundles exists: measure it here (bench/figures/bundles.py)"
        if exists
        else "pending: bundles do not exist yet"
    )
    return {
        name: {
            "value": None,
            "unit": "s",
            "baseline": None,
            "ratio": None,
            "target": None,
            "met": None,
            "pending": note,
        }
        for name in FIGURES
    }
