"""A case as the flat field mapping a three-way merge compares, for a bundle record and for
the store alike, and back into the store. One place knows how the store's columns map to the
record's fields (case_pages reads them for export with the same field lists), so export and
import can never disagree."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.base import ExecutableOption

from app.bundles.records import CaseRecord
from app.store.models import (
    Case,
    FormResponse,
    HouseholdMember,
    Returnee,
    UserAccount,
)

RETURNEE_FIELDS = (
    "given_name",
    "family_name",
    "native_name",
    "date_of_birth",
    "date_of_birth_precision",
    "sex",
    "nationality",
)
MEMBER_FIELDS = (
    "position",
    "given_name",
    "family_name",
    "date_of_birth",
    "date_of_birth_precision",
    "sex",
    "relationship_to_returnee",
    "returns_together",
)
_CASE_FIELDS = ("status", "country_of_return", "region_of_return", "session_language")


class Usernames:
    """Account ids to user names, read once per export."""

    def __init__(self, session: Session) -> None:
        self._names = {
            i: n for i, n in session.execute(select(UserAccount.id, UserAccount.username))
        }

    def __call__(self, user_id: int | None) -> str | None:
        return self._names.get(user_id) if user_id is not None else None


_AS_IS = frozenset({str, int, bool, float, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:  # most values: checked first, a merge flattens many
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "value") and not isinstance(value, bool | int | str):
        return value.value  # an enum
    return value


def case_by_uuid(session: Session, case_uuid: uuid.UUID, *more: ExecutableOption) -> Case | None:
    """The case with what :func:`case_fields` and :func:`apply_fields` read, loaded at once."""
    parts = (selectinload(Case.returnee), selectinload(Case.household),
             selectinload(Case.responses))  # fmt: skip
    return session.scalar(select(Case).where(Case.uuid == case_uuid).options(*parts, *more))


def cases_by_uuid(
    session: Session, uuids: list[uuid.UUID], *more: ExecutableOption
) -> dict[uuid.UUID, Case]:
    """The cases with these uuids as :func:`case_by_uuid` loads one, in a few queries."""
    parts = (selectinload(Case.returnee), selectinload(Case.household),
             selectinload(Case.responses))  # fmt: skip
    found = session.scalars(select(Case).where(Case.uuid.in_(uuids)).options(*parts, *more))
    return {case.uuid: case for case in found}


def record_fields(record: CaseRecord) -> dict[str, Any]:
    """The case in ``record`` as flat field paths to JSON values, for the merge."""
    forms = [(f.form_id, f.form_version, f.form_digest, f.completed_at, f.answers)
             for f in record.forms]  # fmt: skip
    return _flat(record, record.returnee, record.household, forms)


def case_fields(case: Case) -> dict[str, Any]:
    """The same flat mapping for the case as this store holds it."""
    forms = [(r.form_id, r.form_version, r.form_digest, r.completed_at, r.answers or {})
             for r in case.responses]  # fmt: skip
    return _flat(case, case.returnee, case.household, forms)


def _flat(case: Any, returnee: Any, household: Any,
          forms: list[tuple[str, str, str, Any, dict[str, Any]]]) -> dict[str, Any]:  # fmt: skip
    """One spelling of the field paths for a record and a stored case alike: the merge
    compares the two, so they must never be built by two pieces of code."""
    fields: dict[str, Any] = {f"case.{f}": _plain(getattr(case, f)) for f in _CASE_FIELDS}
    for f in RETURNEE_FIELDS:
        fields[f"returnee.{f}"] = _plain(getattr(returnee, f))
    for member in household:
        prefix = f"household.{member.uuid}."  # spelt once: str() of a UUID is slow
        for f in MEMBER_FIELDS:
            fields[prefix + f] = _plain(getattr(member, f))
    for form_id, version, digest, completed_at, answers in forms:
        prefix = f"forms.{form_id}."
        fields[prefix + "version"] = version
        fields[prefix + "digest"] = digest
        fields[prefix + "completed_at"] = _plain(completed_at)
        prefix += "answers."
        for key, value in answers.items():
            fields[prefix + key] = value
    return {k: v for k, v in fields.items() if v is not None}


def apply_fields(
    session: Session,
    case: Case,
    fields: dict[str, Any],
    record: CaseRecord | None,
    user_id: int | None,
) -> None:
    """Make ``case`` hold ``fields`` (a merge result); rows that appear take their uuids
    from ``record`` when there is one."""
    for f in _CASE_FIELDS:
        setattr(case, f, fields.get(f"case.{f}", getattr(case, f)))
    if case.returnee is None:
        case.returnee = Returnee(
            uuid=record.returnee.uuid if record else uuid.uuid4(),
            given_name="",
            sex="u",
            nationality="XX",
        )
    for f in RETURNEE_FIELDS:
        setattr(case.returnee, f, _typed(f, fields.get(f"returnee.{f}")))
    _apply_household(session, case, fields)
    _apply_forms(case, fields, record, user_id)


def _typed(field: str, value: Any) -> Any:
    if field == "date_of_birth" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if field in ("native_name", "family_name") and value is None:
        return ""
    return value


def new_case_rows(
    record: CaseRecord, user_id: int | None, now: dt.datetime
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]] | None:
    """What :func:`apply_fields` gives a case that has no rows yet, read straight from the
    record, as column values for a bulk insert (the case id left for the caller): its
    returnee, its household members in order, its form responses. None for a record that
    names a member or a form twice: apply_fields merges those, let it."""
    household, forms = record.household, record.forms
    if len({m.uuid for m in household}) < len(household) or len(
        {f.form_id for f in forms}
    ) < len(forms):
        return None
    person = record.returnee
    returnee = {f: getattr(person, f) for f in RETURNEE_FIELDS}
    returnee["uuid"] = person.uuid
    members = []
    for member in sorted(household, key=lambda m: m.position):
        row = {f: getattr(member, f) for f in MEMBER_FIELDS}
        row["uuid"] = member.uuid
        members.append(row)
    responses = [
        {"uuid": f.uuid, "form_id": f.form_id, "form_version": f.form_version,
         "form_digest": f.form_digest,
         "answers": {k: v for k, v in f.answers.items() if v is not None},  # as flattened
         "revision": 1, "created_at": now, "updated_at": now, "updated_by_id": user_id,
         "completed_at": f.completed_at, "completed_by_id": None}
        for f in forms
    ]  # fmt: skip
    return returnee, members, responses


def _members(fields: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The household's fields by member uuid."""
    wanted: dict[str, dict[str, Any]] = {}
    for path, value in fields.items():
        if path.startswith("household."):
            _prefix, member_uuid, field = path.split(".", 2)
            wanted.setdefault(member_uuid, {})[field] = value
    return wanted


def _in_position_order(
    members: dict[str, dict[str, Any]],
) -> list[tuple[str, dict[str, Any]]]:
    return sorted(members.items(), key=lambda kv: kv[1].get("position", 0))


def _forms(fields: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each form's answers by form id (every form has a version, so none is left out)."""
    answers: dict[str, dict[str, Any]] = {}
    for path, value in fields.items():
        if path.startswith("forms."):
            _prefix, form_id, rest = path.split(".", 2)
            given = answers.setdefault(form_id, {})
            if rest.startswith("answers."):
                given[rest[8:]] = value
    return answers


def _apply_household(session: Session, case: Case, fields: dict[str, Any]) -> None:
    wanted = _members(fields)
    existing = {str(m.uuid): m for m in case.household}
    gone = [m for member_uuid, m in existing.items() if member_uuid not in wanted]
    for member in gone:
        case.household.remove(member)
    moved = any(str(m.uuid) in wanted and wanted[str(m.uuid)].get("position") != m.position
                for m in existing.values())  # fmt: skip
    if gone or moved:
        session.flush()  # positions freed before they are taken again
    for member_uuid, values in _in_position_order(wanted):
        member = existing.get(member_uuid)
        if member is None:
            member = HouseholdMember(uuid=uuid.UUID(member_uuid))
            case.household.append(member)
        for f in MEMBER_FIELDS:
            setattr(member, f, _typed(f, values.get(f)))


def _apply_forms(
    case: Case, fields: dict[str, Any], record: CaseRecord | None, user_id: int | None
) -> None:
    by_form = {r.form_id: r for r in case.responses}
    incoming = {f.form_id: f for f in record.forms} if record is not None else {}
    form_ids = _forms(fields)
    for form_id, answers in form_ids.items():
        response = by_form.get(form_id)
        if response is None:
            source = incoming.get(form_id)
            response = FormResponse(form_id=form_id, uuid=source.uuid if source else uuid.uuid4())
            case.responses.append(response)
        changed = response.answers != answers
        response.answers = answers
        response.form_version = fields.get(f"forms.{form_id}.version", response.form_version)
        response.form_digest = fields.get(f"forms.{form_id}.digest", response.form_digest)
        completed = fields.get(f"forms.{form_id}.completed_at")
        response.completed_at = dt.datetime.fromisoformat(completed) if completed else None
        if changed:
            response.revision = (response.revision or 0) + 1
            response.updated_at = dt.datetime.now(dt.UTC)
            response.updated_by_id = user_id
    for form_id, response in by_form.items():
        if form_id not in form_ids:
            case.responses.remove(response)
