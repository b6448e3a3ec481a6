"""Read-only views of a session: the plan's assessment (priority, budget) and the review."""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QLabel, QTextBrowser, QWidget

from app.domain.plan import CRITERION_LABELS, PRIORITY_LABELS, PriorityLevel
from app.formdefs import FieldType, FormDef
from app.formdefs.values import relevant_answers, typed
from app.formdefs.versions import count_versions, versions_of
from app.i18n import active_language, fill
from app.i18n import gettext as _
from app.services import answers
from app.services.answers import answer_text
from app.services.counselling import PlanAssessment
from app.ui.formatting import date_text, language_text

_COLOURS = {
    PriorityLevel.HIGH: "#b71c1c",
    PriorityLevel.MEDIUM: "#e65100",
    PriorityLevel.LOW: "#33691e",
}


def money_text(amount: Decimal, currency: str) -> str:
    return answers.money_text(amount, currency, active_language())


def reason_text(template: str, params: Any) -> str:
    """A priority reason; its text parameters are message ids too."""
    return _(template).format(**{k: _(v) if isinstance(v, str) else v for k, v in params.items()})


def assessment_html(assessment: PlanAssessment) -> str:
    """Priority with its reasons, and the budget against the office's cap."""
    parts = []
    priority = assessment.priority
    if priority.level is None:
        missing = ", ".join(_(CRITERION_LABELS[name]) for name in priority.missing)
        label = _("Priority")
        state = _("not assessed yet (rate {criteria})").format(criteria=missing)
        parts.append(f"<p><b>{html.escape(label)}:</b> {html.escape(state)}</p>")
    else:
        colour = _COLOURS[priority.level]
        label, level = _("Priority"), _(PRIORITY_LABELS[priority.level])
        points = _("{score} points").format(score=priority.score)
        parts.append(
            f"<p><b>{html.escape(label)}:</b> <span style='color:{colour}; "
            f"font-weight:600'>{html.escape(level)}</span> ({html.escape(points)})</p>"
        )
    if priority.reasons:
        items = "".join(
            f"<li>{html.escape(reason_text(r.template, r.params))} (+{r.points})</li>"
            for r in priority.reasons
        )
        parts.append(f"<ul style='margin-top:0'>{items}</ul>")
    budget = assessment.budget
    if budget.totals:
        totals = ", ".join(money_text(total, currency) for currency, total in budget.totals.items())
        label = _("Total")
        parts.append(f"<p><b>{html.escape(label)}:</b> {html.escape(totals)}</p>")
    cap = money_text(budget.cap_eur, "EUR")
    if budget.missing_rates:
        text = _(
            "No exchange rate for {currencies}: the total cannot be checked against the cap "
            "of {cap}."
        ).format(currencies=", ".join(budget.missing_rates), cap=cap)
        parts.append(f"<p style='color:#e65100'>⚠ {html.escape(text)}</p>")
    elif budget.eur_equivalent is not None and budget.totals:
        equivalent = money_text(budget.eur_equivalent, "EUR")
        if budget.over_cap and assessment.over_cap_explained:
            text = _(
                "The plan costs about {total}, more than the cap of {cap} per returnee; why "
                "the exception is needed is written under “Why the plan exceeds the budget cap”."
            ).format(total=equivalent, cap=cap)
            parts.append(f"<p style='color:#8a4b00; font-weight:600'>⚠ {html.escape(text)}</p>")
        elif budget.over_cap:
            text = _(
                "The plan costs about {total}, more than the cap of {cap} per returnee. "
                "Reduce it, or write why the exception is needed under “Why the plan "
                "exceeds the budget cap”."
            ).format(total=equivalent, cap=cap)
            parts.append(f"<p style='color:#c62828; font-weight:600'>⚠ {html.escape(text)}</p>")
        else:
            text = _("About {total} of the cap of {cap} per returnee.").format(
                total=equivalent, cap=cap
            )
            parts.append(f"<p>{html.escape(text)}</p>")
        if assessment.rates_date is not None and set(budget.totals) != {"EUR"}:
            rates = _("Exchange rates of {date}.").format(date=date_text(assessment.rates_date))
            parts.append(f"<p style='color:#4d4d4d; font-size:9pt'>{html.escape(rates)}</p>")
    return "".join(parts)


class AssessmentPanel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessment")
        self.setWordWrap(True)
        self.setStyleSheet(
            "QLabel#assessment { background: palette(base); padding: 8px; "
            "border: 1px solid palette(mid); }"
        )

    def show_assessment(self, assessment: PlanAssessment) -> None:
        self.setText(assessment_html(assessment))


def _row(label: str, value: str) -> str:
    return f"<tr><td width='55%'>{html.escape(label)}</td><td>{html.escape(value)}</td></tr>"


def _version_row(answers: dict[str, Any], field_id: str, migrant: str) -> list[str]:
    """The migrant's version of a free-text answer, under it (labelled with the language)."""
    version = versions_of(answers, field_id).get(migrant) if migrant else None
    if not version or version == answers.get(field_id):
        return []
    return [_row(f"↳ {language_text(migrant)}", version)]


def versions_html(form: FormDef, kept: dict[str, Any], migrant: str) -> str:
    """How many free-text answers the migrant reads have a version in their language."""
    done, total = count_versions(form, kept, migrant)
    if not migrant or not total:
        return ""
    text = fill(
        _("Free-text answers with a version in {language}: {done} of {total}. Those without "
          "one print with a note asking the interpreter to read them out."),
        language=language_text(migrant), done=done, total=total,
    )  # fmt: skip
    colour = "#33691e" if done == total else "#8a4b00"
    return f"<p style='color:{colour}'>{html.escape(text)}</p>"


def form_html(form: FormDef, answers: dict[str, Any], completed: bool, migrant: str = "") -> str:
    kept = relevant_answers(form, answers)
    language = active_language()
    state = _("complete") if completed else _("not complete")
    parts = [f"<h2>{html.escape(_(form.title))} <small>({html.escape(state)})</small></h2>"]
    parts.append(versions_html(form, kept, migrant))
    for section in form.sections:
        rows = []
        for field in section.fields:
            if field.id not in kept:
                continue
            if field.type is not FieldType.REPEAT:
                rows.append(_row(_(field.label), answer_text(field, kept[field.id], language)))
                rows += _version_row(kept, field.id, migrant)
                continue
            for number, item in enumerate(typed(field, kept[field.id]) or [], start=1):
                title = html.escape(f"{_(field.item_label)} {number}")
                rows.append(f"<tr><td colspan=2><b>{title}</b></td></tr>")
                for member in field.members:
                    if member.id in item:
                        text = answer_text(member, item[member.id], language)
                        rows.append(_row(_(member.label), text))
                        rows += _version_row(item, member.id, migrant)
        if rows:
            parts.append(f"<h3>{html.escape(_(section.title))}</h3>")
            parts.append("<table cellspacing=4 width='100%'>" + "".join(rows) + "</table>")
    return "".join(parts)


class ReviewView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review")
        self.setOpenExternalLinks(False)

    def show_review(
        self,
        header: str,
        forms: list[tuple[FormDef, dict[str, Any], bool]],
        assessment: PlanAssessment,
        migrant: str = "",
    ) -> None:
        """``migrant``: the migrant's language, whose free-text versions are shown and counted."""
        body = [f"<p>{html.escape(header)}</p>", assessment_html(assessment)]
        body += [form_html(form, answers, done, migrant) for form, answers, done in forms]
        self.setHtml("".join(body))
