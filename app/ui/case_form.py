"""The returnee, where they return to and the household: one form for opening a case and for
correcting it later, with the problems shown beside the fields."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import HomewardError, InvalidInput
from app.domain.people import (
    RELATIONSHIP_LABELS,
    SEX_LABELS,
    HouseholdMemberInput,
    IdentityInput,
    NewCaseInput,
    PersonInput,
)
from app.i18n import N_, translate_error
from app.i18n import gettext as _
from app.services.cases import CaseDetail, HouseholdMemberView, input_problems
from app.ui.buttons import ok_cancel
from app.ui.date_edit import DateField
from app.ui.errors import show_error
from app.ui.pickers import EnumCombo, country_combo, language_combo

INVALID_STYLE = "border: 2px solid #c62828;"
UNREADABLE_DATE = N_("this date cannot be read")
_MEMBER_ID = "memberId"


def _readable_combo(combo: QComboBox) -> QComboBox:
    """A combo as wide as its longest choice, so "Spouse or partner" is never cut."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


class HouseholdEditor(QWidget):
    """Household members as an editable table, one row a person."""

    GIVEN, FAMILY, RELATION, BORN, SEX, TOGETHER = range(6)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.member_rows: dict[int, int] = {}
        self.table = QTableWidget(0, 6, self)
        self.table.setObjectName("householdTable")
        self.table.setHorizontalHeaderLabels(
            [
                _("Given name"),
                _("Family name"),
                _("Relationship"),
                _("Date of birth"),
                _("Sex"),
                _("Returns together"),
            ]
        )
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(90)
        # Names take the room that is left; the rest is as wide as its widgets and header.
        for column in (self.GIVEN, self.FAMILY):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        for column in (self.RELATION, self.BORN, self.SEX, self.TOGETHER):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.add_button = QPushButton(_("Add member"))
        self.add_button.setObjectName("addMember")
        self.remove_button = QPushButton(_("Remove member"))
        self.remove_button.setObjectName("removeMember")
        self.add_button.clicked.connect(self.add_member)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add_member(self) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setCellWidget(row, self.GIVEN, QLineEdit())
        self.table.setCellWidget(row, self.FAMILY, QLineEdit())
        self.table.setCellWidget(
            row, self.RELATION, _readable_combo(EnumCombo(RELATIONSHIP_LABELS))
        )
        self.table.setCellWidget(row, self.BORN, DateField(compact=True))
        sex = _readable_combo(EnumCombo(SEX_LABELS, default_first=False))
        self.table.setCellWidget(row, self.SEX, sex)
        together = QCheckBox()
        together.setChecked(True)
        self.table.setCellWidget(row, self.TOGETHER, together)
        self.table.resizeColumnsToContents()
        self.table.cellWidget(row, self.GIVEN).setFocus()
        return row

    def add_existing(self, member: HouseholdMemberView) -> int:
        """A row filled with a stored member, who keeps their identity when saved."""
        row = self.add_member()
        given = self.widget(row, self.GIVEN)
        given.setText(member.given_name)
        given.setProperty(_MEMBER_ID, str(member.uuid) if member.uuid else None)
        self.widget(row, self.FAMILY).setText(member.family_name)
        self.widget(row, self.RELATION).set_value(member.relationship)
        self.widget(row, self.BORN).set_value(member.date_of_birth)
        self.widget(row, self.SEX).set_value(member.sex)
        self.widget(row, self.TOGETHER).setChecked(member.returns_together)
        return row

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.rowCount():
            rows = [self.table.currentRow()] if self.table.currentRow() >= 0 else []
        for row in rows:
            self.table.removeRow(row)

    def widget(self, row: int, column: int) -> QWidget:
        return self.table.cellWidget(row, column)

    def members(self) -> tuple[HouseholdMemberInput, ...]:
        """The filled rows; ``member_rows`` maps each member (from 1) back to its table row."""
        members = []
        self.member_rows = {}
        for row in range(self.table.rowCount()):
            given = self.widget(row, self.GIVEN).text()
            family = self.widget(row, self.FAMILY).text()
            if not given.strip() and not family.strip():
                continue  # an empty row added by mistake
            self.member_rows[len(members) + 1] = row
            member_id = self.widget(row, self.GIVEN).property(_MEMBER_ID)
            members.append(
                HouseholdMemberInput(
                    given_name=given,
                    family_name=family,
                    date_of_birth=self.widget(row, self.BORN).value(),
                    sex=self.widget(row, self.SEX).value(),
                    relationship=self.widget(row, self.RELATION).value(),
                    returns_together=self.widget(row, self.TOGETHER).isChecked(),
                    member_id=uuid.UUID(member_id) if member_id else None,
                )
            )
        return tuple(members)


class CaseForm(QWidget):
    """The fields of a case's returnee and household; ``session_language`` only when opening."""

    def __init__(
        self, parent: QWidget | None = None, *, with_session_language: bool = True
    ) -> None:
        super().__init__(parent)
        self.given_name = QLineEdit()
        self.given_name.setObjectName("givenName")
        self.family_name = QLineEdit()
        self.family_name.setObjectName("familyName")
        self.native_name = QLineEdit()
        self.native_name.setObjectName("nativeName")
        self.native_name.setPlaceholderText(_("as the returnee writes it, if not in Latin letters"))
        self.date_of_birth = DateField()
        self.date_of_birth.setObjectName("dateOfBirth")
        self.sex = EnumCombo(SEX_LABELS, default_first=False)
        self.sex.setObjectName("sex")
        self.nationality = country_combo()
        self.nationality.setObjectName("nationality")
        self.country_of_return = country_combo()
        self.country_of_return.setObjectName("countryOfReturn")
        self.region_of_return = QLineEdit()
        self.region_of_return.setObjectName("regionOfReturn")
        self.session_language = language_combo()
        self.session_language.setObjectName("sessionLanguage")
        self.household = HouseholdEditor()

        person = QFormLayout()
        person.addRow(_("Given name") + " *", self.given_name)
        person.addRow(_("Family name"), self.family_name)
        person.addRow(_("Name in own script"), self.native_name)
        person.addRow(_("Date of birth"), self.date_of_birth)
        person.addRow(_("Sex") + " *", self.sex)
        person.addRow(_("Nationality") + " *", self.nationality)
        person.addRow(_("Country of return") + " *", self.country_of_return)
        person.addRow(_("Region of return"), self.region_of_return)
        if with_session_language:
            person.addRow(_("Language of the session") + " *", self.session_language)
        else:  # kept (hidden) so that both dialogs have the same fields
            self.session_language.setParent(self)
            self.session_language.hide()

        household_box = QGroupBox(_("Household members"))
        QVBoxLayout(household_box).addWidget(self.household)

        self.problems = QLabel()
        self.problems.setObjectName("problems")
        self.problems.setStyleSheet("color: #c62828;")
        self.problems.setWordWrap(True)
        self.problems.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(person)
        layout.addWidget(household_box, 1)
        layout.addWidget(self.problems)
        self._field_widgets: dict[str, QWidget] = {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "date_of_birth": self.date_of_birth,
            "sex": self.sex,
            "nationality": self.nationality,
            "country_of_return": self.country_of_return,
            "region_of_return": self.region_of_return,
        }
        if with_session_language:
            self._field_widgets["session_language"] = self.session_language

    # reading and filling
    def returnee(self) -> PersonInput:
        return PersonInput(
            given_name=self.given_name.text(),
            family_name=self.family_name.text(),
            date_of_birth=self.date_of_birth.value(),
            sex=self.sex.value(),
        )

    def new_case(self) -> NewCaseInput:
        return NewCaseInput(
            returnee=self.returnee(),
            nationality=self.nationality.code() or "",
            country_of_return=self.country_of_return.code() or "",
            region_of_return=self.region_of_return.text(),
            session_language=self.session_language.code() or "",
            native_name=self.native_name.text(),
            household=self.household.members(),
        )

    def identity(self) -> IdentityInput:
        return IdentityInput(
            returnee=self.returnee(),
            nationality=self.nationality.code() or "",
            country_of_return=self.country_of_return.code() or "",
            region_of_return=self.region_of_return.text(),
            native_name=self.native_name.text(),
            household=self.household.members(),
        )

    def set_detail(self, detail: CaseDetail) -> None:
        """Fill the form with a stored case."""
        row = detail.row
        self.given_name.setText(row.given_name)
        self.family_name.setText(row.family_name)
        self.native_name.setText(detail.native_name)
        self.date_of_birth.set_value(row.date_of_birth)
        self.sex.set_value(detail.sex)
        self.nationality.set_code(row.nationality)
        self.country_of_return.set_code(row.country_of_return)
        self.region_of_return.setText(row.region_of_return)
        self.session_language.set_code(row.session_language)
        for member in detail.household:
            self.household.add_existing(member)

    def field_widgets(self) -> tuple[QWidget, ...]:
        """The returnee's and the case's own fields (not the household table)."""
        return (*self._field_widgets.values(), self.native_name)

    # problems
    def _widgets_by_field(self) -> dict[str, QWidget]:
        widgets = dict(self._field_widgets)
        columns = {
            "given_name": HouseholdEditor.GIVEN,
            "family_name": HouseholdEditor.FAMILY,
            "date_of_birth": HouseholdEditor.BORN,
            "sex": HouseholdEditor.SEX,
        }
        for number, row in self.household.member_rows.items():
            for field, column in columns.items():
                widgets[f"household[{number}].{field}"] = self.household.widget(row, column)
        return widgets

    def unreadable_dates(self) -> dict[str, str]:
        """Dates typed that are no date: they would be lost, so nothing is saved yet.

        Call after :meth:`new_case` or :meth:`identity` (which number the household rows).
        """
        return {
            name: UNREADABLE_DATE
            for name, widget in self._widgets_by_field().items()
            if isinstance(widget, DateField) and widget.unreadable
        }

    def show_problems(self, error: InvalidInput) -> None:
        """Outline each wrong field with its problem as tooltip; the summary under the form."""
        problems = error.problems
        first: QWidget | None = None
        for name, widget in self._widgets_by_field().items():
            text = _(problems[name]) if name in problems else ""
            if isinstance(widget, DateField):
                widget.mark(text if problems.get(name) != UNREADABLE_DATE else "")
            else:
                widget.setStyleSheet(INVALID_STYLE if text else "")
                widget.setToolTip(text)
            if text and first is None:
                first = widget
        self.problems.setText(translate_error(error))
        self.problems.show()
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)


class CaseFormDialog(QDialog):
    """A dialog around a :class:`CaseForm`: OK saves through :meth:`save`, or shows why not.

    The form's fields are reachable on the dialog itself (``dialog.given_name``...).
    """

    def __init__(
        self, title: str, ok_text: str, parent: QWidget | None, *, with_session_language: bool
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = CaseForm(with_session_language=with_session_language)
        form = self.form
        self.given_name, self.family_name, self.native_name = (
            form.given_name, form.family_name, form.native_name,
        )  # fmt: skip
        self.date_of_birth, self.sex, self.nationality = (
            form.date_of_birth, form.sex, form.nationality,
        )  # fmt: skip
        self.country_of_return, self.region_of_return = (
            form.country_of_return,
            form.region_of_return,
        )
        self.session_language, self.household, self.problems = (
            form.session_language, form.household, form.problems,
        )  # fmt: skip
        self.buttons, _ok, _cancel = ok_cancel(self, ok_text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form, 1)
        layout.addWidget(self.buttons)
        self.resize(900, 660)

    def save(self) -> None:
        """Hand the form to the service; raise what it refuses."""
        raise NotImplementedError

    def refuse_unreadable_dates(self, entered: NewCaseInput | IdentityInput) -> None:
        """A date that cannot be read would be stored as unknown: refuse to save, naming it
        together with every other problem of the form."""
        unreadable = self.form.unreadable_dates()
        if unreadable:
            raise InvalidInput(input_problems(entered) | unreadable)

    def accept(self) -> None:
        try:
            self.save()
        except InvalidInput as error:
            self.form.show_problems(error)
            return
        except HomewardError as error:
            show_error(self, error)
            return
        super().accept()
