"""The case register: open a case, list and search cases, read one case, correct its
returnee and household."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from app.domain.accounts import Permission
from app.domain.cases import STATUS_LABELS, CaseNumber, CaseStatus
from app.domain.dates import PartialDate
from app.domain.errors import CaseIdentityLocked, CaseNotFound, InvalidInput, Msgid
from app.domain.people import (
    IDENTITY_LOCKED_STATUSES,
    IdentityInput,
    NewCaseInput,
    Relationship,
    Sex,
    validate_identity,
    validate_new_case,
)
from app.i18n.languages import LANGUAGE_CODES, LANGUAGES, country_codes, country_name
from app.services.identity import apply_identity, new_member, person_columns
from app.services.workspace import Workspace
from app.store import audit, search
from app.store.models import Case, CaseNumberCounter, Office, Returnee
from app.store.types import utcnow

_INDEX_LANGUAGES = tuple(language.code for language in LANGUAGES)
# Demo cases are numbered in a series of their own (DEMO-2026-00001), so they never take a
# number from the office's real series nor pass for a real case on paper.
DEMO_OFFICE_CODE = "DEMO"


class SortKey(enum.StrEnum):
    CASE_NUMBER = "case_number"
    NAME = "name"
    BIRTH = "birth"
    NATIONALITY = "nationality"
    COUNTRY = "country"
    STATUS = "status"
    LANGUAGE = "language"
    UPDATED = "updated"


_ORDER = {
    SortKey.CASE_NUMBER: (Case.case_number,),
    SortKey.NAME: (func.lower(Returnee.family_name), func.lower(Returnee.given_name)),
    SortKey.BIRTH: (Returnee.date_of_birth,),
    SortKey.NATIONALITY: (Returnee.nationality,),
    SortKey.COUNTRY: (Case.country_of_return, Case.region_of_return),
    SortKey.STATUS: (Case.status,),
    SortKey.LANGUAGE: (Case.session_language,),
    SortKey.UPDATED: (Case.updated_at,),
}


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""
    sort: SortKey = SortKey.UPDATED
    descending: bool = True


@dataclass(frozen=True)
class CaseRow:
    """One line of the case register."""

    id: int
    uuid: uuid.UUID
    case_number: str
    given_name: str
    family_name: str
    date_of_birth: PartialDate | None
    nationality: str
    country_of_return: str
    region_of_return: str
    status: CaseStatus
    session_language: str
    updated_at: dt.datetime
    is_demo: bool = False


@dataclass(frozen=True)
class HouseholdMemberView:
    given_name: str
    family_name: str
    date_of_birth: PartialDate | None
    sex: Sex
    relationship: Relationship
    returns_together: bool
    uuid: uuid.UUID | None = None  # names the member when the household is edited


@dataclass(frozen=True)
class CaseDetail:
    row: CaseRow
    native_name: str
    sex: Sex
    revision: int
    created_at: dt.datetime
    created_by: str
    office_code: str
    household: tuple[HouseholdMemberView, ...]


def case_row(case: Case) -> CaseRow:
    returnee = case.returnee
    return CaseRow(
        id=case.id,
        uuid=case.uuid,
        case_number=case.case_number,
        given_name=returnee.given_name,
        family_name=returnee.family_name,
        date_of_birth=PartialDate.stored(returnee.date_of_birth, returnee.date_of_birth_precision),
        nationality=returnee.nationality,
        country_of_return=case.country_of_return,
        region_of_return=case.region_of_return,
        status=CaseStatus(case.status),
        session_language=case.session_language,
        updated_at=case.updated_at,
        is_demo=case.is_demo,
    )


def _filtered(statement: Select[tuple[Case]], query: CaseQuery) -> Select[tuple[Case]] | None:
    if not query.text.strip():
        return statement
    expression = search.match_expression(query.text)
    if expression is None:
        return None
    hits = text(f"SELECT rowid FROM {search.SEARCH_TABLE} WHERE {search.SEARCH_TABLE} MATCH :q")
    return statement.where(Case.id.in_(hits.bindparams(q=expression)))


class CaseRegister:
    """What the case list and the CLI ask of the store."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def count(self, query: CaseQuery) -> int:
        statement = _filtered(select(Case).join(Case.returnee), query)
        if statement is None:
            return 0
        with self.workspace.reading() as session:
            counted = statement.with_only_columns(func.count(Case.id))
            return int(session.scalar(counted) or 0)

    def page(self, query: CaseQuery, offset: int, limit: int) -> list[CaseRow]:
        statement = _filtered(
            select(Case).join(Case.returnee).options(joinedload(Case.returnee)), query
        )
        if statement is None:
            return []
        order = [key.desc() if query.descending else key.asc() for key in _ORDER[query.sort]]
        tie_break = Case.id.desc() if query.descending else Case.id.asc()
        statement = statement.order_by(*order, tie_break).offset(offset).limit(limit)
        with self.workspace.reading() as session:
            return [case_row(case) for case in session.scalars(statement)]

    def detail(self, case_number: str) -> CaseDetail:
        with self.workspace.reading() as session:
            case = load_case(
                session,
                case_number,
                joinedload(Case.office),
                joinedload(Case.created_by),
                selectinload(Case.household),
            )
            return CaseDetail(
                row=case_row(case),
                native_name=case.returnee.native_name,
                sex=Sex(case.returnee.sex),
                revision=case.revision,
                created_at=case.created_at,
                created_by=case.created_by.display_name if case.created_by else "",
                office_code=case.office.code,
                household=tuple(
                    HouseholdMemberView(
                        member.given_name,
                        member.family_name,
                        PartialDate.stored(member.date_of_birth, member.date_of_birth_precision),
                        Sex(member.sex),
                        Relationship(member.relationship_to_returnee),
                        member.returns_together,
                        member.uuid,
                    )
                    for member in case.household
                ),
            )

    def open_case(self, new_case: NewCaseInput, *, today: dt.date | None = None) -> CaseRow:
        """Validate and store a new case with the next number of this office."""
        self.workspace.require(Permission.WORK_ON_CASES)
        validate_new_case(
            new_case,
            today=today or dt.date.today(),
            known_countries=country_codes(),
            known_languages=LANGUAGE_CODES,
        )
        with self.workspace.transaction() as session:
            case = add_case(session, self.workspace, new_case)
            return case_row(case)

    def edit_identity(
        self, case_number: str, identity: IdentityInput, *, today: dt.date | None = None
    ) -> CaseRow:
        """Correct the returnee, where they return to and the household of an open case.

        Checked as a new case is; refused once the case is closed or withdrawn. One audit
        event lists each changed field with its old and new value; nothing changed, no event.
        """
        self.workspace.require(Permission.WORK_ON_CASES)
        with self.workspace.transaction() as session:
            case = load_case(session, case_number, selectinload(Case.household))
            locked = _lock_problem(case)
            if locked is not None:
                raise locked
            validate_identity(
                identity, today=today or dt.date.today(), known_countries=country_codes()
            )
            changes = apply_identity(session, case, identity)
            if changes:
                case.revision += 1
                case.updated_at = utcnow()
                session.flush()
                reindex(session, case)
                audit.record(
                    session,
                    "case.identity_changed",
                    user_id=self.workspace.user.id,
                    case=case,
                    detail={"changes": changes},
                )
            return case_row(case)


def input_problems(
    entered: NewCaseInput | IdentityInput, *, today: dt.date | None = None
) -> dict[str, str]:
    """What opening or correcting a case with ``entered`` would refuse, nothing stored.

    For a form that has problems of its own to show at the same time (a date it cannot read).
    """
    try:
        if isinstance(entered, NewCaseInput):
            validate_new_case(
                entered,
                today=today or dt.date.today(),
                known_countries=country_codes(),
                known_languages=LANGUAGE_CODES,
            )
        else:
            validate_identity(
                entered, today=today or dt.date.today(), known_countries=country_codes()
            )
    except InvalidInput as error:
        return error.problems
    return {}


def _lock_problem(case: Case) -> CaseIdentityLocked | None:
    status = CaseStatus(case.status)
    if status in IDENTITY_LOCKED_STATUSES:
        return CaseIdentityLocked(case_number=case.case_number, status=Msgid(STATUS_LABELS[status]))
    return None


def load_case(session: Session, case_number: str, *options: ExecutableOption) -> Case:
    """The case numbered ``case_number`` (any letter case, spaces around), with its returnee."""
    parsed = CaseNumber.parse(case_number)
    case = None
    if parsed is not None:
        case = session.scalar(
            select(Case)
            .where(Case.case_number == str(parsed))
            .options(joinedload(Case.returnee), *options)
        )
    if case is None:
        shown = case_number.strip()
        raise CaseNotFound(case_number=shown if len(shown) <= 40 else shown[:40] + "…")
    return case


def next_case_number(session: Session, office_id: int, office_code: str, year: int) -> str:
    counter = session.get(CaseNumberCounter, (office_id, year))
    if counter is None:
        counter = CaseNumberCounter(office_id=office_id, year=year, last_sequence=0)
        session.add(counter)
    counter.last_sequence += 1
    return str(CaseNumber(office_code, year, counter.last_sequence))


def add_case(
    session: Session,
    workspace: Workspace,
    new_case: NewCaseInput,
    *,
    at: dt.datetime | None = None,
    office: Office | None = None,
) -> Case:
    """Insert an already validated case, its search row and its audit event (numbered in
    ``office``'s series, this installation's office by default)."""
    installation = workspace.installation
    office_id, office_code = (
        (office.id, office.code) if office else (installation.office_id, installation.office_code)
    )
    created = at or utcnow()
    person = new_case.returnee
    case = Case(
        case_number=next_case_number(session, office_id, office_code, created.year),
        office_id=office_id,
        is_demo=office is not None and office.code == DEMO_OFFICE_CODE,
        status=CaseStatus.INTAKE.value,
        session_language=new_case.session_language,
        country_of_return=new_case.country_of_return,
        region_of_return=new_case.region_of_return.strip(),
        created_by_id=workspace.user.id,
        created_at=created,
        updated_at=created,
        returnee=Returnee(
            native_name=new_case.native_name.strip(),
            nationality=new_case.nationality,
            **person_columns(person),
        ),
        household=[
            new_member(position, member) for position, member in enumerate(new_case.household)
        ],
    )
    session.add(case)
    session.flush()
    reindex(session, case)
    audit.record(
        session,
        "case.opened",
        user_id=workspace.user.id,
        case=case,
        detail={"household_members": len(new_case.household)},
    )
    return case


def reindex(session: Session, case: Case) -> None:
    """Refresh the case's search row: numbers, every name, and the country in every language."""
    returnee = case.returnee
    names = [returnee.given_name, returnee.family_name, returnee.native_name]
    for member in case.household:
        names += [member.given_name, member.family_name]
    countries = {country_name(case.country_of_return, code) for code in _INDEX_LANGUAGES}
    places = " ".join([case.country_of_return, case.region_of_return, *sorted(countries)])
    search.index_case(session, case.id, case.case_number, " ".join(filter(None, names)), places)
