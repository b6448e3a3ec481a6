"""Writing demo cases in bulk: one INSERT per table for a few thousand cases.

The case register's own path (``app.services.cases.add_case``) flushes the ORM once per case,
which is right for a person opening one case and far too slow for 100,000 synthetic ones.
This module writes the same rows as ``add_case`` and ``reindex`` would (a test compares the
search rows with ``reindex``'s), with each case's "case.opened" event sealed into the audit
hash chain here, since the events do not pass through ``audit.record``.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app.domain.cases import CaseStatus
from app.domain.people import NewCaseInput
from app.i18n.languages import LANGUAGES, country_name
from app.services.bulk_rows import insert_case_rows, insert_many, new_case_ids
from app.services.cases import next_case_number
from app.services.identity import person_columns
from app.store import audit, search
from app.store.models import (
    Case,
    CaseDecision,
    FormResponse,
    HouseholdMember,
    Returnee,
)
from app.store.types import utcnow

_PAGE_CACHE_KIB = 64 * 1024
_INDEX_LANGUAGES = tuple(language.code for language in LANGUAGES)


@dataclass(frozen=True)
class DemoCase:
    """One generated case, as plain values: what it is about, how far it got, its answers."""

    new_case: NewCaseInput
    opened: dt.datetime
    status: CaseStatus
    responses: tuple[dict[str, Any], ...]  # form_response columns, without the case
    decision: dict[str, Any] | None  # case_decision columns, without the case


@dataclass(frozen=True)
class Writer:
    """Who and where: the demo series' office and the signed-in user."""

    office_id: int
    office_code: str
    user_id: int


@contextmanager
def bulk_connection(engine: Engine) -> Iterator[Connection]:
    """One connection for every transaction of a large demo, with a larger page cache while
    it lasts: the cases' rows go to the ends of their tables, but their UUIDs and numbers to
    every part of the indexes, whose pages would otherwise be read (and decrypted) again for
    each transaction."""
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":  # a server manages its own cache
            yield connection
            connection.rollback()
            return
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size = -{_PAGE_CACHE_KIB}")
        connection.commit()  # so that each session on it begins and commits its own
        try:
            yield connection
        finally:
            connection.rollback()  # whatever a failed session left
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")
            connection.commit()


def write_cases(session: Session, writer: Writer, cases: Sequence[DemoCase]) -> None:
    """Insert ``cases`` with their returnees, households, answers, decisions, search rows and
    audit events, in ``session``'s transaction."""
    if not cases:
        return
    _write(session, session.connection(), writer, cases)


def _write(
    session: Session, connection: Connection, writer: Writer, cases: Sequence[DemoCase]
) -> None:
    now = utcnow()
    case_rows = [_case_row(session, writer, case) for case in cases]
    # Writing the case number counters takes the store's write lock: from here on no other
    # program can add a case (so the next ids are ours) nor an audit event (so the chain
    # goes on from the last event read below).
    session.flush()
    audit.lock_chain(session)
    for case_id, row in zip(new_case_ids(session, len(case_rows)), case_rows, strict=True):
        row["id"] = case_id
    insert_many(connection, Case.__table__, case_rows)

    returnees, members, responses, decisions, searches, events = [], [], [], [], [], []
    for row, case in zip(case_rows, cases, strict=True):
        case_id = row["id"]
        new_case = case.new_case
        returnees.append(
            {"uuid": uuid.uuid4(), "case_id": case_id, "native_name": new_case.native_name.strip(),
             "nationality": new_case.nationality} | person_columns(new_case.returnee)
        )  # fmt: skip
        for position, member in enumerate(new_case.household):
            members.append(
                {"uuid": uuid.uuid4(), "case_id": case_id, "position": position,
                 "relationship_to_returnee": member.relationship.value,
                 "returns_together": member.returns_together} | person_columns(member)
            )  # fmt: skip
        responses += [{"uuid": uuid.uuid4(), "case_id": case_id} | r for r in case.responses]
        if case.decision is not None:
            decisions.append(
                {"uuid": uuid.uuid4(), "case_id": case_id, "recorded_at": now} | case.decision
            )
        searches.append(_search_row(case_id, row["case_number"], new_case, returnees[-1]))
        events.append(
            {"uuid": uuid.uuid4(), "at": utcnow(), "user_id": writer.user_id, "case_id": case_id,
             "case_uuid": row["uuid"], "case_revision": 1, "action": "case.opened",
             "detail": {"household_members": len(new_case.household)}, "note": ""}
        )  # fmt: skip
    insert_case_rows(session, [
        (Returnee.__table__, returnees), (HouseholdMember.__table__, members),
        (FormResponse.__table__, responses), (CaseDecision.__table__, decisions),
    ], searches, events)  # fmt: skip


def _case_row(session: Session, writer: Writer, case: DemoCase) -> dict[str, Any]:
    new_case = case.new_case
    revision = 1 + sum(response["revision"] for response in case.responses)
    return {
        "uuid": uuid.uuid4(),
        "case_number": next_case_number(
            session, writer.office_id, writer.office_code, case.opened.year
        ),
        "office_id": writer.office_id,
        "is_demo": True,
        "status": case.status.value,
        "session_language": new_case.session_language,
        "country_of_return": new_case.country_of_return,
        "region_of_return": new_case.region_of_return.strip(),
        "revision": revision,
        "created_by_id": writer.user_id,
        "created_at": case.opened,
        "updated_at": case.opened,
    }


@functools.cache
def _country_names(code: str) -> tuple[str, ...]:
    return tuple(sorted({country_name(code, language) for language in _INDEX_LANGUAGES}))


def _search_row(
    case_id: int, case_number: str, new_case: NewCaseInput, returnee: dict[str, Any]
) -> dict[str, Any]:
    """The row ``cases.reindex`` would write through ``search.index_case``."""
    names = [returnee["given_name"], returnee["family_name"], returnee["native_name"]]
    for member in new_case.household:
        names += [member.given_name.strip(), member.family_name.strip()]
    joined = " ".join(filter(None, names))
    places = [new_case.country_of_return, new_case.region_of_return.strip()]
    places_text = " ".join([*places, *_country_names(new_case.country_of_return)])
    return search.search_row(case_id, case_number, joined, places_text)
