"""The case history dialog on real changes: what each reader sees, copied as text."""

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication

from app.domain.accounts import Role
from app.domain.cases import CaseStatus
from app.services.accounts import add_account
from app.services.cases import CaseRegister, load_case
from app.services.counselling import Counselling
from app.services.history import AnswersSaved, CasePrinted, StatusChanged, case_history
from app.services.printing import PrintForm, Printing
from app.services.workspace import unlock
from app.store import audit
from app.ui.case_history import DETAILS_COLUMN, CaseHistoryDialog
from test_counselling import CONSENT
from test_services import new_case

from tests_support import PASSWORD

REASON = "Her mother fell ill in Hanoi"


@pytest.fixture
def case_number(workspace, tmp_path):
    """A case opened, consented, printed and withdrawn with a reason, by Anna (admin)."""
    number = CaseRegister(workspace).open_case(new_case(given="Lan", family="Tran")).case_number
    counselling = Counselling(workspace)
    counselling.save_answers(number, "consent", CONSENT)
    Printing(workspace, counselling).print_to_file(number, PrintForm.CONSENT, tmp_path / "c.pdf")
    counselling.change_status(number, CaseStatus.WITHDRAWN, REASON)
    # What the identity and decision services of this release record, and an action from a
    # newer version this one does not know.
    with workspace.transaction() as session:
        case = load_case(session, number)
        changes = [
            {"field": "given_name", "old": "Lan", "new": "Lanh"},
            {"field": "household[2].date_of_birth", "old": None, "new": "2015-03-09"},
        ]
        audit.record(session, "case.identity_changed", user_id=workspace.user.id, case=case,
                     detail={"changes": changes})  # fmt: skip
        decision = {"outcome": "rejected", "approved_total_eur": None, "source": "paper"}
        audit.record(session, "decision.recorded", user_id=workspace.user.id, case=case,
                     detail=decision).note = "Plan not feasible in the region"  # fmt: skip
        audit.record(session, "case.teleported", user_id=None, case=case)
    return number


def open_dialog(qtbot, workspace, case_number):
    dialog = CaseHistoryDialog(workspace, case_number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def table_rows(dialog):
    model = dialog.table.model()
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def as_user(installed, workspace, username, role):
    add_account(workspace, username, username.title(), role, PASSWORD)
    return unlock(installed, username, PASSWORD)


def test_the_service_lists_events_newest_first_with_field_labels(workspace, case_number):
    entries = case_history(workspace, case_number)
    actions = [entry.action for entry in entries]
    assert actions[:3] == ["case.teleported", "decision.recorded", "case.identity_changed"]
    assert actions[-1] == "case.opened"
    assert [e.case_revision for e in entries] == sorted(
        (e.case_revision for e in entries), reverse=True
    )
    saved = next(e.description for e in entries if isinstance(e.description, AnswersSaved))
    assert saved.form == "consent"
    assert {f.id for f in saved.fields} >= {"information_received", "consent_date"}
    assert all(f.label for f in saved.fields)
    printed = next(e for e in entries if isinstance(e.description, CasePrinted))
    assert printed.who == "Anna Kováčová" and printed.username == "anna"
    assert len(printed.description.sha256) == 64 and printed.description.target == "file"


def test_supervisor_sees_reasons_and_old_values(qtbot, installed, workspace, case_number):
    supervisor = as_user(installed, workspace, "sam", Role.SUPERVISOR)
    try:
        dialog = open_dialog(qtbot, supervisor, case_number)
        rows = table_rows(dialog)
    finally:
        supervisor.close()
    whats = [row[2] for row in rows]
    assert whats[0] == "case.teleported" and rows[0][1] == "Homeward (system)"
    assert whats[1:3] == ["Decision recorded", "Identity details changed"]
    assert whats[-1] == "Case opened" and "Printed" in whats and "Answers saved" in whats
    details = {row[2]: row[DETAILS_COLUMN] for row in rows}
    assert "Rejected (received on paper)" in details["Decision recorded"]
    assert "Reason: Plan not feasible in the region" in details["Decision recorded"]
    assert "Given name: from Lan to Lanh" in details["Identity details changed"]
    member = "Household member 2: Date of birth: from — to 9 Mar 2015"
    assert member in details["Identity details changed"]
    status = next(row for row in rows if row[2] == "Status changed" and "Withdrawn" in row[4])
    assert "Status changed from Intake to Withdrawn" in status[DETAILS_COLUMN]
    assert f"Reason: {REASON}" in status[DETAILS_COLUMN]
    assert status[1] == "Anna Kováčová (anna)"
    saved = next(row for row in rows if row[2] == "Answers saved")[DETAILS_COLUMN].splitlines()
    # in the order the form asks them, the first three, then how many more
    assert saved[0] == "Consent, changed answers:"
    assert saved[1].startswith("• I have received information about the")
    assert saved[2].startswith("• I am returning to my country of origin voluntarily")
    assert saved[4] == "… and 2 more"


def test_counsellor_sees_that_things_changed_not_the_values(
    qtbot, installed, workspace, case_number
):
    counsellor = as_user(installed, workspace, "cora", Role.COUNSELLOR)
    try:
        dialog = open_dialog(qtbot, counsellor, case_number)
        rows = table_rows(dialog)
        entries = case_history(counsellor, case_number)
    finally:
        counsellor.close()
    text = "\n".join("\t".join(row) for row in rows)
    assert "Given name changed" in text and "Household member 2: Date of birth changed" in text
    for secret in (REASON, "Lanh", "Lan ", "2015", "Plan not feasible"):
        assert secret not in text, secret
    assert "A reason was recorded (shown to supervisors)." in text
    status = next(e.description for e in entries if isinstance(e.description, StatusChanged)
                  and e.description.new == "withdrawn")  # fmt: skip
    assert status.reason is None and status.reason_given  # not even handed to the UI
    assert REASON not in repr(entries)


def test_print_row_shows_short_hash_and_copies_the_full_one(qtbot, workspace, case_number):
    dialog = open_dialog(qtbot, workspace, case_number)
    model = dialog.table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 2).data() == "Printed")
    sha = next(e.description.sha256 for e in case_history(workspace, case_number)
               if isinstance(e.description, CasePrinted))  # fmt: skip
    shown = model.index(row, DETAILS_COLUMN).data()
    assert "Consent in Tiếng Việt" in shown and "saved as a PDF file" in shown
    assert f"SHA-256 {sha[:12]}" in shown and sha not in shown
    assert "plan revision" not in shown  # the case has no plan yet
    assert sha in model.index(row, DETAILS_COLUMN).data(Qt.ItemDataRole.ToolTipRole)

    selection = dialog.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(model.index(row, 0), flags)
    selection.select(model.index(0, 0), flags)
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text().splitlines()
    assert copied[0] == "When\tWho\tWhat\tRevision\tDetails"
    assert len(copied) == 3
    assert copied[1].split("\t")[2] == "case.teleported"
    assert copied[2].split("\t")[2] == "Printed" and sha in copied[2]

    selection.clearSelection()  # nothing selected: Ctrl+C copies the whole history
    QGuiApplication.clipboard().clear()
    dialog.activateWindow()
    qtbot.wait_until(dialog.isActiveWindow)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert len(QGuiApplication.clipboard().text().splitlines()) == model.rowCount() + 1


def test_details_wrap_inside_the_window(qtbot, workspace, case_number):
    dialog = open_dialog(qtbot, workspace, case_number)
    dialog.resize(700, 500)
    qtbot.wait_until(lambda: dialog.table.viewport().width() < 700)
    header = dialog.table.horizontalHeader()
    end = header.sectionViewportPosition(DETAILS_COLUMN) + header.sectionSize(DETAILS_COLUMN)
    assert end <= dialog.table.viewport().width()
    model = dialog.table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 2).data() == "Answers saved")
    lines = model.index(row, DETAILS_COLUMN).data().count("\n") + 1
    # long field labels wrap inside the cell rather than run out of it
    assert dialog.table.rowHeight(row) > (lines + 1) * dialog.table.fontMetrics().height()
    tooltip = model.index(row, DETAILS_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert "• Interpreter present" in tooltip and "more" not in tooltip
    dialog.close_button.click()
    assert not dialog.isVisible()
