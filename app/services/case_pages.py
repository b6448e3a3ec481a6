"""Cases for a bundle, read a page at a time: one query per table for all the cases of a
page, plain Core rows rather than ORM objects. An export of 100,000 cases then costs a few
hundred queries instead of several per case, and its memory is that of one page.

Most of an export's time was spent turning columns into Python values, so the columns that
cost most are read as the driver gives them and converted here, the same on SQLite and on a
server: JSON as text decoded by msgspec (several times faster than the json module), UUIDs
and moments from their stored text (a server's driver hands over objects already).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

import msgspec
from sqlalchemy import Connection, String, Text, cast, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from app.bundles.records import (
    ApprovedAmount,
    AuditEventRecord,
    CaseRecord,
    FormAnswers,
    HouseholdMemberRecord,
    PrintRecord,
    RecordedDecision,
    ReturneeRecord,
    SessionRecord,
)
from app.services.case_records import Usernames
from app.store.models import (
    AuditEvent,
    Case,
    CaseDecision,
    CounsellingSession,
    FormResponse,
    HouseholdMember,
    Office,
    Returnee,
)

PAGE = 1000  # cases per round of queries: a page's rows stay a few megabytes
Page = list[tuple[int, CaseRecord, list[AuditEventRecord]]]  # case id, record, events
_json = msgspec.json.Decoder()
_new, _set, _UUID, _UNKNOWN = object.__new__, object.__setattr__, uuid.UUID, uuid.SafeUUID.unknown


def case_pages(
    session: Session, ids: Sequence[int], names: Usernames, page: int = PAGE
) -> Iterator[Page]:
    """The cases with ``ids`` (in that order), ``page`` at a time, each with its audit
    events in the order they were recorded."""
    connection = session.connection()
    for start in range(0, len(ids), page):
        yield _page(connection, ids[start : start + page], names)


def _raw(column: Any) -> ColumnElement[Any]:
    """The column as the driver reads it, without SQLAlchemy's conversion."""
    return type_coerce(column, String)


def _json_text(column: Any) -> ColumnElement[Any]:
    return cast(column, Text)  # a server's json type as text too


def _document(value: Any) -> Any:
    return _json.decode(value) if isinstance(value, str | bytes) else value


def _uuid(value: Any) -> uuid.UUID:
    """A stored UUID: 32 hex digits on SQLite (built as psycopg builds them, without
    uuid.UUID's parsing, which was a tenth of an export), a UUID from a server's driver."""
    if isinstance(value, str) and len(value) == 32:
        made = _new(_UUID)
        _set(made, "int", int(value, 16))
        _set(made, "is_safe", _UNKNOWN)
        return made  # type: ignore[no-any-return]
    return _UUID(value) if isinstance(value, str) else value


def _moment(value: Any) -> Any:
    """A stored UtcDateTime, aware: text on SQLite, a naive datetime from a server."""
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value + "+00:00")
    return value.replace(tzinfo=dt.UTC) if value is not None else None


def _among(column: Any, chunk: Sequence[int]) -> ColumnElement[bool]:
    """``column`` holds one of the sorted ids ``chunk``: a range when they are dense (the
    rows of ids in between that are not in ``chunk`` are read and never used), else a list."""
    if chunk[-1] - chunk[0] < 2 * len(chunk):
        return column.between(chunk[0], chunk[-1])  # type: ignore[no-any-return]
    return column.in_(chunk)  # type: ignore[no-any-return]


def _by_case(result: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in result.all():  # one fetchall, not a fetchone per row
        grouped[row[0]].append(row)
    return grouped


def _page(connection: Connection, chunk: Sequence[int], names: Usernames) -> Page:
    cases = connection.execute(
        select(Case.id, _raw(Case.uuid), Case.case_number, Office.code, Case.status,
               Case.revision, Case.synced_revision, Case.country_of_return,
               Case.region_of_return, Case.session_language, Case.is_demo, Case.created_by_id,
               _raw(Case.created_at), _raw(Case.updated_at))
        .join(Office, Case.office_id == Office.id)
        .where(_among(Case.id, chunk))
    ).all()  # fmt: skip
    by_id = {row[0]: row for row in cases}
    returnees = {
        row[0]: ReturneeRecord(uuid=_uuid(row[1]), given_name=row[2], family_name=row[3],
                               native_name=row[4], date_of_birth=row[5],
                               date_of_birth_precision=row[6], sex=row[7], nationality=row[8])
        for row in connection.execute(
            select(Returnee.case_id, _raw(Returnee.uuid), Returnee.given_name,
                   Returnee.family_name, Returnee.native_name, Returnee.date_of_birth,
                   Returnee.date_of_birth_precision, Returnee.sex, Returnee.nationality)
            .where(_among(Returnee.case_id, chunk))
        ).all()
    }  # fmt: skip
    household = _by_case(connection.execute(
        select(HouseholdMember.case_id, _raw(HouseholdMember.uuid), HouseholdMember.position,
               HouseholdMember.given_name, HouseholdMember.family_name,
               HouseholdMember.date_of_birth, HouseholdMember.date_of_birth_precision,
               HouseholdMember.sex, HouseholdMember.relationship_to_returnee,
               HouseholdMember.returns_together)
        .where(_among(HouseholdMember.case_id, chunk))
        .order_by(HouseholdMember.case_id, HouseholdMember.position)
    ))  # fmt: skip
    sittings = _by_case(connection.execute(
        select(CounsellingSession.case_id, _raw(CounsellingSession.uuid),
               CounsellingSession.counsellor_id, CounsellingSession.counsellor_language,
               CounsellingSession.migrant_language, _raw(CounsellingSession.started_at),
               _raw(CounsellingSession.ended_at))
        .where(_among(CounsellingSession.case_id, chunk))
        .order_by(CounsellingSession.case_id, CounsellingSession.id)
    ))  # fmt: skip
    forms = _by_case(connection.execute(
        select(FormResponse.case_id, _raw(FormResponse.uuid), FormResponse.form_id,
               FormResponse.form_version, FormResponse.form_digest,
               _json_text(FormResponse.answers), FormResponse.revision,
               _raw(FormResponse.created_at), _raw(FormResponse.updated_at),
               FormResponse.updated_by_id, _raw(FormResponse.completed_at),
               FormResponse.completed_by_id)
        .where(_among(FormResponse.case_id, chunk))
        .order_by(FormResponse.case_id, FormResponse.id)
    ))  # fmt: skip
    decisions = _by_case(connection.execute(
        select(CaseDecision.case_id, _raw(CaseDecision.uuid), CaseDecision.outcome,
               _json_text(CaseDecision.approved_amounts), CaseDecision.approved_total_eur,
               CaseDecision.reason, CaseDecision.reference, CaseDecision.decided_on,
               CaseDecision.source, CaseDecision.plan_revision, CaseDecision.recorded_by_id,
               _raw(CaseDecision.recorded_at))
        .where(_among(CaseDecision.case_id, chunk))
        .order_by(CaseDecision.case_id, CaseDecision.id)
    ))  # fmt: skip
    events = _events(connection, chunk, names)
    page = []
    for case_id in chunk:
        row = by_id[case_id]
        its_events = events.get(case_id, [])
        record = CaseRecord(
            uuid=_uuid(row[1]), case_number=row[2], office_code=row[3], status=row[4],
            revision=row[5], base_revision=row[6], country_of_return=row[7],
            region_of_return=row[8], session_language=row[9], is_demo=row[10],
            created_by=names(row[11]), created_at=_moment(row[12]),
            updated_at=_moment(row[13]), returnee=returnees[case_id],
            household=[
                HouseholdMemberRecord(uuid=_uuid(m[1]), position=m[2], given_name=m[3],
                                      family_name=m[4], date_of_birth=m[5],
                                      date_of_birth_precision=m[6], sex=m[7],
                                      relationship_to_returnee=m[8], returns_together=m[9])
                for m in household.get(case_id, ())
            ],
            sessions=[
                SessionRecord(uuid=_uuid(s[1]), counsellor=names(s[2]) or "unknown",
                              counsellor_language=s[3], migrant_language=s[4],
                              started_at=_moment(s[5]), ended_at=_moment(s[6]))
                for s in sittings.get(case_id, ())
            ],
            forms=[
                FormAnswers(uuid=_uuid(f[1]), form_id=f[2], form_version=f[3], form_digest=f[4],
                            answers=_document(f[5]), revision=f[6], created_at=_moment(f[7]),
                            updated_at=_moment(f[8]), updated_by=names(f[9]),
                            completed_at=_moment(f[10]), completed_by=names(f[11]))
                for f in forms.get(case_id, ())
            ],
            decisions=[_decision(d, names) for d in decisions.get(case_id, ())],
            prints=[_print(e) for e in its_events
                    if e.action == "case.printed" and e.detail.get("sha256")],
        )  # fmt: skip
        page.append((case_id, record, its_events))
    return page


def _decision(row: Any, names: Usernames) -> RecordedDecision:
    return RecordedDecision(
        uuid=_uuid(row[1]),
        outcome=row[2],
        approved_amounts=[
            ApprovedAmount(item=int(a["item"]), amount=str(a["amount"]),
                           currency=str(a["currency"]))
            for a in _document(row[3]) or ()
        ],
        approved_total_eur=row[4],
        reason=row[5],
        reference=row[6],
        decided_on=row[7],
        source=row[8],
        plan_revision=row[9],
        recorded_by=names(row[10]),
        recorded_at=_moment(row[11]),
    )  # fmt: skip


def _print(event: AuditEventRecord) -> PrintRecord:
    detail = event.detail
    return PrintRecord(
        form=str(detail.get("form", "")),
        language=str(detail.get("language")),
        at=event.at,
        pdf_sha256=str(detail.get("sha256")),
        plan_revision=int_or_none(detail.get("plan_revision")),
        printed_by=event.actor,
    )


def int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _events(
    connection: Connection, chunk: Sequence[int], names: Usernames
) -> dict[int, list[AuditEventRecord]]:
    """The events of the cases, by case id (every event about a case that has a row names
    its id; only an erased case's events name its UUID alone)."""
    grouped: dict[int, list[AuditEventRecord]] = defaultdict(list)
    for row in connection.execute(
        select(AuditEvent.case_id, _raw(AuditEvent.uuid), _raw(AuditEvent.at),
               AuditEvent.user_id, _raw(AuditEvent.case_uuid), AuditEvent.case_revision,
               AuditEvent.action, _json_text(AuditEvent.detail), AuditEvent.note,
               AuditEvent.prev_hash, AuditEvent.hash)
        .where(_among(AuditEvent.case_id, chunk))
        .order_by(AuditEvent.id)
    ).all():  # fmt: skip
        grouped[row[0]].append(
            AuditEventRecord(uuid=_uuid(row[1]), at=_moment(row[2]), user=row[3],
                             actor=names(row[3]), case_uuid=_uuid(row[4]),
                             case_revision=row[5], action=row[6],
                             detail=_document(row[7]) or {}, note=row[8] or "",
                             prev_hash=row[9], hash=row[10])
        )  # fmt: skip
    return grouped
