"""The paths a counsellor takes through the window, driven through the real buttons, menus
and dialogs: Qt's own texts, saving and printing a form, the mouse wheel over answers."""

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QKeySequence, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
)

from app.i18n import set_language
from app.ui.application import application
from app.ui.language import apply_language
from app.ui.print_dialog import PrintDialog
from test_printing import ready_case  # noqa: F401 - fixture
from test_session_ui import open_window


@pytest.fixture
def interface_language():
    """Switch the interface as the Language menu does; back to English afterwards."""
    app = application()
    yield lambda code: apply_language(app, code)
    apply_language(app, "en")
    set_language("en")


@pytest.mark.parametrize(
    ("code", "ok", "cancel"),
    [("en", "OK", "Cancel"), ("ar", "موافق", "إلغاء"), ("vi", "OK", "Hủy")],
)
def test_standard_buttons_carry_text(qtbot, interface_language, code, ok, cancel):
    interface_language(code)
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok
        | QDialogButtonBox.StandardButton.Cancel
        | QDialogButtonBox.StandardButton.Save
    )
    qtbot.addWidget(box)
    texts = {button.text().replace("&", "") for button in box.buttons()}
    assert "" not in texts
    assert {ok, cancel} <= texts
    yes_no = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    message = QMessageBox(QMessageBox.Icon.Question, "Homeward", "?", yes_no)
    qtbot.addWidget(message)
    assert all(button.text().strip("&") for button in message.buttons())
    assert QKeySequence(QKeySequence.StandardKey.New).toString(
        QKeySequence.SequenceFormat.NativeText
    ).endswith("N") and "+" in QKeySequence("Ctrl+N").toString(
        QKeySequence.SequenceFormat.NativeText
    )


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip


def page_sizes(path) -> set[str]:
    info = subprocess.run(["pdfinfo", "-l", "99", str(path)], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    sizes = [line for line in info.splitlines() if line.startswith("Page") and "size" in line]
    return {line.split(":", 1)[1].split("pts")[0].strip() for line in sizes}


def preview(qtbot, workspace, case_number) -> PrintDialog:
    window = open_window(qtbot, workspace, case_number)
    qtbot.mouseClick(window.print_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(PrintDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    return dialog


def test_save_as_pdf_through_the_file_dialog(qtbot, workspace, ready_case, tmp_path, monkeypatch):  # noqa: F811
    dialog = preview(qtbot, workspace, ready_case)  # the consent, the first step
    asked = {}

    def choose_file(parent, caption, suggested, filters):
        asked["suggested"] = suggested
        return str(tmp_path / "request"), filters

    monkeypatch.setattr("app.ui.print_dialog.QFileDialog.getSaveFileName", choose_file)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "request.pdf"
    assert Path(asked["suggested"]).name.startswith(ready_case) and saved.is_file()
    text = pdf_text(saved)
    assert "Ahmad" in text and "RAHIMI" in text.upper() and ready_case in text
    assert "request.pdf" in dialog.info.text()


def answer_print_dialog(qtbot, target, seen):
    """Type the file name into Qt's print dialog and press its Print button."""

    def answer():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, answer)
            return
        seen["title"] = dialog.windowTitle()
        seen["buttons"] = [b.text() for b in dialog.findChildren(QPushButton) if b.isVisible()]
        name = dialog.findChild(QLineEdit, "filename")
        name.setText(str(target))
        button = next(b for b in dialog.findChildren(QPushButton) if b.text() == "&Print")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(100, answer)


def test_print_through_the_system_dialog_to_a_pdf_file(qtbot, workspace, ready_case, tmp_path):  # noqa: F811
    dialog = preview(qtbot, workspace, ready_case)
    target = tmp_path / "printed.pdf"
    seen: dict = {}
    answer_print_dialog(qtbot, target, seen)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert seen["title"] == "Print" and all(seen["buttons"])
    text = pdf_text(target)
    assert "Ahmad" in text and ready_case in text
    assert page_sizes(target) == {"595.276 x 841.89"}  # A4, as chosen in the preview


def test_print_on_letter_paper_when_chosen(qtbot, workspace, ready_case, tmp_path):  # noqa: F811
    dialog = preview(qtbot, workspace, ready_case)
    dialog.paper.setCurrentText("Letter")
    target = tmp_path / "letter.pdf"
    answer_print_dialog(qtbot, target, {})
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert page_sizes(target) == {"612 x 792"}


def wheel(widget, steps: int = -1) -> None:
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre, widget.mapToGlobal(centre), QPoint(), QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
        False,
    )  # fmt: skip
    QApplication.sendEvent(widget, event)


def test_wheel_over_an_unfocused_rating_scrolls_the_page_not_the_answer(
    qtbot,
    workspace,
    ready_case,  # noqa: F811
):
    window = open_window(qtbot, workspace, ready_case)
    window.go_to(2)
    page = window.pages["plan"]
    combo = page.editors["feasibility_rating"].combo
    page.ensureWidgetVisible(combo)
    before = combo.currentIndex()
    scrolled = page.verticalScrollBar().value()
    window.next_button.setFocus()
    wheel(combo, +1)  # towards the top of the form
    assert combo.currentIndex() == before
    assert page.verticalScrollBar().value() != scrolled  # the page scrolled instead

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    combo.setFocus()  # clicked or tabbed into: now the wheel is meant for it
    assert combo.hasFocus()
    wheel(combo, +1)
    assert combo.currentIndex() != before


def test_wheel_over_an_unfocused_budget_cap_leaves_it(qtbot, workspace):
    from app.ui.office_dialog import OfficeBudgetDialog

    dialog = OfficeBudgetDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    before = dialog.cap.value()
    dialog.rates_date.setFocus()
    wheel(dialog.cap, +1)
    assert dialog.cap.value() == before
    date = dialog.rates_date.date()
    dialog.cap.setFocus()
    wheel(dialog.rates_date, +1)
    assert dialog.rates_date.date() == date


# Each guarded class handles its own wheel events (one filter on the application would see
# every event of every widget); so app/ui builds none of Qt's own.
UNGUARDED = {"QComboBox", "QSpinBox", "QDoubleSpinBox", "QDateEdit", "QTimeEdit",
             "QDateTimeEdit", "QFontComboBox"}  # fmt: skip


def test_every_combo_spin_and_date_box_is_a_guarded_one():
    import ast

    import app.ui

    found = []
    for path in Path(app.ui.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            bases = node.bases if isinstance(node, ast.ClassDef) else []
            called = [node.func] if isinstance(node, ast.Call) else []
            for name in [*bases, *called]:
                if isinstance(name, ast.Name) and name.id in UNGUARDED:
                    found.append(f"{path.name}:{node.lineno} {name.id}")
    guarded = [entry for entry in found if entry.startswith("input_guard.py")]
    assert len(guarded) == 3  # the guarded classes themselves
    assert found == guarded, "use app.ui.input_guard's ComboBox, SpinBox or DateEdit"


def test_a_problem_goes_as_soon_as_the_question_is_answered(qtbot, workspace, ready_case):  # noqa: F811
    from app.services.cases import CaseRegister
    from test_services import new_case

    case_number = CaseRegister(workspace).open_case(new_case()).case_number
    window = open_window(qtbot, workspace, case_number)
    page = window.pages["consent"]
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)  # Complete this step
    informed = page.rows["information_received"]
    voluntary = page.rows["voluntary_return_declaration"]
    assert informed.problem.isVisible() and voluntary.problem.isVisible()
    assert "required" in informed.problem.text()

    qtbot.mouseClick(page.editors["information_received"].yes, Qt.MouseButton.LeftButton)
    assert not informed.problem.isVisible() and informed.problem.text() == ""
    assert voluntary.problem.isVisible()  # still unanswered


def test_questions_appearing_do_not_move_the_answer_under_the_pointer(qtbot, workspace):
    from app.services.cases import CaseRegister
    from test_services import new_case
    from test_session_ui import tick

    case_number = CaseRegister(workspace).open_case(new_case()).case_number
    window = open_window(qtbot, workspace, case_number)
    window.go_to(1)
    page = window.pages["intake"]
    boxes = page.editors["vulnerabilities"].boxes
    illness = boxes["serious_illness"]
    bar = page.verticalScrollBar()
    for _round in range(2):
        page.ensureWidgetVisible(illness)
        bar.setValue(bar.value() + 120)  # the box near the top of the view
        y = illness.mapTo(page.viewport(), QPoint(0, 0)).y()
        tick(qtbot, illness)  # details of the illness appear below (then go again)
        QApplication.processEvents()
        assert illness.mapTo(page.viewport(), QPoint(0, 0)).y() == y
    page.ensureWidgetVisible(page.editors["intended_activity"])  # the bottom of the form
    bar.setValue(bar.maximum())
    tick(qtbot, illness)
    QApplication.processEvents()
    y = illness.mapTo(page.viewport(), QPoint(0, 0)).y()
    tick(qtbot, illness)  # fields go away while scrolled far down: the page shrinks
    QApplication.processEvents()
    assert illness.mapTo(page.viewport(), QPoint(0, 0)).y() == y


def test_a_plan_above_the_cap_is_ready_only_with_its_justification(qtbot, workspace, tmp_path):
    from app.domain.cases import CaseStatus
    from app.services.cases import CaseRegister
    from app.services.counselling import Counselling
    from test_counselling import CONSENT, INTAKE, plan
    from test_services import new_case

    counselling = Counselling(workspace)
    case_number = CaseRegister(workspace).open_case(new_case()).case_number
    counselling.save_answers(case_number, "consent", CONSENT)
    counselling.complete_step(case_number, "consent")
    counselling.save_answers(case_number, "intake", INTAKE)
    counselling.complete_step(case_number, "intake")
    counselling.save_answers(case_number, "plan", plan(("800", "EUR"), ("900", "EUR")))
    window = open_window(qtbot, workspace, case_number)
    assert window.current_step() == "plan"
    assert "Why the plan exceeds the budget cap" in window.plan_assessment.text()
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    row = window.pages["plan"].rows["budget_justification"]
    assert row.problem.isVisible() and "1500 EUR" in row.problem.text()
    assert counselling.state(case_number).case.status is CaseStatus.PLANNING

    text = window.pages["plan"].editors["budget_justification"].text
    qtbot.keyClicks(text, "Medical equipment for a chronic illness costs more.")
    assert not row.problem.isVisible()
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    assert counselling.state(case_number).case.status is CaseStatus.READY
    assert "the exception is needed is written under" in window.plan_assessment.text()

    from app.services.printing import PrintForm, Printing

    out = tmp_path / "plan.pdf"
    Printing(workspace).print_to_file(case_number, PrintForm.PLAN, out, "en")
    assert "Medical equipment for a chronic illness" in pdf_text(out)
