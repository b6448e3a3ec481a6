"""The audit trail: one event per change, written in the same transaction as the change."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.store.models import AuditEvent, Case


def record(
    session: Session,
    action: str,
    *,
    user_id: int | None,
    case: Case | None = None,
    detail: dict[str, object] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        user_id=user_id,
        case_id=case.id if case is not None else None,
        case_uuid=case.uuid if case is not None else None,
        case_revision=case.revision if case is not None else None,
        detail=detail or {},
    )
    session.add(event)
    return event
