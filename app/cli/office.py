"""The office's settings: budget cap, exchange rates, idle lock and retention period."""

from __future__ import annotations

import argparse

from app.cli.common import emit_json, unlock
from app.config import DataPaths
from app.domain.errors import N_, InvalidInput


def office(args: argparse.Namespace, paths: DataPaths) -> int:
    import datetime as dt
    from decimal import Decimal, InvalidOperation

    from app.services.erasure import retention_years, set_retention_years
    from app.services.office import (
        auto_lock_minutes,
        budget_settings,
        set_auto_lock_minutes,
        set_budget,
    )

    rates: dict[str, Decimal] = {}
    for text in args.rate:
        code, _sep, value = text.partition("=")
        try:
            rates[code.strip().upper()] = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidInput(
                {f"rate.{code}": N_("an exchange rate is a number above 0")}
            ) from None
    try:
        rates_date = dt.date.fromisoformat(args.rates_date) if args.rates_date else None
    except ValueError:
        raise InvalidInput({"rates_date": N_("write the date as YYYY-MM-DD")}) from None
    if rates_date is not None and not rates:
        raise InvalidInput({"rates_date": N_("give the rates that this date belongs to")})
    workspace = unlock(args, paths)
    try:
        if args.retention_years is not None:
            set_retention_years(workspace, args.retention_years)
        years = retention_years(workspace)
        if args.auto_lock is not None:
            set_auto_lock_minutes(workspace, args.auto_lock)
        if args.budget_cap is not None or rates:
            settings = set_budget(
                workspace, cap_eur=args.budget_cap, rates=rates, rates_date=rates_date
            )
        else:
            settings = budget_settings(workspace)
    finally:
        workspace.close()
    document = {
        "auto_lock_minutes": auto_lock_minutes(paths),
        "retention_years": years,
        "budget_cap_eur": str(settings.cap_eur),
        "rates_to_eur": {code: format(rate, "f") for code, rate in settings.rates_to_eur.items()},
        "rates_date": settings.rates_date.isoformat() if settings.rates_date else None,
        "indicative_rates": settings.indicative,
    }
    if args.json:
        emit_json(document)
    else:
        print(f"budget_cap_eur: {settings.cap_eur}")
        print(f"auto_lock_minutes: {document['auto_lock_minutes']}")
        print(f"retention_years: {years}")
        print(
            f"rates_date: {document['rates_date']}{' (indicative)' if settings.indicative else ''}"
        )
        for code, rate in document["rates_to_eur"].items():
            print(f"{code} {rate}")
    return 0
