"""An installation's keys and the signed documents that pass them on.

Each installation holds two keys, made together: an Ed25519 key that signs what it sends, and
an X25519 identity in the age format that opens what is sent to it. The public halves travel
in a signed *key export*; people compare its fingerprint over the phone before trusting it.
A *rotation* statement, signed by the old key and the new one, hands trust on to new keys; a
*revocation* statement withdraws a key. Every signed object carries its own context string,
which the signature covers, so no signed object can pass for another kind.

A signed document is text: the document as one line of JSON, then one line per signature
(standard base64), each over ``context || 0x00 || that JSON line``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from typing import Annotated, Literal, TypeVar

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyrage import x25519

from app.bundles.strict import (
    STRUCT_OPTIONS,
    Fingerprint,
    Name,
    OfficeCode,
    StrictJsonError,
    UtcDateTime,
    decode,
    utc,
)
from app.domain.errors import N_, KeyDocumentInvalid, Msgid

CONTEXT_KEY_EXPORT = "homeward/key-export/v1"
CONTEXT_KEY_ROTATION = "homeward/key-rotation/v1"
CONTEXT_KEY_REVOCATION = "homeward/key-revocation/v1"
_PRIVATE_FORMAT = "homeward/installation-keys/v1"
_FINGERPRINT_CONTEXT = b"homeward/key-fingerprint/v1\x00"
# Crockford's base32: no I, L, O or U, so nothing read aloud is taken for something else.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_FINGERPRINT_BITS = 100
MAX_KEY_DOCUMENT_BYTES = 64 * 1024
_SIGNATURE_BYTES = 64

InstallationRole = Literal["office", "hq"]
RevocationReason = Literal["compromised", "lost", "retired"]

KEY_EXPORT = N_("key export")
KEY_ROTATION = N_("key rotation statement")
KEY_REVOCATION = N_("key revocation statement")
_LABELS = {
    CONTEXT_KEY_EXPORT: KEY_EXPORT,
    CONTEXT_KEY_ROTATION: KEY_ROTATION,
    CONTEXT_KEY_REVOCATION: KEY_REVOCATION,
}
DAMAGED = N_("it is damaged, or not a Homeward key document")
OTHER_KIND = N_("it is another kind of signed document")
NEWER_FORMAT = N_("it was written by a newer version of Homeward")
BAD_SIGNATURE = N_("its signature does not match its content")
NOT_FROM_TRUSTED_KEY = N_("it is not signed by the key this installation trusts")
UNKNOWN_SIGNER = N_("it is signed by a key this installation does not trust")


def signed_message(context: str, body: bytes) -> bytes:
    """What a signature covers: the context string, a zero byte, then the signed bytes."""
    return context.encode("ascii") + b"\x00" + body


def _fingerprint(digest: bytes) -> str:
    number = int.from_bytes(digest, "big") >> (len(digest) * 8 - _FINGERPRINT_BITS)
    letters = [_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(20))]
    return "-".join("".join(letters[i : i + 4]) for i in range(0, 20, 4))


def normalise_fingerprint(text: str) -> str:
    """A fingerprint as a person types it (any case, spaces, O for 0, I or L for 1) in the
    canonical spelling; ValueError if it cannot be one."""
    letters = "".join(ch for ch in text.upper() if ch not in " -")
    letters = letters.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(letters) != 20 or any(ch not in _ALPHABET for ch in letters):
        raise ValueError("a fingerprint is 20 letters and digits")
    return "-".join(letters[i : i + 4] for i in range(0, 20, 4))


class PublicKeys(msgspec.Struct, **STRUCT_OPTIONS):
    """The public halves: who signed (Ed25519, 32 raw bytes) and whom to encrypt for (age)."""

    signing: Annotated[bytes, msgspec.Meta(min_length=32, max_length=32)]
    age: Annotated[str, msgspec.Meta(pattern=r"^age1[02-9ac-hj-np-z]{58}$")]

    def __post_init__(self) -> None:
        try:
            x25519.Recipient.from_str(self.age)
        except Exception:
            raise ValueError("not an age X25519 recipient") from None

    @property
    def fingerprint(self) -> str:
        """About 100 bits of SHA-256 over both keys, as 5 groups of 4, to read aloud."""
        digest = hashlib.sha256(_FINGERPRINT_CONTEXT + self.signing + self.age.encode("ascii"))
        return _fingerprint(digest.digest())

    def verify(self, context: str, body: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.signing).verify(
                signature, signed_message(context, body)
            )
        except (InvalidSignature, ValueError):
            return False
        return True

    def recipient(self) -> x25519.Recipient:
        return x25519.Recipient.from_str(self.age)


class _PrivateKeys(msgspec.Struct, **STRUCT_OPTIONS):
    format: Literal["homeward/installation-keys/v1"]
    signing_seed: bytes
    age_identity: str


class InstallationKeys:
    """Both private keys of one installation. Kept only inside the encrypted store."""

    __slots__ = ("_identity", "_signing", "public")

    def __init__(self, signing: Ed25519PrivateKey, identity: x25519.Identity) -> None:
        self._signing = signing
        self._identity = identity
        raw = signing.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public = PublicKeys(signing=raw, age=str(identity.to_public()))

    def __repr__(self) -> str:  # never the private keys, in a log or a trace
        return f"InstallationKeys({self.public.fingerprint})"

    @classmethod
    def generate(cls) -> InstallationKeys:
        return cls(Ed25519PrivateKey.generate(), x25519.Identity.generate())

    def private_bytes(self) -> bytes:
        seed = self._signing.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        document = _PrivateKeys(
            format=_PRIVATE_FORMAT, signing_seed=seed, age_identity=str(self._identity)
        )
        return msgspec.json.encode(document)

    @classmethod
    def from_private_bytes(cls, data: bytes) -> InstallationKeys:
        """Back from :meth:`private_bytes`; ValueError if ``data`` is not that."""
        try:
            document = msgspec.json.decode(data, type=_PrivateKeys)
            signing = Ed25519PrivateKey.from_private_bytes(document.signing_seed)
            identity = x25519.Identity.from_str(document.age_identity)
        except Exception:
            raise ValueError("not the private keys of a Homeward installation") from None
        return cls(signing, identity)

    def sign(self, context: str, body: bytes) -> bytes:
        return self._signing.sign(signed_message(context, body))

    @property
    def identity(self) -> x25519.Identity:
        """The age identity, to decrypt bundles sent to this installation."""
        return self._identity

    def age_identity_text(self) -> str:
        """The age identity as the ``age`` command reads it from a key file (an emergency at
        HQ: see docs/bundle-format.md). Secret: it opens every bundle sent here."""
        return str(self._identity)


def generate_installation_keys() -> InstallationKeys:
    return InstallationKeys.generate()


# Signed documents --------------------------------------------------------------------------


class KeyExport(msgspec.Struct, **STRUCT_OPTIONS):
    """An installation's public keys, signed by its own signing key (proof of possession;
    trust comes from comparing ``fingerprint`` with the sender by phone)."""

    context: Literal["homeward/key-export/v1"]
    role: InstallationRole
    office_code: OfficeCode
    office_name: Name
    installation: uuid.UUID
    keys: PublicKeys
    fingerprint: Fingerprint
    created_at: UtcDateTime

    def __post_init__(self) -> None:
        if self.fingerprint != self.keys.fingerprint:
            raise ValueError("the fingerprint does not belong to the keys")


class KeyRotation(msgspec.Struct, **STRUCT_OPTIONS):
    """``new`` replaces ``old``: signed by the old signing key, then by the new one."""

    context: Literal["homeward/key-rotation/v1"]
    role: InstallationRole
    office_code: OfficeCode
    installation: uuid.UUID
    old: PublicKeys
    old_fingerprint: Fingerprint
    new: PublicKeys
    new_fingerprint: Fingerprint
    rotated_at: UtcDateTime

    def __post_init__(self) -> None:
        if self.old_fingerprint != self.old.fingerprint:
            raise ValueError("the old fingerprint does not belong to the old keys")
        if self.new_fingerprint != self.new.fingerprint:
            raise ValueError("the new fingerprint does not belong to the new keys")
        if self.old == self.new:
            raise ValueError("the new keys are the old ones")


class KeyRevocation(msgspec.Struct, **STRUCT_OPTIONS):
    """``revoked`` must no longer be trusted. Signed by the revoked key itself (always
    believable) or by a key the reader trusts (``signed_by``), e.g. HQ revoking an office's."""

    context: Literal["homeward/key-revocation/v1"]
    office_code: OfficeCode
    installation: uuid.UUID
    revoked: PublicKeys
    revoked_fingerprint: Fingerprint
    reason: RevocationReason
    revoked_at: UtcDateTime
    signed_by: Fingerprint

    def __post_init__(self) -> None:
        if self.revoked_fingerprint != self.revoked.fingerprint:
            raise ValueError("the fingerprint does not belong to the revoked keys")


_ENCODER = msgspec.json.Encoder()
_EXPORT = msgspec.json.Decoder(KeyExport)
_ROTATION = msgspec.json.Decoder(KeyRotation)
_REVOCATION = msgspec.json.Decoder(KeyRevocation)
T = TypeVar("T")


class _ContextOnly(msgspec.Struct):
    context: str


def _signed(body_struct: msgspec.Struct, context: str, signers: list[InstallationKeys]) -> bytes:
    body = _ENCODER.encode(body_struct)
    lines = [body] + [base64.b64encode(s.sign(context, body)) for s in signers]
    return b"\n".join(lines) + b"\n"


def export_keys(
    keys: InstallationKeys,
    *,
    role: InstallationRole,
    office_code: str,
    office_name: str,
    installation: uuid.UUID,
    created_at: dt.datetime | None = None,
) -> bytes:
    document = KeyExport(
        context=CONTEXT_KEY_EXPORT,
        role=role,
        office_code=office_code,
        office_name=office_name,
        installation=installation,
        keys=keys.public,
        fingerprint=keys.public.fingerprint,
        created_at=utc(created_at),
    )
    return _signed(document, CONTEXT_KEY_EXPORT, [keys])


def rotate_keys(
    old: InstallationKeys,
    new: InstallationKeys,
    *,
    role: InstallationRole,
    office_code: str,
    installation: uuid.UUID,
    rotated_at: dt.datetime | None = None,
) -> bytes:
    document = KeyRotation(
        context=CONTEXT_KEY_ROTATION,
        role=role,
        office_code=office_code,
        installation=installation,
        old=old.public,
        old_fingerprint=old.public.fingerprint,
        new=new.public,
        new_fingerprint=new.public.fingerprint,
        rotated_at=utc(rotated_at),
    )
    return _signed(document, CONTEXT_KEY_ROTATION, [old, new])


def revoke_keys(
    signer: InstallationKeys,
    revoked: PublicKeys,
    *,
    office_code: str,
    installation: uuid.UUID,
    reason: RevocationReason,
    revoked_at: dt.datetime | None = None,
) -> bytes:
    document = KeyRevocation(
        context=CONTEXT_KEY_REVOCATION,
        office_code=office_code,
        installation=installation,
        revoked=revoked,
        revoked_fingerprint=revoked.fingerprint,
        reason=reason,
        revoked_at=utc(revoked_at),
        signed_by=signer.public.fingerprint,
    )
    return _signed(document, CONTEXT_KEY_REVOCATION, [signer])


def _refuse(context: str, problem: str) -> KeyDocumentInvalid:
    return KeyDocumentInvalid(expected=Msgid(_LABELS[context]), problem=Msgid(problem))


def _open(
    data: bytes, context: str, signatures: int, decoder: msgspec.json.Decoder[T]
) -> tuple[bytes, T, list[bytes]]:
    """Split and strictly decode a signed document of ``context``; signatures not checked."""
    if len(data) > MAX_KEY_DOCUMENT_BYTES or not data.endswith(b"\n"):
        raise _refuse(context, DAMAGED)
    lines = data[:-1].split(b"\n")
    body = lines[0]
    try:
        found = msgspec.json.decode(body, type=_ContextOnly).context
    except (msgspec.DecodeError, RecursionError):
        raise _refuse(context, DAMAGED) from None
    if found != context:
        family = context.rpartition("/")[0]
        if found.startswith(family + "/"):
            raise _refuse(context, NEWER_FORMAT)
        raise _refuse(context, OTHER_KIND if found.startswith("homeward/") else DAMAGED)
    if len(lines) != 1 + signatures:
        raise _refuse(context, DAMAGED)
    try:
        document = decode(body, decoder)
        sigs = [base64.b64decode(line, validate=True) for line in lines[1:]]
    except (StrictJsonError, binascii.Error):
        raise _refuse(context, DAMAGED) from None
    if any(len(sig) != _SIGNATURE_BYTES for sig in sigs) or lines[1:] != [
        base64.b64encode(sig) for sig in sigs
    ]:
        raise _refuse(context, DAMAGED)
    return body, document, sigs


def read_key_export(data: bytes) -> KeyExport:
    """The export in ``data``, its self-signature checked; KeyDocumentInvalid otherwise.
    Whether to trust it is for a person: compare ``fingerprint`` with the sender's."""
    body, document, (signature,) = _open(data, CONTEXT_KEY_EXPORT, 1, _EXPORT)
    if not document.keys.verify(CONTEXT_KEY_EXPORT, body, signature):
        raise _refuse(CONTEXT_KEY_EXPORT, BAD_SIGNATURE)
    return document


def read_key_rotation(data: bytes, trusted_old: PublicKeys) -> KeyRotation:
    """The rotation in ``data`` if it replaces ``trusted_old`` and both signatures hold."""
    body, document, (old_sig, new_sig) = _open(data, CONTEXT_KEY_ROTATION, 2, _ROTATION)
    if document.old != trusted_old:
        raise _refuse(CONTEXT_KEY_ROTATION, NOT_FROM_TRUSTED_KEY)
    if not trusted_old.verify(CONTEXT_KEY_ROTATION, body, old_sig):
        raise _refuse(CONTEXT_KEY_ROTATION, BAD_SIGNATURE)
    if not document.new.verify(CONTEXT_KEY_ROTATION, body, new_sig):
        raise _refuse(CONTEXT_KEY_ROTATION, BAD_SIGNATURE)
    return document


def read_key_revocation(data: bytes, trusted: Callable[[str], PublicKeys | None]) -> KeyRevocation:
    """The revocation in ``data``, signed by the revoked key itself or by a trusted key
    (``trusted`` maps a fingerprint to the keys this installation trusts, or None)."""
    body, document, (signature,) = _open(data, CONTEXT_KEY_REVOCATION, 1, _REVOCATION)
    if document.signed_by == document.revoked_fingerprint:
        signer: PublicKeys | None = document.revoked
    else:
        signer = trusted(document.signed_by)
        if signer is None or signer.fingerprint != document.signed_by:
            raise _refuse(CONTEXT_KEY_REVOCATION, UNKNOWN_SIGNER)
    if not signer.verify(CONTEXT_KEY_REVOCATION, body, signature):
        raise _refuse(CONTEXT_KEY_REVOCATION, BAD_SIGNATURE)
    return document


# Keeping public keys, and telling documents apart -----------------------------------------

_PUBLIC = msgspec.json.Decoder(PublicKeys)


def encode_public(keys: PublicKeys) -> bytes:
    """Public keys as stored beside a trusted peer (the same strict JSON as in exports)."""
    return _ENCODER.encode(keys)


def decode_public(data: bytes) -> PublicKeys:
    return decode(data, _PUBLIC)


def document_context(data: bytes) -> str:
    """The context string a signed key document claims (not yet checked), so the reader can
    hand it to the right ``read_…`` function; "" if there is none."""
    first = data[: MAX_KEY_DOCUMENT_BYTES + 1].split(b"\n", 1)[0]
    try:
        return msgspec.json.decode(first, type=_ContextOnly).context
    except (msgspec.DecodeError, RecursionError):
        return ""


class _RotationOld(msgspec.Struct):
    old_fingerprint: str = ""


def peek_rotation_old(data: bytes) -> str:
    """The fingerprint a rotation statement claims to replace (checked later against the
    key trusted under it)."""
    first = data[: MAX_KEY_DOCUMENT_BYTES + 1].split(b"\n", 1)[0]
    try:
        return msgspec.json.decode(first, type=_RotationOld).old_fingerprint[:64]
    except (msgspec.DecodeError, RecursionError):
        return ""
