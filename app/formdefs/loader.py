"""Reading form definitions from ``forms/`` and checking them before anything uses them.

Every problem names the file and the field, so whoever edits a definition knows where to
look. The current version of a form is ``forms/<id>.toml``; earlier versions that stored
answers still refer to live under ``forms/archive/`` and stay loadable.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
import warnings
from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import re2

from app.domain.errors import N_, HomewardError
from app.formdefs.expressions import ExpressionError, parse
from app.formdefs.model import Choice, FieldDef, FieldType, FormDef, Section
from app.resources import resource_dir

log = logging.getLogger("homeward.forms")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CHOICE_VALUE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_FIELD_KEYS = {
    "id", "section", "group", "type", "label", "hint", "required", "relevant", "choices",
    "min", "max", "min_length", "max_length", "pattern", "pattern_message", "not_in_future",
    "min_items", "max_items", "default_currency", "item_label", "partial", "default",
    "bilingual",
}  # fmt: skip
DEFAULTS: dict[FieldType, frozenset[str]] = {FieldType.DATE: frozenset({"today"})}
_ONLY_FOR: dict[str, set[FieldType]] = {
    "choices": {FieldType.CHOICE, FieldType.MULTI_CHOICE},
    "min": {FieldType.INTEGER, FieldType.MONEY},
    "max": {FieldType.INTEGER, FieldType.MONEY},
    "min_length": {FieldType.TEXT, FieldType.LONG_TEXT},
    "max_length": {FieldType.TEXT, FieldType.LONG_TEXT},
    "pattern": {FieldType.TEXT},
    "pattern_message": {FieldType.TEXT},
    "not_in_future": {FieldType.DATE},
    "partial": {FieldType.DATE},
    "default": set(DEFAULTS),
    "min_items": {FieldType.REPEAT, FieldType.MULTI_CHOICE},
    "max_items": {FieldType.REPEAT, FieldType.MULTI_CHOICE},
    "default_currency": {FieldType.MONEY},
    "item_label": {FieldType.REPEAT},
    "bilingual": {FieldType.LONG_TEXT},
}


class FormDefinitionError(HomewardError):
    code = "HW050"
    template = N_("Form definition {file}, field {field}: {problem}")


def _fail(path: Path, field: str, problem: str) -> FormDefinitionError:
    return FormDefinitionError(file=path.name, field=field or "-", problem=problem)


# Bounds on what a definition may ask for: a larger number is a typing slip or an attack.
MAX_FILE_BYTES = 2_000_000
MAX_COUNT = 100_000  # lengths and numbers of items
MAX_NUMBER = Decimal(10) ** 12


def _text(path: Path, where: str, data: dict[str, Any], key: str, required: bool) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise _fail(path, where, f"'{key}' must be text")
    if required and not value.strip():
        raise _fail(path, where, f"'{key}' is missing")
    return value


def _int(path: Path, where: str, data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
        raise _fail(path, where, f"'{key}' must be a whole number from 0 to {MAX_COUNT}")
    return value


def _number(path: Path, where: str, data: dict[str, Any], key: str) -> Decimal | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _fail(path, where, f"'{key}' must be a number")
    number = Decimal(str(value))
    if not number.is_finite() or abs(number) > MAX_NUMBER:
        raise _fail(path, where, f"'{key}' must be a finite number of at most {MAX_NUMBER}")
    return number


MAX_PATTERN_LENGTH = 200


def _pattern(path: Path, where: str, text: str) -> Any:
    """A pattern compiled for RE2, whose matching time grows linearly with the answer: a
    pattern such as "(a+)+$" cannot hang validation. Python's parser checks the syntax first
    (its messages are clearer), and the features RE2 lacks are refused by name."""
    if len(text) > MAX_PATTERN_LENGTH:
        raise _fail(path, where, f"the pattern is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        with warnings.catch_warnings():  # e.g. "possible nested set": RE2 decides, silently
            warnings.simplefilter("ignore")
            parsed = re._parser.parse(text)  # type: ignore[attr-defined]
    except (re.error, RecursionError, OverflowError) as error:
        raise _fail(path, where, f"bad pattern: {error}") from None
    if _uses_backtracking_features(parsed):
        raise _fail(path, where, "the pattern uses a back-reference or a look-around, which "
                    "are not allowed (patterns must run in linear time)")  # fmt: skip
    try:
        return re2.compile(text)
    except re2.error as error:
        raise _fail(path, where, f"bad pattern: {error}") from None


def _uses_backtracking_features(parsed: Any) -> bool:
    forbidden = {"GROUPREF", "GROUPREF_EXISTS", "ASSERT", "ASSERT_NOT", "ATOMIC_GROUP",
                 "POSSESSIVE_REPEAT"}  # fmt: skip
    stack = [parsed]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple) or hasattr(item, "data"):
            for element in getattr(item, "data", item):
                stack.append(element)
        elif str(item) in forbidden:
            return True
    return False


def _choices(path: Path, document: dict[str, Any]) -> dict[str, tuple[Choice, ...]]:
    lists: dict[str, tuple[Choice, ...]] = {}
    for name, table in (document.get("choices") or {}).items():
        if not isinstance(table, dict) or not table:
            raise _fail(path, f"choices.{name}", "a choice list needs value = label entries")
        for value, label in table.items():
            if not _CHOICE_VALUE.match(value) or not isinstance(label, str) or not label:
                raise _fail(path, f"choices.{name}", f"bad choice {value!r}")
        lists[name] = tuple(Choice(value, label) for value, label in table.items())
    return lists


def _field(path: Path, raw: Any, choice_lists: dict[str, tuple[Choice, ...]]) -> FieldDef:
    if not isinstance(raw, dict):
        raise _fail(path, "", "each [[field]] must be a table")
    field_id = raw.get("id")
    if not isinstance(field_id, str) or not _ID.match(field_id):
        raise _fail(path, str(field_id), "the id must match [a-z][a-z0-9_]*")
    unknown = set(raw) - _FIELD_KEYS
    if unknown:
        raise _fail(path, field_id, f"unknown key(s): {', '.join(sorted(unknown))}")
    try:
        kind = FieldType(raw.get("type"))
    except ValueError:
        known = ", ".join(t.value for t in FieldType)
        raise _fail(path, field_id, f"unknown type {raw.get('type')!r} (known: {known})") from None
    for key, types in _ONLY_FOR.items():
        if key in raw and kind not in types:
            allowed = " or ".join(sorted(t.value for t in types)) or "no"
            raise _fail(path, field_id, f"'{key}' does not apply to a {kind.value} field "
                                        f"(only to {allowed} fields)")  # fmt: skip
    choices: tuple[Choice, ...] = ()
    if kind in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
        name = raw.get("choices")
        if name not in choice_lists:
            raise _fail(path, field_id, f"choice list {name!r} is not defined under [choices]")
        choices = choice_lists[name]
    pattern = None
    if "pattern" in raw:
        pattern = _pattern(path, field_id, _text(path, field_id, raw, "pattern", True))
    relevant = None
    if "relevant" in raw:
        try:
            relevant = parse(_text(path, field_id, raw, "relevant", True))
        except ExpressionError as error:
            raise _fail(path, field_id, f"bad relevant condition: {error}") from None
    currency = _text(path, field_id, raw, "default_currency", False)
    if currency and not re.fullmatch(r"[A-Z]{3}", currency):
        raise _fail(path, field_id, "default_currency is an ISO 4217 code such as EUR")
    for flag in ("required", "not_in_future", "partial", "bilingual"):
        if not isinstance(raw.get(flag, False), bool):
            raise _fail(path, field_id, f"'{flag}' must be true or false")
    default = _text(path, field_id, raw, "default", False)
    if default and default not in DEFAULTS.get(kind, ()):
        known = ", ".join(sorted(DEFAULTS.get(kind, ())))
        raise _fail(path, field_id, f"unknown default {default!r} (known: {known})")
    return FieldDef(
        id=field_id,
        type=kind,
        label=_text(path, field_id, raw, "label", True),
        hint=_text(path, field_id, raw, "hint", False),
        section=raw.get("section"),
        group=raw.get("group"),
        required=raw.get("required", False),
        relevant=relevant,
        choices=choices,
        minimum=_number(path, field_id, raw, "min"),
        maximum=_number(path, field_id, raw, "max"),
        min_length=_int(path, field_id, raw, "min_length"),
        max_length=_int(path, field_id, raw, "max_length"),
        pattern=pattern,
        pattern_message=_text(path, field_id, raw, "pattern_message", False),
        not_in_future=raw.get("not_in_future", False),
        partial=raw.get("partial", False),
        default=default,
        bilingual=raw.get("bilingual", False),
        min_items=_int(path, field_id, raw, "min_items"),
        max_items=_int(path, field_id, raw, "max_items"),
        default_currency=currency,
        item_label=_text(path, field_id, raw, "item_label", kind is FieldType.REPEAT),
    )


def _check_references(path: Path, form: FormDef) -> None:
    top = {f.id for f in form.fields}
    for field in form.fields:
        scopes = [(field, top)]
        scopes += [(member, top | {m.id for m in field.members}) for member in field.members]
        for checked, visible in scopes:
            if checked.relevant is None:
                continue
            unknown = checked.relevant.names - visible
            if unknown:
                raise _fail(
                    path, checked.id, f"relevant refers to unknown field(s) {sorted(unknown)}"
                )


def load_form(path: Path) -> FormDef:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise _fail(path, "", f"is larger than {MAX_FILE_BYTES} bytes")
        document = tomllib.loads(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise _fail(path, "", f"cannot be read: {error}") from None
    except (RecursionError, MemoryError):
        raise _fail(path, "", "cannot be read: it is nested too deeply") from None
    where = "form"
    form_id = _text(path, where, document, "id", True)
    if not _ID.match(form_id):
        raise _fail(path, where, "the form id must match [a-z][a-z0-9_]*")
    choice_lists = _choices(path, document)
    fields = [_field(path, raw, choice_lists) for raw in document.get("field", [])]
    seen: set[str] = set()
    for field in fields:
        if field.id in seen:
            raise _fail(path, field.id, "the id is used twice")
        seen.add(field.id)
    repeats = {f.id for f in fields if f.type is FieldType.REPEAT}
    members: dict[str, list[FieldDef]] = {group: [] for group in repeats}
    for field in fields:
        if field.group is not None:
            if field.group not in repeats:
                raise _fail(path, field.id, f"group {field.group!r} is not a repeat field")
            if field.type is FieldType.REPEAT:
                raise _fail(path, field.id, "repeat groups cannot be nested")
            members[field.group].append(field)
    sections = []
    section_ids: set[str] = set()
    for raw in document.get("section", []):
        section_id = _text(path, "section", raw, "id", True)
        if section_id in section_ids:
            raise _fail(path, section_id, "the section id is used twice")
        section_ids.add(section_id)
        own = tuple(
            _with_members(f, members) for f in fields if f.group is None and f.section == section_id
        )
        sections.append(
            Section(
                section_id,
                _text(path, section_id, raw, "title", True),
                _text(path, section_id, raw, "hint", False),
                own,
            )
        )
    for field in fields:
        if field.group is None and field.section not in section_ids:
            raise _fail(path, field.id, f"section {field.section!r} is not defined")
    for group, group_members in members.items():
        if not group_members:
            raise _fail(path, group, "a repeat group needs at least one member field")
    form = FormDef(
        id=form_id,
        version=_text(path, where, document, "version", True),
        title=_text(path, where, document, "title", True),
        sections=tuple(sections),
        source=path,
        digest=hashlib.sha256(data).hexdigest(),
    )
    _check_references(path, form)
    return form


def _with_members(field: FieldDef, members: dict[str, list[FieldDef]]) -> FieldDef:
    if field.type is not FieldType.REPEAT:
        return field
    return replace(field, members=tuple(members[field.id]))


class FormRegistry:
    """Every known version of every form; ``current`` is the one new answers are given under."""

    def __init__(self, forms: list[FormDef], current: dict[str, str]) -> None:
        self._by_version = {(form.id, form.version): form for form in forms}
        self._current = current

    def current(self, form_id: str) -> FormDef:
        return self._by_version[(form_id, self._current[form_id])]

    def version(self, form_id: str, version: str) -> FormDef:
        """The definition answers were given under; the current one if that version is gone."""
        found = self._by_version.get((form_id, version))
        if found is None:
            log.warning("form %s version %s is not installed; showing the current one",
                        form_id, version)  # fmt: skip
            return self.current(form_id)
        return found

    def knows(self, form_id: str, version: str, digest: str) -> bool:
        """Whether this exact definition (id, version and file digest) is installed: answers
        given under anything else cannot be read here with certainty."""
        found = self._by_version.get((form_id, version))
        return found is not None and found.digest == digest

    @property
    def form_ids(self) -> tuple[str, ...]:
        return tuple(self._current)


def load_registry(folder: Path) -> FormRegistry:
    current_forms = [load_form(path) for path in sorted(folder.glob("*.toml"))]
    archived = [load_form(path) for path in sorted((folder / "archive").glob("*.toml"))]
    current: dict[str, str] = {}
    for form in current_forms:
        if form.id in current:
            raise _fail(form.source, "form", f"a second current definition of {form.id!r}")
        current[form.id] = form.version
    seen: dict[tuple[str, str], Path] = {}
    for form in current_forms + archived:
        key = (form.id, form.version)
        if key in seen:
            raise _fail(form.source, "form", f"version {form.version} is also in {seen[key].name}")
        seen[key] = form.source
    return FormRegistry(current_forms + archived, current)


@cache
def load_forms() -> FormRegistry:
    """The definitions shipped with Homeward (loaded once)."""
    return load_registry(resource_dir("forms"))
