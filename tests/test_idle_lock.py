"""Left alone, the window hides case data and asks for the password; typed text survives."""

from PySide6.QtCore import Qt

from app.services.cases import CaseRegister
from app.services.counselling import Counselling
from app.services.office import auto_lock_minutes, set_auto_lock_minutes
from app.ui.application import ui_settings
from app.ui.main_window import MainWindow
from test_services import new_case

from tests_support import PASSWORD


def test_idle_window_locks_and_unlocks_with_the_password(qtbot, workspace, installed):
    number = CaseRegister(workspace).open_case(new_case()).case_number
    window = MainWindow(workspace, ui_settings(installed))
    qtbot.addWidget(window)
    window.show()
    assert window.select_case(number)
    session = window.open_selected_session() or window.sessions[number]
    session.go_to(1)
    reason = session.pages["intake"].editors["reason_for_return"].text
    qtbot.keyClicks(reason, "Family reasons")

    window.idle_lock.set_idle_seconds(0.3)
    qtbot.waitUntil(lambda: window.idle_lock.is_locked, timeout=5000)
    screen = window.idle_lock.screen
    assert not window.isVisible() and not session.isVisible() and screen.isVisible()
    answers = Counselling(workspace).state(number).responses["intake"].answers
    assert answers["reason_for_return"] == "Family reasons"  # saved before hiding

    qtbot.keyClicks(screen.password, "not the password")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    assert screen.isVisible() and "Wrong" in screen.message.text()
    assert not window.isVisible()
    qtbot.keyClick(screen, Qt.Key.Key_Escape)  # no way around the password
    assert screen.isVisible()

    qtbot.keyClicks(screen.password, PASSWORD)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.idle_lock.is_locked)
    assert window.isVisible() and session.isVisible()
    assert reason.toPlainText() == "Family reasons"
    window.idle_lock.set_idle_seconds(600)


def test_typing_keeps_the_window_open_and_stopping_locks_it(qtbot, workspace, installed):
    window = MainWindow(workspace, ui_settings(installed))
    qtbot.addWidget(window)
    window.show()
    window.idle_lock.set_idle_seconds(0.5)
    for _ in range(15):  # 1.5 s of typing, a key every 0.1 s: three idle times
        qtbot.keyClicks(window.search, "a")
        qtbot.wait(100)
        assert not window.idle_lock.is_locked
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton)
    qtbot.wait(300)
    assert not window.idle_lock.is_locked  # a click is input too
    qtbot.waitUntil(lambda: window.idle_lock.is_locked, timeout=5000)
    assert not window.isVisible()
    qtbot.keyClicks(window.idle_lock.screen.password, PASSWORD)
    qtbot.keyClick(window.idle_lock.screen.password, Qt.Key.Key_Return)
    assert window.isVisible()
    window.idle_lock.set_idle_seconds(600)


def test_idle_time_is_set_per_office(workspace):
    assert auto_lock_minutes(workspace.paths) == 10
    set_auto_lock_minutes(workspace, 3)
    assert auto_lock_minutes(workspace.paths) == 3
