"""The audit trail: one event per change, written in the same transaction as the change, and
chained: each event carries the hash of the one before it and its own, so an event edited or
removed afterwards (with a database tool, bypassing Homeward) breaks the chain from there on.

Hashes are sealed just before the commit, when the transaction already holds SQLite's write
lock: no other writer can slip an event in between, so the chain has no forks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from app.store.models import AuditEvent, Case

CHAIN_START = "0" * 64
_UNSEALED = "homeward.audit.unsealed"


def record(
    session: Session,
    action: str,
    *,
    user_id: int | None,
    case: Case | None = None,
    detail: dict[str, object] | None = None,
) -> AuditEvent:
    audit_event = AuditEvent(
        action=action,
        user_id=user_id,
        case_id=case.id if case is not None else None,
        case_uuid=case.uuid if case is not None else None,
        case_revision=case.revision if case is not None else None,
        detail=detail or {},
    )
    session.add(audit_event)
    session.info.setdefault(_UNSEALED, []).append(audit_event)
    return audit_event


def canonical(audit_event: AuditEvent) -> bytes:
    """What the hash covers: everything an event says, in one fixed spelling. (The case's
    row number is left out: it goes when a case is erased, the case UUID stays.)"""
    at = audit_event.at
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    document = {
        "uuid": str(audit_event.uuid),
        "at": at.isoformat(timespec="microseconds"),
        "user": audit_event.user_id,
        "case": str(audit_event.case_uuid) if audit_event.case_uuid else None,
        "revision": audit_event.case_revision,
        "action": audit_event.action,
        "detail": audit_event.detail or {},
        "note": audit_event.note or "",
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode("utf-8")  # fmt: skip


def chain_hash(previous: str, audit_event: AuditEvent) -> str:
    return hashlib.sha256(previous.encode("ascii") + b"\n" + canonical(audit_event)).hexdigest()


def _seal(session: Session) -> None:
    unsealed: list[AuditEvent] = session.info.pop(_UNSEALED, [])
    if not unsealed:
        return
    session.flush()  # ids and defaults are known from here on
    events = sorted((e for e in unsealed if e.id is not None), key=lambda e: e.id)
    if not events:
        return
    previous = session.scalar(
        select(AuditEvent.hash)
        .where(AuditEvent.id < events[0].id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    previous = previous or CHAIN_START
    for audit_event in events:
        audit_event.prev_hash = previous
        audit_event.hash = previous = chain_hash(previous, audit_event)
    session.flush()


def _forget(session: Session) -> None:
    session.info.pop(_UNSEALED, None)


def install(factory: sessionmaker[Session]) -> None:
    """Seal the audit events of every transaction of ``factory``'s sessions."""
    event.listen(factory, "before_commit", _seal)
    event.listen(factory, "after_rollback", _forget)


@dataclass(frozen=True)
class Break:
    """The first event whose link does not hold."""

    position: int  # 1 = the first event ever recorded
    at: dt.datetime
    action: str


@dataclass(frozen=True)
class ChainReport:
    events: int
    last_at: dt.datetime | None
    broken: Break | None


def verify(session: Session) -> ChainReport:
    """Walk the whole chain in order; report the first event that does not fit."""
    previous, count, last_at = CHAIN_START, 0, None
    for audit_event in _in_order(session):
        count += 1
        last_at = audit_event.at
        if audit_event.prev_hash != previous or audit_event.hash != chain_hash(
            previous, audit_event
        ):
            return ChainReport(count, last_at, Break(count, audit_event.at, audit_event.action))
        previous = audit_event.hash
    return ChainReport(count, last_at, None)


def _in_order(session: Session) -> Iterator[AuditEvent]:
    statement = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=2000)
    for audit_event in session.scalars(statement):
        yield audit_event
        session.expunge(audit_event)  # memory stays flat on a long trail


def holds_for(session: Session, events: list[AuditEvent]) -> bool:
    """Whether each of ``events`` (one case's, say) is intact and linked to the event just
    before it in the whole chain: cheap enough to check whenever a history is shown."""
    for audit_event in events:
        before = session.scalar(
            select(AuditEvent.hash)
            .where(AuditEvent.id < audit_event.id)
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
        previous = before or CHAIN_START
        if audit_event.prev_hash != previous:
            return False
        if audit_event.hash != chain_hash(previous, audit_event):
            return False
    return True
