"""The office ↔ HQ loop over a USB stick: keys, export, import, receipts, decisions,
conflicts, quarantine, tombstones, and every whole-bundle refusal."""

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.domain.decisions import ApprovedAmount, DecisionInput, DecisionOutcome
from app.domain.erasure import ErasureReason
from app.domain.errors import (
    BundleOutOfOrder,
    BundleSenderUnknown,
    KeyFingerprintMismatch,
    KeyRoleRefused,
    NoHeadquartersKey,
    NothingToExport,
    PeerKeyConflict,
)
from app.services.bundle_export import export_bundle
from app.services.bundle_import import import_bundle, import_summary
from app.services.case_progress import decision_form, record_decision
from app.services.cases import CaseQuery, CaseRegister
from app.services.counselling import Counselling
from app.services.demo import add_demo_cases
from app.services.erasure import erase_case
from app.services.history import verify_audit_trail
from app.services.keys import export_public_keys, own_keys, revoke_peer, trust_key_export
from app.services.workspace import initialise, unlock
from app.store.models import Case, CaseArrival, CaseConflict, CaseTombstone, FormResponse, Returnee
from test_cli import homeward
from test_counselling import CONSENT, INTAKE
from test_services import new_case

from tests_support import PASSWORD, TEST_KDF


def _installation(tmp_path, name, role, code, database_url=None):
    from app.config import DataPaths

    paths = DataPaths(tmp_path / name, database_url=database_url)
    initialise(paths, role=role, office_code=code, office_name=f"{code} office",
               admin_username="anna", admin_password=PASSWORD, kdf=TEST_KDF)  # fmt: skip
    return unlock(paths, "anna", PASSWORD)


@pytest.fixture
def stick(tmp_path):
    folder = tmp_path / "stick"
    folder.mkdir()
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
def hq(request, tmp_path):
    """HQ on its own SQLCipher file, and on a PostgreSQL server."""
    url = request.getfixturevalue("hq_database_url") if request.param == "postgresql" else None
    workspace = _installation(tmp_path, "hq", "hq", "HQ", url)
    yield workspace
    workspace.close()


def _trust(reader, writer, stick) -> None:
    key = stick / f"{writer.installation.office_code}.key"
    fingerprint = export_public_keys(writer, key)
    trust_key_export(reader, key, fingerprint.lower().replace("-", " "))


def _paired(office, hq, stick) -> None:
    _trust(office, hq, stick)
    _trust(hq, office, stick)


def _real_cases(office, count=2):
    register, counselling = CaseRegister(office), Counselling(office)
    numbers = []
    for number in range(count):
        opened = register.open_case(new_case(given=f"Lan{number}", family="Tran"))
        counselling.save_answers(opened.case_number, "consent", CONSENT)
        counselling.save_answers(opened.case_number, "intake", INTAKE)
        numbers.append(opened.case_number)
    return numbers


def test_keys_are_trusted_only_with_the_fingerprint_read_aloud(workspace, hq, stick):
    key = stick / "hq.key"
    fingerprint = export_public_keys(hq, key)
    assert own_keys(hq).fingerprint == fingerprint and len(fingerprint) == 24
    with pytest.raises(KeyFingerprintMismatch):
        trust_key_export(workspace, key, "0000-0000-0000-0000-0000")
    with pytest.raises(NoHeadquartersKey):
        export_bundle(workspace, stick)
    office_key = stick / "sk.key"
    export_public_keys(workspace, office_key)
    with pytest.raises(KeyRoleRefused):  # an office trusts HQs only
        trust_key_export(workspace, office_key, own_keys(workspace).fingerprint)
    assert trust_key_export(workspace, key, fingerprint).office_code == "HQ"


def test_cases_travel_once_and_a_resend_changes_nothing(workspace, hq, stick):
    _paired(workspace, hq, stick)
    numbers = _real_cases(workspace)
    sent = export_bundle(workspace, stick)
    assert sent.cases == 2 and sent.sequence == 1 and sent.path.parent == stick
    assert b"Lan0" not in sent.path.read_bytes()  # encrypted: a lost stick leaks nothing
    result = import_bundle(hq, sent.path)
    assert result.new_cases == 2 and result.quarantined == () and result.missing is None
    assert "2 new cases" in import_summary(result)
    assert CaseRegister(hq).detail(numbers[0]).row.given_name == "Lan0"
    again = import_bundle(hq, sent.path)
    assert again.already_imported and "already imported" in import_summary(again)
    assert CaseRegister(hq).count(CaseQuery()) == 2
    assert verify_audit_trail(hq).broken is None
    with pytest.raises(NothingToExport):  # on their way already: not sent twice
        export_bundle(workspace, stick)
    resent = export_bundle(workspace, stick, everything=True)  # the stick was lost: again
    assert resent.cases == 2 and resent.sequence == 2
    twice = import_bundle(hq, resent.path)
    assert (twice.new_cases, twice.unchanged) == (0, 2)  # no duplicate from a resend
    assert CaseRegister(hq).count(CaseQuery()) == 2
    assert "SK" not in sent.path.name  # a lost stick does not say whose it is


def test_cases_in_a_bundle_that_never_arrived_go_again(workspace, hq, stick):
    _paired(workspace, hq, stick)
    lost, later = _real_cases(workspace, 2)
    with workspace.transaction() as session:  # the second case is opened after bundle 1
        session.execute(update(Case).where(Case.case_number == later).values(is_demo=True))
    export_bundle(workspace, stick).path.unlink()  # bundle 1, with the first case: lost
    with workspace.transaction() as session:
        session.execute(update(Case).where(Case.case_number == later).values(is_demo=False))
    second = export_bundle(workspace, stick)
    assert second.cases == 1  # the first case is still thought to be on its way
    import_bundle(hq, second.path)
    import_bundle(workspace, export_bundle(hq, stick, office="SK").path)  # receipt: 2 came
    third = export_bundle(workspace, stick)  # bundle 1 was answered by neither: send again
    assert third.cases == 1
    assert import_bundle(hq, third.path).new_cases == 1
    assert {row.case_number for row in CaseRegister(hq).page(CaseQuery())} == {lost, later}


def _submitted_plan(workspace):
    add_demo_cases(workspace, 30, seed=11)
    with workspace.reading() as session:
        return session.scalars(select(Case.case_number).where(Case.status == "submitted")).first()


def test_hq_decides_and_the_office_sees_the_decision_and_sends_no_more(workspace, hq, stick):
    _paired(workspace, hq, stick)
    number = _submitted_plan(workspace)
    sent = export_bundle(workspace, stick, include_demo=True)
    imported = import_bundle(hq, sent.path)
    assert imported.new_cases == sent.cases
    form = decision_form(hq, number)  # what HQ's reviewer sees
    amounts = tuple(ApprovedAmount(i.number, i.requested or Decimal(1), "") for i in form.items)
    decision = DecisionInput(DecisionOutcome.APPROVED, dt.date.today(), amounts, "", "HQ/2026/7")
    record_decision(hq, number, decision)
    answer = export_bundle(hq, stick, office="SK")
    assert answer.decisions == 1 and answer.receipts == sent.cases
    with pytest.raises(NothingToExport):  # everything already answered
        export_bundle(hq, stick, office="SK")
    received = import_bundle(workspace, answer.path)
    assert received.decisions == 1 and received.receipts == sent.cases
    assert CaseRegister(workspace).detail(number).row.status.value == "approved"
    with pytest.raises(NothingToExport):  # HQ has every case as it is now
        export_bundle(workspace, stick, include_demo=True)


def test_a_field_changed_at_both_ends_is_a_conflict_not_an_overwrite(workspace, hq, stick):
    _paired(workspace, hq, stick)
    number = _real_cases(workspace, 1)[0]
    import_bundle(hq, export_bundle(workspace, stick).path)
    answer = export_bundle(hq, stick, office="SK")
    import_bundle(workspace, answer.path)  # the office now knows HQ has revision n
    for side, family, region in ((workspace, "Trần", "Vinh"), (hq, "Tran Thi", None)):
        with side.transaction() as session:
            case = session.scalar(select(Case).where(Case.case_number == number))
            session.execute(update(Returnee).where(Returnee.case_id == case.id)
                            .values(family_name=family))  # fmt: skip
            if region:
                case.region_of_return = region
            case.revision += 1
    result = import_bundle(hq, export_bundle(workspace, stick).path)
    assert result.conflicts == 1
    detail = CaseRegister(hq).detail(number)
    assert detail.row.family_name == "Tran Thi"  # HQ's value stays until a person decides
    with hq.reading() as session:
        conflict = session.scalars(select(CaseConflict)).one()
        case = session.scalar(select(Case).where(Case.case_number == number))
    assert (conflict.field, conflict.office_value, conflict.hq_value) == (
        "returnee.family_name", "Trần", "Tran Thi")  # fmt: skip
    assert case.region_of_return == "Vinh"  # changed at the office only: taken


def test_a_case_hq_cannot_read_is_quarantined_and_the_rest_imports(workspace, hq, stick):
    _paired(workspace, hq, stick)
    good, odd = _real_cases(workspace, 2)
    with workspace.transaction() as session:
        case_id = session.scalar(select(Case.id).where(Case.case_number == odd))
        intake = (FormResponse.case_id == case_id) & (FormResponse.form_id == "intake")
        session.execute(update(FormResponse).where(intake).values(form_version="2099.1"))
    result = import_bundle(hq, export_bundle(workspace, stick).path)
    assert result.new_cases == 1 and [q.case_number for q in result.quarantined] == [odd]
    assert "2099.1" in result.quarantined[0].reason
    import_bundle(workspace, export_bundle(hq, stick, office="SK").path)
    with workspace.reading() as session:
        outcomes = {a.case_number: a.outcome for a in session.scalars(select(CaseArrival))}
    assert outcomes == {good: "accepted", odd: "quarantined"}


def test_an_erased_case_is_erased_at_hq_and_never_comes_back(workspace, hq, stick):
    _paired(workspace, hq, stick)
    number = _real_cases(workspace, 1)[0]
    first = export_bundle(workspace, stick)
    import_bundle(hq, first.path)
    erase_case(workspace, number, ErasureReason.REQUEST, confirmation=number)
    second = export_bundle(workspace, stick)
    assert second.tombstones == 1 and second.cases == 0
    assert import_bundle(hq, second.path).erased == 1
    assert CaseRegister(hq).count(CaseQuery()) == 0
    with hq.reading() as session:
        assert session.scalars(select(CaseTombstone.case_number)).all() == [number]
    assert import_bundle(hq, first.path).already_imported  # an old bundle brings nothing back
    assert CaseRegister(hq).count(CaseQuery()) == 0
    assert verify_audit_trail(hq).broken is None


def test_whole_bundle_refusals(workspace, hq, stick, tmp_path):
    _paired(workspace, hq, stick)
    _real_cases(workspace, 1)
    first = export_bundle(workspace, stick, everything=True)
    second = export_bundle(workspace, stick, everything=True)
    third = export_bundle(workspace, stick, everything=True)
    assert import_bundle(hq, third.path).missing == (1, 2)  # said, not refused
    with pytest.raises(BundleOutOfOrder):
        import_bundle(hq, second.path)  # older than one already imported
    stranger = _installation(tmp_path, "other", "office", "SK")  # same code, other keys
    try:
        _trust(stranger, hq, stick)
        _real_cases(stranger, 1)
        forged = export_bundle(stranger, stick / "forged.hwbundle")
        with pytest.raises(PeerKeyConflict):  # HQ trusts one installation per office code
            _trust(hq, stranger, stick)
    finally:
        stranger.close()
    with pytest.raises(BundleSenderUnknown):
        import_bundle(hq, forged.path)
    revoke_peer(hq, own_keys(workspace).fingerprint)  # a stolen laptop, say
    fresh = stick / "copy.hwbundle"
    shutil.copy(first.path, fresh)
    with pytest.raises(BundleSenderUnknown):
        import_bundle(hq, fresh)


def test_the_command_line_loop(tmp_path):
    office, hq_dir, stick = tmp_path / "office", tmp_path / "hq", tmp_path / "stick"
    stick.mkdir()
    homeward(office, "init", "--role", "office", "--office", "SK", "--office-name", "SK",
             "--admin", "anna")  # fmt: skip
    homeward(hq_dir, "init", "--role", "hq", "--office", "HQ", "--office-name", "HQ",
             "--admin", "hugo")  # fmt: skip
    homeward(office, "demo", "--cases", "5", "--seed", "2")
    fingerprints = {}
    for name, folder in (("sk", office), ("hq", hq_dir)):
        shown = json.loads(homeward(folder, "keys", "show", "--json").stdout)
        fingerprints[name] = shown["fingerprint"]
        assert (
            homeward(folder, "keys", "export", "--out", str(stick / f"{name}.key")).returncode == 0
        )
    unchecked = homeward(office, "keys", "trust", str(stick / "hq.key"))
    assert unchecked.returncode == 1 and fingerprints["hq"] in unchecked.stdout
    assert homeward(office, "keys", "trust", str(stick / "hq.key"), "--fingerprint",
                    fingerprints["hq"]).returncode == 0  # fmt: skip
    assert homeward(hq_dir, "keys", "trust", str(stick / "sk.key"), "--fingerprint",
                    fingerprints["sk"]).returncode == 0  # fmt: skip
    nothing = homeward(office, "export", "--to", str(stick))  # demo cases stay home
    assert nothing.returncode == 0 and "Nothing new" in nothing.stdout
    sent = homeward(office, "export", "--to", str(stick), "--demo", "--json")
    assert sent.returncode == 0, sent.stderr
    bundle = json.loads(sent.stdout)["path"]
    done = homeward(hq_dir, "import", bundle, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["new"] == 5
    assert homeward(hq_dir, "cases").stderr.startswith("5 of 5")
    tampered = stick / "tampered.hwbundle"
    data = bytearray(Path(bundle).read_bytes())
    data[len(data) // 2] ^= 1
    tampered.write_bytes(bytes(data))
    refused = homeward(hq_dir, "import", str(tampered))
    assert refused.returncode != 0 and refused.stderr.count("\n") == 1


def test_status_and_settling_a_conflict(workspace, hq, stick):
    from app.services.exchange import exchange_status, resolve_conflict

    _paired(workspace, hq, stick)
    number = _real_cases(workspace, 1)[0]
    export_bundle(workspace, stick)  # bundle 1 is lost on the way
    assert (exchange_status(workspace).awaiting_receipt, exchange_status(workspace).to_send) == (
        1, 0)  # fmt: skip
    import_bundle(hq, export_bundle(workspace, stick, everything=True).path)
    status = exchange_status(hq)
    assert [(p.office_code, p.received, p.missing) for p in status.peers] == [("SK", 2, (1,))]
    assert exchange_status(workspace).awaiting_receipt == 1
    import_bundle(workspace, export_bundle(hq, stick, office="SK").path)
    assert exchange_status(workspace).awaiting_receipt == 0
    for side, family in ((workspace, "Trần"), (hq, "Tran Thi")):
        with side.transaction() as session:
            case = session.scalar(select(Case).where(Case.case_number == number))
            session.execute(update(Returnee).where(Returnee.case_id == case.id)
                            .values(family_name=family))  # fmt: skip
            case.revision += 1
    import_bundle(hq, export_bundle(workspace, stick).path)
    (conflict,) = exchange_status(hq).conflicts
    assert (conflict.case_number, conflict.office, conflict.hq) == (number, "Trần", "Tran Thi")
    resolve_conflict(hq, conflict.id, "office")
    assert CaseRegister(hq).detail(number).row.family_name == "Trần"
    assert exchange_status(hq).conflicts == ()
    assert CaseRegister(hq).count(CaseQuery(text="Trần")) == 1  # the search knows it too


def test_the_office_sees_per_case_what_hq_has(qtbot, workspace, installed, hq, stick):
    from app.ui.application import ui_settings
    from app.ui.main_window import MainWindow

    _paired(workspace, hq, stick)
    number = _real_cases(workspace, 1)[0]
    window = MainWindow(workspace, ui_settings(installed))
    qtbot.addWidget(window)
    window.show()

    def headquarters_line() -> str:
        window.table.selectionModel().clearSelection()
        assert window.select_case(number)
        labels = [w.text() for w in window.detail.findChildren(type(window.detail.title))]
        return next(t for t in labels if "received" in t or "revision" in t or "aside" in t)

    assert headquarters_line() == "not received yet (send a bundle)"
    import_bundle(hq, export_bundle(workspace, stick).path)
    import_bundle(workspace, export_bundle(hq, stick, office="SK").path)
    revision = CaseRegister(workspace).detail(number).revision
    assert headquarters_line() == f"has this revision ({revision})"


def test_hqs_decision_shows_in_the_session_and_prints_on_the_plan(qtbot, workspace, hq, stick,
                                                                  tmp_path):  # fmt: skip
    import subprocess

    from app.services.printing import PrintForm, Printing
    from app.ui.session.window import SessionWindow

    _paired(workspace, hq, stick)
    number = _submitted_plan(workspace)
    import_bundle(hq, export_bundle(workspace, stick, include_demo=True).path)
    form = decision_form(hq, number)
    amounts = tuple(ApprovedAmount(i.number, Decimal("111"), "") for i in form.items)
    record_decision(hq, number, DecisionInput(DecisionOutcome.APPROVED, dt.date.today(),
                                              amounts, "", "HQ/9"))  # fmt: skip
    import_bundle(workspace, export_bundle(hq, stick, office="SK").path)
    window = SessionWindow(Counselling(workspace), number, "en")
    qtbot.addWidget(window)
    window.show()
    assert window.decision.isVisible()
    assert "HQ/9" in window.decision.text() and "item 1:" in window.decision.text()
    printing = Printing(workspace)
    result = printing.render(number, PrintForm.PLAN, "en")
    out = tmp_path / "plan.pdf"
    out.write_bytes(result.pdf)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Decision of headquarters" in text and "HQ/9" in text and "111" in text


def test_hqs_resolution_travels_back_to_the_office(workspace, hq, stick):
    from app.services.exchange import exchange_status, resolve_conflict

    _paired(workspace, hq, stick)
    number = _real_cases(workspace, 1)[0]
    import_bundle(hq, export_bundle(workspace, stick).path)
    import_bundle(workspace, export_bundle(hq, stick, office="SK").path)
    for side, family in ((workspace, "Trần"), (hq, "Tran Thi")):
        with side.transaction() as session:
            case = session.scalar(select(Case).where(Case.case_number == number))
            session.execute(update(Returnee).where(Returnee.case_id == case.id)
                            .values(family_name=family))  # fmt: skip
            case.revision += 1
    import_bundle(hq, export_bundle(workspace, stick).path)
    (conflict,) = exchange_status(hq).conflicts
    resolve_conflict(hq, conflict.id, "edited", "Trần Thị")
    answer = export_bundle(hq, stick, office="SK")
    assert answer.resolutions == 1
    applied = import_bundle(workspace, answer.path)
    assert applied.resolutions == 1
    assert CaseRegister(workspace).detail(number).row.family_name == "Trần Thị"
    with pytest.raises(NothingToExport):  # HQ holds the value the office now has
        export_bundle(workspace, stick)


def test_a_reason_for_setting_aside_reads_in_the_readers_language():
    from app.i18n import set_language
    from app.services.set_aside import FORM_NOT_INSTALLED, reason_text

    sent = FORM_NOT_INSTALLED.format(form="intake", version="2099.1")  # as receipts carry it
    try:
        set_language("fr")
        assert reason_text(sent).startswith("le formulaire") and "2099.1" in reason_text(sent)
    finally:
        set_language("en")
    assert reason_text("a reason from elsewhere") == "a reason from elsewhere"


def test_a_copied_key_is_revoked_and_its_bundles_refused(workspace, hq, stick):
    from app.services.keys import accept_key_statement, revoke_own_keys, trusted_keys

    _paired(workspace, hq, stick)
    _real_cases(workspace, 1)
    old_bundle = export_bundle(workspace, stick)  # what a thief could still sign
    new_fingerprint = revoke_own_keys(workspace, stick / "revoked.key", "lost")
    assert accept_key_statement(hq, stick / "revoked.key").revoked
    with pytest.raises(BundleSenderUnknown):
        import_bundle(hq, old_bundle.path)
    _trust(hq, workspace, stick)  # the new key file, checked by its fingerprint
    assert any(k.fingerprint == new_fingerprint and not k.revoked for k in trusted_keys(hq))
    assert import_bundle(hq, export_bundle(workspace, stick).path).new_cases == 1


def test_a_key_file_that_is_not_a_file_is_refused_in_one_line(tmp_path):
    data = tmp_path / "data"
    homeward(data, "init", "--role", "office", "--office", "SK", "--office-name", "SK",
             "--admin", "anna")  # fmt: skip
    for target in (tmp_path, "/dev/zero", tmp_path / "missing.key"):
        done = homeward(data, "keys", "trust", str(target), "--fingerprint", "0000")
        assert done.returncode == 2 and done.stderr.count("\n") == 1
        assert "cannot be read" in done.stderr
