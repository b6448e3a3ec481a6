"""The office's own settings: the budget cap per returnee and its exchange rates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.domain.accounts import Permission
from app.domain.errors import InvalidInput
from app.domain.money import INDICATIVE_RATES_DATE, INDICATIVE_RATES_TO_EUR, budget_problems
from app.i18n.numbers import known_currencies
from app.services.workspace import Workspace
from app.store import audit
from app.store.models import Installation


@dataclass(frozen=True)
class BudgetSettings:
    cap_eur: Decimal
    rates_to_eur: dict[str, Decimal]
    rates_date: dt.date | None
    indicative: bool  # the office has not set its own rates yet


def budget_settings(workspace: Workspace) -> BudgetSettings:
    with workspace.reading() as session:
        installation = session.scalars(select(Installation)).one()
        cap = Decimal(installation.budget_cap_eur)
        if installation.exchange_rates:
            rates = {c: Decimal(r) for c, r in installation.exchange_rates.items()}
            return BudgetSettings(cap, rates, installation.exchange_rates_date, False)
    return BudgetSettings(cap, dict(INDICATIVE_RATES_TO_EUR), INDICATIVE_RATES_DATE, True)


def set_budget(
    workspace: Workspace,
    *,
    cap_eur: int | None = None,
    rates: Mapping[str, Decimal] | None = None,
    rates_date: dt.date | None = None,
) -> BudgetSettings:
    """Change the cap and/or rates (admins only). Given rates replace the rate of those
    currencies; the first change starts from the indicative table."""
    workspace.require(Permission.MANAGE_OFFICE)
    changes = dict(rates or {})
    problems = budget_problems(
        cap_eur,
        changes,
        known_currencies=known_currencies(),
        rates_date=rates_date,
        today=dt.date.today(),
    )
    if problems:
        raise InvalidInput(problems)
    current = budget_settings(workspace)
    with workspace.transaction() as session:
        installation = session.scalars(select(Installation)).one()
        if cap_eur is not None:
            installation.budget_cap_eur = cap_eur
        if changes:
            merged = {**current.rates_to_eur, **changes}
            installation.exchange_rates = {c: format(r, "f") for c, r in sorted(merged.items())}
            installation.exchange_rates_date = rates_date or dt.date.today()
        audit.record(
            session,
            "office.budget_changed",
            user_id=workspace.user.id,
            detail={"cap_eur": cap_eur, "currencies": sorted(changes)},
        )
    return budget_settings(workspace)
