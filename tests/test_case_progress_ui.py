"""The "Move case on…" dialog driven through its real buttons (pytest-qt, offscreen)."""

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.accounts import Role
from app.domain.cases import CaseStatus
from app.i18n import set_language
from app.services import case_progress as progress
from app.services.accounts import add_account
from app.services.counselling import Counselling
from app.services.workspace import unlock
from app.ui.case_progress_dialog import MoveCaseDialog
from app.ui.decision_summary import DecisionSummaryLabel, decision_summary
from test_case_progress import ready_case

TODAY = dt.date.today()


def status(workspace, number):
    return Counselling(workspace).state(number).case.status


def answer_next_question(qtbot, button=QMessageBox.StandardButton.Yes, seen=None):
    """Click ``button`` of the question box that the next click opens."""

    def click():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        if seen is not None:
            seen.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, click)


def open_dialog(qtbot, workspace, number):
    dialog = MoveCaseDialog(workspace, number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


@pytest.fixture
def case_number(workspace):
    return ready_case(workspace)


def test_submit_approve_implement_close(qtbot, workspace, case_number):
    dialog = open_dialog(qtbot, workspace, case_number)
    assert dialog.status_label.text() == "Current status: Ready"
    assert [b.text() for b in dialog.move_buttons.values()] == ["Mark as submitted"]

    # "Cancel" in the question changes nothing
    answer_next_question(qtbot, QMessageBox.StandardButton.Cancel)
    click(qtbot, dialog.move_buttons[progress.MoveKind.SUBMIT])
    assert dialog.isVisible() and status(workspace, case_number) is CaseStatus.READY

    seen = []
    qtbot.keyClicks(dialog.note, "Sent with the courier.")
    answer_next_question(qtbot, seen=seen)
    with qtbot.waitSignal(dialog.moved) as moved:
        click(qtbot, dialog.move_buttons[progress.MoveKind.SUBMIT])
    assert moved.args == [case_number] and not dialog.isVisible()
    assert "can no longer be changed" in seen[0]
    assert status(workspace, case_number) is CaseStatus.SUBMITTED

    dialog = open_dialog(qtbot, workspace, case_number)
    assert dialog.status_label.text() == "Current status: Submitted"
    button = dialog.move_buttons[progress.MoveKind.RECORD_DECISION]
    assert button.text() == "Record decision received…"
    click(qtbot, button)
    panel = dialog.decision_panel
    assert panel is not None and panel.isVisible() and panel.approved.isChecked()
    assert panel.decided_on.date() == QDate.currentDate()
    assert panel.total.text() == "Approved total: —"
    assert panel.currency_choices[2].currentText() == "GEL"

    # an unreadable amount: one line, the dialog stays with what was typed
    qtbot.keyClicks(panel.amount_edits[1], "eight hundred")
    click(qtbot, panel.save_button)
    assert dialog.message.text() == "Assistance item 1: the approved amount is not a number."
    assert dialog.isVisible() and panel.amount_edits[1].text() == "eight hundred"
    assert status(workspace, case_number) is CaseStatus.SUBMITTED

    panel.amount_edits[1].clear()
    qtbot.keyClicks(panel.amount_edits[1], "800")
    qtbot.keyClicks(panel.amount_edits[2], "1,250")  # GEL at the indicative 0.32
    assert panel.total.text() == "Approved total: 1,200.00 EUR"
    panel.currency_choices[2].setCurrentText("EUR")
    assert (
        panel.total.text() == "Approved total: 2,050.00 EUR · above the budget cap of 1,500.00 EUR"
    )
    panel.currency_choices[2].setCurrentText("GEL")
    qtbot.keyClicks(panel.reference, "HQ/123")
    with qtbot.waitSignal(dialog.moved):
        click(qtbot, panel.save_button)
    assert not dialog.isVisible()
    assert status(workspace, case_number) is CaseStatus.APPROVED
    view = progress.latest_decision(workspace, case_number)
    assert view.approved_total_eur == Decimal("1200.00") and view.decided_on == TODAY
    assert [(a.item, a.amount, a.currency) for a in view.amounts] == [
        (1, Decimal(800), "EUR"),
        (2, Decimal(1250), "GEL"),
    ]

    dialog = open_dialog(qtbot, workspace, case_number)
    assert dialog.decision_label.isVisible()
    assert dialog.decision_label.text().startswith("Approved on ")
    assert dialog.decision_label.text().endswith("(paper, ref. HQ/123): 1,200.00 EUR")
    answer_next_question(qtbot)
    click(qtbot, dialog.move_buttons[progress.MoveKind.START_IMPLEMENTATION])
    assert status(workspace, case_number) is CaseStatus.IN_IMPLEMENTATION

    dialog = open_dialog(qtbot, workspace, case_number)
    answer_next_question(qtbot)
    click(qtbot, dialog.move_buttons[progress.MoveKind.CLOSE])
    assert status(workspace, case_number) is CaseStatus.CLOSED

    dialog = open_dialog(qtbot, workspace, case_number)
    assert dialog.move_buttons == {} and dialog.findChild(object, "noMoves").isVisible()


def test_rejection_needs_a_reason_then_back_to_planning(qtbot, workspace, case_number):
    progress.submit(workspace, case_number)
    dialog = open_dialog(qtbot, workspace, case_number)
    click(qtbot, dialog.move_buttons[progress.MoveKind.RECORD_DECISION])
    panel = dialog.decision_panel
    click(qtbot, panel.rejected)
    assert not panel.amounts_box.isEnabled()
    assert panel.reason_label.text() == "Reason for the rejection (required)"
    qtbot.keyClicks(panel.reference, "HQ/77")
    panel.decided_on.setDate(QDate.currentDate().addDays(-2))
    click(qtbot, panel.save_button)
    assert dialog.message.text() == "Please correct: give the reason for the rejection"
    assert dialog.isVisible() and panel.reference.text() == "HQ/77"

    qtbot.keyClicks(panel.reason, "Costs not justified.")
    click(qtbot, panel.save_button)
    assert status(workspace, case_number) is CaseStatus.REJECTED
    view = progress.latest_decision(workspace, case_number)
    assert view.decided_on == TODAY - dt.timedelta(days=2) and view.amounts == ()
    assert decision_summary(view).endswith("(paper, ref. HQ/77): Costs not justified.")
    assert decision_summary(view).startswith("Rejected on ")

    dialog = open_dialog(qtbot, workspace, case_number)
    assert [b.text() for b in dialog.move_buttons.values()] == ["Revise the plan", "Close case"]
    answer_next_question(qtbot)
    click(qtbot, dialog.move_buttons[progress.MoveKind.REVISE_PLAN])
    state = Counselling(workspace).state(case_number)
    assert state.case.status is CaseStatus.PLANNING and state.next_step == "plan"


def test_a_counsellor_sees_who_records_decisions(qtbot, workspace, installed, case_number):
    add_account(workspace, "boris", "Boris", Role.COUNSELLOR, "counsel pass")
    boris = unlock(installed, "boris", "counsel pass")
    try:
        progress.submit(boris, case_number)
        dialog = open_dialog(qtbot, boris, case_number)
        button = dialog.move_buttons[progress.MoveKind.RECORD_DECISION]
        assert not button.isEnabled()
        assert dialog.refusals[0].isVisible()
        assert dialog.refusals[0].text() == (
            "Record decision received: only a supervisor or an administrator may do this."
        )
        click(qtbot, button)  # disabled: nothing opens
        assert dialog.decision_panel is None
    finally:
        boris.close()


def test_amounts_in_the_interface_language(qtbot, workspace, case_number):
    progress.submit(workspace, case_number)
    set_language("ar")
    dialog = open_dialog(qtbot, workspace, case_number)
    click(qtbot, dialog.move_buttons[progress.MoveKind.RECORD_DECISION])
    panel = dialog.decision_panel
    # 800.5 in Arabic-Indic digits, as an Arabic keyboard sends them (QTest types Latin-1 only)
    for char in "٨٠٠٫٥":
        event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier,
                          char)  # fmt: skip
        QApplication.sendEvent(panel.amount_edits[1], event)
    assert panel.amount_edits[1].text() == "٨٠٠٫٥"
    assert panel.total.text() == "المجموع الموافَق عليه: 800.50 يورو"
    click(qtbot, panel.save_button)
    assert status(workspace, case_number) is CaseStatus.APPROVED
    view = progress.latest_decision(workspace, case_number)
    assert view.amounts[0].amount == Decimal("800.5")


def test_summary_label_hides_without_a_decision(qtbot, workspace, case_number):
    label = DecisionSummaryLabel()
    qtbot.addWidget(label)
    label.show()
    label.show_decision(progress.latest_decision(workspace, case_number))
    assert label.isHidden() and label.text() == ""
