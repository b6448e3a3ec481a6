"""Importing bundles: at HQ, an office's cases; at an office, HQ's receipts and decisions.

Everything cryptographic is checked in full before the store is touched (app.bundles), and
the whole bundle is refused for a bad signature, an unknown or revoked sender, a wrong
recipient, a replay or a series going backwards. Then the records are applied in one
transaction. A case that is well signed but cannot be applied (a form version HQ does not
have, a number another case holds) is quarantined: the rest imports and the receipt says why.
The same bundle twice changes nothing; a case changed at both ends becomes a conflict for a
person, never a silent overwrite.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.bundles.envelope import BundleHeader, BundleKind, open_bundle
from app.bundles.keys import PublicKeys
from app.bundles.records import (
    AuditEventRecord,
    CaseRecord,
    Decision,
    Receipt,
    Resolution,
    Tombstone,
)
from app.domain.accounts import Permission
from app.domain.cases import CaseStatus
from app.domain.decisions import OUTCOME_STATUS, DecisionOutcome, DecisionSource
from app.domain.erasure import ErasureReason
from app.domain.errors import (
    BundleOutOfOrder,
    BundleSenderMismatch,
    OperationCancelled,
)
from app.domain.merge import three_way
from app.formdefs.loader import load_forms
from app.i18n import fill
from app.i18n import gettext as _
from app.services.case_records import apply_fields, case_by_uuid, case_fields, record_fields
from app.services.cases import DEMO_OFFICE_CODE, reindex
from app.services.erasure import erase_loaded_case
from app.services.keys import current_peers, own_key_history, public_from_bytes, trusted_peer
from app.services.set_aside import (
    ERASED_HERE,
    FORM_NOT_INSTALLED,
    NUMBER_TAKEN,
    WRONG_OFFICE,
    reason_text,
)
from app.services.workspace import Workspace
from app.store import audit
from app.store.models import (
    BundleEntry,
    Case,
    CaseArrival,
    CaseConflict,
    CaseDecision,
    CaseTombstone,
    CounsellingSession,
    ImportedEvent,
    Office,
    Peer,
)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class Quarantined:
    case_number: str
    reason: str  # a message id with {placeholders} filled in English; translated for display


@dataclass(frozen=True)
class ImportResult:
    bundle_id: uuid.UUID
    kind: str
    sender_office: str
    sequence: int
    already_imported: bool = False
    new_cases: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    erased: int = 0
    quarantined: tuple[Quarantined, ...] = ()
    receipts: int = 0
    decisions: int = 0
    resolutions: int = 0
    missing: tuple[int, int] | None = None  # a gap in the sender's series: first, last


@dataclass
class _Tally:
    new_cases: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    erased: int = 0
    receipts: int = 0
    decisions: int = 0
    resolutions: int = 0
    quarantined: list[Quarantined] = field(default_factory=list)


def import_bundle(
    workspace: Workspace,
    path: Path,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportResult:
    """Check the bundle at ``path`` whole, then apply it in one transaction."""
    workspace.require(Permission.WORK_ON_CASES)
    role = workspace.installation.role
    kind = BundleKind.CASES if role == "hq" else BundleKind.RECEIPTS
    identities = own_key_history(workspace)
    with workspace.reading() as session:
        trusted = {
            p.fingerprint: public_from_bytes(p.public_keys)
            for p in session.scalars(current_peers())
        }

    def lookup(fingerprint: str) -> PublicKeys | None:
        return trusted.get(fingerprint)

    with open_bundle(path, identity=identities, trusted=lookup, kind=kind) as opened:
        header = opened.header
        with workspace.transaction() as session:
            done = session.scalar(
                select(BundleEntry).where(BundleEntry.bundle_id == header.bundle_id)
            )
            if done is not None:
                return ImportResult(
                    header.bundle_id,
                    header.kind.value,
                    header.sender_office,
                    header.sequence,
                    already_imported=True,
                )
            peer = _sender(session, header)
            missing = _check_series(session, header)
            tally = _Tally()
            total = sum(header.counts.values())
            for number, record in enumerate(opened.records(), start=1):
                if cancelled is not None and cancelled():
                    raise OperationCancelled()  # the transaction rolls back: nothing kept
                with session.no_autoflush:  # each case flushes once, when it is complete
                    _apply(session, workspace, header, record, tally)
                if number % 500 == 0:
                    audit.seal(session)  # flushes; the events are chained before they go
                    session.expunge_all()  # memory stays flat on a large bundle
                if progress is not None and (number % 50 == 0 or number == total):
                    progress(number, total)
            session.add(
                BundleEntry(
                    bundle_id=header.bundle_id,
                    direction="in",
                    kind=header.kind.value,
                    peer_id=peer.id,
                    sender_installation=header.sender_installation,
                    sequence=header.sequence,
                    bundle_hash=opened.hash,
                    previous_hash=header.previous_hash,
                    counts=dict(header.counts),
                    created_at=header.created_at,
                    user_id=workspace.user.id,
                )
            )
            audit.record(
                session,
                "bundle.imported",
                user_id=workspace.user.id,
                detail={
                    "bundle": str(header.bundle_id),
                    "from": header.sender_office,
                    "sequence": header.sequence,
                    "new": tally.new_cases,
                    "updated": tally.updated,
                    "conflicts": tally.conflicts,
                    "quarantined": len(tally.quarantined),
                    "receipts": tally.receipts,
                    "decisions": tally.decisions,
                },
            )
    return ImportResult(
        header.bundle_id,
        header.kind.value,
        header.sender_office,
        header.sequence,
        False,
        tally.new_cases,
        tally.updated,
        tally.unchanged,
        tally.conflicts,
        tally.erased,
        tuple(tally.quarantined),
        tally.receipts,
        tally.decisions,
        tally.resolutions,
        missing,
    )


def _sender(session: Session, header: BundleHeader) -> Peer:
    peer = trusted_peer(session, header.sender_key)
    if (
        peer is None
        or peer.installation_uuid != header.sender_installation
        or (peer.office_code != header.sender_office)
    ):
        raise BundleSenderMismatch(office=header.sender_office)
    return peer


def _check_series(session: Session, header: BundleHeader) -> tuple[int, int] | None:
    """A bundle older than one already imported is refused (a replay of an old bundle under
    a new id cannot happen: ids are signed). A skipped number is reported, not refused: the
    stick with the missing bundle may come later."""
    last = session.scalar(
        select(BundleEntry)
        .where(
            BundleEntry.direction == "in",
            BundleEntry.sender_installation == header.sender_installation,
        )
        .order_by(BundleEntry.sequence.desc())
        .limit(1)
    )
    if last is None:
        return (1, header.sequence - 1) if header.sequence > 1 else None
    if header.sequence <= last.sequence:
        raise BundleOutOfOrder(
            office=header.sender_office, sequence=header.sequence, last=last.sequence
        )
    if header.sequence == last.sequence + 1 and header.previous_hash != last.bundle_hash:
        raise BundleOutOfOrder(
            office=header.sender_office, sequence=header.sequence, last=last.sequence
        )
    return (last.sequence + 1, header.sequence - 1) if header.sequence > last.sequence + 1 else None


def _apply(
    session: Session, workspace: Workspace, header: BundleHeader, record: object, tally: _Tally
) -> None:
    if isinstance(record, CaseRecord):
        _apply_case(session, workspace, header, record, tally)
    elif isinstance(record, AuditEventRecord):
        _keep_event(session, header, record)
    elif isinstance(record, Tombstone):
        _apply_tombstone(session, workspace, header, record, tally)
    elif isinstance(record, Receipt):
        _apply_receipt(session, record, tally)
    elif isinstance(record, Decision):
        _apply_decision(session, workspace, record, tally)
    elif isinstance(record, Resolution):
        _apply_resolution(session, workspace, header, record, tally)


def _arrival(
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


def _quarantine(
    session: Session, header: BundleHeader, record: CaseRecord, reason: str, tally: _Tally
) -> None:
    _arrival(
        session, header, record.uuid, record.case_number, record.revision, "quarantined", reason
    )
    tally.quarantined.append(Quarantined(record.case_number, reason))


def _apply_case(
    session: Session, workspace: Workspace, header: BundleHeader, record: CaseRecord, tally: _Tally
) -> None:
    demo = record.is_demo and record.office_code == DEMO_OFFICE_CODE  # numbered apart
    if record.office_code != header.sender_office and not demo:
        return _quarantine(
            session, header, record, WRONG_OFFICE.format(office=record.office_code), tally
        )
    if session.scalar(select(CaseTombstone.id).where(CaseTombstone.case_uuid == record.uuid)):
        _arrival(
            session, header, record.uuid, record.case_number, record.revision, "erased", ERASED_HERE
        )
        tally.erased += 1
        return None
    forms = load_forms()
    for form in record.forms:
        if not forms.knows(form.form_id, form.form_version, form.form_digest):
            return _quarantine(
                session,
                header,
                record,
                FORM_NOT_INSTALLED.format(form=form.form_id, version=form.form_version),
                tally,
            )
    case = case_by_uuid(session, record.uuid, selectinload(Case.sessions))
    incoming = record_fields(record)
    if case is None:
        taken = session.scalar(select(Case.id).where(Case.case_number == record.case_number))
        if taken is not None:
            return _quarantine(
                session, header, record, NUMBER_TAKEN.format(number=record.case_number), tally
            )
        case = Case(
            uuid=record.uuid,
            case_number=record.case_number,
            office_id=_office(session, record.office_code).id,
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
        _arrival(session, header, record.uuid, record.case_number, record.revision, "unchanged")
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
    _arrival(session, header, record.uuid, record.case_number, record.revision, "accepted")
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
    session: Session, header: BundleHeader, record: CaseRecord, conflict: object
) -> None:
    for older in session.scalars(
        select(CaseConflict).where(
            CaseConflict.case_uuid == record.uuid,
            CaseConflict.field == conflict.field,  # type: ignore[attr-defined]
            CaseConflict.resolution.is_(None),
        )
    ):
        session.delete(older)  # the newer office value supersedes an unresolved one
    session.add(
        CaseConflict(
            case_uuid=record.uuid,
            case_number=record.case_number,
            field=conflict.field,
            base_value=conflict.base,  # type: ignore[attr-defined]
            office_value=conflict.office,
            hq_value=conflict.hq,  # type: ignore[attr-defined]
            bundle_id=header.bundle_id,
            office_revision=record.revision,
        )
    )


def _office(session: Session, code: str) -> Office:
    office = session.scalar(select(Office).where(Office.code == code))
    if office is None:
        office = Office(code=code, name=code)
        session.add(office)
        session.flush()
    return office


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


def _keep_event(session: Session, header: BundleHeader, record: AuditEventRecord) -> None:
    if session.scalar(select(ImportedEvent.id).where(ImportedEvent.uuid == record.uuid)):
        return
    session.add(
        ImportedEvent(
            uuid=record.uuid,
            office_code=header.sender_office,
            case_uuid=record.case_uuid,
            case_revision=record.case_revision,
            at=record.at,
            actor=record.actor,
            action=record.action,
            detail=dict(record.detail),
            note=record.note,
            hash=record.hash,
            bundle_id=header.bundle_id,
        )
    )


def _apply_tombstone(
    session: Session, workspace: Workspace, header: BundleHeader, record: Tombstone, tally: _Tally
) -> None:
    if session.scalar(select(CaseTombstone.id).where(CaseTombstone.case_uuid == record.case_uuid)):
        _arrival(session, header, record.case_uuid, "", 1, "erased")
        return
    reason = record.reason if record.reason in ErasureReason._value2member_map_ else "request"
    case = session.scalar(select(Case).where(Case.uuid == record.case_uuid))
    if case is not None:
        erase_loaded_case(session, case, ErasureReason(reason), workspace.user.id)
    else:
        session.add(
            CaseTombstone(
                case_uuid=record.case_uuid,
                case_number="",
                office_code=header.sender_office,
                reason=reason,
                erased_by_id=workspace.user.id,
            )
        )
    _arrival(session, header, record.case_uuid, case.case_number if case else "", 1, "erased")
    session.query(ImportedEvent).filter(ImportedEvent.case_uuid == record.case_uuid).delete()
    tally.erased += 1


# At an office: HQ's answers -----------------------------------------------------------------


def _apply_receipt(session: Session, record: Receipt, tally: _Tally) -> None:
    tally.receipts += 1
    sent = session.scalar(
        select(BundleEntry).where(
            BundleEntry.bundle_id == record.bundle_id, BundleEntry.direction == "out"
        )
    )
    if sent is not None and sent.acknowledged_at is None:
        sent.acknowledged_at = dt.datetime.now(dt.UTC)
        for tombstone in session.scalars(
            select(CaseTombstone).where(
                CaseTombstone.acknowledged_at.is_(None), CaseTombstone.erased_at <= sent.created_at
            )
        ):
            tombstone.acknowledged_at = sent.acknowledged_at
    case = session.scalar(select(Case).where(Case.uuid == record.case_uuid))
    if case is None:
        return
    already = session.scalar(
        select(func.count(CaseArrival.id)).where(
            CaseArrival.bundle_id == record.bundle_id, CaseArrival.case_uuid == record.case_uuid
        )
    )
    if not already:
        session.add(
            CaseArrival(
                bundle_id=record.bundle_id,
                case_uuid=record.case_uuid,
                case_number=case.case_number,
                revision=record.revision,
                outcome=record.outcome,
                reason=record.reason,
            )
        )
    if record.outcome == "accepted" and record.revision <= case.revision:
        case.synced_revision = max(case.synced_revision or 0, record.revision)


def _changed_by_headquarters(case: Case) -> None:
    """A new revision at the office for a change HQ made (a decision, a settled conflict).
    If HQ had the case as it was here, HQ holds this revision too: nothing to send back."""
    in_step = case.synced_revision == case.revision
    case.revision += 1
    case.updated_at = dt.datetime.now(dt.UTC)
    if in_step:
        case.synced_revision = case.revision


def _apply_decision(
    session: Session, workspace: Workspace, record: Decision, tally: _Tally
) -> None:
    if session.scalar(select(CaseDecision.id).where(CaseDecision.uuid == record.uuid)):
        return
    case = session.scalar(select(Case).where(Case.uuid == record.case_uuid))
    if case is None:
        return  # erased here meanwhile
    target = OUTCOME_STATUS[DecisionOutcome(record.outcome)]
    current = CaseStatus(case.status)
    path = {CaseStatus.READY: [CaseStatus.SUBMITTED, target], CaseStatus.SUBMITTED: [target]}
    for step in path.get(current, []):
        audit.record(
            session,
            "case.status_changed",
            user_id=workspace.user.id,
            case=case,
            detail={"from": case.status, "to": step.value, "by": "headquarters"},
        )
        case.status = step.value
    _changed_by_headquarters(case)
    session.add(
        CaseDecision(
            uuid=record.uuid,
            case=case,
            outcome=record.outcome.value,
            approved_amounts=[
                {"item": a.item, "amount": a.amount, "currency": a.currency}
                for a in record.approved_amounts
            ],
            approved_total_eur=record.approved_total_eur,
            reason=record.reason,
            reference=record.reference,
            decided_on=record.decided_at.date(),
            source=DecisionSource.HQ.value,
            plan_revision=record.plan_revision,
            recorded_by_id=workspace.user.id,
            recorded_at=record.decided_at,
        )
    )
    audit.record(
        session,
        "decision.recorded",
        user_id=workspace.user.id,
        case=case,
        detail={
            "outcome": record.outcome.value,
            "source": DecisionSource.HQ.value,
            "approved_total_eur": record.approved_total_eur,
            "decided_by": record.decided_by,
        },
    )
    tally.decisions += 1


def import_summary(result: ImportResult) -> str:
    """What an import did, as a person reads it after the command or in the dialog."""
    if result.already_imported:
        return fill(
            _("Bundle {sequence} from {office} was already imported: nothing changed."),
            sequence=result.sequence,
            office=result.sender_office,
        )
    if result.kind == BundleKind.RECEIPTS.value:
        lines = [
            fill(
                _(
                    "Bundle {sequence} from {office}: {receipts} receipts, {decisions} "
                    "decisions, {resolutions} conflicts settled by headquarters."
                ),
                sequence=result.sequence,
                office=result.sender_office,
                receipts=result.receipts,
                decisions=result.decisions,
                resolutions=result.resolutions,
            )
        ]
    else:
        lines = [
            fill(
                _(
                    "Bundle {sequence} from {office}: {new} new cases, {updated} updated, "
                    "{unchanged} already here, {conflicts} with conflicts, {erased} erased."
                ),
                sequence=result.sequence,
                office=result.sender_office,
                new=result.new_cases,
                updated=result.updated,
                unchanged=result.unchanged,
                conflicts=result.conflicts,
                erased=result.erased,
            )
        ]
    for held in result.quarantined:
        lines.append(
            fill(
                _("Set aside: {case}: {reason}"),
                case=held.case_number,
                reason=reason_text(held.reason),
            )
        )
    if result.missing:
        first, last = result.missing
        lines.append(
            fill(
                _("Bundles {first}–{last} from {office} have not arrived yet."),
                first=first,
                last=last,
                office=result.sender_office,
            )
        )
    return "\n".join(lines)


def _apply_resolution(session: Session, workspace: Workspace, header: BundleHeader,
                      record: Resolution, tally: _Tally) -> None:  # fmt: skip
    """HQ's choice on a conflict, taken here unless this field changed again since the
    office sent it (then the office's newer value goes back and HQ decides again)."""
    if session.scalar(select(CaseConflict.id).where(CaseConflict.uuid == record.uuid)):
        return  # applied already: a resend changes nothing
    case = case_by_uuid(session, record.case_uuid)
    if case is None:
        return
    fields = case_fields(case)
    unchanged = fields.get(record.field) == record.office_value
    session.add(CaseConflict(uuid=record.uuid, case_uuid=case.uuid, case_number=case.case_number,
                             field=record.field, office_value=record.office_value,
                             hq_value=record.value, bundle_id=header.bundle_id,
                             office_revision=case.revision, resolution="hq",
                             resolved_value=record.value, resolved_at=record.resolved_at,
                             sent_at=dt.datetime.now(dt.UTC)))  # fmt: skip
    if not unchanged or fields.get(record.field) == record.value:
        return
    if record.value is None:
        fields.pop(record.field, None)
    else:
        fields[record.field] = record.value
    apply_fields(session, case, fields, None, workspace.user.id)
    _changed_by_headquarters(case)
    session.flush()
    reindex(session, case)
    audit.record(session, "conflict.resolution_applied", user_id=workspace.user.id, case=case,
                 detail={"field": record.field, "by": record.resolved_by})  # fmt: skip
    tally.resolutions += 1
