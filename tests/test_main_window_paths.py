"""The case register's own paths: actions that need a case, moving a case on through the Case
menu, its history, the guide, signing out."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.domain.cases import CaseStatus
from app.services import case_progress as progress
from app.services.counselling import Counselling
from app.ui.application import ui_settings
from app.ui.case_history import CaseHistoryDialog
from app.ui.case_progress_dialog import MoveCaseDialog
from app.ui.help_dialog import HelpDialog
from app.ui.main_window import MainWindow
from test_case_progress import ready_case
from test_case_progress_ui import answer_next_question, click


def main_window(qtbot, workspace, installed):
    window = MainWindow(workspace, ui_settings(installed))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def dialog_of(window, kind):
    found = [d for d in window.findChildren(kind) if d.isVisible()]
    assert len(found) == 1
    return found[0]


def test_case_moves_from_ready_to_closed_through_the_window(qtbot, workspace, installed):
    number = ready_case(workspace)
    window = main_window(qtbot, workspace, installed)
    assert not window.move_action.isEnabled() and not window.print_action.isEnabled()
    assert window.select_case(number)
    assert window.move_action.isEnabled() and window.history_action.isEnabled()

    def move(kind):
        window.move_action.trigger()
        dialog = dialog_of(window, MoveCaseDialog)
        answer_next_question(qtbot)
        with qtbot.waitSignal(dialog.moved):
            click(qtbot, dialog.move_buttons[kind])

    move(progress.MoveKind.SUBMIT)
    assert Counselling(workspace).state(number).case.status is CaseStatus.SUBMITTED
    assert window.select_case(number)

    window.move_action.trigger()
    dialog = dialog_of(window, MoveCaseDialog)
    click(qtbot, dialog.move_buttons[progress.MoveKind.RECORD_DECISION])
    panel = dialog.decision_panel
    qtbot.keyClicks(panel.amount_edits[1], "800")
    qtbot.keyClicks(panel.amount_edits[2], "1250")
    qtbot.keyClicks(panel.reference, "HQ/77")
    with qtbot.waitSignal(dialog.moved):
        click(qtbot, panel.save_button)
    assert Counselling(workspace).state(number).case.status is CaseStatus.APPROVED
    assert window.detail.decision.isVisible()
    assert "HQ/77" in window.detail.decision.text()
    status_cell = window.model.index(window.model.row_of(number), 5)
    assert status_cell.data() == "Approved"

    move(progress.MoveKind.START_IMPLEMENTATION)
    move(progress.MoveKind.CLOSE)
    assert Counselling(workspace).state(number).case.status is CaseStatus.CLOSED

    window.history_action.trigger()
    history = dialog_of(window, CaseHistoryDialog)
    shown = [
        history.model.index(row, column).data()
        for row in range(history.model.rowCount())
        for column in range(history.model.columnCount())
    ]
    text = " ".join(str(cell) for cell in shown)
    assert all(word in text for word in ("Submitted", "Approved", "In implementation", "Closed"))


def test_a_closed_case_says_why_its_answers_are_greyed(qtbot, workspace, installed):
    number = ready_case(workspace)
    progress.submit(workspace, number, "")
    window = main_window(qtbot, workspace, installed)
    assert window.select_case(number)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    session = window.sessions[number]
    qtbot.waitExposed(session)
    assert session.locked_note.isVisible()
    assert "submitted" in session.locked_note.text()
    assert not session.pages["plan"].isEnabled()


def test_guide_lists_the_real_shortcuts(qtbot, workspace, installed):
    window = main_window(qtbot, workspace, installed)
    window.guide_action.trigger()
    guide = dialog_of(window, HelpDialog)
    rows = {guide.shortcuts.item(r, 1).text() for r in range(guide.shortcuts.rowCount())}
    assert {"Ctrl+N", "Ctrl+F", "Ctrl+P", "Ctrl+M", "Ctrl+H"} <= rows


def test_remove_demo_cases_from_the_office_menu(qtbot, workspace, installed, monkeypatch):
    from app.services.demo import add_demo_cases

    add_demo_cases(workspace, 5, seed=2)
    window = main_window(qtbot, workspace, installed)
    assert window.model.total == 5
    answer_next_question(qtbot, QMessageBox.StandardButton.Yes)
    window.remove_demo_action.trigger()
    assert window.model.total == 0
    assert "5 demo cases removed." in window.statusBar().currentMessage()


def test_edit_the_returnee_from_the_case_menu(qtbot, workspace, installed):
    from PySide6.QtWidgets import QDialogButtonBox

    from app.services.cases import CaseRegister
    from app.ui.edit_case_dialog import EditCaseDialog
    from test_edit_case import retype
    from test_services import new_case

    number = CaseRegister(workspace).open_case(new_case()).case_number
    window = main_window(qtbot, workspace, installed)
    assert window.select_case(number)
    window.edit_action.trigger()
    dialog = dialog_of(window, EditCaseDialog)
    retype(qtbot, dialog.form.family_name, "Tran-Nguyen")
    retype(qtbot, dialog.form.date_of_birth.line, "1985")
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert not dialog.isVisible()
    row = window.model.row_at(window.model.row_of(number))
    assert row.family_name == "Tran-Nguyen" and str(row.date_of_birth) == "1985"
    assert window.model.index(window.model.row_of(number), 2).data() == "1985"
    assert window.detail.title.text().endswith("TRAN-NGUYEN")


def test_back_up_from_the_office_menu(qtbot, workspace, installed, tmp_path, monkeypatch):
    import zipfile

    window = main_window(qtbot, workspace, installed)
    monkeypatch.setattr("app.ui.main_window.QFileDialog.getSaveFileName",
                        lambda *args: (str(tmp_path / "office.hwbackup"), ""))  # fmt: skip
    window.backup_action.trigger()  # written off the window's thread
    qtbot.waitUntil(lambda: "checked" in window.statusBar().currentMessage(), timeout=20_000)
    with zipfile.ZipFile(tmp_path / "office.hwbackup") as bundle:
        assert {"homeward.db", "keyring.json", "homeward-backup.json"} <= set(bundle.namelist())


def test_bundle_windows_open_from_the_menus(qtbot, workspace, installed):
    from app.ui.exchange_dialog import ExchangeDialog
    from app.ui.keys_dialog import KeysDialog

    window = main_window(qtbot, workspace, installed)
    assert not window.review_action.isVisible()  # the review queue is HQ's
    assert window.exchange_action.shortcut().toString() == "Ctrl+Shift+B"
    window.exchange_action.trigger()
    exchange = window.findChild(ExchangeDialog)
    assert exchange is not None and exchange.isVisible()
    window.keys_action.trigger()
    keys = window.findChild(KeysDialog)
    assert keys is not None and keys.isVisible()


def test_the_session_service_is_ready_soon_after_the_list_is_painted(qtbot, workspace, installed):
    """Built after the first paint (not before it, not at the first Enter on a case)."""
    window = MainWindow(workspace, ui_settings(installed))
    qtbot.addWidget(window)
    assert window._counselling is None
    window.show()
    qtbot.waitUntil(lambda: window._counselling is not None)
    assert window.counselling is window._counselling
