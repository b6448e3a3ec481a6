"""Logging to a rotating file in the data folder.

Log lines carry what the program did, never what a returnee told the counsellor: callers log
case UUIDs and error codes, not names or answers.
"""

from __future__ import annotations

import logging
import logging.handlers

from app.config import DataPaths

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(paths: DataPaths, level: int = logging.INFO) -> logging.Logger:
    root = logging.getLogger("homeward")
    root.setLevel(level)
    target = paths.logs / "homeward.log"
    for handler in root.handlers:
        if getattr(handler, "baseFilename", None) == str(target):
            return root
    paths.logs.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        target, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    return root
