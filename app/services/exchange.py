"""Where the office ↔ HQ exchange stands: the series of bundles each way and their gaps, the
cases set aside, and the conflicts a person must settle (and settling them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from app.domain.accounts import Permission
from app.domain.errors import N_, ConflictNotFound, InvalidInput
from app.domain.text import control_problem
from app.services.case_records import apply_fields, case_by_uuid, case_fields
from app.services.cases import reindex
from app.services.outbox import hq_installation, to_send, unacknowledged
from app.services.workspace import Workspace
from app.store import audit
from app.store.models import BundleEntry, Case, CaseArrival, CaseConflict, Peer


@dataclass(frozen=True)
class PeerSeries:
    """One peer's bundles: the last each way, and the numbers not received."""

    office_code: str
    role: str
    fingerprint: str
    revoked: bool
    sent: int  # the last bundle number written to it (0: none)
    received: int  # the last bundle number imported from it (0: none)
    last_received_at: dt.datetime | None
    missing: tuple[int, ...]  # numbers below ``received`` that never arrived


@dataclass(frozen=True)
class SetAside:
    case_number: str
    revision: int
    reason: str
    at: dt.datetime


@dataclass(frozen=True)
class Conflict:
    id: int
    case_number: str
    field: str
    base: Any
    office: Any
    hq: Any
    opened_at: dt.datetime


@dataclass(frozen=True)
class ExchangeStatus:
    peers: tuple[PeerSeries, ...]
    awaiting_receipt: int  # at an office: cases HQ has not acknowledged as they are now
    to_send: int  # of those, the ones the next bundle holds (the others are on their way)
    set_aside: tuple[SetAside, ...]
    conflicts: tuple[Conflict, ...]


def exchange_status(workspace: Workspace, *, include_demo: bool = False) -> ExchangeStatus:
    """The series with each peer, what HQ lacks (demo cases counted when they would be
    sent), cases set aside and conflicts."""
    with workspace.reading() as session:
        peers = []
        for peer in session.scalars(
            select(Peer).where(Peer.replaced_by.is_(None)).order_by(Peer.office_code)
        ):
            keys = select(Peer.id).where(Peer.installation_uuid == peer.installation_uuid)
            sent = (
                session.scalar(
                    select(func.max(BundleEntry.sequence)).where(
                        BundleEntry.direction == "out", BundleEntry.peer_id.in_(keys)
                    )
                )
                or 0
            )
            numbers = list(
                session.execute(
                    select(BundleEntry.sequence, BundleEntry.processed_at)
                    .where(
                        BundleEntry.direction == "in",
                        BundleEntry.sender_installation == peer.installation_uuid,
                    )
                    .order_by(BundleEntry.sequence)
                )
            )
            received = numbers[-1][0] if numbers else 0
            have = {n for n, _at in numbers}
            missing = tuple(n for n in range(1, received) if n not in have)
            peers.append(
                PeerSeries(
                    peer.office_code,
                    peer.role,
                    peer.fingerprint,
                    peer.revoked_at is not None,
                    sent,
                    received,
                    numbers[-1][1] if numbers else None,
                    missing,
                )
            )
        lacking = unacknowledged() if include_demo else unacknowledged() & ~Case.is_demo
        waiting = session.scalar(select(func.count(Case.id)).where(lacking)) or 0
        next_bundle = (
            session.scalar(
                select(func.count(Case.id)).where(
                    to_send(hq_installation(session), include_demo=include_demo)
                )
            )
            or 0
        )
        latest = (
            select(CaseArrival.case_uuid, func.max(CaseArrival.id).label("last"))
            .group_by(CaseArrival.case_uuid)
            .subquery()
        )
        set_aside = tuple(
            SetAside(a.case_number, a.revision, a.reason, a.at)
            for a in session.scalars(
                select(CaseArrival)
                .join(latest, CaseArrival.id == latest.c.last)
                .where(CaseArrival.outcome == "quarantined")
                .order_by(CaseArrival.at.desc())
            )
        )
        conflicts = tuple(
            Conflict(
                c.id, c.case_number, c.field, c.base_value, c.office_value, c.hq_value, c.opened_at
            )
            for c in session.scalars(
                select(CaseConflict)
                .where(CaseConflict.resolution.is_(None))
                .order_by(CaseConflict.opened_at, CaseConflict.id)
            )
        )
    return ExchangeStatus(tuple(peers), waiting, next_bundle, set_aside, conflicts)


def edited_value_problem(value: Any) -> str | None:
    """An edited value is text a person typed: bounded, no control characters."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_EDITED_LENGTH:
        return N_("type the value to keep (at most 2,000 characters)")
    return control_problem(value)


MAX_EDITED_LENGTH = 2000


def resolve_conflict(
    workspace: Workspace, conflict_id: int, keep: str, value: Any = None
) -> Conflict:
    """Settle one conflict: keep the office's value, HQ's, or an edited one. The case takes a
    new revision, audited, so the choice reaches the office with HQ's next answer."""
    workspace.require(Permission.REVIEW_CASES)
    if keep not in ("office", "hq", "edited"):
        raise InvalidInput({"keep": "keep the office's value, HQ's, or an edited one"})
    with workspace.transaction() as session:
        conflict = session.get(CaseConflict, conflict_id)
        if conflict is None or conflict.resolution is not None:
            raise ConflictNotFound(number=conflict_id)
        chosen = {"office": conflict.office_value, "hq": conflict.hq_value}.get(keep, value)
        if keep == "edited" and (problem := edited_value_problem(chosen)):
            raise InvalidInput({"value": problem})
        case = case_by_uuid(session, conflict.case_uuid)
        if case is None:
            raise ConflictNotFound(number=conflict_id)
        fields = case_fields(case)
        if fields.get(conflict.field) != chosen:
            if chosen is None:
                fields.pop(conflict.field, None)
            else:
                fields[conflict.field] = chosen
            apply_fields(session, case, fields, None, workspace.user.id)
            case.revision += 1
            case.updated_at = dt.datetime.now(dt.UTC)
            session.flush()
            reindex(session, case)
        conflict.resolution = keep
        conflict.resolved_value = chosen
        conflict.resolved_at = dt.datetime.now(dt.UTC)
        conflict.resolved_by_id = workspace.user.id
        audit.record(
            session,
            "conflict.resolved",
            user_id=workspace.user.id,
            case=case,
            detail={"field": conflict.field, "kept": keep},
        )
        return Conflict(
            conflict.id,
            conflict.case_number,
            conflict.field,
            conflict.base_value,
            conflict.office_value,
            conflict.hq_value,
            conflict.opened_at,
        )


@dataclass(frozen=True)
class CaseAtHeadquarters:
    """At an office: what HQ has of one case, from its receipts."""

    revision: int  # this office's revision of the case now
    acknowledged: int | None  # the revision HQ's receipt confirmed (None: nothing yet)
    set_aside: str | None  # HQ's reason, when its last receipt set the case aside
    receipt_at: dt.datetime | None


def case_at_headquarters(workspace: Workspace, case_number: str) -> CaseAtHeadquarters | None:
    """None at HQ itself, or for a demo case (demo cases stay at the office)."""
    if workspace.installation.role != "office":
        return None
    with workspace.reading() as session:
        case = session.scalar(select(Case).where(Case.case_number == case_number))
        if case is None or case.is_demo:
            return None
        last = session.scalar(
            select(CaseArrival).where(CaseArrival.case_uuid == case.uuid)
            .order_by(CaseArrival.id.desc()).limit(1)
        )  # fmt: skip
        held = last.reason if last is not None and last.outcome == "quarantined" else None
        return CaseAtHeadquarters(case.revision, case.synced_revision, held,
                                  last.at if last is not None else None)  # fmt: skip
