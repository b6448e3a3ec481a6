"""Bundle files: records signed by the sender, then encrypted for one recipient (format v1).

The file is an age file (X25519 recipient, binary). Inside it, the plaintext is::

    b"HOMEWARD-BUNDLE/1\\n"                       magic line with the format version
    payload                                      one zstd frame: the records, JSON lines
    trailer                                      a zstd skippable frame holding
        b"\\n" + header JSON + b"\\n" + base64(Ed25519 signature) + b"\\n"

The header carries the payload's SHA-256 and size, and the signature covers the header
(``context || 0x00 || header JSON``), so it covers everything. Writing streams in one pass
(the header comes last because only then is the payload's hash known); reading decrypts the
file three times, each pass streaming with bounded memory and no plaintext on disk: pass 1
checks the magic line, the hash and the signature (nothing is decompressed before that),
pass 2 parses every record strictly, pass 3 hands the records to the caller (an importer
that applies them in a transaction it rolls back on a refusal merges passes 2 and 3). See
docs/bundle-format.md.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import hashlib
import os
import queue
import re
import stat
import struct
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import msgspec
import pyrage
import zstandard

from app.bundles.keys import (
    CONTEXT_KEY_EXPORT,
    CONTEXT_KEY_REVOCATION,
    CONTEXT_KEY_ROTATION,
    KEY_EXPORT,
    KEY_REVOCATION,
    KEY_ROTATION,
    InstallationKeys,
    PublicKeys,
)
from app.bundles.records import RECORD_TYPES, AnyRecord, Record, RecordType
from app.bundles.strict import (
    FINGERPRINT_PATTERN,
    STRUCT_OPTIONS,
    Count,
    Fingerprint,
    OfficeCode,
    Sha256Hex,
    StrictJsonError,
    UtcDateTime,
    decode,
    utc,
)
from app.domain.errors import (
    N_,
    BundleDamaged,
    BundleIncomplete,
    BundleNotAFile,
    BundleRecordInvalid,
    BundleSenderUnknown,
    BundleSignatureInvalid,
    BundleTooLarge,
    BundleTrailingData,
    BundleUnreadable,
    BundleVersionUnsupported,
    BundleWrongKind,
    BundleWrongRecipient,
    CannotWrite,
    HomewardError,
    InvalidInput,
    Msgid,
    NotABundle,
)

FORMAT_VERSION = 1
MAGIC_PREFIX = b"HOMEWARD-BUNDLE/"
MAGIC = MAGIC_PREFIX + str(FORMAT_VERSION).encode() + b"\n"
TRAILER_FRAME_MAGIC = 0x184D2A5E  # a zstd skippable frame: `zstd -d` passes over it
MAX_BUNDLE_SIZE = 256 * 1024 * 1024
MAX_HEADER_BYTES = 16 * 1024
MAX_RECORD_BYTES = 4 * 1024 * 1024
MAX_EXPANDED_BYTES = 4 * 1024**3
_MAGIC_LINE_MAX = 32
_SIGNATURE_LINE = 88  # base64 of 64 bytes
_TRAILER_MAX = 8 + 1 + MAX_HEADER_BYTES + 1 + _SIGNATURE_LINE + 1
_COMPRESSION_LEVEL = 3  # zstd's default: higher levels cost much time for little here
# A worker thread of zstd's own compresses while Python makes the next records (the same
# format; any zstd reads it), a megabyte at a time so that memory stays small.
_COMPRESSION_JOB = 1 << 20
_MAX_WINDOW = 1 << 23
_AGE_MAGIC = b"age-encryption.org/v1\n"
_AGE_CHUNK = 64 * 1024 + 16  # one encrypted chunk of the age payload, tag included
_AGE_NONCE = 16
_FINGERPRINT = re.compile(FINGERPRINT_PATTERN)


class BundleKind(enum.StrEnum):
    CASES = "cases"  # office -> HQ
    RECEIPTS = "receipts"  # HQ -> office: receipts and decisions


CONTEXTS = {
    BundleKind.CASES: "homeward/bundle/cases/v1",
    BundleKind.RECEIPTS: "homeward/bundle/receipts/v1",
}
_KIND_OF_CONTEXT = {context: kind for kind, context in CONTEXTS.items()}
KIND_LABELS = {
    BundleKind.CASES: N_("a bundle of cases"),
    BundleKind.RECEIPTS: N_("a bundle of receipts and decisions"),
}
_OTHER_CONTEXTS = {
    CONTEXT_KEY_EXPORT: KEY_EXPORT,
    CONTEXT_KEY_ROTATION: KEY_ROTATION,
    CONTEXT_KEY_REVOCATION: KEY_REVOCATION,
}
RECORDS_OF: dict[BundleKind, frozenset[str]] = {
    BundleKind.CASES: frozenset({"case", "audit_event", "tombstone"}),
    BundleKind.RECEIPTS: frozenset({"receipt", "decision", "resolution"}),
}
ALREADY_THERE = N_("a file of that name is already there")
NOT_WRITABLE = N_("the record cannot go into a bundle")


class BundleHeader(msgspec.Struct, **STRUCT_OPTIONS):
    """What the sender signs: who, for whom, which bundle in the series, and the payload's
    hash. Replay and sequence checks are the importing service's (it holds the history)."""

    context: str
    format_version: int
    bundle_id: uuid.UUID
    kind: BundleKind
    sender_installation: uuid.UUID
    sender_office: OfficeCode
    sender_key: Fingerprint
    recipient_key: Fingerprint
    sequence: Annotated[int, msgspec.Meta(ge=1, le=2**53)]
    previous_hash: Sha256Hex | None
    created_at: UtcDateTime
    counts: dict[RecordType, Count]
    payload_sha256: Sha256Hex
    payload_size: Annotated[int, msgspec.Meta(ge=0, le=2**40)]

    def __post_init__(self) -> None:
        if self.context != CONTEXTS.get(self.kind):
            raise ValueError("the context does not match the kind")
        if not set(self.counts) <= RECORDS_OF[self.kind]:
            raise ValueError("counts name records that do not belong in this kind of bundle")


class _HeaderStart(msgspec.Struct):
    """The first fields of a header, read leniently to say why a bundle is refused."""

    context: str = ""
    format_version: int = 0
    sender_key: str = ""


_ENCODER = msgspec.json.Encoder()
_RECORD_DECODER = msgspec.json.Decoder(AnyRecord)
_HEADER_DECODER = msgspec.json.Decoder(BundleHeader)


def bundle_hash(header_json: bytes) -> str:
    """A bundle's identity in a chain or a receipt: SHA-256 of its signed header, which
    holds the payload's hash."""
    return hashlib.sha256(header_json).hexdigest()


@dataclass(frozen=True)
class BundleSummary:
    path: Path
    header: BundleHeader
    hash: str
    size: int  # bytes of the file

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.header.counts)


# Writing -----------------------------------------------------------------------------------


def write_bundle(
    path: Path,
    *,
    kind: BundleKind,
    sender_installation: uuid.UUID,
    sender_office: str,
    sequence: int,
    previous_hash: str | None,
    records: Iterable[Record],
    signer: InstallationKeys,
    recipient: PublicKeys,
    bundle_id: uuid.UUID | None = None,
    created_at: dt.datetime | None = None,
) -> BundleSummary:
    """Write ``records`` to a new file at ``path``, signed by ``signer``, encrypted for
    ``recipient``. Atomic: a temporary file beside it is synced and renamed, and removed on
    any failure (an exception from ``records`` too, e.g. to cancel), so an interrupted write
    leaves no file. Refuses to replace an existing file (CannotWrite); a record the schema
    refuses raises InvalidInput."""
    target = Path(path)
    if target.exists() or target.is_symlink():
        raise CannotWrite(path=str(target), reason=Msgid(ALREADY_THERE))
    written: list[tuple[BundleHeader, bytes]] = []
    bundle_id = bundle_id or uuid.uuid4()
    created_at = utc(created_at)

    def header_for(counts: dict[str, int], sha256: str, size: int) -> BundleHeader:
        return BundleHeader(
            context=CONTEXTS[kind],
            format_version=FORMAT_VERSION,
            bundle_id=bundle_id,
            kind=kind,
            sender_installation=sender_installation,
            sender_office=sender_office,
            sender_key=signer.public.fingerprint,
            recipient_key=recipient.fingerprint,
            sequence=sequence,
            previous_hash=previous_hash,
            created_at=created_at,
            counts=counts,
            payload_sha256=sha256,
            payload_size=size,
        )

    try:  # the header's own fields, checked before anything is written
        _HEADER_DECODER.decode(_ENCODER.encode(header_for({}, "0" * 64, 0)))
    except (msgspec.DecodeError, ValueError) as error:
        raise ValueError(f"bundle header: {error}") from None
    source = _PlaintextSource(_plaintext(records, kind, signer, header_for, written))
    try:
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".homeward-", suffix=".part")
    except OSError as error:
        raise CannotWrite(path=str(target), reason=error.strerror or str(error)) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            sink = _FileSink(out)
            try:
                pyrage.encrypt_io(source, sink, [recipient.recipient()])
            except pyrage.EncryptError:
                raise (source.error or sink.error or _unexpected()) from None
            if source.error or sink.error:  # e.g. the last flush, whose error age drops
                raise (source.error or sink.error)  # type: ignore[misc]
            out.flush()
            os.fsync(out.fileno())
            size = out.tell()
        if target.exists():
            raise CannotWrite(path=str(target), reason=Msgid(ALREADY_THERE))
        os.replace(temp, target)
        _sync_folder(target.parent)
    except BaseException as error:
        with suppress(OSError):
            temp.unlink()
        if isinstance(error, OSError) and not isinstance(error, HomewardError):
            raise CannotWrite(path=str(target), reason=error.strerror or str(error)) from None
        raise
    header, header_json = written[0]
    return BundleSummary(path=target, header=header, hash=bundle_hash(header_json), size=size)


def _unexpected() -> RuntimeError:
    return RuntimeError("age could not encrypt the bundle")


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the system allows (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _encoded(record: Record, number: int, allowed: frozenset[str]) -> bytes:
    """One record as its JSON line, refused unless it reads back exactly as written."""
    kind = RECORD_TYPES.get(type(record))
    if kind is None or kind not in allowed:
        raise ValueError(f"a {type(record).__name__} does not belong in this kind of bundle")
    try:
        line = _ENCODER.encode(record)
        back = _RECORD_DECODER.decode(line)
    except (msgspec.EncodeError, msgspec.DecodeError, UnicodeError, TypeError) as error:
        problem = str(error)
    else:
        if back == record:
            return line + b"\n"
        problem = "it would not read back as written (a tuple for a list, or not-a-number?)"
    raise InvalidInput(
        {"record": N_("record {number} ({type}) cannot go into a bundle: {problem}")},
        number=number,
        type=kind,
        problem=problem[:300],
    )


def _plaintext(
    records: Iterable[Record],
    kind: BundleKind,
    signer: InstallationKeys,
    header_for: Callable[[dict[str, int], str, int], BundleHeader],
    written: list[tuple[BundleHeader, bytes]],
) -> Iterator[bytes]:
    yield MAGIC
    compressor = zstandard.ZstdCompressor(
        compression_params=zstandard.ZstdCompressionParameters.from_level(
            _COMPRESSION_LEVEL, write_checksum=True, threads=1, job_size=_COMPRESSION_JOB
        )
    )
    stream = compressor.compressobj()
    digest, size = hashlib.sha256(), 0
    counts: Counter[str] = Counter()
    batch = bytearray()
    allowed = RECORDS_OF[kind]
    for number, record in enumerate(records, 1):
        batch += _encoded(record, number, allowed)
        counts[RECORD_TYPES[type(record)]] += 1
        if len(batch) >= 256 * 1024:
            out = stream.compress(bytes(batch))
            batch.clear()
            if out:
                digest.update(out)
                size += len(out)
                yield out
    out = stream.compress(bytes(batch)) + stream.flush()
    digest.update(out)
    size += len(out)
    yield out
    header = header_for(dict(sorted(counts.items())), digest.hexdigest(), size)
    header_json = _ENCODER.encode(header)
    if len(header_json) > MAX_HEADER_BYTES:
        raise ValueError("the bundle header is too long")
    written.append((header, header_json))
    signature = base64.b64encode(signer.sign(header.context, header_json))
    content = b"\n" + header_json + b"\n" + signature + b"\n"
    yield struct.pack("<II", TRAILER_FRAME_MAGIC, len(content)) + content


class _PlaintextSource:
    """What age reads from: the plaintext, made as it is asked for. An exception in making
    it is kept, since age turns it into a bare message."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._chunk = b""
        self._at = 0
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        """At most ``size`` bytes of the current chunk (a short read); b"" at the end."""
        try:
            while self._at >= len(self._chunk):
                chunk = next(self._chunks, None)
                if chunk is None:
                    return b""
                self._chunk, self._at = chunk, 0
        except BaseException as error:
            self.error = error
            raise
        end = len(self._chunk) if size < 0 else self._at + size
        data = self._chunk[self._at : end]
        self._at += len(data)
        return data


class _FileSink:
    """What age writes to: the temporary file, keeping the first error."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        try:
            return self._out.write(data)
        except OSError as error:
            self.error = self.error or error
            raise

    def flush(self) -> None:
        try:
            self._out.flush()
        except OSError as error:
            self.error = self.error or error
            raise


# Reading -----------------------------------------------------------------------------------


def too_large(path: Path, limit: int) -> BundleTooLarge:
    return BundleTooLarge(path=str(path), limit_mb=-(-limit // (1024 * 1024)))


class _BundleFile:
    """The file, opened once and refused unless regular and within the cap; each pass reads
    it from the start, never past the cap."""

    def __init__(self, path: Path, max_size: int) -> None:
        self.path = path
        self.max_size = max_size
        self.lock = threading.Lock()
        try:
            before = os.stat(path)
            if not stat.S_ISREG(before.st_mode):  # a FIFO is refused before open() can block
                raise BundleNotAFile(path=str(path))
            self._check_size(before.st_size)
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
            fd = os.open(path, flags)
        except OSError as error:
            raise BundleUnreadable(path=str(path), reason=error.strerror or str(error)) from None
        self.file = os.fdopen(fd, "rb")
        try:
            now = os.fstat(fd)
            if not stat.S_ISREG(now.st_mode):
                raise BundleNotAFile(path=str(path))
            self._check_size(now.st_size)
            self.size = now.st_size
            self.head = self.file.read(64 * 1024)  # the age header, to say why age refused
        except OSError as error:
            self.file.close()
            raise BundleUnreadable(path=str(path), reason=error.strerror or str(error)) from None
        except BaseException:
            self.file.close()
            raise

    def _check_size(self, size: int) -> None:
        if size > self.max_size:
            raise too_large(self.path, self.max_size)

    def close(self) -> None:
        self.file.close()


class _CappedReader:
    """What age reads the file through, at its own offset (passes may overlap)."""

    def __init__(self, bundle: _BundleFile) -> None:
        self._bundle = bundle
        self._offset = 0
        self.error: OSError | None = None
        self.too_large = False

    def read(self, size: int = -1) -> bytes:
        allowed = self._bundle.max_size + 1 - self._offset
        size = allowed if size < 0 else min(size, allowed)
        try:
            with self._bundle.lock:
                self._bundle.file.seek(self._offset)
                data = self._bundle.file.read(size)
        except OSError as error:
            self.error = error
            raise
        self._offset += len(data)
        if self._offset > self._bundle.max_size:
            self.too_large = True
            raise OSError("the bundle grew past the size cap")
        return data


_DONE = object()


class _Pipe:
    """What age writes the plaintext to: a small queue to the reading thread."""

    def __init__(self) -> None:
        self.queue: queue.Queue[object] = queue.Queue(maxsize=8)
        self.cancelled = False
        self.delivered = 0

    def write(self, data: bytes) -> int:
        if self.cancelled:
            raise OSError("the reader stopped")
        self.queue.put(bytes(data))
        self.delivered += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def _decrypted(bundle: _BundleFile, identities: list[Any]) -> Iterator[bytes]:
    """The plaintext in chunks, decrypted in a worker thread (pyrage only pushes)."""
    if bundle.file.closed:
        raise RuntimeError("read the records inside the with block of open_bundle")
    reader, pipe = _CappedReader(bundle), _Pipe()
    failure: list[BaseException] = []

    def work() -> None:
        try:
            pyrage.decrypt_io(reader, pipe, identities)
        except BaseException as error:
            failure.append(error)
        finally:
            pipe.queue.put(_DONE)

    worker = threading.Thread(target=work, name="bundle-decrypt", daemon=True)
    worker.start()
    finished = False
    try:
        while True:
            item = pipe.queue.get()
            if item is _DONE:
                finished = True
                break
            yield item  # type: ignore[misc]
    finally:
        if not finished:
            pipe.cancelled = True
            while pipe.queue.get() is not _DONE:
                pass
        worker.join()
    if failure:
        raise _refusal(failure[0], bundle, reader, pipe) from None


def _refusal(
    error: BaseException, bundle: _BundleFile, reader: _CappedReader, pipe: _Pipe
) -> HomewardError:
    """Why age refused the file, said as precisely as the file allows."""
    path = str(bundle.path)
    if reader.too_large:
        return too_large(bundle.path, bundle.max_size)
    if reader.error is not None:
        return BundleUnreadable(path=path, reason=reader.error.strerror or str(reader.error))
    head = bundle.head
    if not head.startswith(_AGE_MAGIC):
        if _AGE_MAGIC.startswith(head):  # empty, or cut inside the first line
            return BundleIncomplete(path=path)
        return NotABundle(path=path)
    end = head.find(b"\n--- ")
    header_end = head.find(b"\n", end + 1) + 1 if end >= 0 else 0
    if header_end <= 0:
        return BundleIncomplete(path=path) if len(head) == bundle.size else NotABundle(path=path)
    if isinstance(error, pyrage.DecryptError):
        if "no matching keys" in str(error).lower():
            return BundleWrongRecipient(path=path)
        if bundle.size < header_end + _AGE_NONCE + 17:  # not even one chunk after the header
            return BundleIncomplete(path=path)
        return BundleDamaged(path=path)
    # A chunk failed its authentication: at the end, the file was cut or extended (age cannot
    # tell which); before the end, something in the middle was changed.
    failed_at = header_end + _AGE_NONCE + (pipe.delivered // (_AGE_CHUNK - 16)) * _AGE_CHUNK
    if bundle.size - failed_at <= _AGE_CHUNK:
        return BundleIncomplete(path=path)
    return BundleDamaged(path=path)


def _parse_trailer(buffer: bytes | bytearray, end: int) -> tuple[int, bytes, bytes] | None:
    """(start of the trailer frame, header JSON, signature text) if ``buffer[:end]`` ends
    with a well-formed trailer, else None."""
    if end < 1 or buffer[end - 1 : end] != b"\n":
        return None
    signature_start = buffer.rfind(b"\n", 0, end - 1) + 1
    header_end = signature_start - 1
    if header_end < 1:
        return None
    header_start = buffer.rfind(b"\n", 0, header_end) + 1
    frame = header_start - 1 - 8
    if header_start < 1 or frame < 0:
        return None
    magic, length = struct.unpack_from("<II", buffer, frame)
    if magic != TRAILER_FRAME_MAGIC or length != end - frame - 8:
        return None
    return frame, bytes(buffer[header_start:header_end]), bytes(buffer[signature_start : end - 1])


class _Walk:
    """One pass over the plaintext: checks the magic line, yields the payload's bytes while
    hashing them, and keeps back the last bytes until the end shows where the trailer is."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self.digest = hashlib.sha256()
        self.size = 0
        self.header_json = b""
        self.signature = b""

    def payload(self, plaintext: Iterable[bytes]) -> Iterator[bytes]:
        pending = bytearray()
        started = False
        for chunk in plaintext:
            pending += chunk
            if not started:
                if not self._magic(pending, final=False):
                    continue
                del pending[: len(MAGIC)]
                started = True
            if len(pending) > _TRAILER_MAX:
                cut = len(pending) - _TRAILER_MAX
                yield self._take(pending, cut)
        if not started:
            self._magic(pending, final=True)
        trailer = _parse_trailer(pending, len(pending))
        if trailer is None:
            raise self._no_trailer(pending)
        start, self.header_json, self.signature = trailer
        yield self._take(pending, start)

    def _take(self, pending: bytearray, count: int) -> bytes:
        piece = bytes(pending[:count])
        del pending[:count]
        self.digest.update(piece)
        self.size += len(piece)
        return piece

    def _magic(self, pending: bytearray, *, final: bool) -> bool:
        known = min(len(pending), len(MAGIC_PREFIX))
        if pending[:known] != MAGIC_PREFIX[:known]:
            raise NotABundle(path=self.path)
        newline = pending.find(b"\n", 0, _MAGIC_LINE_MAX)
        if newline < 0:
            if len(pending) >= _MAGIC_LINE_MAX:
                raise NotABundle(path=self.path)
            if final:
                raise BundleIncomplete(path=self.path)
            return False
        version = bytes(pending[len(MAGIC_PREFIX) : newline])
        if not (version.isdigit() and len(version) <= 6):
            raise NotABundle(path=self.path)
        if int(version) != FORMAT_VERSION:
            raise BundleVersionUnsupported(path=self.path, version=int(version))
        return True

    def _no_trailer(self, tail: bytearray) -> HomewardError:
        """Data after a well-formed trailer, or no trailer at all (cut short)."""
        magic = struct.pack("<I", TRAILER_FRAME_MAGIC)
        at = tail.find(magic)
        while at >= 0:
            if at + 8 <= len(tail):
                end = at + 8 + struct.unpack_from("<I", tail, at + 4)[0]
                found = _parse_trailer(tail, end) if end < len(tail) else None
                if found is not None and found[0] == at:
                    return BundleTrailingData(path=self.path)
            at = tail.find(magic, at + 1)
        return BundleIncomplete(path=self.path)


class _IterReader:
    """A file-like read() over an iterator of byte strings (for zstd's stream reader)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self._buffer = chunk
        size = len(self._buffer) if size < 0 else size
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def drain(self) -> None:
        self._buffer = b""
        for _ in self._chunks:
            pass


class OpenedBundle:
    """A bundle whose signature, payload hash and every record were checked. ``records()``
    reads them again (decrypting anew; memory stays flat) in the order they were written."""

    def __init__(
        self,
        bundle: _BundleFile,
        identities: list[Any],
        header: BundleHeader,
        header_json: bytes,
        sender: PublicKeys,
        checked: bool = True,
    ) -> None:
        self._bundle = bundle
        self._identities = identities
        self._checked = checked
        self.path = bundle.path
        self.size = bundle.size
        self.header = header
        self.hash = bundle_hash(header_json)
        self.sender = sender

    def records(self) -> Iterator[AnyRecord]:
        """The records; unless checked at opening, each is checked strictly as it comes, and
        the iterator raises at the first bad one or, at its end, for a count or a hash."""
        return _records(self._bundle, self._identities, self.header, strict=not self._checked)


@contextmanager
def open_bundle(
    path: Path,
    *,
    identity: InstallationKeys | Sequence[InstallationKeys],
    trusted: Callable[[str], PublicKeys | None],
    kind: BundleKind | None = None,
    max_size: int = MAX_BUNDLE_SIZE,
    check_records: bool = True,
) -> Iterator[OpenedBundle]:
    """Open the bundle at ``path`` for this installation (``identity``: its keys, or several
    while a rotation is under way). ``trusted`` maps a sender's fingerprint to the keys this
    installation trusts, or None. ``kind``, if given, is the only kind accepted.

    Everything is checked before the ``with`` body runs: the file (regular, at most
    ``max_size`` bytes), decryption, the signature, the payload's hash, and every record.
    A refusal is a HomewardError (see app.domain.errors, HW046-HW049); nothing else escapes
    for any content of the file.

    ``check_records=False`` leaves the records' check to ``records()``, which then checks
    each as strictly as it comes: for a caller that applies them in one transaction and
    rolls it back on a refusal, it saves a pass (decrypting, decompressing and parsing the
    whole payload once more). Everything cryptographic is still checked before the body.
    """
    keys = [identity] if isinstance(identity, InstallationKeys) else list(identity)
    identities = [key.identity for key in keys]
    bundle = _BundleFile(Path(path), max_size)
    try:
        walk = _Walk(bundle.path)
        with closing(_decrypted(bundle, identities)) as plaintext:
            for _ in walk.payload(plaintext):
                pass
        header, sender = _authenticate(walk, bundle, keys, trusted, kind)
        if check_records:
            for _ in _records(bundle, identities, header, strict=True):
                pass
        yield OpenedBundle(bundle, identities, header, walk.header_json, sender, check_records)
    finally:
        bundle.close()


def _authenticate(
    walk: _Walk,
    bundle: _BundleFile,
    keys: list[InstallationKeys],
    trusted: Callable[[str], PublicKeys | None],
    kind: BundleKind | None,
) -> tuple[BundleHeader, PublicKeys]:
    path = str(bundle.path)
    try:
        start = msgspec.json.decode(walk.header_json, type=_HeaderStart)
    except (msgspec.DecodeError, RecursionError):
        raise BundleDamaged(path=path) from None
    found = _KIND_OF_CONTEXT.get(start.context)
    if found is None:
        if start.context in _OTHER_CONTEXTS:
            expected = KIND_LABELS[kind] if kind else N_("a bundle")
            raise BundleWrongKind(
                path=path, found=Msgid(_OTHER_CONTEXTS[start.context]), expected=Msgid(expected)
            )
        if start.context.startswith("homeward/bundle/"):
            raise BundleVersionUnsupported(path=path, version=start.context.rpartition("/")[2])
        raise NotABundle(path=path)
    if start.format_version != FORMAT_VERSION:
        raise BundleVersionUnsupported(path=path, version=start.format_version)
    if kind is not None and found != kind:
        raise BundleWrongKind(
            path=path, found=Msgid(KIND_LABELS[found]), expected=Msgid(KIND_LABELS[kind])
        )
    if not _FINGERPRINT.match(start.sender_key):
        raise BundleDamaged(path=path)
    sender = trusted(start.sender_key)
    if sender is None or sender.fingerprint != start.sender_key:
        raise BundleSenderUnknown(path=path, fingerprint=start.sender_key)
    try:
        signature = base64.b64decode(walk.signature, validate=True)
    except binascii.Error:
        signature = b""
    if base64.b64encode(signature) != walk.signature:  # one spelling only, spare bits too
        raise BundleSignatureInvalid(path=path)
    if not sender.verify(start.context, walk.header_json, signature):
        raise BundleSignatureInvalid(path=path)
    try:
        header = decode(walk.header_json, _HEADER_DECODER)
    except StrictJsonError as error:
        raise BundleRecordInvalid(path=path, number=0, problem=str(error)[:300]) from None
    if header.recipient_key not in {key.public.fingerprint for key in keys}:
        raise BundleWrongRecipient(path=path)
    if header.payload_sha256 != walk.digest.hexdigest() or header.payload_size != walk.size:
        raise BundleSignatureInvalid(path=path)
    return header, sender


def _records(
    bundle: _BundleFile, identities: list[Any], header: BundleHeader, *, strict: bool
) -> Iterator[AnyRecord]:
    """Every record of the payload, parsed strictly (``strict``: duplicate keys refused too,
    a second parser's work, done once before the caller sees any record)."""
    with closing(_decrypted(bundle, identities)) as plaintext:
        yield from _parsed(bundle, plaintext, header, strict=strict)


def _parsed(
    bundle: _BundleFile, plaintext: Iterator[bytes], header: BundleHeader, *, strict: bool
) -> Iterator[AnyRecord]:
    path = str(bundle.path)
    walk = _Walk(bundle.path)
    source = _IterReader(walk.payload(plaintext))
    decompressor = zstandard.ZstdDecompressor(max_window_size=_MAX_WINDOW)
    reader = decompressor.stream_reader(source, read_size=64 * 1024, read_across_frames=True)
    allowed = RECORDS_OF[header.kind]
    counts: Counter[str] = Counter()
    pending = bytearray()
    number = expanded = 0

    def refuse(problem: str) -> BundleRecordInvalid:
        return BundleRecordInvalid(path=path, number=number + 1, problem=problem[:300])

    while True:
        try:
            block = reader.read(64 * 1024)
        except zstandard.ZstdError as error:
            raise refuse(f"compressed data: {error}") from None
        if not block:
            break
        expanded += len(block)
        if expanded > MAX_EXPANDED_BYTES:
            raise refuse("the records expand past the limit")
        pending += block
        start = 0
        while (newline := pending.find(b"\n", start)) >= 0:
            line = bytes(pending[start:newline])
            start = newline + 1
            try:
                record = decode(line, _RECORD_DECODER) if strict else _RECORD_DECODER.decode(line)
            except (StrictJsonError, msgspec.DecodeError, RecursionError) as error:
                raise refuse(str(error) or "nested too deeply") from None
            kind = RECORD_TYPES[type(record)]
            if kind not in allowed:
                raise refuse(f"a {kind} record does not belong in a bundle of {header.kind}")
            number += 1
            counts[kind] += 1
            yield record
        del pending[:start]
        if len(pending) > MAX_RECORD_BYTES:
            raise refuse("a record is longer than the limit")
    source.drain()
    if pending:
        raise refuse("the last record is cut short")
    if counts != Counter({k: v for k, v in header.counts.items() if v}):
        raise refuse("the records differ from the counts in the header")
    if walk.digest.hexdigest() != header.payload_sha256:
        raise BundleSignatureInvalid(path=path)  # the file changed while it was being read
