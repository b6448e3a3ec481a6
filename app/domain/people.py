"""The returnee and the household: what is recorded when a case is opened, and its checks."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass, field

from app.domain.cases import CaseStatus
from app.domain.dates import PartialDate, as_partial
from app.domain.errors import N_, InvalidInput
from app.domain.text import control_problem

OLDEST_BIRTH_DATE = dt.date(1900, 1, 1)
MAX_NAME_LENGTH = 100
# Once a case has ended, who it was about is part of the record and stays as it was.
IDENTITY_LOCKED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.WITHDRAWN})


class Sex(enum.StrEnum):
    """As written in the travel document; X where the document says so."""

    FEMALE = "F"
    MALE = "M"
    UNSPECIFIED = "X"


SEX_LABELS: dict[Sex, str] = {
    Sex.FEMALE: N_("Female"),
    Sex.MALE: N_("Male"),
    Sex.UNSPECIFIED: N_("Unspecified"),
}


class Relationship(enum.StrEnum):
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    OTHER = "other"


RELATIONSHIP_LABELS: dict[Relationship, str] = {
    Relationship.SPOUSE: N_("Spouse or partner"),
    Relationship.CHILD: N_("Child"),
    Relationship.PARENT: N_("Parent"),
    Relationship.SIBLING: N_("Brother or sister"),
    Relationship.OTHER: N_("Other relative"),
}


@dataclass(frozen=True)
class PersonInput:
    given_name: str
    family_name: str
    # A year or a month alone when that is all the returnee knows; a plain date is taken as
    # a full one.
    date_of_birth: PartialDate | None
    sex: Sex | None  # None until chosen: a silent default would record a wrong sex

    def __post_init__(self) -> None:
        object.__setattr__(self, "date_of_birth", as_partial(self.date_of_birth))


@dataclass(frozen=True)
class HouseholdMemberInput(PersonInput):
    relationship: Relationship = Relationship.OTHER
    returns_together: bool = True
    # The member as stored, when a case's household is edited; None for a new member.
    member_id: uuid.UUID | None = None


@dataclass(frozen=True)
class NewCaseInput:
    """What the new-case dialog and ``homeward demo`` hand over to open a case."""

    returnee: PersonInput
    nationality: str
    country_of_return: str
    region_of_return: str
    session_language: str
    native_name: str = ""
    household: tuple[HouseholdMemberInput, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class IdentityInput:
    """The returnee and household of an existing case, as the edit dialog hands them over
    (the session language is changed in the session, not here)."""

    returnee: PersonInput
    nationality: str
    country_of_return: str
    region_of_return: str
    native_name: str = ""
    household: tuple[HouseholdMemberInput, ...] = field(default_factory=tuple)


def _person_problems(prefix: str, person: PersonInput, today: dt.date) -> dict[str, str]:
    problems: dict[str, str] = {}
    # Some travel documents carry a single name, so only the given name is required.
    if not person.given_name.strip():
        problems[f"{prefix}given_name"] = N_("the given name is required")
    for attr in ("given_name", "family_name"):
        if len(getattr(person, attr).strip()) > MAX_NAME_LENGTH:
            problems[f"{prefix}{attr}"] = N_("a name has at most 100 characters")
        elif problem := control_problem(getattr(person, attr)):
            problems[f"{prefix}{attr}"] = problem
    if person.sex is None:
        problems[f"{prefix}sex"] = N_("choose the sex as written in the travel document")
    born = person.date_of_birth
    if born is not None and born.is_after(today):
        problems[f"{prefix}date_of_birth"] = N_("the date of birth is in the future")
    elif born is not None and born.is_before(OLDEST_BIRTH_DATE):
        problems[f"{prefix}date_of_birth"] = N_("the date of birth is before 1900")
    return problems


def validate_new_case(
    case: NewCaseInput,
    *,
    today: dt.date,
    known_countries: frozenset[str],
    known_languages: frozenset[str],
) -> None:
    """Raise :class:`InvalidInput` naming every wrong field; return quietly when all is well."""
    problems = _identity_problems(case, today, known_countries, known_languages)
    if problems:
        raise InvalidInput(problems)


def validate_identity(
    identity: IdentityInput, *, today: dt.date, known_countries: frozenset[str]
) -> None:
    """The checks of :func:`validate_new_case`, for a case whose returnee is edited."""
    problems = _identity_problems(identity, today, known_countries)
    if problems:
        raise InvalidInput(problems)


def _identity_problems(
    case: NewCaseInput | IdentityInput,
    today: dt.date,
    known_countries: frozenset[str],
    known_languages: frozenset[str] | None = None,
) -> dict[str, str]:
    problems = _person_problems("", case.returnee, today)
    if case.nationality not in known_countries:
        problems["nationality"] = N_("choose a nationality from the list")
    if case.country_of_return not in known_countries:
        problems["country_of_return"] = N_("choose the country of return from the list")
    if len(case.region_of_return) > MAX_NAME_LENGTH:
        problems["region_of_return"] = N_("a place name has at most 100 characters")
    elif problem := control_problem(case.region_of_return):
        problems["region_of_return"] = problem
    if len(case.native_name) > 2 * MAX_NAME_LENGTH:
        problems["native_name"] = N_("the name in own script has at most 200 characters")
    elif problem := control_problem(case.native_name):
        problems["native_name"] = problem
    if isinstance(case, NewCaseInput) and case.session_language not in (known_languages or ()):
        problems["session_language"] = N_("choose the language of the session from the list")
    for index, member in enumerate(case.household, start=1):
        problems.update(_person_problems(f"household[{index}].", member, today))
    return problems
