"""Baseline of ``homeward cases --json``: the same fields of every case, streamed straight
from one SQL query to stdout. ``python -m bench.children.stream_cases DATA_DIR``; the
password is the bench's. Only the key ring is Homeward's (to get the store key)."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import sqlcipher3

from app.store.keyring import Keyring
from bench.common import PASSWORD, USERNAME

_QUERY = (
    "SELECT c.case_number, c.uuid, r.given_name, r.family_name, r.date_of_birth, "
    "r.date_of_birth_precision, r.nationality, c.country_of_return, c.region_of_return, "
    "c.status, c.session_language, c.updated_at "
    "FROM returnee_case c JOIN returnee r ON r.case_id = c.id ORDER BY c.case_number"
)
_CUT = {"year": 4, "month": 7, "day": 10}
_FIELDS = (
    "case_number", "uuid", "given_name", "family_name", "date_of_birth", "nationality",
    "country_of_return", "region_of_return", "status", "session_language", "updated_at",
)  # fmt: skip


def main(folder: Path) -> None:
    key = Keyring.load(folder / "keyring.json").open(USERNAME, PASSWORD)
    connection = sqlcipher3.connect(str(folder / "homeward.db"))
    connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    total = connection.execute("SELECT count(*) FROM returnee_case").fetchone()[0]
    out = sys.stdout
    out.write(f'{{\n  "total": {total},\n  "cases": [')
    first = True
    for row in connection.execute(_QUERY):
        number, case_uuid, given, family, born, precision, *rest, updated = row
        values = (number, str(uuid.UUID(case_uuid)), given, family,
                  born[: _CUT[precision]] if born else None, *rest,
                  updated.replace(" ", "T") + "+00:00")  # fmt: skip
        out.write(("\n    " if first else ",\n    ") + json.dumps(
            dict(zip(_FIELDS, values, strict=True)), ensure_ascii=False))  # fmt: skip
        first = False
    out.write("\n  ]\n}\n")
    connection.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
