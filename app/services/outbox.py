"""Which cases an office still has to send to HQ.

A case goes in the next bundle when HQ has not acknowledged its current revision, unless
that revision is already on its way: written into a bundle for the current HQ that HQ has
not answered yet, nor any later one. A bundle that HQ answered without taking a case (the
case set aside, or the bundle lost on the way while a later one arrived) sends that case
again; so does a change of HQ installation. Sending again is always safe: HQ's import ledger
makes a resend change nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, bindparam, exists, not_, or_, update
from sqlalchemy.orm import Session, aliased

from app.store.models import BundleEntry, Case, Peer


def unacknowledged() -> ColumnElement[bool]:
    """HQ has not acknowledged the case as it is now."""
    return or_(Case.synced_revision.is_(None), Case.revision > Case.synced_revision)


def on_its_way(hq_installation: uuid.UUID) -> ColumnElement[bool]:
    """The case's current revision went in a bundle for ``hq_installation`` that HQ has not
    answered, nor any bundle written after it."""
    sent, sent_to = aliased(BundleEntry), aliased(Peer)
    answered, answered_to = aliased(BundleEntry), aliased(Peer)
    answered_since = exists().where(
        answered.direction == "out",
        answered.acknowledged_at.is_not(None),
        answered.peer_id == answered_to.id,
        answered_to.installation_uuid == hq_installation,
        answered.sequence >= sent.sequence,
    )
    return and_(
        Case.sent_revision == Case.revision,
        exists().where(
            sent.bundle_id == Case.sent_bundle,
            sent.direction == "out",
            sent.peer_id == sent_to.id,
            sent_to.installation_uuid == hq_installation,
            not_(answered_since),
        ),
    )


def to_send(hq_installation: uuid.UUID | None, *, include_demo: bool) -> ColumnElement[bool]:
    """The cases the next bundle for HQ holds (demo cases only when asked)."""
    wanted = unacknowledged()
    if hq_installation is not None:
        wanted = and_(wanted, not_(on_its_way(hq_installation)))
    if not include_demo:
        wanted = and_(wanted, Case.is_demo.is_(False))
    return wanted


def hq_installation(session: Session) -> uuid.UUID | None:
    """The installation of the HQ this office trusts now (None before keys are exchanged)."""
    from app.services.keys import current_peers  # the bundle crypto, only when asked

    peer = session.scalar(current_peers(Peer.role == "hq"))
    return None if peer is None else peer.installation_uuid


def mark_sent(session: Session, sent: Iterable[tuple[int, int]], bundle_id: uuid.UUID) -> None:
    """Record that each (case id, revision) went in bundle ``bundle_id``."""
    rows = [{"sent_case": case_id, "sent_rev": revision} for case_id, revision in sent]
    if not rows:
        return
    statement = (
        update(Case)
        .where(Case.id == bindparam("sent_case"))
        .values(sent_revision=bindparam("sent_rev"), sent_bundle=bundle_id)
    )
    session.connection().execute(statement, rows)


def forget_sent(session: Session) -> None:
    """Send every case HQ has not acknowledged again, whatever is on its way (the bundles
    carrying them will be refused: signed with a key now revoked)."""
    session.execute(
        update(Case).where(unacknowledged()).values(sent_revision=None, sent_bundle=None)
    )
