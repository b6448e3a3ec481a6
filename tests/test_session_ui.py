"""A whole counselling session through the real widgets, and nothing lost when it dies."""

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel

from app.domain.cases import CaseStatus
from app.domain.session import STEPS
from app.services.cases import CaseRegister
from app.services.counselling import Counselling
from app.ui.session.form_page import RepeatEditor
from app.ui.session.window import SessionWindow
from test_services import new_case


@pytest.fixture
def case_number(workspace):
    return CaseRegister(workspace).open_case(new_case()).case_number


def open_window(qtbot, workspace, case_number):
    window = SessionWindow(Counselling(workspace), case_number, "en")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def editor(window, form_id, field_id):
    return window.pages[form_id].editors[field_id]


def stored(workspace, case_number, form_id):
    response = Counselling(workspace).state(case_number).responses.get(form_id)
    return response.answers if response else {}


def fill_consent(qtbot, window):
    for field in ("information_received", "voluntary_return_declaration",
                  "data_processing_consent"):  # fmt: skip
        qtbot.mouseClick(editor(window, "consent", field).yes, Qt.MouseButton.LeftButton)
    editor(window, "consent", "consent_date").date.set_value(dt.date.today())
    qtbot.mouseClick(editor(window, "consent", "interpreter_present").yes,
                     Qt.MouseButton.LeftButton)  # fmt: skip
    qtbot.keyClicks(editor(window, "consent", "interpreter_name").line, "L. Novak")


def tick(qtbot, box):
    """Click a check box on its indicator, as a person does (its centre may be empty space)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def choose(window, form_id, field_id, value, item=None):
    combo = (item.editors[field_id] if item else editor(window, form_id, field_id)).combo
    combo.setCurrentIndex(combo.findData(value))


def fill_intake(qtbot, window):
    choose(window, "intake", "marital_status", "married")
    work: RepeatEditor = editor(window, "intake", "work_history")
    qtbot.mouseClick(work.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(work.items[0].editors["job_title"].line, "Seamstress")
    qtbot.keyClicks(work.items[0].editors["years"].line, "6")
    choose(window, "intake", "education_level", "vocational")
    choose(window, "intake", "housing_on_return", "family")
    qtbot.keyClicks(editor(window, "intake", "reason_for_return").text, "Family reasons.")
    qtbot.keyClicks(editor(window, "intake", "intended_activity").text, "Tailoring workshop.")


def fill_plan(qtbot, window):
    items: RepeatEditor = editor(window, "plan", "assistance_items")
    for kind, text, amount, currency in (
        ("business", "Two sewing machines and fabric.", "800", "EUR"),
        ("training", "Three-month tailoring course.", "9000", "GEL"),
    ):
        qtbot.mouseClick(items.add_button, Qt.MouseButton.LeftButton)
        item = items.items[-1]
        choose(window, "plan", "assistance_type", kind, item)
        qtbot.keyClicks(item.editors["description"].text, text)
        qtbot.keyClicks(item.editors["estimated_cost"].amount, amount)
        item.editors["estimated_cost"].currency.setCurrentText(currency)
    qtbot.keyClicks(editor(window, "plan", "objectives").text, "Own income in six months.")
    qtbot.keyClicks(editor(window, "plan", "skills_use").text, "Ten years of tailoring.")
    # 800 EUR and 9000 GEL are above the cap: the reason is written down
    qtbot.keyClicks(editor(window, "plan", "budget_justification").text, "Both are needed.")
    for criterion in ("feasibility", "urgency", "motivation"):
        choose(window, "plan", f"{criterion}_rating", "4")
        qtbot.keyClicks(editor(window, "plan", f"{criterion}_reasons").text, "Explained.")


def test_whole_session_through_the_widgets(qtbot, workspace):
    from app.domain.people import HouseholdMemberInput, Relationship, Sex

    household = (
        HouseholdMemberInput("Lan", "Tran", dt.date(1992, 1, 2), Sex.FEMALE, Relationship.SPOUSE),
        HouseholdMemberInput("Minh", "Nguyen", dt.date(2019, 3, 4), Sex.MALE, Relationship.CHILD),
    )
    case_number = CaseRegister(workspace).open_case(new_case(household=household)).case_number
    window = open_window(qtbot, workspace, case_number)
    assert window.current_step() == "consent"

    # completing an empty step shows the problems beside the fields
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    assert window.current_step() == "consent"
    problem = window.pages["consent"].rows["data_processing_consent"].problem
    assert problem.isVisible() and problem.text() == "an answer is required"

    fill_consent(qtbot, window)
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    assert window.current_step() == "intake"
    assert not problem.isVisible()

    fill_intake(qtbot, window)
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    assert window.current_step() == "plan"
    assert window.state.case.status is CaseStatus.PLANNING

    fill_plan(qtbot, window)
    window.save_now()
    assessment = window.plan_assessment.text()
    assert "€800.00" in assessment and "GEL" in assessment
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    assert window.current_step() == "review"
    assert window.state.case.status is CaseStatus.READY
    review = window.review.toPlainText()
    assert "ready to print" in review and "Seamstress" in review
    intake = stored(window.counselling.workspace, case_number, "intake")
    assert intake["work_history"] == [{"job_title": "Seamstress", "years": 6}]
    plan = stored(window.counselling.workspace, case_number, "plan")
    assert [i["estimated_cost"] for i in plan["assistance_items"]] == [
        {"amount": "800", "currency": "EUR"}, {"amount": "9000", "currency": "GEL"},
    ]  # fmt: skip


def test_relevance_shows_and_hides_questions_live(qtbot, workspace, case_number):
    window = open_window(qtbot, workspace, case_number)
    window.go_to(1)
    rows = window.pages["intake"].rows
    assert not rows["illness_details"].visible
    assert not rows["illness_details"].own.isVisible()
    boxes = editor(window, "intake", "vulnerabilities").boxes
    tick(qtbot, boxes["serious_illness"])
    assert rows["illness_details"].visible and rows["illness_details"].own.isVisible()
    tick(qtbot, boxes["serious_illness"])
    assert not rows["illness_details"].own.isVisible()


def test_answers_are_saved_while_typing_and_survive_a_crash(qtbot, workspace, case_number):
    window = open_window(qtbot, workspace, case_number)
    window.go_to(1)
    reason = editor(window, "intake", "reason_for_return").text
    qtbot.keyClicks(reason, "Wants to care for his mother.")
    qtbot.waitUntil(
        lambda: (
            stored(workspace, case_number, "intake").get("reason_for_return")
            == "Wants to care for his mother."
        ),
        timeout=3000,
    )
    assert window.saved.text() == "All changes saved"
    # the window dies without closing (no closeEvent, no final save)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    window.hide()
    window.deleteLater()
    QApplication.processEvents()

    again = open_window(qtbot, workspace, case_number)
    assert again.current_step() == "consent"  # resumes at the first unfinished step
    again.go_to(1)
    assert editor(again, "intake", "reason_for_return").value() == "Wants to care for his mother."


def test_closing_saves_what_was_typed_a_moment_ago(qtbot, workspace, case_number):
    window = open_window(qtbot, workspace, case_number)
    qtbot.keyClicks(editor(window, "consent", "contact_after_return").text, "+995 555 123")
    window.close()  # before the save timer fired
    assert stored(workspace, case_number, "consent")["contact_after_return"] == "+995 555 123"


def test_keyboard_only(qtbot, workspace, case_number):
    window = open_window(qtbot, workspace, case_number)
    window.go_to(1)
    reason = editor(window, "intake", "reason_for_return").text
    reason.setFocus()
    qtbot.keyClick(reason, Qt.Key.Key_Tab)
    assert not reason.hasFocus()  # Tab leaves a long text instead of typing a tab
    assert "\t" not in reason.toPlainText()
    languages = editor(window, "intake", "languages_spoken").line
    languages.setFocus()
    qtbot.keyClicks(languages, "Georgian, Russian")
    qtbot.keyClick(languages, Qt.Key.Key_Return)  # Enter moves on
    assert not languages.hasFocus()


def test_migrant_language_is_beside_and_right_to_left(qtbot, workspace, case_number):
    window = open_window(qtbot, workspace, case_number)
    assert "plan" not in window.pages  # a page is built when its step is first shown
    window.go_to(STEPS.index("plan"))
    window.migrant_language.set_code("ar")
    window._language_chosen()
    label: QLabel = window.pages["intake"].rows["marital_status"].theirs
    assert label.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.pages["intake"].rows["marital_status"].own.text().startswith("What is your")
    assert Counselling(workspace).state(case_number).case.session_language == "ar"
    assert window.pages["plan"] is not None
    assert window.plan_slot.count() == 1  # the rebuilt plan page replaced the old one


def test_withdrawal_locks_the_session(qtbot, workspace, case_number, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("Stays.", True))
    window = open_window(qtbot, workspace, case_number)
    qtbot.mouseClick(window.withdraw_button, Qt.MouseButton.LeftButton)
    assert window.state.case.status is CaseStatus.WITHDRAWN
    assert not window.pages["consent"].isEnabled()
    assert window.current_step() == "review"


def test_numbers_are_read_as_the_counsellor_writes_them(qtbot, workspace, case_number):
    window = open_window(qtbot, workspace, case_number)
    window.go_to(1)
    dependants = editor(window, "intake", "dependants_count")
    qtbot.keyClicks(dependants.line, "1,000")
    assert dependants.value() == 1000 and dependants.line.styleSheet() == ""
    dependants.line.clear()
    qtbot.keyClicks(dependants.line, "3 kids")
    assert dependants.value() is None and "border" in dependants.line.styleSheet()
    window.go_to(2)
    items = editor(window, "plan", "assistance_items")
    qtbot.mouseClick(items.add_button, Qt.MouseButton.LeftButton)
    cost = items.items[0].editors["estimated_cost"]
    qtbot.keyClicks(cost.amount, "1,500.50")
    assert cost.value() == {"amount": "1500.50", "currency": "EUR"}


def sittings(workspace, case_number):
    from sqlalchemy import select

    from app.store.models import Case, CounsellingSession

    with workspace.reading() as session:
        query = select(CounsellingSession).join(Case).where(Case.case_number == case_number)
        return [(s.started_at, s.ended_at) for s in session.scalars(query)]


def test_opening_a_case_records_a_sitting_and_closing_ends_it(qtbot, workspace, case_number):
    window = open_window(qtbot, workspace, case_number)
    qtbot.waitUntil(lambda: len(sittings(workspace, case_number)) == 1)
    assert sittings(workspace, case_number)[0][1] is None  # still sitting
    window.close()
    assert sittings(workspace, case_number)[0][1] is not None

    closed_at_once = SessionWindow(Counselling(workspace), case_number, "en")
    closed_at_once.close()  # before it was ever shown: a sitting all the same
    assert len(sittings(workspace, case_number)) == 2
    assert all(ended is not None for _started, ended in sittings(workspace, case_number))
