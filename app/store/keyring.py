"""The store key, wrapped once per user account.

The case store is encrypted with one random 256-bit key. Each account holds a copy of that
key sealed with AES-256-GCM under a key derived from its password with Argon2id; the GCM tag
is what proves the password, so no password hash is kept anywhere. Opening the store with a
raw key skips SQLCipher's own per-open key derivation (0.15 ms instead of 0.1 s).

The slots are bound to their user name and installation (as associated data), so a slot
copied under another name does not open.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.config import write_atomically
from app.domain.errors import AuthenticationFailed, StoreUnreadable

FORMAT = 1
KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost; the defaults follow RFC 9106's second recommended option."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4

    def derive(self, password: str, salt: bytes) -> bytes:
        # NFC: input methods may send "ễ" as one code point or as e + two marks.
        return hash_secret_raw(
            unicodedata.normalize("NFC", password).encode("utf-8"),
            salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
        )


@dataclass
class Keyring:
    installation: str
    default_user: str
    slots: dict[str, dict[str, Any]] = field(default_factory=dict)
    kdf: KdfParams = field(default_factory=KdfParams)
    # The store key under the recovery key shown once at set-up (re-issued by an admin):
    # it opens the store when every password is lost.
    recovery: dict[str, Any] | None = None

    def _aad(self, username: str) -> bytes:
        return f"homeward-keyslot-v1:{self.installation}:{username}".encode()

    def _recovery_aad(self) -> bytes:
        return f"homeward-recovery-v1:{self.installation}".encode()

    def seal(self, username: str, password: str, store_key: bytes) -> None:
        """Add or replace ``username``'s slot holding ``store_key`` under ``password``."""
        self.slots[username] = self._sealed(password, store_key, self._aad(username))

    def seal_recovery(self, recovery_key: str, store_key: bytes) -> None:
        """Replace the recovery slot: the previous recovery key opens nothing any more."""
        self.recovery = self._sealed(recovery_key, store_key, self._recovery_aad())

    def _sealed(self, secret: str, store_key: bytes, aad: bytes) -> dict[str, Any]:
        salt, nonce = os.urandom(16), os.urandom(12)
        kek = self.kdf.derive(secret, salt)
        return {
            "kdf": "argon2id",
            "t": self.kdf.time_cost,
            "m": self.kdf.memory_kib,
            "p": self.kdf.parallelism,
            "salt": _b64(salt),
            "nonce": _b64(nonce),
            "wrapped": _b64(AESGCM(kek).encrypt(nonce, store_key, aad)),
        }

    def open(self, username: str, password: str) -> bytes:
        """The store key, or :class:`AuthenticationFailed` without saying which part was wrong."""
        return self._opened(self.slots.get(username), password, self._aad(username))

    def open_recovery(self, recovery_key: str) -> bytes:
        return self._opened(self.recovery, recovery_key, self._recovery_aad())

    def _opened(self, slot: dict[str, Any] | None, secret: str, aad: bytes) -> bytes:
        if slot is None:
            # Spend the same time as a real attempt, so timing does not reveal user names.
            self.kdf.derive(secret, b"\0" * 16)
            raise AuthenticationFailed()
        params = KdfParams(int(slot["t"]), int(slot["m"]), int(slot["p"]))
        kek = params.derive(secret, _unb64(slot["salt"]))
        try:
            return AESGCM(kek).decrypt(_unb64(slot["nonce"]), _unb64(slot["wrapped"]), aad)
        except InvalidTag:
            raise AuthenticationFailed() from None

    def remove(self, username: str) -> None:
        self.slots.pop(username, None)

    def to_json(self) -> bytes:
        document = {
            "format": FORMAT,
            "installation": self.installation,
            "default_user": self.default_user,
            "kdf": {"t": self.kdf.time_cost, "m": self.kdf.memory_kib, "p": self.kdf.parallelism},
            "slots": self.slots,
        }
        if self.recovery is not None:
            document["recovery"] = self.recovery
        return json.dumps(document, indent=2, sort_keys=True).encode("utf-8")

    def save(self, path: Path) -> None:
        write_atomically(path, self.to_json())

    @classmethod
    def load(cls, path: Path) -> Keyring:
        """The key ring in ``path``, checked strictly: the file is trusted with nothing.

        A damaged or hand-edited file is refused with the reason, never half-read; the KDF
        costs it names are bounded, so a file cannot make sign-in hang or exhaust memory.
        """
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                raise ValueError("the file is too large")
            document = json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_keys,
                                  parse_constant=_no_constant)  # fmt: skip
            return _parse(document)
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as error:
            raise StoreUnreadable(path=str(path), reason=_reason(error)) from None


# Bounds on what a key file may ask for: Argon2id from RFC 9106's low-memory option up to
# 1 GiB and 10 passes; anything outside is a damaged or hostile file.
MAX_FILE_BYTES = 1_000_000
TIME_COST = range(1, 11)
MEMORY_KIB = range(8 * 1024, 1024 * 1024 + 1)
PARALLELISM = range(1, 17)
_SLOT_KEYS = {"kdf", "t", "m", "p", "salt", "nonce", "wrapped"}
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("a name appears twice")
    return dict(pairs)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    if isinstance(error, RecursionError):
        return "the file is nested too deeply"
    if isinstance(error, UnicodeDecodeError):
        return "the file is not UTF-8 text"
    return str(error) if isinstance(error, ValueError) else f"the file is damaged ({error})"


def _int(value: Any, allowed: range, what: str) -> int:
    if type(value) is not int or value not in allowed:
        raise ValueError(f"{what} is out of bounds")
    return value


def _kdf(document: Any, what: str) -> KdfParams:
    if not isinstance(document, dict):
        raise ValueError(f"{what} is not an object")
    return KdfParams(
        _int(document.get("t"), TIME_COST, f"{what}: time cost"),
        _int(document.get("m"), MEMORY_KIB, f"{what}: memory"),
        _int(document.get("p"), PARALLELISM, f"{what}: parallelism"),
    )


def _bytes(value: Any, length: int, what: str) -> None:
    if not isinstance(value, str) or len(value) > 128:
        raise ValueError(f"{what} is damaged")
    try:
        decoded = _unb64(value)
    except (ValueError, UnicodeEncodeError):
        raise ValueError(f"{what} is damaged") from None
    if len(decoded) != length:
        raise ValueError(f"{what} has the wrong length")


def _check_slot(slot: Any, what: str) -> None:
    if not isinstance(slot, dict) or set(slot) != _SLOT_KEYS or slot["kdf"] != "argon2id":
        raise ValueError(f"{what} is damaged")
    _kdf(slot, what)
    _bytes(slot["salt"], 16, what)
    _bytes(slot["nonce"], 12, what)
    _bytes(slot["wrapped"], KEY_BYTES + 16, what)


def _parse(document: Any) -> Keyring:
    if not isinstance(document, dict):
        raise ValueError("the file is not a key ring")
    keys = {"format", "installation", "default_user", "kdf", "slots"}
    if not keys <= set(document) or set(document) - keys - {"recovery"}:
        raise ValueError("the file is not a key ring of this version")
    if document["format"] != FORMAT or type(document["format"]) is not int:
        raise ValueError(f"unknown key file format {document['format']!r}")
    installation, default_user = document["installation"], document["default_user"]
    if not isinstance(installation, str) or not 1 <= len(installation) <= 64:
        raise ValueError("the installation name is damaged")
    if not isinstance(default_user, str) or not _USERNAME.match(default_user):
        raise ValueError("the default user name is damaged")
    slots = document["slots"]
    if not isinstance(slots, dict) or len(slots) > 1000:
        raise ValueError("the key slots are damaged")
    for username, slot in slots.items():
        if not _USERNAME.match(username) or not isinstance(slot, dict):
            raise ValueError("a key slot is damaged")
        _check_slot(slot, f"the key slot of {username}")
    recovery = document.get("recovery")
    if recovery is not None:
        _check_slot(recovery, "the recovery slot")
    return Keyring(installation, default_user, dict(slots), _kdf(document["kdf"], "the KDF"),
                   recovery)  # fmt: skip


@contextmanager
def locked(path: Path, timeout: float = 10.0) -> Iterator[None]:
    """Hold ``path``.lock while changing the key ring, so two programs (the app and a script)
    never write over each other's slots. A lock older than a minute is a crashed writer's."""
    lock = path.with_name(path.name + ".lock")
    deadline = time.monotonic() + timeout
    while True:
        try:
            descriptor = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            break
        except FileExistsError:
            with suppress(FileNotFoundError):
                if time.time() - lock.stat().st_mtime > 60:
                    lock.unlink()
                    continue
            if time.monotonic() > deadline:
                raise StoreUnreadable(path=str(path), reason="the key file is locked") from None
            time.sleep(0.05)
    try:
        yield
    finally:
        os.close(descriptor)
        with suppress(FileNotFoundError):
            lock.unlink()


Slot = dict[str, Any]


@dataclass(frozen=True)
class SlotBefore:
    """What one change to the key ring on disk replaced, so that it can be put back."""

    username: str
    slot: Slot | None
    default_user: str


def _change(
    path: Path, username: str, change: Callable[[Keyring], None]
) -> tuple[Keyring, SlotBefore]:
    with locked(path):
        ring = Keyring.load(path)
        before = SlotBefore(username, ring.slots.get(username), ring.default_user)
        change(ring)
        ring.save(path)
    return ring, before


def reseal(
    path: Path, username: str, password: str, store_key: bytes
) -> tuple[Keyring, SlotBefore]:
    """Give ``username`` a slot for ``password`` in the key ring on disk, as it is now."""
    return _change(path, username, lambda ring: ring.seal(username, password, store_key))


def remove_slot(path: Path, username: str, *, new_default: str) -> tuple[Keyring, SlotBefore]:
    """Take ``username``'s slot out of the key ring on disk, so its password opens nothing.
    If it was the user offered by default, ``new_default`` is offered instead."""

    def change(ring: Keyring) -> None:
        ring.remove(username)
        if ring.default_user == username:
            ring.default_user = new_default

    return _change(path, username, change)


def restore_slot(path: Path, before: SlotBefore) -> Keyring:
    """Undo a change made by :func:`reseal` or :func:`remove_slot` (its commit failed)."""

    def change(ring: Keyring) -> None:
        if before.slot is None:
            ring.remove(before.username)
        else:
            ring.slots[before.username] = before.slot
        ring.default_user = before.default_user

    return _change(path, before.username, change)[0]


def reseal_recovery(path: Path, recovery_key: str, store_key: bytes) -> Keyring:
    """A new recovery slot in the key ring on disk (the old recovery key stops working)."""
    with locked(path):
        ring = Keyring.load(path)
        ring.seal_recovery(recovery_key, store_key)
        ring.save(path)
    return ring


def new_recovery_key() -> str:
    """160 random bits, written in 8 groups of 4 letters and digits (no 0/O, 1/I)."""
    text = base64.b32encode(os.urandom(20)).decode("ascii")  # A-Z and 2-7
    return "-".join(text[i : i + 4] for i in range(0, 32, 4))


def normalise_recovery_key(typed: str) -> str:
    """What was typed, as the key was written: case, spaces and dashes do not matter."""
    letters = "".join(ch for ch in typed.upper() if ch.isalnum())
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def new_store_key() -> bytes:
    return os.urandom(KEY_BYTES)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
