"""Correcting a case's returnee and household after it was opened: the service and the dialog."""

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from app.domain.cases import CaseStatus
from app.domain.dates import PartialDate
from app.domain.errors import CaseIdentityLocked, InvalidInput
from app.domain.people import HouseholdMemberInput, IdentityInput, PersonInput, Relationship, Sex
from app.services.cases import CaseQuery, CaseRegister
from app.services.counselling import Counselling
from app.store.models import AuditEvent
from app.ui.edit_case_dialog import EditCaseDialog
from test_services import new_case

HOUSEHOLD = (
    HouseholdMemberInput("Lan", "Tran", dt.date(1992, 1, 2), Sex.FEMALE, Relationship.SPOUSE),
    HouseholdMemberInput("Minh", "Nguyen", PartialDate(2019), Sex.MALE, Relationship.CHILD),
    HouseholdMemberInput("Hoa", "Nguyen", None, Sex.FEMALE, Relationship.SIBLING, False),
)


@pytest.fixture
def register(workspace):
    return CaseRegister(workspace)


@pytest.fixture
def case_number(register):
    return register.open_case(new_case(household=HOUSEHOLD)).case_number


def identity_events(workspace, case_number):
    with workspace.reading() as session:
        return session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "case.identity_changed")
            .order_by(AuditEvent.id)
        ).all()


def found(register, text):
    return [row.case_number for row in register.page(CaseQuery(text=text), 0, 10)]


def as_identity(register, case_number, **changes) -> IdentityInput:
    """The case's identity as stored, with ``changes``: what an untouched dialog hands over."""
    detail = register.detail(case_number)
    row = detail.row
    values = dict(
        returnee=PersonInput(row.given_name, row.family_name, row.date_of_birth, detail.sex),
        nationality=row.nationality,
        country_of_return=row.country_of_return,
        region_of_return=row.region_of_return,
        native_name=detail.native_name,
        household=tuple(
            HouseholdMemberInput(m.given_name, m.family_name, m.date_of_birth, m.sex,
                                 m.relationship, m.returns_together, m.uuid)
            for m in detail.household
        ),
    )  # fmt: skip
    values.update(changes)
    return IdentityInput(**values)


def test_service_changes_returnee_and_household_in_one_revision(workspace, register, case_number):
    before = register.detail(case_number)
    lan, minh, _hoa = before.household
    household = (
        HouseholdMemberInput("Lan", "Tran", dt.date(1992, 1, 2), Sex.FEMALE,
                             Relationship.SPOUSE, True, lan.uuid),
        HouseholdMemberInput("Minh", "Nguyen", PartialDate(2019, 3, 4), Sex.MALE,
                             Relationship.CHILD, True, minh.uuid),
        HouseholdMemberInput("Mai", "Nguyen", PartialDate(2021), Sex.FEMALE, Relationship.CHILD),
    )  # fmt: skip
    identity = as_identity(
        register,
        case_number,
        returnee=PersonInput("Anh", "Nguyen", PartialDate(1990), Sex.MALE),
        region_of_return="Hà Tĩnh",
        household=household,
    )
    row = register.edit_identity(case_number, identity)
    assert row.given_name == "Anh" and row.date_of_birth == PartialDate(1990)

    after = register.detail(case_number)
    assert after.revision == before.revision + 1
    assert after.row.region_of_return == "Hà Tĩnh"
    assert [(m.given_name, m.date_of_birth) for m in after.household] == [
        ("Lan", PartialDate(1992, 1, 2)), ("Minh", PartialDate(2019, 3, 4)),
        ("Mai", PartialDate(2021)),
    ]  # fmt: skip
    assert [m.uuid for m in after.household[:2]] == [lan.uuid, minh.uuid]  # kept, not replaced
    (event,) = identity_events(workspace, case_number)
    assert event.case_revision == after.revision
    assert event.detail == {
        "changes": [
            {"field": "given_name", "old": "An", "new": "Anh"},
            {"field": "date_of_birth", "old": "1990-05-01", "new": "1990"},
            {"field": "region_of_return", "old": "Nghệ An", "new": "Hà Tĩnh"},
            {"field": "household[3]", "old": "Hoa Nguyen", "new": "removed"},
            {"field": "household[2].date_of_birth", "old": "2019", "new": "2019-03-04"},
            {"field": "household[3]", "old": None, "new": "added"},
        ]
    }
    assert found(register, "mai") == [case_number]
    assert found(register, "hoa") == [] and found(register, "anh") == [case_number]


def test_removing_a_member_in_the_middle_renumbers_the_rest(workspace, register, case_number):
    lan, _minh, hoa = register.detail(case_number).household
    identity = as_identity(register, case_number)
    kept = (identity.household[0], identity.household[2])
    register.edit_identity(case_number, as_identity(register, case_number, household=kept))
    after = register.detail(case_number).household
    assert [(m.given_name, m.uuid) for m in after] == [("Lan", lan.uuid), ("Hoa", hoa.uuid)]
    (event,) = identity_events(workspace, case_number)
    assert event.detail["changes"] == [
        {"field": "household[2]", "old": "Minh Nguyen", "new": "removed"}
    ]


def test_nothing_changed_no_event_no_revision(workspace, register, case_number):
    before = register.detail(case_number)
    register.edit_identity(case_number, as_identity(register, case_number))
    assert register.detail(case_number).revision == before.revision
    assert identity_events(workspace, case_number) == []


def test_wrong_input_and_ended_cases_are_refused_with_nothing_changed(
    workspace, register, case_number
):
    before = register.detail(case_number)
    wrong = as_identity(
        register,
        case_number,
        returnee=PersonInput("", "Nguyen", PartialDate(dt.date.today().year + 1), Sex.MALE),
        country_of_return="QQ",
    )
    with pytest.raises(InvalidInput) as caught:
        register.edit_identity(case_number, wrong)
    assert set(caught.value.problems) == {"given_name", "date_of_birth", "country_of_return"}

    Counselling(workspace).change_status(case_number, CaseStatus.WITHDRAWN)
    renamed = as_identity(
        register, case_number, returnee=PersonInput("Anh", "Nguyen", None, Sex.MALE)
    )
    with pytest.raises(CaseIdentityLocked, match="Withdrawn"):
        register.edit_identity(case_number, renamed)
    after = register.detail(case_number)
    assert after.row.given_name == "An" and after.household == before.household
    assert identity_events(workspace, case_number) == []


# the dialog


def open_dialog(qtbot, register, case_number) -> EditCaseDialog:
    dialog = EditCaseDialog(register, case_number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def retype(qtbot, line, text):
    """Select what the field holds and type over it, as a person does."""
    line.setFocus()
    qtbot.keyClick(line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(line, text)


def click_row_number(qtbot, table, row):
    header = table.verticalHeader()
    point = QPoint(header.width() // 2, header.sectionViewportPosition(row) + 5)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)


def save(dialog):
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_dialog_is_prefilled_and_saves_what_was_typed(qtbot, workspace, register, case_number):
    lan = register.detail(case_number).household[0]
    dialog = open_dialog(qtbot, register, case_number)
    household = dialog.household
    assert dialog.given_name.text() == "An"
    assert dialog.date_of_birth.line.text() == "01/05/1990"
    assert dialog.date_of_birth.words.text() == "1 May 1990"
    assert dialog.country_of_return.code() == "VN"
    assert household.table.rowCount() == 3
    assert household.widget(1, household.BORN).line.text() == "2019"
    assert household.widget(2, household.TOGETHER).isChecked() is False
    assert not dialog.session_language.isVisible()  # changed in the session, not here

    retype(qtbot, dialog.given_name, "Anh")
    retype(qtbot, dialog.date_of_birth.line, "1990")
    retype(qtbot, household.widget(1, household.BORN).line, "04/03/2019")
    click_row_number(qtbot, household.table, 2)
    qtbot.mouseClick(household.remove_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(household.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(household.widget(2, household.GIVEN), "Mai")
    qtbot.keyClicks(household.widget(2, household.FAMILY), "Nguyen")
    household.widget(2, household.RELATION).set_value(Relationship.CHILD)
    household.widget(2, household.SEX).set_value(Sex.FEMALE)
    qtbot.keyClicks(household.widget(2, household.BORN).line, "2021")
    save(dialog)

    assert dialog.result() == EditCaseDialog.DialogCode.Accepted
    assert dialog.saved is not None and dialog.saved.given_name == "Anh"
    detail = register.detail(case_number)
    assert detail.row.date_of_birth == PartialDate(1990)
    assert [(m.given_name, m.date_of_birth, m.relationship) for m in detail.household] == [
        ("Lan", PartialDate(1992, 1, 2), Relationship.SPOUSE),
        ("Minh", PartialDate(2019, 3, 4), Relationship.CHILD),
        ("Mai", PartialDate(2021), Relationship.CHILD),
    ]
    assert detail.household[0].uuid == lan.uuid
    (event,) = identity_events(workspace, case_number)
    assert [change["field"] for change in event.detail["changes"]] == [
        "given_name", "date_of_birth", "household[3]", "household[2].date_of_birth",
        "household[3]",
    ]  # fmt: skip


def test_dialog_shows_problems_beside_the_fields_and_saves_nothing(
    qtbot, workspace, register, case_number
):
    dialog = open_dialog(qtbot, register, case_number)
    household = dialog.household
    dialog.given_name.clear()
    born = household.widget(0, household.BORN)
    retype(qtbot, born.line, "31/02/1992")
    save(dialog)
    assert dialog.isVisible()
    assert "the given name is required" in dialog.problems.text()
    assert "household member 1: this date cannot be read" in dialog.problems.text()
    assert "border" in dialog.given_name.styleSheet()
    assert "border" in born.line.styleSheet() and born.line.text() == "31/02/1992"
    assert dialog.family_name.styleSheet() == ""
    assert register.detail(case_number).row.given_name == "An"
    assert identity_events(workspace, case_number) == []

    qtbot.keyClicks(dialog.given_name, "An")
    retype(qtbot, born.line, "02/01/1992")
    save(dialog)
    assert dialog.result() == EditCaseDialog.DialogCode.Accepted
    assert identity_events(workspace, case_number) == []  # back as it was: nothing changed


def test_dialog_of_a_withdrawn_case_only_shows_it(qtbot, workspace, register, case_number):
    Counselling(workspace).change_status(case_number, CaseStatus.WITHDRAWN)
    dialog = open_dialog(qtbot, register, case_number)
    assert "can no longer be changed" in dialog.problems.text()
    assert dialog.problems.isVisible()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert not dialog.given_name.isEnabled() and not dialog.household.isEnabled()


def test_the_printed_request_shows_a_year_or_month_alone(workspace, register, case_number):
    from app.services.printing import PrintForm, Printing
    from test_printing import pdf_text

    household = as_identity(register, case_number).household
    minh = household[1]
    changed = (household[0], HouseholdMemberInput(
        minh.given_name, minh.family_name, PartialDate(2019, 6), minh.sex, minh.relationship,
        minh.returns_together, minh.member_id,
    ))  # fmt: skip
    identity = as_identity(
        register,
        case_number,
        returnee=PersonInput("An", "Nguyen", PartialDate(1990), Sex.MALE),
        household=changed,
    )
    register.edit_identity(case_number, identity)
    text = " ".join(pdf_text(Printing(workspace).render(case_number, PrintForm.REQUEST).pdf))
    assert "1990" in text and "1 Jan 1990" not in text
    # Household dates in each column's locale, in the form's one style (medium), like the rest.
    assert "June 2019" in text and "2 Jan 1992" in text and "2 thg 1, 1992" in text
