"""The office's budget cap and exchange rates: service, command line and dialog."""

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QTableWidgetItem

from app.domain.accounts import Role
from app.domain.errors import InvalidInput, NotPermitted
from app.services.accounts import add_account
from app.services.office import budget_settings, set_budget
from app.services.workspace import unlock
from app.ui.office_dialog import OfficeBudgetDialog


def test_indicative_rates_until_the_office_sets_its_own(workspace):
    settings = budget_settings(workspace)
    assert settings.indicative and settings.cap_eur == Decimal(1500)
    assert settings.rates_to_eur["GEL"] > 0
    changed = set_budget(workspace, cap_eur=2000, rates={"GEL": Decimal("0.35")},
                         rates_date=dt.date(2026, 11, 20))  # fmt: skip
    assert not changed.indicative and changed.cap_eur == Decimal(2000)
    assert changed.rates_to_eur["GEL"] == Decimal("0.35")
    assert changed.rates_to_eur["USD"] == settings.rates_to_eur["USD"]  # others kept
    assert changed.rates_date == dt.date(2026, 11, 20)


def test_bad_settings_change_nothing(workspace, installed):
    with pytest.raises(InvalidInput) as caught:
        set_budget(workspace, cap_eur=0, rates={"usd": Decimal(1), "GEL": Decimal(-1)})
    assert set(caught.value.problems) == {"budget_cap", "rate.usd", "rate.GEL"}
    assert budget_settings(workspace).indicative
    add_account(workspace, "boris", "", Role.COUNSELLOR, "counsel pass")
    boris = unlock(installed, "boris", "counsel pass")
    try:
        with pytest.raises(NotPermitted):
            set_budget(boris, cap_eur=100)
    finally:
        boris.close()


def test_dialog_saves_cap_and_rates(qtbot, workspace):
    dialog = OfficeBudgetDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.cap.setValue(1800)
    row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == "USD")
    dialog.table.setItem(row, 1, QTableWidgetItem("not a number"))
    dialog.accept()
    assert dialog.message.text() and budget_settings(workspace).cap_eur == Decimal(1500)
    dialog.table.setItem(row, 1, QTableWidgetItem("0,9"))
    dialog.accept()
    assert dialog.result() == OfficeBudgetDialog.DialogCode.Accepted
    settings = budget_settings(workspace)
    assert settings.cap_eur == Decimal(1800) and settings.rates_to_eur["USD"] == Decimal("0.9")


@pytest.mark.parametrize(
    ("rates", "rates_date", "wanted"),
    [
        ({"EUR": Decimal(2)}, None, "its rate is always 1"),
        ({"USD": Decimal("1e99999999")}, None, "between 0.000000001 and 1000000000"),
        ({"USD": Decimal("1e-99999999")}, None, "between 0.000000001 and 1000000000"),
        ({"USD": Decimal("1.0000000000000000000000001")}, None, "at most 20 digits"),
        ({"XYZ": Decimal(2)}, None, "three-letter ISO code"),
        ({"US$": Decimal(2)}, None, "three-letter ISO code"),
        ({"USD": Decimal("0.9")}, dt.date.today() + dt.timedelta(days=1), "in the future"),
    ],
)
def test_rates_out_of_bounds_are_refused_and_change_nothing(workspace, rates, rates_date, wanted):
    before = budget_settings(workspace)
    with pytest.raises(InvalidInput) as refused:
        set_budget(workspace, rates=rates, rates_date=rates_date)
    assert wanted in str(refused.value)
    assert budget_settings(workspace) == before
