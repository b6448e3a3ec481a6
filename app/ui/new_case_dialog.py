"""Opening a case: the returnee, where they return to, the session language, the household."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
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
    NewCaseInput,
    PersonInput,
)
from app.i18n import gettext as _
from app.i18n import translate_error
from app.services.cases import CaseRegister, CaseRow
from app.ui.date_edit import OptionalDateEdit
from app.ui.errors import show_error
from app.ui.pickers import EnumCombo, country_combo, language_combo

_INVALID_STYLE = "border: 2px solid #c62828;"


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
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.add_button = QPushButton(_("Add member"))
        self.add_button.setObjectName("addMember")
        self.remove_button = QPushButton(_("Remove member"))
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
        self.table.setCellWidget(row, self.RELATION, EnumCombo(RELATIONSHIP_LABELS))
        self.table.setCellWidget(row, self.BORN, OptionalDateEdit())
        self.table.setCellWidget(row, self.SEX, EnumCombo(SEX_LABELS, default_first=False))
        together = QCheckBox()
        together.setChecked(True)
        self.table.setCellWidget(row, self.TOGETHER, together)
        self.table.cellWidget(row, self.GIVEN).setFocus()
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
            members.append(
                HouseholdMemberInput(
                    given_name=given,
                    family_name=family,
                    date_of_birth=self.widget(row, self.BORN).value(),
                    sex=self.widget(row, self.SEX).value(),
                    relationship=self.widget(row, self.RELATION).value(),
                    returns_together=self.widget(row, self.TOGETHER).isChecked(),
                )
            )
        return tuple(members)


class NewCaseDialog(QDialog):
    def __init__(self, register: CaseRegister, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newCaseDialog")
        self.setWindowTitle(_("New case"))
        self.register = register
        self.created: CaseRow | None = None

        self.given_name = QLineEdit()
        self.given_name.setObjectName("givenName")
        self.family_name = QLineEdit()
        self.family_name.setObjectName("familyName")
        self.native_name = QLineEdit()
        self.native_name.setObjectName("nativeName")
        self.native_name.setPlaceholderText(_("as the returnee writes it, if not in Latin letters"))
        self.date_of_birth = OptionalDateEdit()
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
        person.addRow(_("Language of the session") + " *", self.session_language)

        household_box = QGroupBox(_("Household members"))
        QVBoxLayout(household_box).addWidget(self.household)

        self.problems = QLabel()
        self.problems.setObjectName("problems")
        self.problems.setStyleSheet("color: #c62828;")
        self.problems.setWordWrap(True)
        self.problems.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Open case"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(person)
        layout.addWidget(household_box)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.resize(760, 640)
        self._field_widgets: dict[str, QWidget] = {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "date_of_birth": self.date_of_birth,
            "sex": self.sex,
            "nationality": self.nationality,
            "country_of_return": self.country_of_return,
            "region_of_return": self.region_of_return,
            "session_language": self.session_language,
        }

    def new_case(self) -> NewCaseInput:
        return NewCaseInput(
            returnee=PersonInput(
                given_name=self.given_name.text(),
                family_name=self.family_name.text(),
                date_of_birth=self.date_of_birth.value(),
                sex=self.sex.value(),
            ),
            nationality=self.nationality.code() or "",
            country_of_return=self.country_of_return.code() or "",
            region_of_return=self.region_of_return.text(),
            session_language=self.session_language.code() or "",
            native_name=self.native_name.text(),
            household=self.household.members(),
        )

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

    def _mark(self, problems: dict[str, str]) -> None:
        for name, widget in self._widgets_by_field().items():
            widget.setStyleSheet(_INVALID_STYLE if name in problems else "")
            widget.setToolTip(_(problems[name]) if name in problems else "")

    def accept(self) -> None:
        try:
            self.created = self.register.open_case(self.new_case())
        except InvalidInput as error:
            self._mark(error.problems)
            self.problems.setText(translate_error(error))
            self.problems.show()
            widgets = self._widgets_by_field()
            first = next((w for n, w in widgets.items() if n in error.problems), None)
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        except HomewardError as error:
            show_error(self, error)
            return
        super().accept()
