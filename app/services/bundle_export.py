"""Writing bundles: at an office, the cases HQ has not yet acknowledged (with their audit
events and the office's tombstones) for its HQ; at HQ, the receipts and decisions for one
office. Each bundle takes the next number in the series to that peer and names the previous
bundle's hash, so HQ sees a gap or a fork."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.bundles.envelope import BundleKind, write_bundle
from app.bundles.records import (
    ApprovedAmount,
    Decision,
    Receipt,
    Record,
    Resolution,
    Tombstone,
)
from app.config import check_output, inside_data_folder
from app.domain.accounts import Permission
from app.domain.errors import (
    N_,
    CannotWrite,
    Msgid,
    NoHeadquartersKey,
    NothingToExport,
    OperationCancelled,
    UnknownOffice,
)
from app.services.case_records import Usernames, case_record, event_record
from app.services.keys import current_peers, installation_keys, public_from_bytes
from app.services.outbox import mark_sent, to_send
from app.services.workspace import Workspace
from app.store import audit
from app.store.models import (
    AuditEvent,
    BundleEntry,
    Case,
    CaseArrival,
    CaseConflict,
    CaseDecision,
    CaseTombstone,
    Peer,
    UserAccount,
)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
SUFFIX = ".hwbundle"
_PAGE = 200


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bundle_id: uuid.UUID
    sequence: int
    cases: int
    tombstones: int
    receipts: int
    decisions: int
    resolutions: int = 0


def export_bundle(
    workspace: Workspace,
    to: Path,
    *,
    everything: bool = False,
    include_demo: bool = False,
    office: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportResult:
    """Write the next bundle into the folder ``to`` (or the file ``to``). At an office: cases
    for HQ (``everything``: every case, not only what HQ lacks). At HQ: the return bundle for
    ``office``. NothingToExport when there is nothing new; nothing is written then."""
    workspace.require(Permission.WORK_ON_CASES)
    role = workspace.installation.role
    with workspace.reading() as session:
        peer = _hq(session) if role == "office" else _office_peer(session, office)
        peer_id, peer_office, peer_code = peer.id, peer.installation_uuid, peer.office_code
        recipient = public_from_bytes(peer.public_keys)
        sequence, previous = _next_in_series(session, peer_office)
    bundle_id = uuid.uuid4()
    target = _target(workspace, to, bundle_id)
    signer = installation_keys(workspace)
    with workspace.reading() as session:
        if role == "office":
            sent: list[tuple[int, int]] = []
            records, counts = _office_records(
                session, peer_office, everything, include_demo, sent, progress, cancelled
            )
        else:
            records, counts, reported = _return_records(session, peer_office, cancelled)
        if not any(counts.values()):
            raise NothingToExport()
        summary = write_bundle(
            target,
            kind=BundleKind.CASES if role == "office" else BundleKind.RECEIPTS,
            sender_installation=workspace.installation.uuid,
            sender_office=workspace.installation.office_code,
            sequence=sequence,
            previous_hash=previous,
            records=records,
            signer=signer,
            recipient=recipient,
            bundle_id=bundle_id,
        )
    with workspace.transaction() as session:
        session.add(
            BundleEntry(
                bundle_id=bundle_id,
                direction="out",
                kind=summary.header.kind.value,
                peer_id=peer_id,
                sender_installation=workspace.installation.uuid,
                sequence=sequence,
                bundle_hash=summary.hash,
                previous_hash=previous,
                counts=dict(summary.header.counts),
                created_at=summary.header.created_at,
                user_id=workspace.user.id,
            )
        )
        if role == "hq":
            _mark_reported(session, *reported)
        else:
            mark_sent(session, sent, bundle_id)
        audit.record(
            session,
            "bundle.exported",
            user_id=workspace.user.id,
            detail={
                "bundle": str(bundle_id),
                "sequence": sequence,
                "to": peer_code,
                "counts": dict(summary.header.counts),
            },
        )
    got = summary.header.counts
    return ExportResult(
        summary.path,
        bundle_id,
        sequence,
        got.get("case", 0),
        got.get("tombstone", 0),
        got.get("receipt", 0),
        got.get("decision", 0),
        got.get("resolution", 0),
    )


def _hq(session: Session) -> Peer:
    peer = session.scalar(current_peers(Peer.role == "hq"))
    if peer is None:
        raise NoHeadquartersKey()
    return peer


def _office_peer(session: Session, office: str | None) -> Peer:
    code = (office or "").strip().upper()
    peer = session.scalar(current_peers(Peer.role == "office", Peer.office_code == code))
    if peer is None:
        raise UnknownOffice(office=(office or "?")[:20])
    return peer


def _next_in_series(session: Session, peer: uuid.UUID) -> tuple[int, str | None]:
    """The series runs per receiving installation, across its key rotations."""
    its_keys = select(Peer.id).where(Peer.installation_uuid == peer)
    last = session.scalar(
        select(BundleEntry)
        .where(BundleEntry.direction == "out", BundleEntry.peer_id.in_(its_keys))
        .order_by(BundleEntry.sequence.desc())
        .limit(1)
    )
    return (1, None) if last is None else (last.sequence + 1, last.bundle_hash)


def _target(workspace: Workspace, to: Path, bundle_id: uuid.UUID) -> Path:
    """In a folder, a name that says nothing of who wrote the bundle or for whom (a lost
    stick must not tell); identity is in the signed content."""
    if to.is_dir():
        if inside_data_folder(workspace.paths, to):
            raise CannotWrite(path=str(to), reason=Msgid(NOT_INTO_DATA_FOLDER))
        return to / f"homeward-{bundle_id.hex[:12]}{SUFFIX}"
    check_output(workspace.paths, to)
    return to


NOT_INTO_DATA_FOLDER = N_("choose a folder outside Homeward's data folder (a USB stick, say)")


def _office_records(
    session: Session,
    hq: uuid.UUID,
    everything: bool,
    include_demo: bool,
    sent: list[tuple[int, int]],
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> tuple[Iterator[Record], dict[str, int]]:
    """Cases HQ lacks and that are not already on their way (app.services.outbox), then
    unacknowledged tombstones; each case written is added to ``sent`` with its revision.
    Demo cases only when asked (a training HQ), so synthetic people never reach a real HQ
    by accident."""
    wanted = select(Case.id)
    if everything:
        if not include_demo:
            wanted = wanted.where(Case.is_demo.is_(False))
    else:
        wanted = wanted.where(to_send(hq, include_demo=include_demo))
    ids = list(session.scalars(wanted.order_by(Case.id)))
    tombstones = list(
        session.scalars(
            select(CaseTombstone)
            .where(CaseTombstone.acknowledged_at.is_(None))
            .order_by(CaseTombstone.id)
        )
    )
    names = Usernames(session)
    counts = {"case": len(ids), "tombstone": len(tombstones)}

    def records() -> Iterator[Record]:
        for start in range(0, len(ids), _PAGE):
            if cancelled is not None and cancelled():
                raise OperationCancelled()
            chunk = ids[start : start + _PAGE]
            cases = session.scalars(
                select(Case)
                .where(Case.id.in_(chunk))
                .options(
                    selectinload(Case.returnee),
                    selectinload(Case.household),
                    selectinload(Case.sessions),
                    selectinload(Case.responses),
                    selectinload(Case.decisions),
                    selectinload(Case.office),
                )
            )
            events_by_case: dict[uuid.UUID, list[AuditEvent]] = {}
            by_id = {case.id: case for case in cases}
            uuids = [case.uuid for case in by_id.values()]
            for event in session.scalars(
                select(AuditEvent).where(AuditEvent.case_uuid.in_(uuids)).order_by(AuditEvent.id)
            ):
                events_by_case.setdefault(event.case_uuid, []).append(event)  # type: ignore[arg-type]
            for case_id in chunk:
                case = by_id[case_id]
                events = events_by_case.get(case.uuid, [])
                yield case_record(case, events, names)
                sent.append((case.id, case.revision))
                for event in events:
                    yield event_record(event, names)
            session.expunge_all()
            if progress is not None:
                progress(min(start + _PAGE, len(ids)), len(ids))
        for tombstone in tombstones:
            yield Tombstone(
                case_uuid=tombstone.case_uuid,
                erased_at=tombstone.erased_at,
                erased_by=names(tombstone.erased_by_id) or "unknown",
                reason=tombstone.reason,
            )

    return records(), counts


def _return_records(
    session: Session, office: uuid.UUID, cancelled: Cancelled | None
) -> tuple[Iterator[Record], dict[str, int], tuple[list[int], list[int], list[int]]]:
    """Receipts for what arrived from the office (the installation ``office``, whatever its
    keys now) and was not yet reported, and HQ's decisions on the cases it sent."""
    from_office = select(BundleEntry.bundle_id).where(BundleEntry.sender_installation == office)
    arrivals = list(session.scalars(
        select(CaseArrival)
        .where(CaseArrival.reported_at.is_(None), CaseArrival.bundle_id.in_(from_office))
        .order_by(CaseArrival.id)
    ))  # fmt: skip
    entries = {
        e.bundle_id: e.bundle_hash
        for e in session.scalars(
            select(BundleEntry).where(BundleEntry.bundle_id.in_({a.bundle_id for a in arrivals}))
        )
    }
    its_cases = select(CaseArrival.case_uuid).where(CaseArrival.bundle_id.in_(from_office))
    decisions = list(session.execute(
        select(CaseDecision, Case.uuid, UserAccount.display_name)
        .join(Case, CaseDecision.case_id == Case.id)
        .outerjoin(UserAccount, CaseDecision.recorded_by_id == UserAccount.id)
        .where(Case.uuid.in_(its_cases), CaseDecision.source == "hq",
               CaseDecision.sent_at.is_(None))
        .order_by(CaseDecision.id)
    ).all())  # fmt: skip
    resolutions = list(session.execute(
        select(CaseConflict, UserAccount.display_name)
        .outerjoin(UserAccount, CaseConflict.resolved_by_id == UserAccount.id)
        .where(CaseConflict.case_uuid.in_(its_cases), CaseConflict.resolution.in_(("hq", "edited")),
               CaseConflict.sent_at.is_(None))
        .order_by(CaseConflict.id)
    ).all())  # fmt: skip
    counts = {"receipt": len(arrivals), "decision": len(decisions),
              "resolution": len(resolutions)}  # fmt: skip
    reported = ([a.id for a in arrivals], [d.id for d, _uuid, _name in decisions],
                [c.id for c, _name in resolutions])  # fmt: skip

    def records() -> Iterator[Record]:
        for arrival in arrivals:
            outcome = "quarantined" if arrival.outcome == "quarantined" else "accepted"
            yield Receipt(
                bundle_id=arrival.bundle_id,
                bundle_hash=entries[arrival.bundle_id],
                case_uuid=arrival.case_uuid,
                revision=arrival.revision,
                outcome=outcome,
                reason=arrival.reason,
            )
        for decision, case_uuid, decided_by in decisions:
            if cancelled is not None and cancelled():
                raise OperationCancelled()
            yield Decision(
                uuid=decision.uuid,
                case_uuid=case_uuid,
                plan_revision=decision.plan_revision or 1,
                outcome=decision.outcome,  # type: ignore[arg-type]
                approved_amounts=[
                    ApprovedAmount(
                        item=int(a["item"]), amount=str(a["amount"]), currency=str(a["currency"])
                    )
                    for a in decision.approved_amounts
                ],
                approved_total_eur=decision.approved_total_eur,
                reason=decision.reason,
                reference=decision.reference,
                decided_by=decided_by or "HQ",
                decided_at=decision.recorded_at,
            )
        for conflict, resolved_by in resolutions:
            yield Resolution(
                uuid=conflict.uuid, case_uuid=conflict.case_uuid, field=conflict.field,
                office_value=conflict.office_value, value=conflict.resolved_value,  # type: ignore[arg-type]
                resolved_by=resolved_by or "HQ", resolved_at=conflict.resolved_at,  # type: ignore[arg-type]
            )  # fmt: skip

    return records(), counts, reported


def _mark_reported(
    session: Session, arrival_ids: list[int], decision_ids: list[int], conflict_ids: list[int]
) -> None:
    """Only what went into the bundle: an arrival or decision added meanwhile waits."""
    now = dt.datetime.now(dt.UTC)
    for arrival in session.scalars(select(CaseArrival).where(CaseArrival.id.in_(arrival_ids))):
        arrival.reported_at = now
    for decision in session.scalars(select(CaseDecision).where(CaseDecision.id.in_(decision_ids))):
        decision.sent_at = now
    for conflict in session.scalars(select(CaseConflict).where(CaseConflict.id.in_(conflict_ids))):
        conflict.sent_at = now
