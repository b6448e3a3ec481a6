"""The office's own settings: the budget cap per returnee and its exchange rates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.config import DataPaths, load_settings, save_settings
from app.domain.accounts import Permission
from app.domain.errors import N_, InvalidInput
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


DEFAULT_AUTO_LOCK_MINUTES = 10
AUTO_LOCK_MINUTES = range(1, 241)


def auto_lock_minutes(paths: DataPaths) -> int:
    """After how many idle minutes the window hides case data and asks for the password."""
    value = load_settings(paths).get("auto_lock_minutes")
    return value if type(value) is int and value in AUTO_LOCK_MINUTES else DEFAULT_AUTO_LOCK_MINUTES


def set_auto_lock_minutes(workspace: Workspace, minutes: int) -> None:
    workspace.require(Permission.MANAGE_OFFICE)
    if minutes not in AUTO_LOCK_MINUTES:
        raise InvalidInput({"auto_lock": N_("the idle time before locking is 1 to 240 minutes")})
    settings = load_settings(workspace.paths)
    settings["auto_lock_minutes"] = minutes
    save_settings(workspace.paths, settings)
    with workspace.transaction() as session:
        audit.record(session, "office.auto_lock_changed", user_id=workspace.user.id,
                     detail={"minutes": minutes})  # fmt: skip
