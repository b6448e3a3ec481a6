"""Issue 15's whole loop from the command line, with HQ on PostgreSQL and on SQLite:
two installations, keys exchanged by fingerprint, 300 demo cases out and back, a resend,
five edits sent incrementally, decisions returned, and an office with nothing left to send."""

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.config import DataPaths, resolve_data_dir
from app.domain.decisions import ApprovedAmount, DecisionInput, DecisionOutcome
from app.services.case_progress import decision_form, record_decision
from app.services.case_records import case_fields
from app.services.cases import CaseRegister
from app.services.history import verify_audit_trail
from app.services.workspace import unlock
from app.store.models import Case, CaseDecision
from test_cli import PASSWORD, homeward
from test_edit_case import as_identity

CASES = 300


@pytest.fixture(params=["postgresql", "sqlite"])
def hq_store(request) -> str | None:
    """The database URL HQ runs on, or None for its own SQLCipher file."""
    return request.getfixturevalue("hq_database_url") if request.param == "postgresql" else None


def _ok(done):
    assert done.returncode == 0, done.stderr
    return done


def _fields_by_case(workspace) -> dict[str, dict]:
    from app.services.case_records import case_by_uuid

    with workspace.reading() as session:
        uuids = session.execute(select(Case.case_number, Case.uuid)).all()
        return {number: case_fields(case_by_uuid(session, key)) for number, key in uuids}


def test_the_office_and_hq_loop_from_the_command_line(tmp_path, hq_store):
    office, hq_dir, stick = tmp_path / "office", tmp_path / "hq", tmp_path / "stick"
    stick.mkdir()
    server = ("--database-url", hq_store) if hq_store else ()
    _ok(homeward(office, "init", "--role", "office", "--office", "SK", "--office-name", "SK",
                 "--admin", "anna"))  # fmt: skip
    _ok(homeward(hq_dir, *server, "init", "--role", "hq", "--office", "HQ", "--office-name",
                 "HQ", "--admin", "anna"))  # fmt: skip
    if hq_store:  # from now on the data folder alone says where HQ's store is
        assert resolve_data_dir(hq_dir).on_server
        assert not (hq_dir / "homeward.db").exists()

    # Keys, each side trusting the other by the fingerprint read aloud.
    fingerprints = {}
    for name, folder in (("sk", office), ("hq", hq_dir)):
        fingerprints[name] = json.loads(_ok(homeward(folder, "keys", "show", "--json")).stdout)[
            "fingerprint"
        ]
        _ok(homeward(folder, "keys", "export", "--out", str(stick / f"{name}.key")))
    wrong = homeward(office, "keys", "trust", str(stick / "hq.key"), "--fingerprint",
                     fingerprints["sk"])  # fmt: skip
    assert wrong.returncode != 0 and wrong.stderr.count("\n") == 1
    _ok(homeward(office, "keys", "trust", str(stick / "hq.key"), "--fingerprint",
                 fingerprints["hq"]))  # fmt: skip
    _ok(homeward(hq_dir, "keys", "trust", str(stick / "sk.key"), "--fingerprint",
                 fingerprints["sk"]))  # fmt: skip

    # 300 cases out, in, and the same bundle again.
    _ok(homeward(office, "demo", "--cases", str(CASES), "--seed", "7"))
    first = json.loads(_ok(homeward(office, "export", "--to", str(stick), "--demo",
                                    "--json")).stdout)  # fmt: skip
    assert first["cases"] == CASES
    imported = json.loads(_ok(homeward(hq_dir, "import", first["path"], "--json")).stdout)[0]
    assert (imported["new"], imported["quarantined"], imported["conflicts"]) == (CASES, [], 0)
    again = _ok(homeward(hq_dir, "import", first["path"]))
    assert "already imported" in again.stdout
    assert json.loads(_ok(homeward(hq_dir, "import", first["path"], "--json")).stdout)[0][
        "already_imported"
    ]

    office_ws = unlock(DataPaths(office), "anna", PASSWORD)
    hq_ws = unlock(resolve_data_dir(hq_dir), "anna", PASSWORD)
    try:
        at_office, at_hq = _fields_by_case(office_ws), _fields_by_case(hq_ws)
        sent = {"ready": "submitted"}  # a plan ready at the office is submitted once at HQ
        expected = {
            number: fields | {"case.status": sent.get(fields["case.status"], fields["case.status"])}
            for number, fields in at_office.items()
        }
        assert len(at_hq) == CASES and at_hq == expected  # every field of every case

        # Five cases corrected at the office travel alone, and HQ takes them.
        register = CaseRegister(office_ws)
        edited = sorted(at_office)[10:15]
        for number in edited:
            person = as_identity(register, number).returnee
            register.edit_identity(number, as_identity(
                register, number, returnee=replace(person, family_name="Corrected")))  # fmt: skip
    finally:
        office_ws.close()
        hq_ws.close()
    second = json.loads(_ok(homeward(office, "export", "--to", str(stick), "--demo",
                                     "--json")).stdout)  # fmt: skip
    assert (second["cases"], second["sequence"]) == (5, 2)
    updated = json.loads(_ok(homeward(hq_dir, "import", second["path"], "--json")).stdout)[0]
    assert (updated["new"], updated["updated"], updated["conflicts"]) == (0, 5, 0)
    for number in edited:
        shown = json.loads(_ok(homeward(hq_dir, "case", number, "--json")).stdout)
        assert shown["family_name"] == "Corrected"

    # HQ approves three plans and rejects one; the office takes the return bundle.
    hq_ws = unlock(resolve_data_dir(hq_dir), "anna", PASSWORD)
    try:
        with hq_ws.reading() as session:
            waiting = select(Case.case_number).where(Case.status == "submitted")
            submitted = session.scalars(waiting.order_by(Case.case_number).limit(4)).all()
        assert len(submitted) == 4
        for n, number in enumerate(submitted[:3]):
            form = decision_form(hq_ws, number)
            amounts = tuple(ApprovedAmount(i.number, Decimal(100 + n), "") for i in form.items)
            record_decision(hq_ws, number, DecisionInput(
                DecisionOutcome.APPROVED, dt.date.today(), amounts, "", f"HQ/{n}"))  # fmt: skip
        record_decision(hq_ws, submitted[3], DecisionInput(
            DecisionOutcome.REJECTED, dt.date.today(), (), "Not feasible", "HQ/3"))  # fmt: skip
        with hq_ws.reading() as session:  # as HQ holds them, currencies filled in
            approved = {
                number: session.scalars(
                    select(CaseDecision.approved_amounts)
                    .join(Case)
                    .where(Case.case_number == number)
                ).one()
                for number in submitted[:3]
            }
        assert all(amounts for amounts in approved.values())
        assert verify_audit_trail(hq_ws).broken is None
    finally:
        hq_ws.close()
    answer = json.loads(_ok(homeward(hq_dir, "export", "--to", str(stick), "--office", "SK",
                                     "--json")).stdout)  # fmt: skip
    assert answer["decisions"] == 4 and answer["receipts"] == CASES + 5
    received = json.loads(_ok(homeward(office, "import", answer["path"], "--json")).stdout)[0]
    assert received["decisions"] == 4
    for number in submitted[:3]:
        shown = json.loads(_ok(homeward(office, "case", number, "--json")).stdout)
        assert shown["status"] == "approved"
    rejected = json.loads(_ok(homeward(office, "case", submitted[3], "--json")).stdout)
    assert rejected["status"] == "rejected"
    office_ws = unlock(DataPaths(office), "anna", PASSWORD)
    try:
        with office_ws.reading() as session:
            for number, amounts in approved.items():
                decision = session.scalars(
                    select(CaseDecision).join(Case).where(Case.case_number == number)
                ).one()
                assert (decision.outcome, decision.source) == ("approved", "hq")
                assert decision.approved_amounts == amounts
        assert verify_audit_trail(office_ws).broken is None
    finally:
        office_ws.close()

    # HQ has every case as it is now: nothing left to send.
    nothing = _ok(homeward(office, "export", "--to", str(stick), "--demo"))
    assert "Nothing new" in nothing.stdout
