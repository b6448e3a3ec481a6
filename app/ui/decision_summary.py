"""The line that tells a case's latest decision (the case detail, the session window, the
move dialog), kept apart from the dialog so the case list loads without it."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from babel.numbers import format_decimal
from PySide6.QtWidgets import QLabel, QWidget

from app.domain.decisions import SOURCE_LABELS, DecisionOutcome
from app.i18n import active_language, fill
from app.i18n import gettext as _
from app.ui.formatting import date_text, format_locale

if TYPE_CHECKING:
    from app.services.case_progress import DecisionView


def eur_text(amount: Decimal) -> str:
    """An amount in EUR as the decision summary shows it: "1,200.00 EUR"."""
    number = format_decimal(amount, "#,##0.00", locale=format_locale())
    return _("{amount} EUR").format(amount=number)


def decision_summary(view: DecisionView | None) -> str:
    """One line on a case's latest decision, e.g. for the case detail pane ("" if none)."""
    if view is None:
        return ""
    params = {
        "date": date_text(view.decided_on),
        "source": _(SOURCE_LABELS[view.source]),
        "reference": view.reference,
    }
    if view.outcome is DecisionOutcome.APPROVED:
        total = eur_text(view.approved_total_eur) if view.approved_total_eur is not None else "—"
        if view.reference:
            template = _("Approved on {date} ({source}, ref. {reference}): {total}")
        else:
            template = _("Approved on {date} ({source}): {total}")
        return fill(template, total=total, **params)
    if view.reference:
        template = _("Rejected on {date} ({source}, ref. {reference}): {reason}")
    else:
        template = _("Rejected on {date} ({source}): {reason}")
    return fill(template, reason=view.reason, **params)


class DecisionSummaryLabel(QLabel):
    """The latest decision in one read-only line; hidden while a case has none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionSummary")
        self.setWordWrap(True)
        self.show_decision(None)

    def show_decision(self, view: DecisionView | None, with_amounts: bool = False) -> None:
        text = decision_summary(view)
        if with_amounts and view is not None and view.amounts:
            from app.services.answers import money_text  # with the forms: in a session only

            items = [fill(_("item {number}: {amount}"), number=a.item,
                          amount=money_text(a.amount, a.currency, active_language()))
                     for a in view.amounts]  # fmt: skip
            text += "\n" + fill(_("Approved per item: {items}"), items="; ".join(items))
        self.setText(text)
        self.setVisible(view is not None)
