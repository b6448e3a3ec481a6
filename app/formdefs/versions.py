"""Free text in the migrant's language, stored beside the answer it renders.

A long answer the migrant reads (``bilingual = true``) keeps the counsellor's text under its
field id, as every answer does, and each version the interpreter typed under
``<field id>@<language code>``: ``{"objectives": "Own income…", "objectives@ru": "Свой
доход…"}``. Inside a repeat group the versions sit in the item beside the member's answer.
Answers without versions (older ones, or no interpreter) stay valid: a version is never
required, only counted, and the printout says where one is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from app.formdefs.model import FieldDef, FieldType, FormDef

SEPARATOR = "@"
_KEY = re.compile(r"^(?P<field>[a-z][a-z0-9_]*)@(?P<language>[a-z]{2,3})$")


def version_key(field_id: str, language: str) -> str:
    """Where the version of ``field_id`` in ``language`` is stored."""
    return f"{field_id}{SEPARATOR}{language}"


def split_key(key: str) -> tuple[str, str] | None:
    """(field id, language) of a version's key; None for an answer's own key."""
    matched = _KEY.match(key)
    return (matched["field"], matched["language"]) if matched else None


def versions_of(answers: Mapping[str, Any], field_id: str) -> dict[str, str]:
    """The versions of one answer, by language (blank ones left out)."""
    found: dict[str, str] = {}
    prefix = field_id + SEPARATOR  # most keys are other answers: skip them before the pattern
    for key, value in answers.items():
        if not key.startswith(prefix):
            continue
        parts = split_key(key)
        if parts and parts[0] == field_id and isinstance(value, str) and value.strip():
            found[parts[1]] = value
    return found


def with_versions(answers: Mapping[str, Any], kept: dict[str, Any], field_id: str) -> None:
    """Copy the versions of ``field_id`` from ``answers`` into ``kept`` (relevant answers)."""
    for language, text in versions_of(answers, field_id).items():
        kept[version_key(field_id, language)] = text


def bilingual_paths(form: FormDef) -> frozenset[str]:
    """The questions that take a version: ``field`` or ``group.member`` for repeat members."""
    paths = {f.id for f in form.fields if f.bilingual}
    for group in form.fields:
        paths |= {f"{group.id}.{m.id}" for m in group.members if m.bilingual}
    return frozenset(paths)


@dataclass(frozen=True)
class FreeTextAnswer:
    """One answered bilingual question: where it is, what was written, in which languages."""

    path: str  # "objectives", or "assistance_items[2].description" (items from 1)
    field: FieldDef
    text: str
    versions: dict[str, str]


def free_text_answers(form: FormDef, answers: Mapping[str, Any]) -> Iterator[FreeTextAnswer]:
    """Every answered bilingual question of ``answers`` (pass the relevant answers)."""
    for field in form.fields:
        if field.bilingual and _answered(answers.get(field.id)):
            yield FreeTextAnswer(field.id, field, answers[field.id], versions_of(answers, field.id))
        if field.type is not FieldType.REPEAT or not isinstance(answers.get(field.id), list):
            continue
        for number, item in enumerate(answers[field.id], start=1):
            if not isinstance(item, Mapping):
                continue
            for member in field.members:
                if member.bilingual and _answered(item.get(member.id)):
                    yield FreeTextAnswer(
                        f"{field.id}[{number}].{member.id}",
                        member,
                        item[member.id],
                        versions_of(item, member.id),
                    )


def count_versions(form: FormDef, answers: Mapping[str, Any], language: str) -> tuple[int, int]:
    """(answers with a version in ``language``, answers that take one)."""
    found = list(free_text_answers(form, answers))
    return sum(1 for answer in found if language in answer.versions), len(found)


def _answered(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
