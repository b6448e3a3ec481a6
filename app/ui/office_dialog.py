"""The office's budget cap per returnee and its exchange rates (administrators)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import HomewardError, InvalidInput
from app.domain.money import MAX_BUDGET_CAP_EUR
from app.i18n import N_, translate_error
from app.i18n import gettext as _
from app.services.office import budget_settings, set_budget
from app.services.workspace import Workspace
from app.ui.input_guard import DateEdit, SpinBox


class OfficeBudgetDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("officeBudgetDialog")
        self.setWindowTitle(_("Budget and exchange rates"))
        self.workspace = workspace
        settings = budget_settings(workspace)
        self.cap = SpinBox()
        self.cap.setObjectName("budgetCap")
        self.cap.setRange(1, MAX_BUDGET_CAP_EUR)
        self.cap.setSuffix(" EUR")
        self.cap.setValue(int(settings.cap_eur))
        self.rates_date = DateEdit()
        self.rates_date.setDisplayFormat("yyyy-MM-dd")
        self.rates_date.setCalendarPopup(True)
        when = settings.rates_date or dt.date.today()
        self.rates_date.setDate(QDate(when.year, when.month, when.day))
        self.table = QTableWidget(len(settings.rates_to_eur), 2)
        self.table.setObjectName("rates")
        self.table.setHorizontalHeaderLabels([_("Currency"), _("Value of 1 unit in EUR")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for row, (code, rate) in enumerate(sorted(settings.rates_to_eur.items())):
            currency = QTableWidgetItem(code)
            currency.setFlags(currency.flags() & ~currency.flags().ItemIsEditable)
            self.table.setItem(row, 0, currency)
            self.table.setItem(row, 1, QTableWidgetItem(format(rate, "f")))
        note = QLabel(_(INDICATIVE_NOTE) if settings.indicative else "")
        note.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("officeMessage")
        self.message.setStyleSheet("color: #c62828;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Budget cap per returnee"), self.cap)
        form.addRow(_("Date of the rates"), self.rates_date)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(480, 640)

    def rates(self) -> dict[str, Decimal]:
        rates: dict[str, Decimal] = {}
        for row in range(self.table.rowCount()):
            code_item, rate_item = self.table.item(row, 0), self.table.item(row, 1)
            if code_item is None or rate_item is None:
                continue
            code = code_item.text().strip().upper()
            try:
                rates[code] = Decimal(rate_item.text().strip().replace(",", "."))
            except InvalidOperation:
                problem = N_("an exchange rate is a number above 0")
                raise InvalidInput({f"rate.{code}": problem}) from None
        return rates

    def accept(self) -> None:
        date = self.rates_date.date()
        try:
            set_budget(
                self.workspace,
                cap_eur=self.cap.value(),
                rates=self.rates(),
                rates_date=dt.date(date.year(), date.month(), date.day()),
            )
        except HomewardError as error:
            self.message.setText(translate_error(error))
            return
        super().accept()


INDICATIVE_NOTE = N_(
    "These are indicative rates shipped with Homeward. Enter the rates your office uses."
)
