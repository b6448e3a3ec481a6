"""The audit trail: one event per change, written in the same transaction as the change, and
chained: each event carries the hash of the one before it and its own, so an event edited or
removed afterwards (with a database tool, bypassing Homeward) breaks the chain from there on.

Hashes are sealed just before the commit, when the transaction already holds SQLite's write
lock: no other writer can slip an event in between, so the chain has no forks. On a
PostgreSQL server, where writers run side by side, a transaction takes the chain's lock
(:func:`lock_chain`) before its first event gets its id and keeps it to the commit, so ids
follow the order of the commits as they do in SQLite.

The chain covers a salted digest of each event's detail and note rather than the text. When a
case is erased its events lose detail, note and salt (they may name the returnee); their
digests stay, so the chain still verifies, and the random salt keeps the digest from being
guessed back. An event without its salt is accepted only for a case that has a tombstone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, event, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.store.models import AuditEvent, Case, CaseTombstone

CHAIN_START = "0" * 64
_UNSEALED = "homeward.audit.unsealed"
_LOCKED = "homeward.audit.locked"
CHAIN_LOCK = 0x41756469745F4842  # a PostgreSQL advisory lock key of Homeward's own


def lock_chain(target: Session | Connection) -> None:
    """Make this transaction the only one adding audit events until it ends (on a server;
    SQLite's write lock does so already). Call before the first event is written."""
    if isinstance(target, Session):
        if target.info.get(_LOCKED) or target.get_bind().dialect.name == "sqlite":
            return
        target.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
        target.info[_LOCKED] = True
    elif target.dialect.name != "sqlite":
        target.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


def record(
    session: Session,
    action: str,
    *,
    user_id: int | None,
    case: Case | None = None,
    case_uuid: uuid.UUID | None = None,
    detail: dict[str, object] | None = None,
) -> AuditEvent:
    """Add an event to the session; ``case_uuid`` names a case that no longer has a row."""
    lock_chain(session)
    audit_event = AuditEvent(
        action=action,
        user_id=user_id,
        case_id=case.id if case is not None else None,
        case_uuid=case.uuid if case is not None else case_uuid,
        case_revision=case.revision if case is not None else None,
        detail=detail or {},
        detail_salt=secrets.token_hex(16),
    )
    session.add(audit_event)
    session.info.setdefault(_UNSEALED, []).append(audit_event)
    return audit_event


def _json(document: object) -> bytes:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode("utf-8")  # fmt: skip


def content_digest(salt: str, detail: dict[str, object] | None, note: str | None) -> str:
    """The salted digest of what an event says beyond its bare facts."""
    body = _json({"detail": detail or {}, "note": note or ""})
    return hashlib.sha256(salt.encode("ascii") + b"\n" + body).hexdigest()


def canonical(audit_event: AuditEvent) -> bytes:
    """What the hash covers: the event's facts and its content digest, in one fixed spelling.
    (The case's row number is left out: it goes when a case is erased, the UUID stays.)"""
    at = audit_event.at
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return _json({
        "uuid": str(audit_event.uuid),
        "at": at.isoformat(timespec="microseconds"),
        "user": audit_event.user_id,
        "case": str(audit_event.case_uuid) if audit_event.case_uuid else None,
        "revision": audit_event.case_revision,
        "action": audit_event.action,
        "content": audit_event.detail_digest,
    })  # fmt: skip


def chain_hash(previous: str, audit_event: AuditEvent) -> str:
    return hashlib.sha256(previous.encode("ascii") + b"\n" + canonical(audit_event)).hexdigest()


def seal(session: Session) -> None:
    """Chain the events recorded so far in this transaction now rather than at commit: call
    it before ``expunge_all`` on a long transaction, which would otherwise detach them."""
    _seal(session)


def _seal(session: Session) -> None:
    unsealed: list[AuditEvent] = session.info.pop(_UNSEALED, [])
    if not unsealed:
        return
    for audit_event in unsealed:
        if audit_event not in session:  # expunged meanwhile: its seal must still be written
            session.add(audit_event)
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
        salt = audit_event.detail_salt or secrets.token_hex(16)
        audit_event.detail_salt = salt
        audit_event.detail_digest = content_digest(salt, audit_event.detail, audit_event.note)
        audit_event.prev_hash = previous
        audit_event.hash = previous = chain_hash(previous, audit_event)
    session.flush()


def redact_case(session: Session, case_uuid: uuid.UUID) -> int:
    """Blank the detail, note and salt of every event of an erased case (its tombstone must
    be added in the same transaction). Returns how many events were redacted."""
    result = session.execute(
        update(AuditEvent)
        .where(AuditEvent.case_uuid == case_uuid, AuditEvent.detail_salt.is_not(None))
        .values(detail={}, note="", detail_salt=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _forget(session: Session) -> None:
    session.info.pop(_UNSEALED, None)
    session.info.pop(_LOCKED, None)


def _unlocked(session: Session) -> None:
    session.info.pop(_LOCKED, None)  # the transaction's lock ends with it


def install(factory: sessionmaker[Session]) -> None:
    """Seal the audit events of every transaction of ``factory``'s sessions."""
    event.listen(factory, "before_commit", _seal)
    event.listen(factory, "after_rollback", _forget)
    event.listen(factory, "after_commit", _unlocked)


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


def _fits(previous: str, audit_event: AuditEvent, erased: set[uuid.UUID]) -> bool:
    if audit_event.prev_hash != previous:
        return False
    if audit_event.hash != chain_hash(previous, audit_event):
        return False
    if audit_event.detail_salt is None:  # redacted: only an erased case's events may be
        return audit_event.case_uuid in erased and not audit_event.detail and not audit_event.note
    digest = content_digest(audit_event.detail_salt, audit_event.detail, audit_event.note)
    return digest == audit_event.detail_digest


def _erased(session: Session) -> set[uuid.UUID]:
    return set(session.scalars(select(CaseTombstone.case_uuid)))


def verify(session: Session) -> ChainReport:
    """Walk the whole chain in order; report the first event that does not fit."""
    previous, count, last_at = CHAIN_START, 0, None
    erased = _erased(session)
    for audit_event in _in_order(session):
        count += 1
        last_at = audit_event.at
        if not _fits(previous, audit_event, erased):
            return ChainReport(count, last_at, Break(count, audit_event.at, audit_event.action))
        previous = audit_event.hash or ""
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
        if not _fits(before or CHAIN_START, audit_event, set()):
            return False
    return True
