"""Correcting who a case is about: the returnee's and household's columns, and the list of
changes (old and new values as text) that the audit trail keeps for supervisors."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy.orm import Session

from app.domain.dates import PartialDate, Precision
from app.domain.people import HouseholdMemberInput, IdentityInput, PersonInput
from app.store.models import Case, HouseholdMember, Returnee


def person_columns(person: PersonInput) -> dict[str, Any]:
    """A person's columns; a partial date of birth is stored as its first day and precision."""
    born = person.date_of_birth
    assert person.sex is not None  # validated before
    return {
        "given_name": person.given_name.strip(),
        "family_name": person.family_name.strip(),
        "date_of_birth": born.earliest if born else None,
        "date_of_birth_precision": born.precision.value if born else Precision.DAY.value,
        "sex": person.sex.value,
    }


def _member_columns(member: HouseholdMemberInput) -> dict[str, Any]:
    return person_columns(member) | {
        "relationship_to_returnee": member.relationship.value,
        "returns_together": member.returns_together,
    }


def new_member(position: int, member: HouseholdMemberInput) -> HouseholdMember:
    return HouseholdMember(position=position, **_member_columns(member))


def _as_text(value: object) -> str | None:
    """A value as the audit trail shows it to supervisors: text, or None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


_Change = dict[str, str | None]


def _diff(prefix: str, old: dict[str, object], new: dict[str, object]) -> list[_Change]:
    changes = []
    for name, value in new.items():
        before, after = _as_text(old[name]), _as_text(value)
        if before != after:
            changes.append({"field": f"{prefix}{name}", "old": before, "new": after})
    return changes


def _person_values(person: PersonInput | Returnee | HouseholdMember) -> dict[str, object]:
    if isinstance(person, PersonInput):
        born = person.date_of_birth
        sex: object = person.sex
        given, family = person.given_name.strip(), person.family_name.strip()
    else:
        born = PartialDate.stored(person.date_of_birth, person.date_of_birth_precision)
        sex, given, family = person.sex, person.given_name, person.family_name
    return {"given_name": given, "family_name": family, "date_of_birth": born, "sex": sex}


def _member_values(member: HouseholdMemberInput | HouseholdMember) -> dict[str, object]:
    if isinstance(member, HouseholdMemberInput):
        relationship: object = member.relationship
    else:
        relationship = member.relationship_to_returnee
    return _person_values(member) | {
        "relationship": relationship,
        "returns_together": member.returns_together,
    }


def apply_identity(session: Session, case: Case, identity: IdentityInput) -> list[_Change]:
    """Write ``identity`` over the case; return what changed, field by field."""
    returnee = case.returnee
    old = _person_values(returnee) | {
        "native_name": returnee.native_name,
        "nationality": returnee.nationality,
        "country_of_return": case.country_of_return,
        "region_of_return": case.region_of_return,
    }
    new = _person_values(identity.returnee) | {
        "native_name": identity.native_name.strip(),
        "nationality": identity.nationality,
        "country_of_return": identity.country_of_return,
        "region_of_return": identity.region_of_return.strip(),
    }
    changes = _diff("", old, new)
    for name, value in person_columns(identity.returnee).items():
        setattr(returnee, name, value)
    returnee.native_name = str(new["native_name"])
    returnee.nationality = identity.nationality
    case.country_of_return = identity.country_of_return
    case.region_of_return = str(new["region_of_return"])
    return changes + _apply_household(session, case, identity.household)


def _apply_household(
    session: Session, case: Case, members: tuple[HouseholdMemberInput, ...]
) -> list[_Change]:
    """Members keep their row (and UUID) by ``member_id``; numbers in changes count from 1."""
    stored = {member.uuid: member for member in case.household}
    matched: dict[int, HouseholdMember] = {}  # input position -> stored member
    for position, wanted in enumerate(members):
        found = stored.get(wanted.member_id) if wanted.member_id is not None else None
        if found is not None and found not in matched.values():
            matched[position] = found
    changes: list[_Change] = []
    for member in list(case.household):
        if member not in matched.values():
            name = " ".join(filter(None, (member.given_name, member.family_name)))
            changes.append(
                {"field": f"household[{member.position + 1}]", "old": name, "new": "removed"}
            )
            case.household.remove(member)
    # Positions are unique per case: the removed rows go first (a new member may take a
    # freed position), and kept members that move are parked out of the way.
    session.flush()
    if any(member.position != position for position, member in matched.items()):
        for member in matched.values():
            member.position = -1 - member.position
        session.flush()
    for position, wanted in enumerate(members):
        prefix = f"household[{position + 1}]"
        found = matched.get(position)
        if found is None:
            case.household.append(new_member(position, wanted))
            changes.append({"field": prefix, "old": None, "new": "added"})
            continue
        changes += _diff(f"{prefix}.", _member_values(found), _member_values(wanted))
        for name, value in _member_columns(wanted).items():
            setattr(found, name, value)
        found.position = position
    case.household.sort(key=lambda member: member.position)
    return changes
