"""What a loaded form definition is: sections, fields, choices and their constraints."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.formdefs.expressions import Expression


class FieldType(enum.StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    INTEGER = "integer"
    MONEY = "money"
    DATE = "date"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    YES_NO = "yes_no"
    REPEAT = "repeat"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str  # gettext message id


@dataclass(frozen=True)
class FieldDef:
    id: str
    type: FieldType
    label: str
    hint: str = ""
    section: str | None = None
    group: str | None = None
    required: bool = False
    relevant: Expression | None = None
    choices: tuple[Choice, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: Any = None  # compiled by RE2 (linear-time matching); has .fullmatch like re
    pattern_message: str = ""
    not_in_future: bool = False
    partial: bool = False  # a date may be a year or a month alone ("1985", "1985-06")
    default: str = ""  # "today": a date filled in when the unanswered question is shown
    bilingual: bool = False  # long text the migrant reads: a version in their language beside it
    min_items: int | None = None
    max_items: int | None = None
    default_currency: str = ""
    item_label: str = ""
    members: tuple[FieldDef, ...] = ()

    def choice_label(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return value

    def member(self, field_id: str) -> FieldDef:
        for member in self.members:
            if member.id == field_id:
                return member
        raise KeyError(field_id)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    hint: str
    fields: tuple[FieldDef, ...]


@dataclass(frozen=True)
class FormDef:
    id: str
    version: str
    title: str
    sections: tuple[Section, ...]
    source: Path
    digest: str  # sha256 of the definition file: which exact text the answers were given under
    _index: dict[str, FieldDef] = field(default_factory=dict, compare=False, repr=False)

    @property
    def fields(self) -> tuple[FieldDef, ...]:
        """Top-level fields in order (repeat members are inside their group)."""
        return tuple(f for section in self.sections for f in section.fields)

    def field(self, field_id: str) -> FieldDef:
        if not self._index:
            self._index.update({f.id: f for f in self.fields})
        return self._index[field_id]

    def has_field(self, field_id: str) -> bool:
        try:
            self.field(field_id)
        except KeyError:
            return False
        return True
