"""The audit trail is a hash chain: an event edited or removed outside Homeward is found."""

import json

import sqlalchemy as sa

from app.services.cases import CaseRegister
from app.services.counselling import Counselling
from app.services.history import case_trail_intact, verify_audit_trail
from app.store import audit, migrate
from app.store.engine import open_engine
from app.store.keyring import Keyring
from test_cli import homeward
from test_counselling import CONSENT
from test_services import new_case

from tests_support import PASSWORD


def busy_case(workspace) -> str:
    number = CaseRegister(workspace).open_case(new_case()).case_number
    counselling = Counselling(workspace)
    counselling.save_answers(number, "consent", CONSENT)
    counselling.complete_step(number, "consent")
    return number


def test_every_event_is_sealed_and_the_chain_holds(workspace):
    number = busy_case(workspace)
    report = verify_audit_trail(workspace)
    assert report.broken is None and report.events >= 4
    assert case_trail_intact(workspace, number)


def raw(installed, statement, **params):
    key = Keyring.load(installed.keyring).open("anna", PASSWORD)
    engine = open_engine(installed.database, key)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(statement), params)
    finally:
        engine.dispose()


def test_an_edited_event_is_found(installed, workspace):
    number = busy_case(workspace)
    events = verify_audit_trail(workspace).events
    raw(installed, "UPDATE audit_event SET note = 'nothing happened' WHERE id = 3")
    report = verify_audit_trail(workspace)
    assert report.broken is not None and report.broken.position == 3
    assert report.events == 3 < events
    assert not case_trail_intact(workspace, number)


def test_a_removed_event_is_found(installed, workspace):
    number = busy_case(workspace)
    raw(installed, "DELETE FROM audit_event WHERE id = 2")
    report = verify_audit_trail(workspace)
    assert report.broken is not None and report.broken.position == 2
    assert not case_trail_intact(workspace, number)


def test_events_written_before_the_chain_are_sealed_by_the_migration(installed, workspace):
    busy_case(workspace)
    workspace.close()
    raw(installed, "UPDATE audit_event SET prev_hash = NULL, hash = NULL")
    key = Keyring.load(installed.keyring).open("anna", PASSWORD)
    engine = open_engine(installed.database, key)
    try:
        from alembic import command

        with engine.begin() as connection:
            command.downgrade(migrate.alembic_config(connection), "0003")
        migrate.upgrade(engine, None, None)
        with sa.orm.Session(engine) as session:
            assert audit.verify(session).broken is None
    finally:
        engine.dispose()


def test_command_line_verify(tmp_path):
    data = tmp_path / "data"
    homeward(data, "init", "--role", "office", "--office", "SK", "--office-name", "SK",
             "--admin", "anna")  # fmt: skip
    homeward(data, "demo", "--cases", "3", "--seed", "2")
    done = homeward(data, "audit", "verify")
    assert done.returncode == 0 and "The audit trail is intact" in done.stdout
    document = json.loads(homeward(data, "audit", "verify", "--json").stdout)
    assert document["intact"] is True and document["events"] >= 2
