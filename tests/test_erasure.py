"""Erasure: a supervisor erases a case (or the retention purge erases ended ones); what could
name the returnee goes, a tombstone stays, and the audit chain still verifies."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select, text, update

from app.domain.accounts import Role
from app.domain.erasure import ErasureReason
from app.domain.errors import CaseNotFound, ErasureNotConfirmed, InvalidInput, NotPermitted
from app.services.accounts import add_account
from app.services.cases import CaseQuery, CaseRegister
from app.services.counselling import Counselling
from app.services.erasure import (
    due_for_retention,
    erase_case,
    purge_retention,
    set_retention_years,
)
from app.services.history import verify_audit_trail
from app.services.workspace import unlock
from app.store.models import AuditEvent, Case, CaseTombstone
from app.ui.application import ui_settings
from app.ui.erase_dialog import EraseCaseDialog
from app.ui.main_window import MainWindow
from app.ui.retention_dialog import RetentionPurgeDialog
from test_cli import homeward
from test_counselling import CONSENT, INTAKE
from test_services import new_case

NAME = "Zarghona"


def _case_with_history(workspace) -> str:
    register = CaseRegister(workspace)
    number = register.open_case(new_case(given=NAME, family="Wardak")).case_number
    counselling = Counselling(workspace)
    counselling.save_answers(number, "consent", CONSENT)
    counselling.save_answers(number, "intake", {**INTAKE, "intended_activity": f"{NAME} bakery"})
    return number


def _store_text(workspace) -> str:
    """Every text cell of every table, as one string (the store is encrypted on disk)."""
    with workspace.reading() as session:
        tables = [row[0] for row in session.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table'"))]  # fmt: skip
        cells = []
        for table in tables:
            for row in session.execute(text(f'SELECT * FROM "{table}"')):
                cells.extend(str(value) for value in row if value is not None)
    return "\n".join(cells)


def test_erasing_leaves_a_tombstone_and_no_trace_of_the_returnee(workspace):
    number = _case_with_history(workspace)
    assert NAME in _store_text(workspace)
    erased = erase_case(workspace, number, ErasureReason.REQUEST, confirmation=number.lower())
    assert erased.case_number == number
    assert NAME not in _store_text(workspace)
    with workspace.reading() as session:
        tombstone = session.scalars(select(CaseTombstone)).one()
        assert (tombstone.case_number, tombstone.reason) == (number, "request")
        assert session.scalar(select(Case).where(Case.case_number == number)) is None
        redacted = session.scalars(
            select(AuditEvent).where(AuditEvent.case_uuid == tombstone.case_uuid)
        ).all()
        assert {e.action for e in redacted} >= {"case.opened", "case.erased"}
    assert CaseRegister(workspace).count(CaseQuery(text=NAME)) == 0
    assert verify_audit_trail(workspace).broken is None
    with pytest.raises(CaseNotFound, match="was erased on"):  # said, with the date
        erase_case(workspace, number, ErasureReason.REQUEST, confirmation=number)


def test_erasing_needs_the_number_typed_again_and_a_supervisor(workspace, installed):
    number = _case_with_history(workspace)
    with pytest.raises(ErasureNotConfirmed):
        erase_case(workspace, number, ErasureReason.MISTAKE, confirmation="SK-2026-99999")
    add_account(workspace, "carl", "Carl", Role.COUNSELLOR, "another long password")
    counsellor = unlock(installed, "carl", "another long password")
    try:
        with pytest.raises(NotPermitted):
            erase_case(counsellor, number, ErasureReason.MISTAKE, confirmation=number)
    finally:
        counsellor.close()
    assert CaseRegister(workspace).detail(number).row.given_name == NAME


def test_blanking_an_event_by_hand_breaks_the_chain(workspace):
    """Only an erased case's events may lose their detail: blanking any other (to hide what
    it said), or editing what one says, is a broken link."""
    _case_with_history(workspace)
    with workspace.transaction() as session:
        target = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        session.execute(update(AuditEvent).where(AuditEvent.id == target.id)
                        .values(detail={}, note="", detail_salt=None))  # fmt: skip
    assert verify_audit_trail(workspace).broken is not None


def test_editing_an_events_detail_breaks_the_chain(workspace):
    _case_with_history(workspace)
    with workspace.transaction() as session:
        target = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).first()
        session.execute(update(AuditEvent).where(AuditEvent.id == target.id)
                        .values(detail={"forged": True}))  # fmt: skip
    report = verify_audit_trail(workspace)
    assert report.broken is not None and report.broken.position == 1


def _ended_long_ago(workspace, number: str, status: str, years: int) -> None:
    when = dt.datetime.now(dt.UTC) - dt.timedelta(days=365 * years + 2)
    with workspace.transaction() as session:
        session.execute(update(Case).where(Case.case_number == number)
                        .values(status=status, updated_at=when))  # fmt: skip


def test_retention_purge_erases_only_ended_cases_past_the_period(workspace):
    register = CaseRegister(workspace)
    old_closed = register.open_case(new_case(given="Old")).case_number
    old_open = register.open_case(new_case(given="Open")).case_number
    recent = register.open_case(new_case(given="Recent")).case_number
    _ended_long_ago(workspace, old_closed, "closed", 6)
    _ended_long_ago(workspace, old_open, "planning", 9)
    _ended_long_ago(workspace, recent, "withdrawn", 3)
    assert [c.case_number for c in due_for_retention(workspace)] == [old_closed]
    set_retention_years(workspace, 2)
    assert {c.case_number for c in due_for_retention(workspace)} == {old_closed, recent}
    with pytest.raises(InvalidInput):
        set_retention_years(workspace, 0)
    report = purge_retention(workspace)
    assert {e.case_number for e in report.erased} == {old_closed, recent}
    assert register.count(CaseQuery()) == 1
    assert verify_audit_trail(workspace).broken is None


def test_command_line_erase_and_purge(tmp_path):
    data = tmp_path / "data"
    homeward(data, "init", "--role", "office", "--office", "SK", "--office-name", "SK",
             "--admin", "anna")  # fmt: skip
    homeward(data, "demo", "--cases", "3", "--seed", "5")
    number = homeward(data, "cases").stdout.split()[0]
    wrong = homeward(data, "erase", number, "--reason", "request", "--confirm", "SK-2026-1")
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1
    assert number in homeward(data, "cases").stdout
    done = homeward(data, "erase", number, "--reason", "request", "--confirm", number)
    assert done.returncode == 0, done.stderr
    assert number not in homeward(data, "cases").stdout
    assert homeward(data, "audit", "verify").returncode == 0
    dry = homeward(data, "purge", "--dry-run", "--json")
    assert dry.returncode == 0 and '"due": []' in dry.stdout
    assert homeward(data, "office", "--retention-years", "51").returncode == 2


def _window(qtbot, workspace, installed) -> MainWindow:
    window = MainWindow(workspace, ui_settings(installed))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_erase_from_the_window(qtbot, workspace, installed):
    number = _case_with_history(workspace)
    window = _window(qtbot, workspace, installed)
    assert window.select_case(number)
    assert window.erase_action.isEnabled()
    window.erase_action.trigger()
    dialog = window.findChild(EraseCaseDialog, "eraseCaseDialog")
    assert dialog is not None and dialog.isVisible()
    assert not dialog.erase_button.isEnabled()
    dialog.confirmation.setText(number.lower())
    assert dialog.erase_button.isEnabled()
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert window.statusBar().currentMessage() == f"Case {number} erased."
    assert window.model.rowCount() == 0
    assert not window.erase_action.isEnabled()
    with workspace.reading() as session:
        assert session.scalars(select(CaseTombstone)).one().case_number == number


def test_retention_purge_from_the_window_with_its_report(qtbot, workspace, installed, tmp_path,
                                                         monkeypatch):  # fmt: skip
    register = CaseRegister(workspace)
    old = register.open_case(new_case(given="Old")).case_number
    kept = register.open_case(new_case(given="Kept")).case_number
    _ended_long_ago(workspace, old, "closed", 7)
    window = _window(qtbot, workspace, installed)
    window.purge_action.trigger()
    dialog = window.findChild(RetentionPurgeDialog, "retentionPurgeDialog")
    assert "1 ended case is past" in dialog.summary.text()
    assert not dialog.save_button.isVisible()  # nothing to save before the purge
    assert dialog.table.item(0, 0).text() == old
    qtbot.mouseClick(dialog.purge_button, Qt.MouseButton.LeftButton)  # off the window's thread
    qtbot.waitUntil(lambda: dialog.summary.text() == "1 case erased.", timeout=10_000)
    assert old in dialog.report_view.toPlainText()
    out = tmp_path / "purge.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert old in out.read_text(encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(installed.root / "r.txt"), ""))  # fmt: skip
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not (installed.root / "r.txt").exists() and dialog.message.text()
    assert [r.case_number for r in register.page(CaseQuery(), 0, 10)] == [kept]
    assert window.model.rowCount() == 1
