"""A growing wait after wrong passwords, per account name, that survives restarts.

Guessing a password through the window or the command line costs an Argon2 derivation per
try; after a few wrong tries each further one must also wait, twice as long each time, up to
a cap. The wait never becomes a lock: the last administrator can always sign in again after
at most ``MAX_DELAY_S``. The record sits beside the key ring (names are hashed): deleting it
only gives back what copying the key ring away would give anyway, an offline guess against
Argon2.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.config import write_atomically

FREE_TRIES = 3
FIRST_DELAY_S = 2
MAX_DELAY_S = 300
MAX_NAMES = 500  # the file stays small whatever is typed into the name field


@dataclass(frozen=True)
class Attempts:
    failures: int
    last_failure: float

    def wait(self, now: float) -> int:
        """Seconds still to wait before the next try (0: go ahead)."""
        if self.failures < FREE_TRIES:
            return 0
        delay = min(FIRST_DELAY_S * 2 ** (self.failures - FREE_TRIES), MAX_DELAY_S)
        return max(0, math.ceil(self.last_failure + delay - now))


class SignInGuard:
    def __init__(self, path: Path, clock: Any = time.time) -> None:
        self.path = path
        self.clock = clock

    def wait(self, username: str) -> int:
        entry = self._load().get(_key(username))
        return entry.wait(self.clock()) if entry else 0

    def failed(self, username: str) -> None:
        records = self._load()
        key = _key(username)
        previous = records.get(key)
        records[key] = Attempts((previous.failures if previous else 0) + 1, self.clock())
        if len(records) > MAX_NAMES:
            for old in sorted(records, key=lambda k: records[k].last_failure)[:-MAX_NAMES]:
                del records[old]
        self._save(records)

    def succeeded(self, username: str) -> None:
        records = self._load()
        if records.pop(_key(username), None) is not None:
            self._save(records)

    def _load(self) -> dict[str, Attempts]:
        try:
            with open(self.path, "rb") as handle:
                document = json.loads(handle.read(200_000))
        except (OSError, ValueError, RecursionError):
            return {}  # none yet, or damaged: start counting again
        records: dict[str, Attempts] = {}
        if isinstance(document, dict):
            for key, value in document.items():
                if (
                    isinstance(value, list)
                    and len(value) == 2
                    and type(value[0]) is int
                    and isinstance(value[1], int | float)
                    and 0 <= value[0] < 10**6
                ):
                    records[str(key)[:64]] = Attempts(value[0], float(value[1]))  # fmt: skip
        return records

    def _save(self, records: dict[str, Attempts]) -> None:
        document = {key: [a.failures, a.last_failure] for key, a in records.items()}
        # A read-only or full disk must not stop a sign-in: the wait is a courtesy.
        with contextlib.suppress(OSError):
            write_atomically(self.path, json.dumps(document).encode("ascii"))


def _key(username: str) -> str:
    return hashlib.sha256(username.encode("utf-8")).hexdigest()[:32]
