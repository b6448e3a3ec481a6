"""At HQ: the cases of an office's bundle, and the office's audit events that came with them.

They are taken a batch at a time. A case HQ does not have yet is written in bulk with the
other new cases of its batch: one executemany per table (case, returnee, household, answers,
sittings, search rows, arrivals, HQ's "case.imported" events sealed into the audit chain,
the office's events) instead of an ORM flush and a dozen queries per case, which was 5 ms a
case. A case HQ already has goes through the three-way merge one by one (conflicts for a
person, never an overwrite), and so does anything unusual: a case set aside (quarantined),
one erased here, one that comes twice. Both paths write the same rows
(:func:`case_records.new_case_rows` mirrors :func:`case_records.apply_fields`; a test
compares their results).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.bundles.envelope import BundleHeader
from app.bundles.records import AuditEventRecord, CaseRecord
from app.domain.cases import CaseStatus
from app.domain.merge import three_way
from app.formdefs.loader import FormRegistry, load_forms
from app.services.bulk_rows import insert_case_rows, insert_many, new_case_ids
from app.services.case_records import (
    apply_fields,
    case_by_uuid,
    case_fields,
    cases_by_uuid,
    new_case_rows,
    record_fields,
)
from app.services.cases import DEMO_OFFICE_CODE, reindex, search_text
from app.services.set_aside import ERASED_HERE, FORM_NOT_INSTALLED, NUMBER_TAKEN, WRONG_OFFICE
from app.services.workspace import Workspace
from app.store import audit, search
from app.store.models import (
    Case,
    CaseArrival,
    CaseConflict,
    CaseTombstone,
    CounsellingSession,
    FormResponse,
    HouseholdMember,
    ImportedEvent,
    Office,
    Returnee,
)
from app.store.types import utcnow

BATCH = 500  # cases (and their events) applied together: a few megabytes of rows
NewRows = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]


@dataclass(frozen=True)
class Quarantined:
    case_number: str
    reason: str  # a message id with {placeholders} filled in English; translated for display


@dataclass
class Tally:
    new_cases: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    erased: int = 0
    receipts: int = 0
    decisions: int = 0
    resolutions: int = 0
    quarantined: list[Quarantined] = field(default_factory=list)


class CaseBatch:
    """The case records and audit events of a bundle, gathered and applied a batch at a
    time in the import's transaction. Call :meth:`flush` before applying any other record
    (a tombstone may erase a case of the batch) and at the end."""

    def __init__(
        self, session: Session, workspace: Workspace, header: BundleHeader, tally: Tally
    ) -> None:
        self.session, self.workspace, self.header, self.tally = session, workspace, header, tally
        self._cases: list[CaseRecord] = []
        self._uuids: set[uuid.UUID] = set()
        self._events: list[AuditEventRecord] = []
        self._offices: dict[str, int] = {}

    def add(self, record: CaseRecord | AuditEventRecord) -> None:
        if isinstance(record, AuditEventRecord):
            self._events.append(record)
            return
        if record.uuid in self._uuids:
            self.flush()  # the same case twice: the second goes through the merge
        self._cases.append(record)
        self._uuids.add(record.uuid)
        if len(self._cases) >= BATCH:
            self.flush()
            self.release()

    def flush(self) -> None:
        """Apply what was gathered."""
        cases, events = self._cases, self._events
        self._cases, self._uuids, self._events = [], set(), []
        with self.session.no_autoflush:  # each case flushes once, when it is complete
            if cases:
                self._apply(cases)
            if events:
                self._keep_events(events)

    def release(self) -> None:
        """Let go of every ORM object so that memory stays flat, everything written and
        the audit events recorded so far sealed first."""
        self.session.flush()
        audit.seal(self.session)
        self.session.expunge_all()

    def _apply(self, cases: list[CaseRecord]) -> None:
        session, header, tally = self.session, self.header, self.tally
        forms = load_forms()
        uuids = [record.uuid for record in cases]
        known = dict(session.execute(  # case uuid: the office revision HQ last applied
            select(Case.uuid, Case.synced_revision).where(Case.uuid.in_(uuids))
        ).all())  # fmt: skip
        erased = set(session.scalars(
            select(CaseTombstone.case_uuid).where(CaseTombstone.case_uuid.in_(uuids))
        ))  # fmt: skip
        taken = set(session.scalars(
            select(Case.case_number).where(Case.case_number.in_([r.case_number for r in cases]))
        ))  # fmt: skip
        new: list[tuple[CaseRecord, NewRows]] = []
        unchanged: list[CaseRecord] = []
        changed: list[CaseRecord] = []
        now, user_id = utcnow(), self.workspace.user.id
        for record in cases:
            reason = set_aside_reason(header, record, forms, record.uuid in erased)
            if reason is None and record.uuid in known:
                if record.revision <= (known[record.uuid] or 0):
                    unchanged.append(record)  # sent again: nothing to merge
                else:
                    changed.append(record)
                continue
            rows = new_case_rows(record, user_id, now) if reason is None else None
            if rows is None:
                apply_case(session, self.workspace, header, record, tally)
            elif record.case_number in taken:
                quarantine(session, header, record, NUMBER_TAKEN.format(number=record.case_number),
                           tally)  # fmt: skip
            else:
                taken.add(record.case_number)
                new.append((record, rows))
        if changed:  # through the merge, the batch's cases loaded together
            loaded = cases_by_uuid(session, [r.uuid for r in changed], selectinload(Case.sessions))
            for record in changed:
                apply_case(session, self.workspace, header, record, tally, loaded[record.uuid])
        if new:
            self._insert(new, now)
        if unchanged:
            insert_many(session.connection(), CaseArrival.__table__, [
                {"bundle_id": header.bundle_id, "case_uuid": r.uuid, "case_number": r.case_number,
                 "revision": r.revision, "outcome": "unchanged", "reason": "", "at": now,
                 "reported_at": None}
                for r in unchanged
            ])  # fmt: skip
            tally.unchanged += len(unchanged)

    def _office_id(self, code: str) -> int:
        if code not in self._offices:
            self._offices[code] = office(self.session, code).id
        return self._offices[code]

    def _insert(self, new: list[tuple[CaseRecord, NewRows]], now: dt.datetime) -> None:
        """The new cases, as :func:`apply_case` would write them one by one."""
        session, header, user_id = self.session, self.header, self.workspace.user.id
        records = [record for record, _rows in new]
        offices = {record.office_code: self._office_id(record.office_code) for record in records}
        session.flush()
        audit.lock_chain(session)  # no other writer adds audit events until the commit
        audit.seal(session)
        connection = session.connection()
        # The arrivals first: on SQLite that write takes the store's write lock, so the next
        # case ids are this transaction's.
        insert_many(connection, CaseArrival.__table__, [
            {"bundle_id": header.bundle_id, "case_uuid": r.uuid, "case_number": r.case_number,
             "revision": r.revision, "outcome": "accepted", "reason": "", "at": now,
             "reported_at": None}
            for r in records
        ])  # fmt: skip
        ids = new_case_ids(session, len(records))
        cases, returnees, members, responses, sittings, searches, events = (
            [], [], [], [], [], [], []
        )  # type: ignore[var-annotated]
        for case_id, (record, (returnee, household, answers)) in zip(ids, new, strict=True):
            status = record.status.value
            cases.append({
                "id": case_id, "uuid": record.uuid, "case_number": record.case_number,
                "office_id": offices[record.office_code],
                "status": CaseStatus.SUBMITTED.value if status == CaseStatus.READY.value
                else status,  # sent to HQ is submitted
                "session_language": record.session_language,
                "country_of_return": record.country_of_return,
                "region_of_return": record.region_of_return,
                "revision": 1, "synced_revision": record.revision,
                "sync_base": record_fields(record),
                "is_demo": record.is_demo, "created_by_id": None,
                "created_at": record.created_at, "updated_at": now,
            })  # fmt: skip
            returnees.append(returnee | {"case_id": case_id})
            members += [member | {"case_id": case_id} for member in household]
            responses += [response | {"case_id": case_id} for response in answers]
            sittings += [
                {"uuid": s.uuid, "case_id": case_id, "counsellor_id": 1,
                 "counsellor_language": s.counsellor_language,
                 "migrant_language": s.migrant_language, "started_at": s.started_at,
                 "ended_at": s.ended_at}
                for s in record.sessions
            ]  # fmt: skip
            names = [returnee["given_name"], returnee["family_name"], returnee["native_name"]]
            for member in household:
                names += [member["given_name"], member["family_name"]]
            row = cases[-1]
            searches.append(search.search_row(case_id, record.case_number, *search_text(
                names, row["country_of_return"], row["region_of_return"])))  # fmt: skip
            events.append({
                "uuid": uuid.uuid4(), "at": utcnow(), "user_id": user_id, "case_id": case_id,
                "case_uuid": record.uuid, "case_revision": 1, "action": "case.imported",
                "detail": {"bundle": str(header.bundle_id), "office_revision": record.revision,
                           "outcome": "new"},
                "note": "",
            })  # fmt: skip
        insert_case_rows(session, [
            (Case.__table__, cases), (Returnee.__table__, returnees),
            (HouseholdMember.__table__, members), (FormResponse.__table__, responses),
            (CounsellingSession.__table__, sittings),
        ], searches, events)  # fmt: skip
        self.tally.new_cases += len(records)

    def _keep_events(self, records: list[AuditEventRecord]) -> None:
        """The office's events, once each (a resent bundle brings them again)."""
        wanted: dict[uuid.UUID, AuditEventRecord] = {}
        for record in records:
            wanted.setdefault(record.uuid, record)
        held = self.session.scalars(
            select(ImportedEvent.uuid).where(ImportedEvent.uuid.in_(list(wanted)))
        )
        for event_uuid in held:
            del wanted[event_uuid]
        office_code, bundle_id = self.header.sender_office, self.header.bundle_id
        insert_many(self.session.connection(), ImportedEvent.__table__, [
            {"uuid": r.uuid, "office_code": office_code, "case_uuid": r.case_uuid,
             "case_revision": r.case_revision, "at": r.at, "actor": r.actor,
             "action": r.action, "detail": dict(r.detail), "note": r.note, "hash": r.hash,
             "bundle_id": bundle_id}
            for r in wanted.values()
        ])  # fmt: skip


def set_aside_reason(
    header: BundleHeader, record: CaseRecord, forms: FormRegistry, erased: bool
) -> str | None:
    """Why the case cannot be applied as it is (ERASED_HERE: erased at HQ), or None."""
    demo = record.is_demo and record.office_code == DEMO_OFFICE_CODE  # numbered apart
    if record.office_code != header.sender_office and not demo:
        return WRONG_OFFICE.format(office=record.office_code)
    if erased:
        return ERASED_HERE
    for form in record.forms:
        if not forms.knows(form.form_id, form.form_version, form.form_digest):
            return FORM_NOT_INSTALLED.format(form=form.form_id, version=form.form_version)
    return None


def arrival(
    session: Session,
    header: BundleHeader,
    case_uuid: uuid.UUID,
    number: str,
    revision: int,
    outcome: str,
    reason: str = "",
) -> None:
    session.add(
        CaseArrival(
            bundle_id=header.bundle_id,
            case_uuid=case_uuid,
            case_number=number,
            revision=revision,
            outcome=outcome,
            reason=reason,
        )
    )


def quarantine(
    session: Session, header: BundleHeader, record: CaseRecord, reason: str, tally: Tally
) -> None:
    arrival(
        session, header, record.uuid, record.case_number, record.revision, "quarantined", reason
    )
    tally.quarantined.append(Quarantined(record.case_number, reason))


def apply_case(
    session: Session,
    workspace: Workspace,
    header: BundleHeader,
    record: CaseRecord,
    tally: Tally,
    known: Case | None = None,
) -> None:
    """One case, through the ORM: set aside, new, unchanged, or merged with HQ's. ``known``:
    the case as HQ has it, checked and loaded (:func:`cases_by_uuid`) by the caller."""
    case = known
    if case is None:
        erased = session.scalar(
            select(CaseTombstone.id).where(CaseTombstone.case_uuid == record.uuid)
        )
        reason = set_aside_reason(header, record, load_forms(), erased is not None)
        if reason == ERASED_HERE:
            arrival(session, header, record.uuid, record.case_number, record.revision, "erased",
                    reason)  # fmt: skip
            tally.erased += 1
            return None
        if reason is not None:
            return quarantine(session, header, record, reason, tally)
        case = case_by_uuid(session, record.uuid, selectinload(Case.sessions))
    incoming = record_fields(record)
    if case is None:
        taken = session.scalar(select(Case.id).where(Case.case_number == record.case_number))
        if taken is not None:
            return quarantine(
                session, header, record, NUMBER_TAKEN.format(number=record.case_number), tally
            )
        case = Case(
            uuid=record.uuid,
            case_number=record.case_number,
            office_id=office(session, record.office_code).id,
            status=record.status.value,
            session_language=record.session_language,
            country_of_return=record.country_of_return,
            region_of_return=record.region_of_return,
            revision=1,
            is_demo=record.is_demo,
            created_at=record.created_at,
            household=[],
            responses=[],
            sessions=[],
            decisions=[],
        )
        session.add(case)
        apply_fields(session, case, incoming, record, workspace.user.id)
        if case.status == CaseStatus.READY.value:  # sent to HQ is submitted
            case.status = CaseStatus.SUBMITTED.value
        outcome = "new"
        tally.new_cases += 1
    elif record.revision <= (case.synced_revision or 0):
        arrival(session, header, record.uuid, record.case_number, record.revision, "unchanged")
        tally.unchanged += 1
        return None
    else:
        merge = three_way(case.sync_base or {}, incoming, case_fields(case))
        if merge.taken_from_office:
            apply_fields(session, case, merge.merged, record, workspace.user.id)
            case.revision += 1
            case.updated_at = dt.datetime.now(dt.UTC)
        for conflict in merge.conflicts:
            _open_conflict(session, header, record, conflict)
        outcome = "conflict" if merge.conflicts else "updated"
        tally.conflicts += bool(merge.conflicts)
        tally.updated += not merge.conflicts
    _add_sittings(session, case, record)
    case.synced_revision = record.revision
    case.sync_base = incoming
    session.flush()
    reindex(session, case)
    arrival(session, header, record.uuid, record.case_number, record.revision, "accepted")
    audit.record(
        session,
        "case.imported",
        user_id=workspace.user.id,
        case=case,
        detail={
            "bundle": str(header.bundle_id),
            "office_revision": record.revision,
            "outcome": outcome,
        },
    )
    return None


def _open_conflict(
    session: Session, header: BundleHeader, record: CaseRecord, conflict: Any
) -> None:
    for older in session.scalars(
        select(CaseConflict).where(
            CaseConflict.case_uuid == record.uuid,
            CaseConflict.field == conflict.field,
            CaseConflict.resolution.is_(None),
        )
    ):
        session.delete(older)  # the newer office value supersedes an unresolved one
    session.add(
        CaseConflict(
            case_uuid=record.uuid,
            case_number=record.case_number,
            field=conflict.field,
            base_value=conflict.base,
            office_value=conflict.office,
            hq_value=conflict.hq,
            bundle_id=header.bundle_id,
            office_revision=record.revision,
        )
    )


def office(session: Session, code: str) -> Office:
    found = session.scalar(select(Office).where(Office.code == code))
    if found is None:
        found = Office(code=code, name=code)
        session.add(found)
        session.flush()
    return found


def _add_sittings(session: Session, case: Case, record: CaseRecord) -> None:
    """Sittings only ever grow: each one the office held is kept once (the counsellor is
    an office account HQ does not have, so HQ's importing user stands in)."""
    known = {s.uuid for s in case.sessions}
    for sitting in record.sessions:
        if sitting.uuid not in known:
            case.sessions.append(
                CounsellingSession(
                    uuid=sitting.uuid,
                    counsellor_id=case.created_by_id or 1,
                    counsellor_language=sitting.counsellor_language,
                    migrant_language=sitting.migrant_language,
                    started_at=sitting.started_at,
                    ended_at=sitting.ended_at,
                )
            )
