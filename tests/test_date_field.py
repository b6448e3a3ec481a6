"""The date field as a person uses it: typing, the calendar button, and dates by default."""

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QTableView

from app.domain.dates import PartialDate
from app.domain.people import Relationship, Sex
from app.formdefs import FieldDef, FieldType
from app.i18n import set_language
from app.services.cases import CaseRegister, SortKey
from app.services.counselling import Counselling
from app.ui.application import ui_settings
from app.ui.case_table_model import column_of
from app.ui.date_edit import DateField
from app.ui.main_window import MainWindow
from app.ui.new_case_dialog import NewCaseDialog
from app.ui.session.editors import make_editor
from test_services import new_case
from test_session_ui import editor, open_window, stored


def field(qtbot, **options) -> DateField:
    widget = DateField(**options)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def finish(qtbot, widget: DateField) -> None:
    """Leave the field as a person does, with Enter."""
    qtbot.keyClick(widget.line, Qt.Key.Key_Return)


def test_typed_digits_count_at_once_and_show_in_words(qtbot):
    date = field(qtbot)
    changes = []
    date.changed.connect(lambda: changes.append(date.value()))
    assert date.value() is None and date.line.placeholderText() == "DD/MM/YYYY"
    qtbot.keyClicks(date.line, "14/06/1985")
    assert date.value() == PartialDate(1985, 6, 14)
    assert changes[-1] == PartialDate(1985, 6, 14)
    assert date.words.text() == "14 June 1985"
    date.line.clear()
    qtbot.keyClicks(date.line, "1985")
    assert date.value() == PartialDate(1985)
    assert date.words.text() == "1985 (year only)"
    date.line.clear()
    qtbot.keyClicks(date.line, "1985-06")
    assert date.value() == PartialDate(1985, 6) and date.words.text() == "June 1985"


def test_unreadable_text_stays_outlined_with_a_hint(qtbot):
    date = field(qtbot)
    date.line.setFocus()
    qtbot.keyClicks(date.line, "14/6")
    assert date.line.styleSheet() == ""  # not outlined while still typing
    qtbot.keyClicks(date.line, "/85")
    finish(qtbot, date)
    assert date.value() is None and date.unreadable
    assert date.line.text() == "14/6/85"
    assert "border" in date.line.styleSheet()
    assert date.words.text() == "Not a date: type DD/MM/YYYY, or the year alone."
    date.line.setFocus()
    qtbot.keyClick(date.line, Qt.Key.Key_Backspace)
    qtbot.keyClick(date.line, Qt.Key.Key_Backspace)
    qtbot.keyClicks(date.line, "1985")
    finish(qtbot, date)
    assert date.value() == PartialDate(1985, 6, 14) and date.line.styleSheet() == ""


def test_a_full_date_field_refuses_a_year_alone(qtbot):
    date = field(qtbot, partial=False)
    qtbot.keyClicks(date.line, "1985")
    finish(qtbot, date)
    assert date.value() is None and "border" in date.line.styleSheet()
    assert date.words.text() == "Give the full date: day, month and year."


def test_the_order_follows_the_interface_language(qtbot):
    set_language("fa")
    date = field(qtbot)
    qtbot.keyClicks(date.line, "1985/06/14")
    assert date.value() == PartialDate(1985, 6, 14)
    date.set_value(PartialDate(2001, 2, 3))
    assert date.line.text() == "2001/02/03"
    set_language("fr")
    french = field(qtbot)
    qtbot.keyClicks(french.line, "01/02/1985")
    assert french.value() == PartialDate(1985, 2, 1)


def test_calendar_opens_on_today_when_empty_and_picking_a_day_fills_the_field(qtbot):
    date = field(qtbot)
    today = dt.date.today()
    qtbot.mouseClick(date.button, Qt.MouseButton.LeftButton)
    assert date.popup.isVisible()
    assert (date.calendar.yearShown(), date.calendar.monthShown()) == (today.year, today.month)
    assert date.calendar.selectedDate() == QDate(today.year, today.month, today.day)
    qtbot.keyClick(date.calendar.findChild(QTableView), Qt.Key.Key_Return)
    assert not date.popup.isVisible()
    assert date.value() == PartialDate.of(today)


def test_calendar_opens_on_the_typed_date(qtbot):
    date = field(qtbot)
    qtbot.keyClicks(date.line, "14/06/1985")
    qtbot.mouseClick(date.button, Qt.MouseButton.LeftButton)
    assert date.calendar.selectedDate() == QDate(1985, 6, 14)
    view = date.calendar.findChild(QTableView)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert date.line.text() == "15/06/1985"
    date.line.clear()
    qtbot.keyClicks(date.line, "1985")
    qtbot.keyClick(date.line, Qt.Key.Key_F4)  # the keyboard opens it too
    assert date.popup.isVisible() and date.calendar.yearShown() == 1985
    qtbot.keyClick(date.calendar.findChild(QTableView), Qt.Key.Key_Escape)
    assert not date.popup.isVisible() and date.line.text() == "1985"


def _fact(pane, label: str) -> str:
    layout: QFormLayout = pane._facts
    for row in range(layout.rowCount()):
        name = layout.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
        if isinstance(name, QLabel) and name.text() == label:
            return layout.itemAt(row, QFormLayout.ItemRole.FieldRole).widget().text()
    raise KeyError(label)


def test_a_year_alone_typed_in_the_new_case_dialog_is_kept_as_a_year(
    qtbot, workspace, installed, monkeypatch
):
    window = MainWindow(workspace, ui_settings(installed))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    def run_dialog(dialog):  # stands in for the modal loop: show, type, press OK
        dialog.show()
        qtbot.keyClicks(dialog.given_name, "Ahmad")
        qtbot.keyClicks(dialog.family_name, "Karimi")
        qtbot.keyClicks(dialog.date_of_birth.line, "1985")
        dialog.sex.set_value(Sex.MALE)
        dialog.nationality.set_code("AF")
        dialog.country_of_return.set_code("AF")
        dialog.session_language.set_code("fa")
        household = dialog.household
        row = household.add_member()
        qtbot.keyClicks(household.widget(row, household.GIVEN), "Zahra")
        household.widget(row, household.RELATION).set_value(Relationship.SPOUSE)
        household.widget(row, household.SEX).set_value(Sex.FEMALE)
        qtbot.keyClicks(household.widget(row, household.BORN).line, "06/1988")
        dialog.accept()
        assert not dialog.problems.text()
        return dialog.result()

    monkeypatch.setattr(NewCaseDialog, "exec", run_dialog)
    window.new_case_action.trigger()
    (case_number,) = window.sessions
    qtbot.addWidget(window.sessions[case_number])
    detail = CaseRegister(workspace).detail(case_number)
    assert detail.row.date_of_birth == PartialDate(1985)
    assert detail.household[0].date_of_birth == PartialDate(1988, 6)
    assert _fact(window.detail, "Date of birth") == "1985"
    assert "June 1988" in window.detail._household.itemAt(0).widget().text()
    selected = window.table.selectionModel().selectedRows()[0]
    born = window.model.index(selected.row(), column_of(SortKey.BIRTH))
    assert window.model.data(born) == "1985"


def test_household_table_does_not_cut_relationships(qtbot, workspace):
    dialog = NewCaseDialog(CaseRegister(workspace))
    qtbot.addWidget(dialog)
    dialog.show()
    household = dialog.household
    row = household.add_member()
    relation = household.widget(row, household.RELATION)
    relation.set_value(Relationship.SPOUSE)
    qtbot.waitExposed(dialog)
    needed = relation.fontMetrics().horizontalAdvance("Spouse or partner")
    assert household.table.columnWidth(household.RELATION) >= relation.width() > needed
    assert isinstance(household.widget(row, household.BORN), DateField)


def test_the_declaration_is_dated_today_and_saved(qtbot, workspace):
    case_number = CaseRegister(workspace).open_case(new_case()).case_number
    window = open_window(qtbot, workspace, case_number)
    date = editor(window, "consent", "consent_date").date
    today = dt.date.today()
    assert date.value() == PartialDate.of(today)
    assert date.line.text() == today.strftime("%d/%m/%Y")
    qtbot.waitUntil(
        lambda: stored(workspace, case_number, "consent").get("consent_date") == today.isoformat(),
        timeout=3000,
    )
    # a date the counsellor changed stays as it is when the page is shown again
    date.line.clear()
    qtbot.keyClicks(date.line, "01/02/2026")
    window.go_to(1)
    window.go_to(0)
    assert date.line.text() == "01/02/2026"
    assert stored(workspace, case_number, "consent")["consent_date"] == "2026-02-01"
    assert Counselling(workspace).state(case_number).responses["consent"].form_version == "2026.2"


def test_a_partial_form_question_takes_a_year_alone(qtbot):
    def editor_for(**options):
        field_def = FieldDef(id="born", type=FieldType.DATE, label="Born", **options)
        widget = make_editor(field_def, str, str)
        qtbot.addWidget(widget)
        widget.show()
        return widget

    partial = editor_for(partial=True)
    qtbot.keyClicks(partial.date.line, "1985")
    assert partial.value() == "1985"
    partial.set_value("1985-06")
    assert partial.date.line.text() == "06/1985" and partial.value() == "1985-06"
    full = editor_for()
    qtbot.keyClicks(full.date.line, "1985")
    assert full.value() is None
    full.set_value("not a date")  # an odd stored answer stays visible, marked
    assert full.date.line.text() == "not a date" and "border" in full.date.line.styleSheet()
