"""Currencies a plan may use, and indicative rates an office starts from.

Rates change; the office sets its own (``homeward office rates``). The indicative ones only
let the budget check work out of the box and are shown with their date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.domain.errors import N_

DEFAULT_BUDGET_CAP_EUR = 1500
# The currencies of host offices and of the countries returnees most often go back to.
CURRENCIES: tuple[str, ...] = (
    "EUR", "USD", "GBP", "CHF", "CZK", "PLN", "HUF", "RON", "SEK", "NOK", "DKK",
    "VND", "GEL", "MDL", "UAH", "RUB", "AZN", "ALL", "AFN", "IQD", "SYP", "PKR", "IRR",
    "MAD", "XAF", "XOF", "COP", "PEN", "CUP", "PHP", "NGN", "TRY", "BDT", "INR",
)  # fmt: skip
INDICATIVE_RATES_DATE = dt.date(2026, 11, 1)
INDICATIVE_RATES_TO_EUR: dict[str, Decimal] = {
    code: Decimal(rate)
    for code, rate in {
        "USD": "0.86", "GBP": "1.15", "CHF": "1.07", "CZK": "0.041", "PLN": "0.235",
        "HUF": "0.0025", "RON": "0.197", "SEK": "0.091", "NOK": "0.085", "DKK": "0.134",
        "VND": "0.000033", "GEL": "0.32", "MDL": "0.051", "UAH": "0.021", "RUB": "0.011",
        "AZN": "0.51", "ALL": "0.0104", "AFN": "0.013", "IQD": "0.00066", "PKR": "0.0031",
        "IRR": "0.00002", "MAD": "0.093", "XAF": "0.00152", "XOF": "0.00152",
        "COP": "0.00022", "PEN": "0.25", "CUP": "0.036", "PHP": "0.0148", "NGN": "0.0006",
        "TRY": "0.021", "BDT": "0.0071", "INR": "0.0098", "SYP": "0.000066",
    }.items()
}  # fmt: skip


MAX_BUDGET_CAP_EUR = 1_000_000


# An exchange rate to EUR outside these bounds is a typing slip (or an attack on the store:
# 1e99999999 written out is a hundred megabytes).
MIN_RATE, MAX_RATE = Decimal("1e-9"), Decimal("1e9")
MAX_RATE_DIGITS = 20


def budget_problems(
    cap_eur: int | None,
    rates: dict[str, Decimal],
    *,
    known_currencies: frozenset[str] | None = None,
    rates_date: dt.date | None = None,
    today: dt.date | None = None,
) -> dict[str, str]:
    """What is wrong with an office's budget settings (empty when all is well)."""
    problems: dict[str, str] = {}
    if cap_eur is not None and not 0 < cap_eur <= MAX_BUDGET_CAP_EUR:
        problems["budget_cap"] = N_("the budget cap is a whole number of euros above 0")
    for code, rate in rates.items():
        key = f"rate.{code[:8]}"
        well_formed = len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()
        if not well_formed or (known_currencies is not None and code not in known_currencies):
            problems[key] = N_("a currency is a three-letter ISO code such as USD")
        elif code == "EUR":
            problems[key] = N_("EUR is the programme's own currency: its rate is always 1")
        elif not rate.is_finite() or not MIN_RATE <= rate <= MAX_RATE:
            problems[key] = N_("an exchange rate is a number between 0.000000001 and 1000000000")
        elif len(rate.normalize().as_tuple().digits) > MAX_RATE_DIGITS:
            problems[key] = N_("an exchange rate has at most 20 digits")
    if rates_date is not None and today is not None and rates_date > today:
        problems["rates_date"] = N_("the date of the rates cannot be in the future")
    return problems
