"""Logging to a rotating file in the data folder.

Log lines carry what the program did, never what a returnee told the counsellor: callers log
case UUIDs and error codes, not names or answers.
"""

from __future__ import annotations

import logging
import logging.handlers

from app.config import DataPaths

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(paths: DataPaths, level: int = logging.INFO) -> bool:
    """Log to ``logs/homeward.log``; False when that cannot be written (then nothing is
    logged: a log must never stop the work, nor print its own tracebacks on the terminal)."""
    logging.raiseExceptions = False  # a full disk mid-run must not spill tracebacks
    root = logging.getLogger("homeward")
    root.setLevel(level)
    target = paths.logs / "homeward.log"
    for handler in root.handlers:
        if getattr(handler, "baseFilename", None) == str(target):
            return True
    try:
        paths.logs.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            target, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        root.addHandler(logging.NullHandler())
        return False
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    return True
