"""Accounts in the window: the administrator's dialog, password changes, sign-in and sign-out."""

import json
import sys
from typing import ClassVar

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from sqlalchemy import select

from app.domain.accounts import Role
from app.domain.errors import AuthenticationFailed
from app.services.accounts import add_account, disable_account, list_accounts, reset_password
from app.services.demo import add_demo_cases
from app.services.workspace import unlock
from app.store.models import CounsellingSession
from app.ui import application
from app.ui.accounts_dialog import AccountsDialog
from app.ui.application import ui_settings
from app.ui.login_dialog import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.password_dialog import ChangePasswordDialog

from tests_support import PASSWORD

TEMPORARY = "temporary pass"
STATE, MUST_CHANGE = 3, 4


@pytest.fixture
def boris(workspace):
    add_account(workspace, "boris", "Boris Petrov", Role.COUNSELLOR, "boris password")
    return "boris"


@pytest.fixture
def accounts(qtbot, workspace):
    dialog = AccountsDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def click_row(qtbot, dialog, username):
    row = next(i for i, a in enumerate(dialog.accounts) if a.username == username)
    rect = dialog.table.visualRect(dialog.table.model().index(row, 0))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.selected().username == username
    return row


def cell(dialog, username, column):
    row = next(i for i, a in enumerate(dialog.accounts) if a.username == username)
    return dialog.table.item(row, column).text()


def answer_message_box(qtbot, button_text):
    """Click ``button_text`` in the message box about to open."""
    seen = {}

    def click():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen["text"] = box.text()
        button = next(b for b in box.findChildren(QPushButton) if b.text() == button_text)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, click)
    return seen


def slots(paths):
    return json.loads(paths.keyring.read_text(encoding="utf-8"))["slots"]


def test_adding_an_account_by_typing(qtbot, accounts, installed):
    qtbot.mouseClick(accounts.add_button, Qt.MouseButton.LeftButton)
    add = accounts.add_dialog
    assert add is not None and add.isVisible()
    qtbot.keyClicks(add.username, "x")
    qtbot.keyClicks(add.password, "short")
    qtbot.keyClicks(add.repeat, "short")
    qtbot.mouseClick(add.ok_button, Qt.MouseButton.LeftButton)
    assert add.isVisible()
    assert "2 to 32" in add.problems["username"].text() and add.problems["username"].isVisible()
    assert "at least 8 characters" in add.problems["password"].text()
    assert not add.problems["repeat"].isVisible()

    for field, text in ((add.username, "anna"), (add.password, "boris password"),
                        (add.repeat, "boris passwort")):  # fmt: skip
        field.clear()
        qtbot.keyClicks(field, text)
    qtbot.mouseClick(add.ok_button, Qt.MouseButton.LeftButton)
    assert add.problems["repeat"].text() == "The two passwords differ."
    assert not add.problems["password"].isVisible()

    add.repeat.clear()
    qtbot.keyClicks(add.repeat, "boris password")
    qtbot.mouseClick(add.ok_button, Qt.MouseButton.LeftButton)
    assert add.isVisible() and "already exists" in add.problems["username"].text()

    add.username.clear()
    qtbot.keyClicks(add.username, "Boris")
    qtbot.keyClicks(add.display_name, "Boris Petrov")
    add.role.setCurrentIndex(add.role.findText("Supervisor"))
    qtbot.mouseClick(add.ok_button, Qt.MouseButton.LeftButton)
    assert not add.isVisible()
    assert accounts.selected().username == "boris"
    assert [accounts.table.item(0, c).text() for c in range(3)] == [
        "anna", "Anna Kováčová", "Administrator"
    ]  # fmt: skip
    assert cell(accounts, "boris", 2) == "Supervisor" and cell(accounts, "boris", 5) == "never"
    signed_in = unlock(installed, "boris", "boris password", sign_in=True)
    assert signed_in.user.role is Role.SUPERVISOR
    signed_in.close()


def test_a_reset_password_is_replaced_in_the_forced_dialog(qtbot, accounts, installed, boris):
    accounts.reload()
    click_row(qtbot, accounts, "boris")
    assert accounts.reset_button.isEnabled()
    qtbot.mouseClick(accounts.reset_button, Qt.MouseButton.LeftButton)
    reset = accounts.reset_dialog
    assert reset is not None and reset.isVisible()
    qtbot.keyClicks(reset.password, TEMPORARY)
    qtbot.keyClicks(reset.repeat, "something else")
    qtbot.mouseClick(reset.ok_button, Qt.MouseButton.LeftButton)
    assert reset.isVisible() and reset.repeat_problem.text() == "The two passwords differ."
    reset.repeat.clear()
    qtbot.keyClicks(reset.repeat, TEMPORARY)
    qtbot.mouseClick(reset.ok_button, Qt.MouseButton.LeftButton)
    assert not reset.isVisible()
    assert cell(accounts, "boris", MUST_CHANGE) == "Yes"

    signed_in = unlock(installed, "boris", TEMPORARY, sign_in=True, allow_temporary_password=True)
    assert signed_in.user.must_change_password
    forced = ChangePasswordDialog(signed_in, None, True, current_password=TEMPORARY)
    qtbot.addWidget(forced)
    forced.show()
    assert not forced.current.isVisible() and forced.cancel_button.text() == "Sign out"
    qtbot.keyClicks(forced.new_password, TEMPORARY)
    qtbot.keyClicks(forced.repeat, TEMPORARY)
    qtbot.mouseClick(forced.ok_button, Qt.MouseButton.LeftButton)
    assert forced.isVisible() and "must differ" in forced.message.text()
    for field in (forced.new_password, forced.repeat):
        field.clear()
        qtbot.keyClicks(field, "only boris knows")
    qtbot.mouseClick(forced.ok_button, Qt.MouseButton.LeftButton)
    assert forced.result() == ChangePasswordDialog.DialogCode.Accepted
    signed_in.close()
    unlock(installed, "boris", "only boris knows").close()
    accounts.reload()
    assert cell(accounts, "boris", MUST_CHANGE) == "No"


def test_disabling_asks_first_then_the_password_opens_nothing(qtbot, accounts, installed, boris):
    accounts.reload()
    click_row(qtbot, accounts, "boris")
    assert accounts.disable_button.isEnabled()
    seen = answer_message_box(qtbot, "Cancel")
    qtbot.mouseClick(accounts.disable_button, Qt.MouseButton.LeftButton)
    assert "Boris Petrov (boris)" in seen["text"]
    assert cell(accounts, "boris", STATE) == "Active" and "boris" in slots(installed)

    answer_message_box(qtbot, "Disable")
    qtbot.mouseClick(accounts.disable_button, Qt.MouseButton.LeftButton)
    assert cell(accounts, "boris", STATE) == "Disabled"
    assert not accounts.disable_button.isEnabled() and accounts.reset_button.isEnabled()
    assert "Reset its password to enable it again" in accounts.hint.text()
    assert "boris" not in slots(installed)
    with pytest.raises(AuthenticationFailed):
        unlock(installed, "boris", "boris password")


def test_your_own_account_cannot_be_disabled(qtbot, accounts, installed, workspace):
    click_row(qtbot, accounts, "anna")
    assert not accounts.disable_button.isEnabled() and not accounts.reset_button.isEnabled()
    assert accounts.hint.isVisible()
    assert "You cannot disable your own account." in accounts.hint.text()

    # Meanwhile another administrator disables anna: the list on screen is out of date, and
    # the service still refuses to leave the office without an administrator.
    add_account(workspace, "carla", "", Role.ADMIN, "carla password")
    accounts.reload()
    carla = unlock(installed, "carla", "carla password")
    disable_account(carla, "anna")
    carla.close()
    click_row(qtbot, accounts, "carla")
    answer_message_box(qtbot, "Disable")
    qtbot.mouseClick(accounts.disable_button, Qt.MouseButton.LeftButton)
    assert accounts.message.isVisible()
    assert "carla is the last active administrator" in accounts.message.text()
    assert cell(accounts, "carla", STATE) == "Active" and "carla" in slots(installed)


def test_changing_your_own_password(qtbot, workspace, installed):
    dialog = ChangePasswordDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.current.isVisible()
    qtbot.keyClicks(dialog.current, "not my password")
    qtbot.keyClicks(dialog.new_password, "a brand new one")
    qtbot.keyClicks(dialog.repeat, "a brand new one")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.message.text() == "The current password is not right."
    dialog.current.clear()
    qtbot.keyClicks(dialog.current, PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == ChangePasswordDialog.DialogCode.Accepted
    unlock(installed, "anna", "a brand new one").close()


def type_into_login(qtbot, username, password, offered):
    """A LoginDialog.exec that types as a person would and presses Enter."""

    def run(dialog):
        offered.append(dialog.username.text())
        qtbot.addWidget(dialog)
        dialog.show()
        if username is None:  # the person clicks Quit
            dialog.reject()
            return dialog.result()
        dialog.username.clear()
        qtbot.keyClicks(dialog.username, username)
        qtbot.keyClicks(dialog.password, password)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        return dialog.result()

    return run


def test_sign_in_after_a_reset_asks_for_a_new_password(qtbot, installed, workspace, boris,
                                                       monkeypatch):  # fmt: skip
    reset_password(workspace, "boris", TEMPORARY)
    offered = []
    monkeypatch.setattr(LoginDialog, "exec", type_into_login(qtbot, "boris", TEMPORARY, offered))

    def choose(dialog):
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.forced and not dialog.current.isVisible()
        qtbot.keyClicks(dialog.new_password, "only boris knows")
        qtbot.keyClicks(dialog.repeat, "only boris knows")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(ChangePasswordDialog, "exec", choose)
    signed_in = application.sign_in(installed, ui_settings(installed))
    assert signed_in is not None and signed_in.user.username == "boris"
    assert not signed_in.user.must_change_password
    signed_in.close()
    unlock(installed, "boris", "only boris knows").close()
    boris_now = next(a for a in list_accounts(workspace) if a.username == "boris")
    assert not boris_now.must_change_password and boris_now.last_login_at is not None


def test_declining_the_new_password_signs_out(qtbot, installed, workspace, boris, monkeypatch):
    reset_password(workspace, "boris", TEMPORARY)
    offered = []
    tries = iter([("boris", TEMPORARY), (None, None)])

    def login(dialog):
        username, password = next(tries)
        return type_into_login(qtbot, username, password, offered)(dialog)

    def decline(dialog):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(LoginDialog, "exec", login)
    monkeypatch.setattr(ChangePasswordDialog, "exec", decline)
    assert application.sign_in(installed, ui_settings(installed)) is None
    assert offered == ["anna", "boris"]  # signed out: back to sign-in, boris offered
    unlock(installed, "boris", TEMPORARY, allow_temporary_password=True).close()  # unchanged


class SignOutWindow(MainWindow):
    """MainWindow with the signal the lead adds; each instance runs the next scripted step."""

    sign_out_requested = Signal()
    steps: ClassVar[list] = []
    windows: ClassVar[list] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        SignOutWindow.windows.append(self)
        QTimer.singleShot(0, lambda: SignOutWindow.steps.pop(0)(self))


def test_sign_out_closes_everything_and_signs_in_again(qtbot, installed, workspace,
                                                       monkeypatch):  # fmt: skip
    add_demo_cases(workspace, 3, seed=5)
    add_account(workspace, "boris", "", Role.COUNSELLOR, "boris password")
    offered = []
    tries = iter([("anna", PASSWORD), ("boris", "boris password")])

    def login(dialog):
        username, password = next(tries)
        return type_into_login(qtbot, username, password, offered)(dialog)

    session_windows = []

    def open_a_session_then_sign_out(window):
        window.select_case(window.model.row_at(0).case_number)
        window.session_action.trigger()
        session_windows.extend(window.sessions.values())
        assert session_windows and session_windows[0].isVisible()
        window.sign_out_requested.emit()  # what the lead's "Sign out" action does

    def quit_normally(window):
        assert window.workspace.user.username == "boris"
        window.quit_action.trigger()

    closed = []
    real_close = application.Workspace.close
    monkeypatch.setattr(
        application.Workspace, "close", lambda ws: (closed.append(ws.user.username), real_close(ws))
    )
    monkeypatch.setattr(SignOutWindow, "steps", [open_a_session_then_sign_out, quit_normally])
    monkeypatch.setattr(SignOutWindow, "windows", [])
    monkeypatch.setattr(application, "MainWindow", SignOutWindow)
    monkeypatch.setattr(LoginDialog, "exec", login)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    # Not under test, and it would leave Qt translators installed for the tests after this.
    monkeypatch.setattr(application, "apply_language", lambda app, code: None)
    stuck = QTimer()  # a failure must not hang the run
    stuck.setSingleShot(True)
    stuck.timeout.connect(lambda: QApplication.instance().exit(99))
    stuck.start(60_000)
    try:
        assert application.run_gui(installed) == 0
    finally:
        stuck.stop()

    assert offered[1] == "anna"  # the last user is offered after signing out
    assert closed == ["anna", "boris"] and len(SignOutWindow.windows) == 2
    first = SignOutWindow.windows[0]
    assert not shiboken6.isValid(session_windows[0]) or not session_windows[0].isVisible()
    assert not shiboken6.isValid(first) or not first.isVisible()
    with workspace.reading() as session:
        sittings = session.scalars(select(CounsellingSession)).all()
        assert sittings and all(s.ended_at is not None for s in sittings)
