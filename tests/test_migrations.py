"""Every revision upgrades from an empty store, downgrades back, and models agree with them."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from app.store.engine import open_engine
from app.store.keyring import new_store_key
from app.store.migrate import alembic_config, current_revision, head_revision, upgrade
from app.store.models import AuditEvent, Base
from app.store.search import SEARCH_TABLE, is_search_table


def _revisions_in_order() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


def test_each_revision_upgrades_and_downgrades_step_by_step(tmp_path):
    engine = open_engine(tmp_path / "store.db", new_store_key())
    revisions = _revisions_in_order()
    assert revisions and revisions[-1] == head_revision()
    for revision in revisions:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
        assert current_revision(engine) == revision
    for previous in [*reversed(revisions[:-1]), "base"]:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "-1")
        assert current_revision(engine) == (None if previous == "base" else previous)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_models_and_migrations_agree(tmp_path):
    engine = open_engine(tmp_path / "store.db", new_store_key())
    assert upgrade(engine, None, None) is True
    assert upgrade(engine, None, None) is False  # already at head
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": _not_search_table},
        )
        assert compare_metadata(context, Base.metadata) == []
        fts = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": SEARCH_TABLE}
        ).scalar_one()
    assert "fts5" in fts and "remove_diacritics 2" in fts
    engine.dispose()


def _not_search_table(name, type_, parent_names):
    return not (type_ == "table" and name and is_search_table(name))


def test_a_failing_migration_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    """DDL runs inside the transaction: a revision that fails half-way changes nothing."""
    from alembic.operations import Operations

    engine = open_engine(tmp_path / "store.db", new_store_key())
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
    real_create_table = Operations.create_table

    def create_then_fail(self, name, *columns, **kw):
        real_create_table(self, name, *columns, **kw)
        raise RuntimeError("power cut")

    monkeypatch.setattr(Operations, "create_table", create_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        upgrade(engine, None, None)
    assert current_revision(engine) == "0001"
    assert "form_response" not in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


@pytest.mark.parametrize("tampered", [False, True])
def test_resealing_the_audit_chain_keeps_it_whole_and_says_if_it_was_broken(tmp_path, tampered):
    """Revision 0005 moves the chain to salted content digests; it re-seals every event and
    records whether the chain held under the earlier rule, so a re-seal never hides a break."""
    import json
    import uuid

    from sqlalchemy.orm import Session

    from app.store import audit

    engine = open_engine(tmp_path / "store.db", new_store_key())
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0003")
        for number in range(3):
            connection.execute(
                text("INSERT INTO audit_event (uuid, at, action, detail, note) "
                     "VALUES (:uuid, :at, 'case.opened', :detail, '')"),
                {"uuid": uuid.uuid4().hex, "detail": json.dumps({"n": number}),
                 "at": f"2026-01-0{number + 1} 10:00:00.000000"},
            )  # fmt: skip
        command.upgrade(alembic_config(connection), "0004")
        if tampered:
            connection.execute(text("UPDATE audit_event SET detail = '{\"n\": 9}' WHERE id = 2"))
        command.upgrade(alembic_config(connection), "head")
    with Session(engine) as session:
        report = audit.verify(session)
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert report.broken is None and report.events == 4
    assert last.action == "audit.resealed"
    assert last.detail == {"events": 3, "earlier_chain_broken_at": 2 if tampered else None}
    engine.dispose()


def test_the_shipped_head_is_read_without_alembic_and_agrees_with_it():
    from app.store.migrate import shipped_head

    assert shipped_head() == head_revision()
