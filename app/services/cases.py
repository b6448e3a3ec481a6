"""The case register: open a case, list and search cases, read one case, correct its
returnee and household."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import uuid
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from math import isqrt
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Result,
    Select,
    String,
    bindparam,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload, selectinload
from sqlalchemy.sql.base import ExecutableOption
from sqlalchemy.types import NullType

from app.domain.accounts import Permission
from app.domain.cases import STATUS_LABELS, CaseNumber, CaseStatus
from app.domain.dates import PartialDate
from app.domain.errors import CaseErased, CaseIdentityLocked, CaseNotFound, InvalidInput, Msgid
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
from app.store.keyset import Anchor, KeysetOrder
from app.store.models import Case, CaseNumberCounter, CaseTombstone, Office, Returnee
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


# Each sort's keys, the case id last: every key has an index that serves it in both
# directions (see the models). Keys of the returnee are read from the returnee table alone.
_KEYS: dict[SortKey, tuple[InstrumentedAttribute[Any], ...]] = {
    SortKey.CASE_NUMBER: (Case.case_number, Case.id),
    SortKey.NAME: (Returnee.sort_family, Returnee.sort_given, Returnee.case_id),
    SortKey.BIRTH: (Returnee.sort_birth, Returnee.case_id),
    SortKey.NATIONALITY: (Returnee.nationality, Returnee.case_id),
    SortKey.COUNTRY: (Case.country_of_return, Case.region_of_return, Case.id),
    SortKey.STATUS: (Case.status, Case.id),
    SortKey.LANGUAGE: (Case.session_language, Case.id),
    SortKey.UPDATED: (Case.updated_at, Case.id),
}
PAGE_SIZE = 200
# Searching, the cases are either read from the search hits and sorted (few hits), or read in
# the sort's index and kept if they are hits (many). Sorting reads the rows of every hit, one
# random page each; the index is read in order, about 200 * N / h entries for a page of 200,
# plus the hits themselves from the search index. Measured here at 100,000 cases, the index
# is faster from about 800 hits: once h * h exceeds this many times N.
_WALK_FACTOR = 6


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


@dataclass(frozen=True)
class CasePage:
    """Rows of the register in order, with the anchors of the first and the last."""

    rows: tuple[CaseRow, ...]
    first: Anchor | None
    last: Anchor | None


# Read as stored and converted below as the column types would, at a third of their cost
# (a page of 200 rows: about 1 ms instead of 3).
_ROW_COLUMNS = tuple(
    type_coerce(column, NullType()).label(f"row_{i}")
    for i, column in enumerate(
        (
            Case.id,
            Case.uuid,
            Case.case_number,
            Returnee.given_name,
            Returnee.family_name,
            Returnee.date_of_birth,
            Returnee.date_of_birth_precision,
            Returnee.nationality,
            Case.country_of_return,
            Case.region_of_return,
            Case.status,
            Case.session_language,
            Case.updated_at,
            Case.is_demo,
        )
    )
)


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(hex=value)


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _utc(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=dt.UTC)  # stored in UTC without its zone (UtcDateTime)


def _row(values: Sequence[Any]) -> CaseRow:
    (id_, uuid_, number, given, family, born, precision, nationality, country, region, status,
     language, updated, demo) = values[: len(_ROW_COLUMNS)]  # fmt: skip
    return CaseRow(
        id=id_,
        uuid=_uuid(uuid_),
        case_number=number,
        given_name=given,
        family_name=family,
        date_of_birth=PartialDate.stored(_date(born), precision),
        nationality=nationality,
        country_of_return=country,
        region_of_return=region,
        status=CaseStatus(status),
        session_language=language,
        updated_at=_utc(updated),
        is_demo=bool(demo),
    )


class _Reading(enum.Enum):
    """How a listing reads the store (see _WALK_FACTOR)."""

    ALL = "all"  # no search: the sort's index
    HITS = "hits"  # the search hits, sorted
    WALK = "walk"  # the sort's index, keeping the hits


def _key_table(sort: SortKey) -> tuple[type[Case] | type[Returnee], InstrumentedAttribute[int]]:
    key_id = _KEYS[sort][-1]
    return (Returnee, Returnee.case_id) if key_id is Returnee.case_id else (Case, Case.id)


def _matching(reading: _Reading, id_column: ColumnElement[int]) -> ColumnElement[bool] | None:
    if reading is _Reading.ALL:
        return None
    # "+ 0" hides the id from the planner, which then reads the sort's index and checks each
    # case against the hits; given the bare id it reads the hits and sorts them.
    target = id_column + literal_column("0") if reading is _Reading.WALK else id_column
    return target.in_(search.hits(bindparam("match", type_=String)))


def _where(statement: Select[Any], *conditions: ColumnElement[bool] | None) -> Select[Any]:
    return statement.where(*(c for c in conditions if c is not None))


# The statements are built once and their values bound on each run: a statement SQLAlchemy
# has compiled before costs nothing to build again, and nothing to match its columns.
@functools.cache
def _page_statement(
    sort: SortKey, descending: bool, reading: _Reading, *, anchored: bool, reverse: bool
) -> Select[Any] | CompoundSelect[Any]:
    order = KeysetOrder(_KEYS[sort], descending=descending)
    statement = (
        select(*_ROW_COLUMNS, *order.columns())
        .select_from(Case)
        .join(Returnee, Returnee.case_id == Case.id)
    )
    # Checked on the table whose index is read, before the other table is looked up.
    statement = _where(statement, _matching(reading, _key_table(sort)[1]))
    limit = bindparam("limit", type_=Integer)
    return order.page(statement, limit, anchored=anchored, reverse=reverse)


@functools.cache
def _seek_statement(
    sort: SortKey, descending: bool, reading: _Reading, *, reverse: bool
) -> Select[Any]:
    order = KeysetOrder(_KEYS[sort], descending=descending)
    table, key_id = _key_table(sort)
    statement = (
        select(*order.columns())
        .select_from(table)
        .order_by(*order.order_by(reverse=reverse))
        .offset(bindparam("skip", type_=Integer))
        .limit(1)
    )
    return _where(statement, _matching(reading, key_id))


@functools.cache
def _anchor_statement(sort: SortKey, descending: bool, reading: _Reading) -> Select[Any]:
    order = KeysetOrder(_KEYS[sort], descending=descending)
    statement = (
        select(*order.columns())
        .select_from(Case)
        .join(Returnee, Returnee.case_id == Case.id)
        .where(Case.case_number == bindparam("number", type_=String))
    )
    return _where(statement, _matching(reading, Case.id))


@functools.cache
def _before_statement(sort: SortKey, descending: bool, reading: _Reading) -> Select[Any]:
    order = KeysetOrder(_KEYS[sort], descending=descending)
    table, key_id = _key_table(sort)
    statement = select(func.count()).select_from(table)
    return _where(statement, _matching(reading, key_id), order.before())


class CaseListing:
    """One search and sort of the register: counted once, then read page by page.

    Pages follow one another by keyset (:meth:`after`, :meth:`before`); :meth:`at` and
    :meth:`position` jump by counting along an index, never by reading the cases between.
    """

    def __init__(self, workspace: Workspace, query: CaseQuery, *, exact: bool = True) -> None:
        self.workspace = workspace
        self.query = query
        self.order = KeysetOrder(_KEYS[query.sort], descending=query.descending)
        dialect = workspace.engine.dialect.name
        self._match = search.match_expression(query.text, dialect) if query.text.strip() else None
        # Text with nothing searchable in it ("*", "?!") finds nothing.
        self.empty = bool(query.text.strip()) and self._match is None
        self._reading = _Reading.ALL
        self.total: int | None = 0 if self.empty else None
        if not self.empty:
            with workspace.reading() as session:
                self._count(session, exact=exact)

    def _count(self, session: Session, *, exact: bool) -> None:
        """Count the cases (``exact``), or only enough search hits to choose how to read."""
        if self._match is None:
            if exact:
                self.total = int(session.scalar(select(func.count()).select_from(Case)) or 0)
            return
        biggest = select(func.max(Case.id)).scalar_subquery()
        if exact:
            hits = search.count_hits(self._match).scalar_subquery()
            found, cases = session.execute(select(hits, biggest)).one()
            self.total = int(found)
        else:
            cases = session.scalar(select(func.max(Case.id))) or 0
            at_most = isqrt(_WALK_FACTOR * cases) + 1
            found = session.scalar(search.count_hits(self._match, at_most=at_most))
        many = int(found or 0) ** 2 > _WALK_FACTOR * int(cases or 0)
        self._reading = _Reading.WALK if many else _Reading.HITS

    def _run(
        self, session: Session, statement: Select[Any] | CompoundSelect[Any], **values: Any
    ) -> Result[Any]:
        if self._match is not None:
            values["match"] = self._match
        return session.connection().execute(statement, values)

    def _page(
        self, session: Session, limit: int, anchor: Anchor | None, *, reverse: bool = False
    ) -> CasePage:
        if self.empty or limit <= 0:
            return CasePage((), None, None)
        sort, descending = self.query.sort, self.query.descending
        statement = _page_statement(
            sort, descending, self._reading, anchored=anchor is not None, reverse=reverse
        )
        values = self.order.params(anchor) if anchor is not None else {}
        found = self._run(session, statement, limit=limit, **values).all()
        if reverse:
            found.reverse()
        if not found:
            return CasePage((), None, None)
        rows = tuple(_row(values) for values in found)
        return CasePage(rows, self.order.anchor_of(found[0]), self.order.anchor_of(found[-1]))

    def first(self, limit: int = PAGE_SIZE) -> CasePage:
        with self.workspace.reading() as session:
            return self._page(session, limit, None)

    def last(self, limit: int = PAGE_SIZE) -> CasePage:
        with self.workspace.reading() as session:
            return self._page(session, limit, None, reverse=True)

    def after(self, anchor: Anchor, limit: int = PAGE_SIZE) -> CasePage:
        with self.workspace.reading() as session:
            return self._page(session, limit, anchor)

    def before(self, anchor: Anchor, limit: int = PAGE_SIZE) -> CasePage:
        with self.workspace.reading() as session:
            return self._page(session, limit, anchor, reverse=True)

    def at(self, offset: int, limit: int = PAGE_SIZE) -> CasePage:
        """The rows from ``offset`` on: the row next to the page is found by counting along
        the index from the nearer end (no case read), then the page follows it."""
        if offset <= 0:
            return self.first(limit)
        with self.workspace.reading() as session:
            end = offset + limit
            if self.total is not None and end >= self.total:
                return self._page(session, self.total - offset, None, reverse=True)
            after_end = self.total - end if self.total is not None else offset
            from_end = after_end < offset
            sort, descending = self.query.sort, self.query.descending
            statement = _seek_statement(sort, descending, self._reading, reverse=from_end)
            skip = after_end - 1 if from_end else offset - 1
            found = self._run(session, statement, skip=skip).first()
            if found is None:
                return CasePage((), None, None)
            return self._page(session, limit, self.order.anchor_of(found), reverse=from_end)

    def position(self, case_number: str) -> int | None:
        """Where ``case_number`` stands in this listing (None if it is not in it): one count
        of the index entries before it."""
        if self.empty:
            return None
        sort, descending = self.query.sort, self.query.descending
        with self.workspace.reading() as session:
            statement = _anchor_statement(sort, descending, self._reading)
            found = self._run(session, statement, number=case_number).first()
            if found is None:
                return None
            statement = _before_statement(sort, descending, self._reading)
            values = self.order.params(self.order.anchor_of(found))
            return int(self._run(session, statement, **values).scalar_one())

    def rows(self, page_size: int = 1000) -> Generator[CaseRow, None, None]:
        """Every row in order, a page at a time, all in one consistent reading."""
        with self.workspace.reading() as session:
            anchor: Anchor | None = None
            while True:
                page = self._page(session, page_size, anchor)
                yield from page.rows
                if len(page.rows) < page_size:
                    return
                anchor = page.last


class CaseRegister:
    """What the case list and the CLI ask of the store."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def listing(self, query: CaseQuery) -> CaseListing:
        """``query`` counted once, to be read page by page."""
        return CaseListing(self.workspace, query)

    def count(self, query: CaseQuery) -> int:
        return CaseListing(self.workspace, query).total or 0

    def page(self, query: CaseQuery, offset: int = 0, limit: int = PAGE_SIZE) -> list[CaseRow]:
        """``limit`` rows from ``offset`` (uncounted: to read on, use :meth:`listing`)."""
        return list(CaseListing(self.workspace, query, exact=False).at(offset, limit).rows)

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
    if case is None and parsed is not None:
        erased = session.scalar(
            select(CaseTombstone.erased_at).where(CaseTombstone.case_number == str(parsed))
        )
        if erased is not None:
            raise CaseErased(case_number=str(parsed), date=erased.date().isoformat())
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
    search.index_case(
        session, case.id, case.case_number, *search_text(names, case.country_of_return,
                                                         case.region_of_return)
    )  # fmt: skip


def search_text(names: Sequence[str], country: str, region: str) -> tuple[str, str]:
    """The names and the places a case is found by, as :func:`reindex` indexes them."""
    return " ".join(filter(None, names)), " ".join([country, region, *_country_names(country)])


@functools.cache
def _country_names(code: str) -> tuple[str, ...]:
    """The country's name in every language the search knows (a few Babel look-ups)."""
    return tuple(sorted({country_name(code, language) for language in _INDEX_LANGUAGES}))
