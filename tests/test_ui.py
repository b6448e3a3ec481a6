"""The desktop app driven through its real widgets (pytest-qt, offscreen)."""

import logging
import sys

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QWizard

from app.domain.errors import InvalidInput
from app.domain.people import Relationship, Sex
from app.services.cases import CaseQuery, CaseRegister
from app.services.demo import add_demo_cases
from app.services.workspace import unlock
from app.ui import errors as ui_errors
from app.ui.application import ui_settings
from app.ui.case_table_model import COLUMNS, PAGE_SIZE
from app.ui.login_dialog import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.new_case_dialog import NewCaseDialog
from app.ui.setup_wizard import SetupWizard

from tests_support import PASSWORD


@pytest.fixture
def window(qtbot, workspace, installed):
    add_demo_cases(workspace, 30, seed=3)
    main = MainWindow(workspace, ui_settings(installed))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def test_first_run_wizard_sets_up_the_office(qtbot, paths, monkeypatch):
    from app.services import workspace as workspace_service

    from tests_support import TEST_KDF

    real = workspace_service.initialise
    monkeypatch.setattr(
        "app.ui.setup_wizard.initialise", lambda *a, **k: real(*a, **k, kdf=TEST_KDF)
    )
    wizard = SetupWizard(paths)
    qtbot.addWidget(wizard)
    wizard.show()
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)  # nothing typed yet
    assert wizard.currentId() == 0
    assert "capital letters" in wizard.problems["office_code"].text()
    assert "office name is required" in wizard.problems["office_name"].text()
    qtbot.keyClicks(wizard.office_code, "sk")
    qtbot.keyClicks(wizard.office_name, "Bratislava office")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.currentId() == 1
    qtbot.keyClicks(wizard.username, "A")
    qtbot.keyClicks(wizard.password, "short")
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    # one line under each wrong field, not all of them run together
    assert "2 to 32" in wizard.problems["username"].text()
    assert "at least 8" in wizard.problems["password"].text()
    assert "2 to 32" not in wizard.problems["password"].text()
    wizard.username.clear()
    wizard.password.clear()
    qtbot.keyClicks(wizard.username, "Anna")
    qtbot.keyClicks(wizard.password, PASSWORD)
    qtbot.keyClicks(wizard.repeat, "something else")
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert wizard.isVisible() and "differ" in wizard.problems["repeat"].text()
    assert wizard.problems["username"].isHidden()
    assert not paths.is_initialised()

    wizard.repeat.clear()
    qtbot.keyClicks(wizard.repeat, PASSWORD)
    shown = {}

    def read_recovery_key():
        box = QApplication.activeModalWidget()
        shown["key"] = box.informativeText()
        shown["button"] = box.buttons()[0].text()
        box.buttons()[0].click()

    QTimer.singleShot(0, read_recovery_key)
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.info is not None and wizard.info.office_code == "SK"
    assert shown["key"] == wizard.recovery_key and len(shown["key"]) == 39
    assert shown["button"] == "I have written it down"
    unlock(paths, "anna", PASSWORD).close()


def test_login_rejects_wrong_password_then_signs_in(qtbot, installed):
    dialog = LoginDialog(lambda u, p: unlock(installed, u, p, sign_in=True), "Homeward", "anna")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "wrong password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.message.text() == "Wrong user name or password."
    assert dialog.password.text() == ""
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.workspace is not None and dialog.workspace.user.username == "anna"
    dialog.workspace.close()


def test_start_up_offers_the_admin_and_signs_in(qtbot, installed, monkeypatch):
    from app.ui import application

    seen = {}

    def sign_in_dialog(dialog):
        seen["user"] = dialog.username.text()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.password, PASSWORD)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(LoginDialog, "exec", sign_in_dialog)
    workspace = application.sign_in(installed, ui_settings(installed))
    assert seen["user"] == "anna"
    assert workspace is not None and workspace.user.username == "anna"
    workspace.close()


def test_case_list_shows_and_searches_as_you_type(qtbot, window):
    table = window.table
    assert window.model.total == 30
    assert table.model().rowCount() == 30
    assert window.count_label.text() == "30 cases"
    some = window.model.row_at(5)

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, some.case_number)
    qtbot.waitUntil(lambda: window.model.total == 1)
    assert window.model.row_at(0).case_number == some.case_number
    assert window.count_label.text() == "1 case"

    window.search.clear()
    qtbot.keyClicks(window.search, "zzzz-nobody")
    qtbot.waitUntil(lambda: window.model.total == 0)
    assert table.model().rowCount() == 0


def test_selecting_a_case_shows_its_detail(qtbot, window):
    row = window.model.row_at(0)
    window.table.selectRow(0)
    assert window.detail.title.text().startswith(row.case_number)


def test_clicking_a_header_sorts_by_that_column(qtbot, window):
    header = window.table.horizontalHeader()

    def click_case_number_header():
        point = QPoint(header.sectionViewportPosition(0) + 10, header.height() // 2)
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
        numbers = [window.model.row_at(i).case_number for i in range(window.model.rowCount())]
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        assert header.sortIndicatorSection() == 0
        assert numbers == sorted(numbers, reverse=descending)
        return descending

    first = click_case_number_header()
    assert click_case_number_header() is not first


def test_list_has_every_row_and_reads_the_end_when_scrolled_there(qtbot, workspace, installed):
    add_demo_cases(workspace, PAGE_SIZE + 50, seed=1)
    main = MainWindow(workspace, ui_settings(installed))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    assert main.model.total == main.model.rowCount() == PAGE_SIZE + 50
    last = CaseRegister(workspace).listing(main.model.query).last(1).rows[0]
    main.table.scrollToBottom()
    bottom = main.table.rowAt(main.table.viewport().height() - 1)
    assert bottom in (-1, PAGE_SIZE + 49)  # -1: the last row ends above the bottom edge
    assert main.model.index(PAGE_SIZE + 49, 0).data() == last.case_number


def _fill_new_case(qtbot, dialog):
    qtbot.keyClicks(dialog.given_name, "Giorgi")
    qtbot.keyClicks(dialog.family_name, "Beridze")
    dialog.sex.set_value(Sex.MALE)
    # QTest can only type Latin-1 key by key; Georgian arrives as an input method would send it.
    dialog.native_name.insert("გიორგი ბერიძე")
    dialog.nationality.set_code("GE")
    dialog.country_of_return.lineEdit().clear()
    qtbot.keyClicks(dialog.country_of_return.lineEdit(), "Georgia")
    qtbot.keyClicks(dialog.region_of_return, "Imereti")
    dialog.session_language.set_code("ka")
    row = dialog.household.add_member()
    qtbot.keyClicks(dialog.household.widget(row, dialog.household.GIVEN), "Nino")
    qtbot.keyClicks(dialog.household.widget(row, dialog.household.FAMILY), "Beridze")
    dialog.household.widget(row, dialog.household.RELATION).set_value(Relationship.SPOUSE)
    dialog.household.widget(row, dialog.household.SEX).set_value(Sex.FEMALE)


def test_new_case_dialog_creates_a_case(qtbot, workspace):
    register = CaseRegister(workspace)
    dialog = NewCaseDialog(register)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill_new_case(qtbot, dialog)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == NewCaseDialog.DialogCode.Accepted
    detail = register.detail(dialog.created.case_number)
    assert detail.row.country_of_return == "GE"
    assert detail.row.session_language == "ka"
    assert detail.native_name == "გიორგი ბერიძე"
    assert [(m.given_name, m.relationship, m.sex) for m in detail.household] == [
        ("Nino", Relationship.SPOUSE, Sex.FEMALE)
    ]


def test_new_case_dialog_marks_wrong_fields_and_stores_nothing(qtbot, workspace):
    register = CaseRegister(workspace)
    dialog = NewCaseDialog(register)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.family_name, "Beridze")
    qtbot.keyClicks(dialog.country_of_return.lineEdit(), "Atlantis")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible()
    assert dialog.problems.isVisible()
    assert "the given name is required" in dialog.problems.text()
    assert "border" in dialog.given_name.styleSheet()
    assert "border" in dialog.country_of_return.styleSheet()
    assert dialog.family_name.styleSheet() == ""
    assert register.count(CaseQuery()) == 0
    with pytest.raises(InvalidInput):
        register.open_case(dialog.new_case())


def test_ctrl_n_opens_new_case_and_selects_it(qtbot, window, monkeypatch):
    def run_dialog(dialog):  # stands in for the modal loop: show, type, press OK
        dialog.show()
        _fill_new_case(qtbot, dialog)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(NewCaseDialog, "exec", run_dialog)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.model.total == 31
    selected = window.table.selectionModel().selectedRows()
    assert len(selected) == 1
    assert window.model.row_at(selected[0].row()).family_name == "Beridze"
    assert "Beridze".upper() in window.detail.title.text()


def test_window_state_is_remembered(qtbot, window, installed, workspace):
    window.resize(700, 450)
    window.table.horizontalHeader().resizeSection(1, 333)
    window.close()
    settings = QSettings(str(installed.ui_state), QSettings.Format.IniFormat)
    assert settings.value("login/last_user") == "anna"
    again = MainWindow(workspace, ui_settings(installed))
    qtbot.addWidget(again)
    assert again.size().width() == 700 and again.size().height() == 450
    assert again.table.horizontalHeader().sectionSize(1) == 333


def test_columns_have_translatable_headers(window):
    headers = [window.model.headerData(i, Qt.Orientation.Horizontal) for i in range(len(COLUMNS))]
    assert headers[0] == "Case number" and "Status" in headers


def test_uncaught_exception_shows_a_dialog_and_is_logged(qtbot, monkeypatch, caplog):
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    ui_errors.install_excepthook()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        with caplog.at_level(logging.ERROR, logger="homeward.ui"):
            sys.excepthook(*sys.exc_info())
    assert len(shown) == 1
    assert "unexpected problem" in shown[0].text()
    assert "RuntimeError: boom" in shown[0].detailedText()
    assert "RuntimeError: boom" in caplog.text


def test_enter_on_a_case_opens_its_session_and_closing_refreshes(qtbot, window):
    window.table.selectRow(0)
    row = window.model.row_at(0)
    window.table.setFocus()
    window.table.setCurrentIndex(window.model.index(0, 0))
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    session = window.sessions[row.case_number]
    qtbot.addWidget(session)
    assert session.isVisible() and session.case_number == row.case_number
    session.close()
    assert row.case_number not in window.sessions


def test_interface_language_switches_at_run_time(qtbot, window, installed, qapp):
    from app.config import load_settings
    from app.ui.language import apply_language

    russian = next(a for a in window.language_actions.actions() if a.data() == "ru")
    russian.trigger()
    try:
        qtbot.waitUntil(lambda: window.file_menu.title() != "&File")
        assert window.model.headerData(0, Qt.Orientation.Horizontal) == "Номер дела"
        assert load_settings(installed)["interface_language"] == "ru"
        arabic = next(a for a in window.language_actions.actions() if a.data() == "ar")
        arabic.trigger()
        assert qapp.layoutDirection() == Qt.LayoutDirection.RightToLeft
        qapp.processEvents()
        some = window.model.row_at(3).case_number
        assert window.select_case(some)  # selecting works right to left too
        assert window.detail.title.text().startswith(some)
        # Qt's own buttons come from qtbase_ar or, for Vietnamese, from our catalog
        from app.i18n import translations

        apply_language(qapp, "vi")
        expected = translations("vi").gettext("Cancel")
        assert expected != "Cancel"
        assert qapp.translate("QPlatformTheme", "Cancel") == expected
    finally:
        apply_language(qapp, "en")
    assert qapp.layoutDirection() == Qt.LayoutDirection.LeftToRight
