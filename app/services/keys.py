"""This installation's bundle keys and the keys it trusts.

Each installation signs what it sends (Ed25519) and opens what is sent to it (age X25519).
Trust is given by a person: an office trusts its HQ's key export, HQ each office's, after
comparing the fingerprint read aloud over the phone. A rotation statement signed by a trusted
key hands trust to its successor; a revoked key is refused from then on.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from app.bundles import keys as bundle_keys
from app.bundles.keys import InstallationKeys, PublicKeys
from app.config import check_output, write_output
from app.domain.accounts import Permission
from app.domain.errors import (
    N_,
    CannotRead,
    InvalidInput,
    KeyFingerprintMismatch,
    KeyNotTrusted,
    KeyRoleRefused,
    Msgid,
    PeerKeyConflict,
)
from app.services.workspace import Workspace
from app.store import audit
from app.store.models import InstallationKey, Peer

_SEAL_CONTEXT = b"homeward/installation-key-seal/v1\x00"


@dataclass(frozen=True)
class OwnKeys:
    fingerprint: str
    role: str
    office_code: str
    created_at: dt.datetime


@dataclass(frozen=True)
class TrustedKey:
    fingerprint: str
    role: str
    office_code: str
    name: str
    trusted_at: dt.datetime
    revoked: bool
    replaced_by: str | None


def _seal(store_key: bytes, fingerprint: str, private: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(store_key).encrypt(nonce, private, _SEAL_CONTEXT + fingerprint.encode())


def _unseal(store_key: bytes, row: InstallationKey) -> InstallationKeys:
    nonce, sealed = row.sealed_private[:12], row.sealed_private[12:]
    private = AESGCM(store_key).decrypt(nonce, sealed, _SEAL_CONTEXT + row.fingerprint.encode())
    return InstallationKeys.from_private_bytes(private)


def public_bytes(keys: PublicKeys) -> bytes:
    return bundle_keys.encode_public(keys)


def public_from_bytes(data: bytes) -> PublicKeys:
    return bundle_keys.decode_public(data)


def _current(session: Session) -> InstallationKey | None:
    return session.scalar(
        select(InstallationKey)
        .where(InstallationKey.retired_at.is_(None))
        .order_by(InstallationKey.id.desc())
        .limit(1)
    )


def _add_keys(session: Session, store_key: bytes, keys: InstallationKeys) -> InstallationKey:
    fingerprint = keys.public.fingerprint
    row = InstallationKey(
        fingerprint=fingerprint,
        public_keys=public_bytes(keys.public),
        sealed_private=_seal(store_key, fingerprint, keys.private_bytes()),
    )
    session.add(row)
    session.flush()
    return row


def add_installation_keys(
    session: Session, store_key: bytes, user_id: int | None
) -> InstallationKeys:
    """Make this installation's keys (at set-up, or on first use for an older one)."""
    keys = InstallationKeys.generate()
    _add_keys(session, store_key, keys)
    audit.record(session, "keys.created", user_id=user_id,
                 detail={"fingerprint": keys.public.fingerprint})  # fmt: skip
    return keys


def installation_keys(workspace: Workspace) -> InstallationKeys:
    """This installation's current keys, made on first use (an installation set up before
    bundles existed gets them then)."""
    with workspace.transaction() as session:
        row = _current(session)
        if row is None:
            return add_installation_keys(session, workspace.store_key, workspace.user.id)
        return _unseal(workspace.store_key, row)


def own_key_history(workspace: Workspace) -> list[InstallationKeys]:
    """Every key pair this installation has had, newest first: a bundle encrypted to keys
    that were replaced meanwhile still opens."""
    current = installation_keys(workspace)
    with workspace.reading() as session:
        rows = session.scalars(
            select(InstallationKey)
            .where(InstallationKey.retired_at.is_not(None))
            .order_by(InstallationKey.id.desc())
        ).all()
        return [current, *(_unseal(workspace.store_key, row) for row in rows)]


def own_keys(workspace: Workspace) -> OwnKeys:
    keys = installation_keys(workspace)
    with workspace.reading() as session:
        row = _current(session)
        assert row is not None
        created = row.created_at
    info = workspace.installation
    return OwnKeys(keys.public.fingerprint, info.role, info.office_code, created)


def export_public_keys(workspace: Workspace, out: Path) -> str:
    """Write this installation's signed key export to ``out``; returns its fingerprint."""
    check_output(workspace.paths, out)
    keys = installation_keys(workspace)
    info = workspace.installation
    document = bundle_keys.export_keys(
        keys,
        role=info.role,
        office_code=info.office_code,  # type: ignore[arg-type]
        office_name=info.office_name,
        installation=info.uuid,
    )
    write_output(out, document)
    return keys.public.fingerprint


def read_key_file(path: Path) -> bytes:
    """A key document from a file the user chose: a regular file (a pipe or a device could
    block or never end), read up to just past the size a key document may have."""
    try:
        if not path.is_file():
            raise CannotRead(path=str(path), reason=Msgid(NOT_A_KEY_FILE))
        with path.open("rb") as handle:
            return handle.read(bundle_keys.MAX_KEY_DOCUMENT_BYTES + 1)
    except OSError as error:
        raise CannotRead(path=str(path), reason=error.strerror or str(error)) from None


NOT_A_KEY_FILE = N_("choose the key file itself (not a folder or a device)")


def inspect_key_export(path: Path) -> bundle_keys.KeyExport:
    """The key export in ``path``, checked, for a person to compare its fingerprint."""
    return bundle_keys.read_key_export(read_key_file(path))


def trust_key_export(workspace: Workspace, path: Path, fingerprint: str) -> TrustedKey:
    """Trust the keys in ``path`` once ``fingerprint`` (as read over the phone) matches.
    An office trusts an HQ; HQ trusts offices."""
    workspace.require(Permission.MANAGE_OFFICE)
    export = inspect_key_export(path)
    if bundle_keys.normalise_fingerprint(fingerprint) != export.fingerprint:
        raise KeyFingerprintMismatch(fingerprint=export.fingerprint)
    wanted = "hq" if workspace.installation.role == "office" else "office"
    if export.role != wanted or export.installation == workspace.installation.uuid:
        raise KeyRoleRefused(role=export.role)
    with workspace.transaction() as session:
        existing = session.scalar(select(Peer).where(Peer.fingerprint == export.fingerprint))
        if existing is not None and existing.revoked_at is None:
            return _trusted(existing)
        if existing is not None:
            raise KeyNotTrusted(fingerprint=export.fingerprint)
        # one current key per installation and per office code: a second laptop claiming
        # the same office would number cases that collide
        other = session.scalar(current_peers(
            (Peer.installation_uuid == export.installation)
            | (Peer.office_code == export.office_code)
        ))  # fmt: skip
        if other is not None:
            raise PeerKeyConflict(office=export.office_code, fingerprint=other.fingerprint)
        peer = Peer(
            installation_uuid=export.installation,
            role=export.role,
            office_code=export.office_code,
            name=export.office_name,
            fingerprint=export.fingerprint,
            public_keys=public_bytes(export.keys),
            trusted_by_id=workspace.user.id,
        )
        session.add(peer)
        session.flush()
        audit.record(
            session,
            "keys.trusted",
            user_id=workspace.user.id,
            detail={
                "fingerprint": export.fingerprint,
                "office": export.office_code,
                "role": export.role,
            },
        )
        return _trusted(peer)


def rotate_own_keys(workspace: Workspace, out: Path) -> str:
    """New keys replace the current ones; the rotation statement for the peers (signed by
    both) is written to ``out``. Returns the new fingerprint."""
    workspace.require(Permission.MANAGE_OFFICE)
    check_output(workspace.paths, out)
    old, new = installation_keys(workspace), InstallationKeys.generate()
    info = workspace.installation
    role = info.role
    statement = bundle_keys.rotate_keys(
        old,
        new,
        role=role,
        office_code=info.office_code,
        installation=info.uuid,  # type: ignore[arg-type]
    )
    return _replace_own_keys(workspace, old, new, statement, out, "keys.rotated", {})


REVOCATION_REASONS = ("compromised", "lost", "retired")


def revoke_own_keys(workspace: Workspace, out: Path, reason: str) -> str:
    """Write a statement, signed by this installation's current key, that the key must no
    longer be trusted (it may have been copied); then make new keys. Every peer applies the
    statement (``keys accept``) and trusts the new key file after checking its fingerprint.
    Returns the new fingerprint."""
    workspace.require(Permission.MANAGE_OFFICE)
    if reason not in REVOCATION_REASONS:
        raise InvalidInput({"reason": N_("the reason is compromised, lost or retired")})
    check_output(workspace.paths, out)
    old, new = installation_keys(workspace), InstallationKeys.generate()
    info = workspace.installation
    statement = bundle_keys.revoke_keys(
        old, old.public, office_code=info.office_code, installation=info.uuid, reason=reason
    )  # type: ignore[arg-type]
    return _replace_own_keys(workspace, old, new, statement, out, "keys.revoked_own",
                             {"reason": reason}, resend=True)  # fmt: skip


def _replace_own_keys(workspace: Workspace, old: InstallationKeys, new: InstallationKeys,
                      statement: bytes, out: Path, action: str,
                      detail: dict[str, object], *, resend: bool = False) -> str:  # fmt: skip
    """Retire the current keys for ``new`` and write ``statement`` for the peers: the store
    changes only if the file is written whole. ``resend``: bundles signed with the old key
    will be refused, so what they carried goes again in the next one."""
    from app.services.outbox import forget_sent  # outbox reads the trusted peers from here

    with workspace.transaction() as session:
        current = _current(session)
        assert current is not None
        _add_keys(session, workspace.store_key, new)
        current.retired_at = dt.datetime.now(dt.UTC)
        if resend:
            forget_sent(session)
        write_output(out, statement)
        audit.record(session, action, user_id=workspace.user.id,
                     detail={"old": old.public.fingerprint, "new": new.public.fingerprint,
                             **detail})  # fmt: skip
    return new.public.fingerprint


def accept_key_statement(workspace: Workspace, path: Path) -> TrustedKey:
    """Apply a peer's rotation or revocation statement."""
    workspace.require(Permission.MANAGE_OFFICE)
    data = read_key_file(path)
    context = bundle_keys.document_context(data)
    with workspace.transaction() as session:
        if context == bundle_keys.CONTEXT_KEY_ROTATION:
            return _accept_rotation(workspace, session, data)
        revocation = bundle_keys.read_key_revocation(data, lambda fp: _peer_keys(session, fp))
        peer = session.scalar(
            select(Peer).where(Peer.fingerprint == revocation.revoked_fingerprint)
        )
        if peer is None:
            raise KeyNotTrusted(fingerprint=revocation.revoked_fingerprint)
        peer.revoked_at = peer.revoked_at or dt.datetime.now(dt.UTC)
        audit.record(
            session,
            "keys.revoked",
            user_id=workspace.user.id,
            detail={"fingerprint": peer.fingerprint, "reason": revocation.reason},
        )
        return _trusted(peer)


def _accept_rotation(workspace: Workspace, session: Session, data: bytes) -> TrustedKey:
    claimed = bundle_keys.peek_rotation_old(data)
    peer = session.scalar(select(Peer).where(Peer.fingerprint == claimed))
    if peer is None or peer.revoked_at is not None or peer.replaced_by is not None:
        raise KeyNotTrusted(fingerprint=claimed)
    rotation = bundle_keys.read_key_rotation(data, public_from_bytes(peer.public_keys))
    successor = Peer(
        installation_uuid=peer.installation_uuid,
        role=peer.role,
        office_code=peer.office_code,
        name=peer.name,
        fingerprint=rotation.new_fingerprint,
        public_keys=public_bytes(rotation.new),
        trusted_by_id=workspace.user.id,
    )
    peer.replaced_by = rotation.new_fingerprint
    session.add(successor)
    session.flush()
    audit.record(
        session,
        "keys.rotation_accepted",
        user_id=workspace.user.id,
        detail={"old": peer.fingerprint, "new": successor.fingerprint},
    )
    return _trusted(successor)


def revoke_peer(workspace: Workspace, fingerprint: str) -> TrustedKey:
    """Stop trusting a peer's key here (a stolen laptop, say): its bundles are refused."""
    workspace.require(Permission.MANAGE_OFFICE)
    wanted = bundle_keys.normalise_fingerprint(fingerprint)
    with workspace.transaction() as session:
        peer = session.scalar(select(Peer).where(Peer.fingerprint == wanted))
        if peer is None:
            raise KeyNotTrusted(fingerprint=wanted)
        peer.revoked_at = peer.revoked_at or dt.datetime.now(dt.UTC)
        audit.record(
            session,
            "keys.revoked",
            user_id=workspace.user.id,
            detail={"fingerprint": peer.fingerprint, "reason": "local"},
        )
        return _trusted(peer)


def trusted_keys(workspace: Workspace) -> list[TrustedKey]:
    with workspace.reading() as session:
        return [
            _trusted(p) for p in session.scalars(select(Peer).order_by(Peer.office_code, Peer.id))
        ]


def current_peers(*where: ColumnElement[bool]) -> Select[tuple[Peer]]:
    """Peers whose keys are trusted now: neither revoked nor replaced by a rotation."""
    return select(Peer).where(Peer.revoked_at.is_(None), Peer.replaced_by.is_(None), *where)


def trusted_peer(session: Session, fingerprint: str) -> Peer | None:
    """The peer whose current, unrevoked keys have ``fingerprint``."""
    return session.scalar(current_peers(Peer.fingerprint == fingerprint))


def _peer_keys(session: Session, fingerprint: str) -> PublicKeys | None:
    peer = trusted_peer(session, fingerprint)
    return public_from_bytes(peer.public_keys) if peer is not None else None


def _trusted(peer: Peer) -> TrustedKey:
    return TrustedKey(
        peer.fingerprint,
        peer.role,
        peer.office_code,
        peer.name,
        peer.trusted_at,
        peer.revoked_at is not None,
        peer.replaced_by,
    )
