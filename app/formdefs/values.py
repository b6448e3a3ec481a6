"""Answers: from stored JSON to typed values, and the checks a definition asks for.

Answers travel as a JSON document ``{field_id: value}``; a repeat group's value is a list of
such documents. Money keeps its amount as a decimal string so no float ever rounds a cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.dates import PartialDate
from app.domain.errors import N_
from app.formdefs.model import FieldDef, FieldType, FormDef
from app.formdefs.versions import versions_of, with_versions

Answers = dict[str, Any]


@dataclass(frozen=True, order=True)
class Money:
    amount: Decimal
    currency: str

    def to_json(self) -> dict[str, str]:
        return {"amount": format(self.amount, "f"), "currency": self.currency}


@dataclass(frozen=True)
class Problem:
    """Why an answer is not acceptable: a gettext template and its parameters."""

    template: str
    params: Mapping[str, object]

    def format(self, translate: Any = None) -> str:
        text = translate(self.template) if translate else self.template
        return text.format(**self.params)


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def typed(field: FieldDef, raw: Any) -> Any:
    """The Python value of a stored answer; None when unanswered or unreadable.

    A date is a :class:`datetime.date`, or a :class:`PartialDate` where the field allows a
    year or a month alone (``partial = true``), whatever the precision of the answer.
    """
    if _is_blank(raw):
        return None
    try:
        match field.type:
            case FieldType.TEXT | FieldType.LONG_TEXT | FieldType.CHOICE:
                return str(raw)
            case FieldType.INTEGER:
                return int(raw) if not isinstance(raw, bool) else None
            case FieldType.MONEY:
                amount = raw.get("amount")
                if _is_blank(amount):
                    return None
                return Money(Decimal(str(amount)), str(raw.get("currency", "")))
            case FieldType.DATE:
                value = PartialDate.parse_iso(str(raw))
                return value if field.partial else value.as_date()
            case FieldType.MULTI_CHOICE:
                return [str(item) for item in raw]
            case FieldType.YES_NO:
                return raw if isinstance(raw, bool) else None
            case FieldType.REPEAT:
                return [dict(item) for item in raw]
    except (ValueError, TypeError, AttributeError, InvalidOperation):
        return None
    return None


def _is_partial(raw: Any) -> bool:
    """A year or a month alone ("1985", "1985-06")."""
    try:
        return not PartialDate.parse_iso(str(raw)).is_full
    except ValueError:
        return False


def to_json(field: FieldDef, value: Any) -> Any:
    """The stored form of a typed answer (None to leave it unanswered)."""
    if _is_blank(value):
        return None
    match field.type:
        case FieldType.MONEY:
            return value.to_json()
        case FieldType.DATE:
            return value.isoformat()
        case FieldType.MULTI_CHOICE:
            order = [choice.value for choice in field.choices]
            return sorted(value, key=lambda v: order.index(v) if v in order else len(order))
    return value


def lookup_in(
    form: FormDef, answers: Answers, item: Answers | None = None, group: FieldDef | None = None
) -> Any:
    """A name resolver for conditions: the same repeat item first, then the form."""

    def lookup(name: str) -> Any:
        if group is not None and item is not None:
            try:
                member = group.member(name)
            except KeyError:
                pass
            else:
                return _expression_value(member, item.get(name))
        if form.has_field(name):
            return _expression_value(form.field(name), answers.get(name))
        return None

    return lookup


def _expression_value(field: FieldDef, raw: Any) -> Any:
    value = typed(field, raw)
    return value.amount if isinstance(value, Money) else value


def is_relevant(
    form: FormDef,
    field: FieldDef,
    answers: Answers,
    item: Answers | None = None,
    group: FieldDef | None = None,
) -> bool:
    if field.relevant is None:
        return True
    return field.relevant.evaluate(lookup_in(form, answers, item, group))


def check_answer(field: FieldDef, raw: Any, today: dt.date) -> Problem | None:
    """The problem with one (relevant) answer, or None."""
    if isinstance(raw, str) and not raw.strip():
        raw = None  # spaces alone are no answer
    if field.type is FieldType.DATE and not field.partial and _is_partial(raw):
        return Problem(N_("give the full date: day, month and year"), {})
    value = typed(field, raw)
    if value is None:
        if not _is_blank(raw):
            return Problem(N_("this answer cannot be read"), {})
        if field.required:
            if field.type is FieldType.REPEAT:
                return Problem(N_("add at least one item"), {})
            return Problem(N_("an answer is required"), {})
        return None
    match field.type:
        case FieldType.TEXT | FieldType.LONG_TEXT:
            if field.min_length is not None and len(value.strip()) < field.min_length:
                return Problem(N_("write at least {count} characters"), {"count": field.min_length})
            if field.max_length is not None and len(value) > field.max_length:
                return Problem(N_("write at most {count} characters"), {"count": field.max_length})
            if field.pattern is not None and not field.pattern.fullmatch(value):
                return Problem(field.pattern_message or N_("this answer has the wrong form"), {})
        case FieldType.INTEGER | FieldType.MONEY:
            number = value.amount if isinstance(value, Money) else Decimal(value)
            if isinstance(value, Money) and len(value.currency) != 3:
                return Problem(N_("choose a currency"), {})
            if field.minimum is not None and number < field.minimum:
                return Problem(
                    N_("the smallest allowed value is {limit}"), {"limit": field.minimum}
                )
            if field.maximum is not None and number > field.maximum:
                return Problem(N_("the largest allowed value is {limit}"), {"limit": field.maximum})
        case FieldType.DATE:
            later = value.is_after(today) if isinstance(value, PartialDate) else value > today
            if field.not_in_future and later:
                return Problem(N_("the date cannot be in the future"), {})
        case FieldType.CHOICE:
            if value not in {choice.value for choice in field.choices}:
                return Problem(N_("choose one of the options"), {})
        case FieldType.MULTI_CHOICE | FieldType.REPEAT:
            if field.type is FieldType.MULTI_CHOICE:
                known = {choice.value for choice in field.choices}
                if not set(value) <= known:
                    return Problem(N_("choose among the options"), {})
            if field.required and not value:
                return Problem(N_("an answer is required"), {})
            if field.min_items is not None and len(value) < field.min_items:
                return Problem(N_("give at least {count}"), {"count": field.min_items})
            if field.max_items is not None and len(value) > field.max_items:
                return Problem(N_("give at most {count}"), {"count": field.max_items})
    return None


def visible_answers(form: FormDef, answers: Answers) -> Answers:
    """The answers of the fields that are relevant, where conditions only see such answers.

    A hidden question's old answer must not keep a later question visible (as in ODK, a
    non-relevant answer counts as blank), so hiding is repeated until nothing changes.
    """
    visible = dict(answers)
    for _round in range(len(form.fields) + 1):
        hidden = [
            field.id
            for field in form.fields
            if field.id in visible and not is_relevant(form, field, visible)
        ]
        if not hidden:
            break
        for field_id in hidden:
            del visible[field_id]
    return visible


def validate(form: FormDef, answers: Answers, today: dt.date) -> dict[str, Problem]:
    """Problems of every relevant answer, keyed by path (``items[2].cost``, from 1)."""
    answers = visible_answers(form, answers)
    problems: dict[str, Problem] = {}
    for field in form.fields:
        if not is_relevant(form, field, answers):
            continue
        raw = answers.get(field.id)
        if problem := check_answer(field, raw, today) or check_versions(field, answers):
            problems[field.id] = problem
        if field.type is FieldType.REPEAT:
            for number, item in enumerate(typed(field, raw) or [], start=1):
                for member in field.members:
                    if not is_relevant(form, member, answers, item, field):
                        continue
                    raw_member = item.get(member.id)
                    if problem := check_answer(member, raw_member, today) or check_versions(
                        member, item
                    ):
                        problems[f"{field.id}[{number}].{member.id}"] = problem
    return problems


def check_versions(field: FieldDef, answers: Answers) -> Problem | None:
    """A version in the migrant's language is never required, but it fits the same length."""
    if not field.bilingual or field.max_length is None:
        return None
    for text in versions_of(answers, field.id).values():
        if len(text) > field.max_length:
            return Problem(
                N_("the version in the migrant's language is longer than {count} characters"),
                {"count": field.max_length},
            )
    return None


def relevant_answers(form: FormDef, answers: Answers) -> Answers:
    """Only the answers that count: those of fields that are relevant now.

    Answers to hidden fields are kept in the store (the counsellor may go back), but they
    are not printed, exported or checked.
    """
    answers = visible_answers(form, answers)
    kept: Answers = {}
    for field in form.fields:
        if field.id not in answers or not is_relevant(form, field, answers):
            continue
        raw = answers[field.id]
        if field.type is FieldType.REPEAT and isinstance(raw, list):
            raw = [
                _relevant_item(form, field, answers, item) for item in raw if isinstance(item, dict)
            ]
        kept[field.id] = raw
        with_versions(answers, kept, field.id)
    return kept


def _relevant_item(form: FormDef, group: FieldDef, answers: Answers, item: Answers) -> Answers:
    kept: Answers = {}
    for member in group.members:
        if member.id in item and is_relevant(form, member, answers, item, group):
            kept[member.id] = item[member.id]
            with_versions(item, kept, member.id)
    return kept
