"""Developer tool: write a new Alembic revision by comparing the models with the migrations.

Run from a source checkout: ``python -m app.store.newrevision "what changed"``. It upgrades
a throw-away encrypted store to the current head, then lets Alembic autogenerate the rest.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from app.store.engine import open_engine
from app.store.keyring import new_store_key
from app.store.migrate import alembic_config, upgrade


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m app.store.newrevision MESSAGE", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(Path(folder) / "scratch.db", new_store_key())
        if ScriptDirectory.from_config(alembic_config()).get_heads():
            upgrade(engine, None, None)
        with engine.begin() as connection:
            command.revision(alembic_config(connection), message=argv[0], autogenerate=True)
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
