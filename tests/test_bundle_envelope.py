"""Bundle files against the format's documented edge cases (docs/bundle-format.md), not only
round trips: truncation, trailing bytes, wrong recipient, forged or altered content, other
kinds of signed objects, hostile records, files that are not files, and writes that fail."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import tracemalloc
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyrage
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.bundles import envelope
from app.bundles.envelope import (
    CONTEXTS,
    MAGIC,
    BundleKind,
    open_bundle,
    write_bundle,
)
from app.bundles.keys import (
    CONTEXT_KEY_EXPORT,
    InstallationKeys,
    PublicKeys,
    generate_installation_keys,
)
from app.bundles.records import (
    ApprovedAmount,
    AuditEventRecord,
    CaseRecord,
    Decision,
    FormAnswers,
    HouseholdMemberRecord,
    PrintRecord,
    Receipt,
    RecordedDecision,
    ReturneeRecord,
    SessionRecord,
    Tombstone,
)
from app.domain.errors import (
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
    NotABundle,
)

NOW = dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC)
INSTALLATION = uuid.UUID("be5770fe-930b-4c01-a753-3be52f4311fb")


@pytest.fixture(scope="module")
def office() -> InstallationKeys:
    return generate_installation_keys()


@pytest.fixture(scope="module")
def hq() -> InstallationKeys:
    return generate_installation_keys()


@pytest.fixture(scope="module")
def trusted(office):
    return {office.public.fingerprint: office.public}.get


# Records --------------------------------------------------------------------------------------


def a_case(number: int = 1, **changes: object) -> CaseRecord:
    fields: dict[str, object] = dict(
        uuid=uuid.UUID(int=number),
        case_number=f"SK-2026-{number:05d}",
        office_code="SK",
        status="planning",
        revision=4,
        base_revision=2,
        country_of_return="VN",
        region_of_return="Hà Nội",
        session_language="vi",
        is_demo=False,
        created_by="anna",
        created_at=NOW,
        updated_at=NOW,
        returnee=ReturneeRecord(
            uuid=uuid.UUID(int=10_000 + number),
            given_name="Nguyễn",
            family_name="Thị Lan",
            native_name="",
            date_of_birth=dt.date(1985, 1, 1),
            date_of_birth_precision="year",
            sex="F",
            nationality="VN",
        ),
        household=[
            HouseholdMemberRecord(
                uuid=uuid.UUID(int=20_000 + number),
                position=0,
                given_name="Minh",
                family_name="",
                date_of_birth=None,
                date_of_birth_precision="day",
                sex="M",
                relationship_to_returnee="child",
                returns_together=True,
            )
        ],
        sessions=[
            SessionRecord(
                uuid=uuid.UUID(int=30_000 + number),
                counsellor="anna",
                counsellor_language="sk",
                migrant_language="vi",
                started_at=NOW,
                ended_at=None,
            )
        ],
        forms=[
            FormAnswers(
                uuid=uuid.UUID(int=40_000 + number),
                form_id="plan",
                form_version="3",
                form_digest="ab" * 32,
                answers={
                    "motivation": "Mở tiệm may ở quê",
                    "household_size": 3,
                    "has_documents": True,
                    "languages": ["vi", "en"],
                    "unanswered": None,
                    "items": [
                        {
                            "type": "micro_business",
                            "cost": {"amount": "850.00", "currency": "EUR"},
                            "supplier": "Công ty May",
                        }
                    ],
                },
                revision=7,
                created_at=NOW,
                updated_at=NOW,
                updated_by="anna",
                completed_at=NOW,
                completed_by="anna",
            )
        ],
        decisions=[
            RecordedDecision(
                uuid=uuid.UUID(int=50_000 + number),
                outcome="approved",
                approved_amounts=[ApprovedAmount(item=1, amount="800.00", currency="EUR")],
                approved_total_eur="800.00",
                reason="",
                reference="HQ/2026/17",
                decided_on=dt.date(2026, 11, 30),
                source="paper",
                plan_revision=7,
                recorded_by="boris",
                recorded_at=NOW,
            )
        ],
        prints=[
            PrintRecord(
                form="request",
                language="vi",
                at=NOW,
                pdf_sha256="cd" * 32,
                plan_revision=7,
                printed_by="anna",
            )
        ],
    )
    fields.update(changes)
    return CaseRecord(**fields)  # type: ignore[arg-type]


def an_event(number: int = 1, note: str = "") -> AuditEventRecord:
    return AuditEventRecord(
        uuid=uuid.UUID(int=60_000 + number),
        at=NOW,
        user=1,
        actor="anna",
        case_uuid=uuid.UUID(int=1),
        case_revision=4,
        action="case.identity_changed",
        detail={"changes": [{"field": "given_name", "old": "Lan", "new": "Nguyễn"}], "n": 2},
        note=note,
        prev_hash="0" * 64,
        hash="1" * 64,
    )


def a_tombstone() -> Tombstone:
    return Tombstone(
        case_uuid=uuid.UUID(int=99), erased_at=NOW, erased_by="anna", reason="asked by returnee"
    )


def receipts_and_decisions() -> list[Receipt | Decision]:
    return [
        Receipt(
            bundle_id=uuid.UUID(int=7),
            bundle_hash="ef" * 32,
            case_uuid=uuid.UUID(int=1),
            revision=4,
            outcome="accepted",
            reason="",
        ),
        Receipt(
            bundle_id=uuid.UUID(int=7),
            bundle_hash="ef" * 32,
            case_uuid=uuid.UUID(int=2),
            revision=3,
            outcome="quarantined",
            reason="edited at HQ meanwhile",
        ),
        Decision(
            uuid=uuid.UUID(int=8),
            case_uuid=uuid.UUID(int=1),
            plan_revision=7,
            outcome="approved",
            approved_amounts=[ApprovedAmount(item=1, amount="800.00", currency="EUR")],
            approved_total_eur="800.00",
            reason="",
            reference="HQ/2026/17",
            decided_by="Reintegration desk",
            decided_at=NOW,
        ),
    ]


# Writing and opening -------------------------------------------------------------------------


def write(
    folder: Path,
    records: object,
    office: InstallationKeys,
    recipient: PublicKeys,
    *,
    kind: BundleKind = BundleKind.CASES,
    name: str = "bundle.hwb",
) -> envelope.BundleSummary:
    return write_bundle(
        folder / name,
        kind=kind,
        sender_installation=INSTALLATION,
        sender_office="SK",
        sequence=3,
        previous_hash="9f" * 32,
        records=records,  # type: ignore[arg-type]
        signer=office,
        recipient=recipient,
        created_at=NOW,
    )


def read_all(path: Path, hq: InstallationKeys, trusted, **options) -> tuple[object, list]:
    with open_bundle(path, identity=hq, trusted=trusted, **options) as opened:
        return opened.header, list(opened.records())


@pytest.fixture(scope="module")
def small(tmp_path_factory, office, hq) -> Path:
    """A small bundle of cases; tests copy its bytes, never change it."""
    folder = tmp_path_factory.mktemp("small")
    write(folder, [a_case(1), an_event(1), a_case(2), a_tombstone()], office, hq.public)
    return folder / "bundle.hwb"


def plaintext_of(path: Path, hq: InstallationKeys) -> bytes:
    return pyrage.decrypt(path.read_bytes(), [hq.identity])


def sealed(tmp_path: Path, plaintext: bytes, recipient: PublicKeys, name: str = "x.hwb") -> Path:
    """A file that holds ``plaintext`` encrypted for ``recipient``, as anyone could make."""
    path = tmp_path / name
    path.write_bytes(pyrage.encrypt(plaintext, [recipient.recipient()]))
    return path


def parts(plaintext: bytes) -> tuple[bytes, bytes, bytes]:
    """(payload, header JSON, signature line) of a well-formed plaintext."""
    found = envelope._parse_trailer(plaintext, len(plaintext))
    assert found is not None
    start, header_json, signature = found
    return plaintext[len(MAGIC) : start], header_json, signature


def assemble(payload: bytes, header_json: bytes, signature: bytes, magic: bytes = MAGIC) -> bytes:
    content = b"\n" + header_json + b"\n" + signature + b"\n"
    frame = struct.pack("<II", envelope.TRAILER_FRAME_MAGIC, len(content))
    return magic + payload + frame + content


def forged(
    lines: list[bytes],
    signer: InstallationKeys,
    recipient: PublicKeys,
    *,
    kind: BundleKind = BundleKind.CASES,
    header: dict[str, object] | None = None,
    header_json: bytes | None = None,
) -> bytes:
    """A plaintext built by hand from raw record lines, signed by ``signer``: how a sender
    with a trusted key (or a bug in one) could write what Homeward would not."""
    payload = zstandard.ZstdCompressor().compress(b"".join(line + b"\n" for line in lines))
    counts: dict[str, int] = {}
    for line in lines:
        try:
            kind_of_line = json.loads(line)["type"]
        except (ValueError, KeyError, TypeError, RecursionError):
            kind_of_line = "case"
        if kind_of_line in envelope.RECORDS_OF[kind]:
            counts[kind_of_line] = counts.get(kind_of_line, 0) + 1
    document: dict[str, object] = {
        "context": CONTEXTS[kind],
        "format_version": 1,
        "bundle_id": str(uuid.uuid4()),
        "kind": kind.value,
        "sender_installation": str(INSTALLATION),
        "sender_office": "SK",
        "sender_key": signer.public.fingerprint,
        "recipient_key": recipient.fingerprint,
        "sequence": 1,
        "previous_hash": None,
        "created_at": "2026-12-02T09:30:00Z",
        "counts": counts,
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "payload_size": len(payload),
    }
    document.update(header or {})
    if header_json is None:
        header_json = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    context = str(document["context"])
    signature = base64.b64encode(signer.sign(context, header_json))
    return assemble(payload, header_json, signature)


def case_line(**changes: object) -> bytes:
    document = json.loads(envelope._ENCODER.encode(a_case(1)))
    document.update(changes)
    return json.dumps(document, ensure_ascii=False).encode()


# Round trips -----------------------------------------------------------------------------------


def test_round_trip_of_every_kind_of_case_record(tmp_path, office, hq, trusted):
    records = [a_case(1), an_event(1), a_case(2), a_tombstone()]
    summary = write(tmp_path, records, office, hq.public)
    assert summary.path.read_bytes()[:22] == b"age-encryption.org/v1\n"
    assert summary.size == summary.path.stat().st_size
    assert summary.counts == {"audit_event": 1, "case": 2, "tombstone": 1}
    with open_bundle(summary.path, identity=hq, trusted=trusted) as opened:
        assert list(opened.records()) == records
        assert list(opened.records()) == records  # read again: decrypted anew
        header = opened.header
        assert opened.hash == summary.hash
        assert opened.sender == office.public
    assert header == summary.header
    assert header.kind is BundleKind.CASES
    assert header.context == "homeward/bundle/cases/v1"
    assert header.sender_key == office.public.fingerprint
    assert header.recipient_key == hq.public.fingerprint
    assert (header.sequence, header.previous_hash, header.created_at) == (3, "9f" * 32, NOW)
    assert header.sender_installation == INSTALLATION and header.sender_office == "SK"
    assert list(tmp_path.iterdir()) == [summary.path]


def test_round_trip_of_receipts_and_decisions(tmp_path, office, hq):
    records = receipts_and_decisions()
    summary = write(tmp_path, records, hq, office.public, kind=BundleKind.RECEIPTS)
    header, back = read_all(
        summary.path, office, {hq.public.fingerprint: hq.public}.get, kind=BundleKind.RECEIPTS
    )
    assert back == records
    assert header.counts == {"decision": 1, "receipt": 2}


def test_an_empty_bundle_round_trips(tmp_path, office, hq, trusted):
    summary = write(tmp_path, [], office, hq.public)
    header, back = read_all(summary.path, hq, trusted)
    assert back == [] and header.counts == {}


def test_twenty_thousand_records_round_trip(tmp_path, office, hq, trusted):
    count = 20_000
    summary = write(tmp_path, (an_event(i, f"note {i}") for i in range(count)), office, hq.public)
    assert summary.counts == {"audit_event": count}
    seen = 0
    with open_bundle(summary.path, identity=hq, trusted=trusted) as opened:
        for number, record in enumerate(opened.records()):
            assert record.note == f"note {number}"
            seen += 1
    assert seen == count


def test_memory_stays_flat_for_a_bundle_larger_than_it(tmp_path, office, hq, trusted):
    count, limit = 2_000, 4 * 1024 * 1024
    # 5,000 letters each, compressing to half; made before tracing starts, so not counted.
    notes = [os.urandom(2500).hex() for _ in range(count)]
    tracemalloc.start()
    try:
        events = (an_event(i, notes[i]) for i in range(count))
        summary = write(tmp_path, events, office, hq.public)
        _, written_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        seen = 0
        with open_bundle(summary.path, identity=hq, trusted=trusted) as opened:
            for record in opened.records():
                assert record.note == notes[seen]
                seen += 1
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    assert summary.size > limit  # the file (and the 10 MB of JSON in it) exceeds the bound
    assert written_peak < limit, written_peak
    assert read_peak < limit, read_peak


def test_records_are_read_only_inside_the_with_block(small, hq, trusted):
    with open_bundle(small, identity=hq, trusted=trusted) as opened:
        pass
    with pytest.raises(RuntimeError):
        next(opened.records())


def test_several_identities_while_keys_rotate(small, hq, trusted):
    _, back = read_all(small, [generate_installation_keys(), hq], trusted)
    assert len(back) == 4


# Nothing outside the encryption tells who wrote it -------------------------------------------


def test_nothing_outside_the_encryption_names_the_sender(small, office):
    data = small.read_bytes()
    age_header = data[: data.index(b"\n---") + 1].decode()
    stanzas = [line for line in age_header.splitlines() if line.startswith("-> ")]
    # One X25519 stanza (an ephemeral share, no recipient named), and maybe age's random
    # "grease" stanza, there so that parsers accept stanzas they do not know.
    assert [line for line in stanzas if line.startswith("-> X25519 ")] == stanzas[:1]
    assert all(line.split()[1].endswith("-grease") for line in stanzas[1:])
    for telling in (
        office.public.fingerprint,
        office.public.age,
        base64.b64encode(office.public.signing).decode(),
        office.public.signing.hex(),
        str(INSTALLATION),
        "SK-2026-00001",
        "Nguyễn",
        "homeward",
        "HOMEWARD",
    ):
        assert telling.encode() not in data, telling


# Refusals: the file itself -------------------------------------------------------------------


def test_an_oversized_file_is_refused_before_reading(small, hq, trusted):
    with pytest.raises(BundleTooLarge) as refused:
        read_all(small, hq, trusted, max_size=small.stat().st_size - 1)
    assert refused.value.code == "HW046"


def test_a_folder_is_not_a_bundle(tmp_path, hq, trusted):
    with pytest.raises(BundleNotAFile):
        read_all(tmp_path, hq, trusted)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path, hq, trusted):
    fifo = tmp_path / "bundle.hwb"
    os.mkfifo(fifo)
    with pytest.raises(BundleNotAFile):
        read_all(fifo, hq, trusted)


def test_a_missing_file_is_unreadable(tmp_path, hq, trusted):
    with pytest.raises(BundleUnreadable):
        read_all(tmp_path / "gone.hwb", hq, trusted)


def test_a_file_that_is_not_a_bundle(tmp_path, hq, trusted):
    path = tmp_path / "letter.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 10)
    with pytest.raises(NotABundle):
        read_all(path, hq, trusted)


# Refusals: the age layer --------------------------------------------------------------------


def test_truncation_anywhere_is_refused_as_incomplete(tmp_path, small, hq, trusted):
    data = small.read_bytes()
    header_end = data.index(b"\n", data.index(b"\n---") + 1) + 1
    cuts = {0, 1, 10, 21, 40, header_end - 1, header_end, header_end + 5, header_end + 16}
    cuts |= {header_end + 17, len(data) // 2, len(data) - 17, len(data) - 16, len(data) - 1}
    path = tmp_path / "cut.hwb"
    for cut in sorted(cuts):
        path.write_bytes(data[:cut])
        with pytest.raises(BundleIncomplete):
            read_all(path, hq, trusted)


def test_truncation_of_a_bundle_of_many_chunks(tmp_path, office, hq, trusted):
    records = [an_event(i, note=os.urandom(600).hex()) for i in range(500)]  # incompressible
    summary = write(tmp_path, records, office, hq.public)
    data = summary.path.read_bytes()
    assert len(data) > 3 * 64 * 1024
    path = tmp_path / "cut.hwb"
    for cut in (64 * 1024, 64 * 1024 + 400, len(data) - 70_000, len(data) - 1):
        path.write_bytes(data[:cut])
        with pytest.raises(BundleIncomplete):
            read_all(path, hq, trusted)
    flipped = bytearray(data)
    flipped[1000] ^= 0x40  # a byte in the first of several chunks: changed, not cut
    path.write_bytes(bytes(flipped))
    with pytest.raises(BundleDamaged) as refused:
        read_all(path, hq, trusted)
    assert type(refused.value) is BundleDamaged


@pytest.mark.parametrize("extra", [b"\x00", b"\x00" * 16, b"junk\n", b"x" * 70_000])
def test_bytes_after_the_age_file_are_refused(tmp_path, small, hq, trusted, extra):
    path = tmp_path / "longer.hwb"
    path.write_bytes(small.read_bytes() + extra)
    with pytest.raises(BundleDamaged):  # age cannot tell cut from extended: see the doc
        read_all(path, hq, trusted)


def test_a_bundle_for_another_installation(small, trusted):
    with pytest.raises(BundleWrongRecipient) as refused:
        read_all(small, generate_installation_keys(), trusted)
    assert refused.value.code == "HW047"


def test_a_changed_ciphertext_byte_is_refused(tmp_path, small, hq, trusted):
    data = bytearray(small.read_bytes())
    data[len(data) // 2] ^= 1
    path = tmp_path / "changed.hwb"
    path.write_bytes(bytes(data))
    with pytest.raises(BundleDamaged):
        read_all(path, hq, trusted)


# Refusals: inside the encryption (anyone can encrypt for HQ's public key) ----------------------


def test_bytes_after_the_signed_end_inside_the_encryption(tmp_path, small, hq, trusted):
    path = sealed(tmp_path, plaintext_of(small, hq) + b"more", hq.public)
    with pytest.raises(BundleTrailingData):
        read_all(path, hq, trusted)


@pytest.mark.parametrize("keep", [0, 5, 18, 60, -200, -90, -1])
def test_a_plaintext_cut_short_inside_the_encryption(tmp_path, small, hq, trusted, keep):
    plaintext = plaintext_of(small, hq)
    path = sealed(tmp_path, plaintext[:keep] if keep else b"", hq.public)
    with pytest.raises(BundleIncomplete):
        read_all(path, hq, trusted)


def test_a_changed_payload_byte_breaks_the_signed_hash(tmp_path, small, hq, trusted):
    payload, header_json, signature = parts(plaintext_of(small, hq))
    changed = bytearray(payload)
    changed[len(changed) // 2] ^= 1
    path = sealed(tmp_path, assemble(bytes(changed), header_json, signature), hq.public)
    with pytest.raises(BundleSignatureInvalid):
        read_all(path, hq, trusted)


def test_a_changed_header_or_signature_is_refused(tmp_path, small, hq, trusted):
    payload, header_json, signature = parts(plaintext_of(small, hq))
    later = header_json.replace(b'"sequence":3', b'"sequence":4')
    assert later != header_json
    path = sealed(tmp_path, assemble(payload, later, signature), hq.public)
    with pytest.raises(BundleSignatureInvalid):
        read_all(path, hq, trusted)
    raw = bytearray(base64.b64decode(signature))
    raw[10] ^= 1
    path = sealed(tmp_path, assemble(payload, header_json, base64.b64encode(raw)), hq.public)
    with pytest.raises(BundleSignatureInvalid):
        read_all(path, hq, trusted)


def test_a_forger_without_the_office_key_is_unknown_or_refused(tmp_path, office, hq, trusted):
    mallory = generate_installation_keys()
    plaintext = forged([case_line()], mallory, hq.public)
    with pytest.raises(BundleSenderUnknown) as refused:
        read_all(sealed(tmp_path, plaintext, hq.public), hq, trusted)
    assert refused.value.params["fingerprint"] == mallory.public.fingerprint
    assert refused.value.code == "HW048"
    # Claiming to be the office, but signed with another key.
    claimed = forged(
        [case_line()], mallory, hq.public, header={"sender_key": office.public.fingerprint}
    )
    with pytest.raises(BundleSignatureInvalid):
        read_all(sealed(tmp_path, claimed, hq.public), hq, trusted)


def test_a_trusted_lookup_answering_with_other_keys(small, hq, office):
    with pytest.raises(BundleSenderUnknown):
        read_all(small, hq, lambda _fp: hq.public)


def test_a_header_naming_another_recipient(tmp_path, office, hq, trusted):
    elsewhere = PublicKeys(signing=generate_installation_keys().public.signing, age=hq.public.age)
    summary = write(tmp_path, [a_case(1)], office, elsewhere)  # age opens it, the header says no
    with pytest.raises(BundleWrongRecipient):
        read_all(summary.path, hq, trusted)


def test_a_bundle_of_another_kind(tmp_path, office, hq, trusted):
    summary = write(tmp_path, receipts_and_decisions(), office, hq.public, kind=BundleKind.RECEIPTS)
    with pytest.raises(BundleWrongKind):
        read_all(summary.path, hq, trusted, kind=BundleKind.CASES)


def test_a_key_export_signature_does_not_make_a_bundle(tmp_path, office, hq, trusted):
    plaintext = forged([case_line()], office, hq.public, header={"context": CONTEXT_KEY_EXPORT})
    with pytest.raises(BundleWrongKind) as refused:
        read_all(sealed(tmp_path, plaintext, hq.public), hq, trusted)
    assert refused.value.params["found"] == "key export"


def test_a_receipts_context_on_a_cases_header_is_refused(tmp_path, office, hq, trusted):
    plaintext = forged(
        [case_line()], office, hq.public, header={"context": CONTEXTS[BundleKind.RECEIPTS]}
    )
    with pytest.raises(BundleRecordInvalid):  # signed, but kind and context disagree
        read_all(sealed(tmp_path, plaintext, hq.public), hq, trusted)


@pytest.mark.parametrize(
    "change",
    [
        {"magic": b"HOMEWARD-BUNDLE/2\n"},
        {"header": {"context": "homeward/bundle/cases/v2"}},
        {"header": {"format_version": 2}},
    ],
)
def test_a_newer_format_version_is_named(tmp_path, office, hq, trusted, change):
    plaintext = forged([case_line()], office, hq.public, header=change.get("header"))
    if "magic" in change:
        plaintext = change["magic"] + plaintext[len(MAGIC) :]
    with pytest.raises(BundleVersionUnsupported):
        read_all(sealed(tmp_path, plaintext, hq.public), hq, trusted)


def test_a_header_with_a_key_twice_is_refused_though_signed(tmp_path, office, hq, trusted):
    good = forged([case_line()], office, hq.public)
    _, header_json, _ = parts(good)
    twice = header_json[:-1] + b',"sequence":99}'
    plaintext = forged([case_line()], office, hq.public, header_json=twice)
    with pytest.raises(BundleRecordInvalid) as refused:
        read_all(sealed(tmp_path, plaintext, hq.public), hq, trusted)
    assert "duplicate" in refused.value.params["problem"]


# Refusals: records (signed by a trusted key, but not what the format allows) ------------------


HOSTILE_LINES = {
    "unknown field": case_line(shoe_size=44),
    "missing field": case_line().replace(b'"is_demo": false, ', b""),
    "duplicate key": case_line()[:-1] + b', "revision": 5}',
    "NaN": case_line().replace(b'"revision": 4', b'"revision": NaN'),
    "huge float": case_line().replace(b'"household_size": 3', b'"household_size": 1e400'),
    "a float at all": case_line().replace(b'"household_size": 3', b'"household_size": 3.5'),
    "huge integer": case_line().replace(b'"revision": 4', b'"revision": ' + b"9" * 40),
    "lone surrogate": case_line(region_of_return="\\ud800").replace(b"\\\\ud800", b"\\ud800"),
    "raw surrogate bytes": case_line(region_of_return="x").replace(b'"x"', b'"\xed\xa0\x80"'),
    "over-long string": case_line(region_of_return="x" * 101),
    "over-long list": case_line(household=[]).replace(
        b'"household": []', b'"household": [' + b",".join([b"{}"] * 51) + b"]"
    ),
    "deep nesting": case_line().replace(
        b'"household_size": 3', b'"household_size": ' + b"[" * 50_000 + b"]" * 50_000
    ),
    "wrong type": case_line(revision="4"),
    "unknown status": case_line(status="lost"),
    "naive time": case_line(created_at="2026-12-02T09:30:00"),
    "unknown record type": case_line(type="payment"),
    "not JSON": b"{'type': 'case'}",
    "not an object": b"[1, 2, 3]",
    "empty line": b"",
}


@pytest.mark.parametrize("problem", sorted(HOSTILE_LINES))
def test_a_hostile_record_is_refused_before_any_is_handed_out(
    tmp_path, office, hq, trusted, problem
):
    assert HOSTILE_LINES[problem] != case_line()
    lines = [case_line(), HOSTILE_LINES[problem]]
    path = sealed(tmp_path, forged(lines, office, hq.public), hq.public)
    with (
        pytest.raises(BundleRecordInvalid) as refused,
        open_bundle(path, identity=hq, trusted=trusted),
    ):
        pytest.fail("the caller saw the bundle before every record was checked")
    assert refused.value.params["number"] == 2
    assert refused.value.code == "HW049"


@pytest.mark.parametrize("problem", sorted(HOSTILE_LINES))
def test_a_hostile_record_read_as_it_comes_is_refused_where_it_stands(
    tmp_path, office, hq, trusted, problem
):
    """With check_records=False the records are checked as they are read (an importer
    applying them in a transaction that the refusal rolls back): the good record before
    the hostile one is handed out, the hostile one never is, the refusal is the same."""
    path = sealed(tmp_path, forged([case_line(), HOSTILE_LINES[problem]], office, hq.public),
                  hq.public)  # fmt: skip
    seen = []
    with (
        pytest.raises(BundleRecordInvalid) as refused,
        open_bundle(path, identity=hq, trusted=trusted, check_records=False) as opened,
    ):
        for record in opened.records():
            seen.append(record)
    assert seen == [a_case(1)]
    assert refused.value.params["number"] == 2
    assert refused.value.code == "HW049"


def test_counts_are_checked_at_the_end_when_records_are_read_as_they_come(
    tmp_path, office, hq, trusted
):
    miscounted = forged([case_line()], office, hq.public, header={"counts": {"case": 2}})
    path = sealed(tmp_path, miscounted, hq.public)
    with (
        pytest.raises(BundleRecordInvalid),
        open_bundle(path, identity=hq, trusted=trusted, check_records=False) as opened,
    ):
        assert list(opened.records()) == "never: the count is refused at the end"


def test_the_hostile_lines_differ_from_a_good_one_only_as_named():
    good = case_line()
    assert HOSTILE_LINES["NaN"] != good and HOSTILE_LINES["huge float"] != good
    assert b"\\ud800" in HOSTILE_LINES["lone surrogate"]
    assert json.loads(HOSTILE_LINES["duplicate key"])["revision"] == 5


def test_records_of_the_wrong_kind_or_count(tmp_path, office, hq, trusted):
    receipt = envelope._ENCODER.encode(receipts_and_decisions()[0])
    path = sealed(tmp_path, forged([case_line(), receipt], office, hq.public), hq.public)
    with pytest.raises(BundleRecordInvalid):
        read_all(path, hq, trusted)
    miscounted = forged([case_line()], office, hq.public, header={"counts": {"case": 2}})
    with pytest.raises(BundleRecordInvalid):
        read_all(sealed(tmp_path, miscounted, hq.public), hq, trusted)


def test_a_record_line_without_its_end(tmp_path, office, hq, trusted):
    payload = zstandard.ZstdCompressor().compress(case_line())  # no final newline
    plaintext = forged([case_line()], office, hq.public)
    _, header_json, _ = parts(plaintext)
    header = json.loads(header_json)
    header.update(payload_sha256=hashlib.sha256(payload).hexdigest(), payload_size=len(payload))
    header_json = json.dumps(header, separators=(",", ":")).encode()
    signature = base64.b64encode(office.sign(header["context"], header_json))
    path = sealed(tmp_path, assemble(payload, header_json, signature), hq.public)
    with pytest.raises(BundleRecordInvalid):
        read_all(path, hq, trusted)


# Writing ------------------------------------------------------------------------------------


def test_a_record_the_schema_refuses_is_not_written(tmp_path, office, hq):
    with pytest.raises(InvalidInput) as refused:
        write(tmp_path, [a_case(1), a_case(2, region_of_return="x" * 101)], office, hq.public)
    assert "record 2" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"household": ()},  # a tuple where the schema says list: would not read back equal
        {"region_of_return": "\udc00"},  # a lone surrogate cannot be UTF-8
        {"updated_at": dt.datetime(2026, 12, 2, 9, 30)},  # no time zone
    ],
)
def test_values_that_would_not_read_back_are_not_written(tmp_path, office, hq, bad):
    with pytest.raises(InvalidInput):
        write(tmp_path, [a_case(1, **bad)], office, hq.public)
    assert list(tmp_path.iterdir()) == []


def test_a_record_of_the_wrong_kind_is_a_programming_error(tmp_path, office, hq):
    with pytest.raises(ValueError):
        write(tmp_path, [a_case(1)], office, hq.public, kind=BundleKind.RECEIPTS)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "header", [{"sender_office": "sk"}, {"sequence": 0}, {"previous_hash": "9F" * 32}]
)
def test_a_header_the_reader_would_refuse_is_not_written(tmp_path, office, hq, header):
    fields = dict(
        kind=BundleKind.CASES,
        sender_installation=INSTALLATION,
        sender_office="SK",
        sequence=1,
        previous_hash=None,
        records=[a_case(1)],
        signer=office,
        recipient=hq.public,
    )
    fields.update(header)
    with pytest.raises(ValueError):
        write_bundle(tmp_path / "bundle.hwb", **fields)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_never_replaced(tmp_path, small, office, hq):
    target = tmp_path / "bundle.hwb"
    target.write_bytes(b"the bundle written yesterday")
    with pytest.raises(CannotWrite):
        write(tmp_path, [a_case(1)], office, hq.public)
    assert target.read_bytes() == b"the bundle written yesterday"
    assert list(tmp_path.iterdir()) == [target]


def test_a_write_that_fails_half_way_leaves_no_file(tmp_path, office, hq):
    class Cancelled(Exception):
        pass

    def records() -> Iterator[AuditEventRecord]:
        for number in range(5000):
            if number == 3000:
                raise Cancelled
            yield an_event(number, note=os.urandom(200).hex())

    with pytest.raises(Cancelled):
        write(tmp_path, records(), office, hq.public)
    assert list(tmp_path.iterdir()) == []


def test_a_full_stick_leaves_no_file(tmp_path, office, hq, monkeypatch):
    class FullStick(io.FileIO):
        writes = 0

        def write(self, data) -> int:
            FullStick.writes += 1
            if FullStick.writes > 3:
                raise OSError(28, "No space left on device")
            return super().write(data)

    monkeypatch.setattr(envelope.os, "fdopen", lambda fd, mode: FullStick(fd, "wb"))
    records = [an_event(i, note=os.urandom(300).hex()) for i in range(1000)]
    with pytest.raises(CannotWrite) as refused:
        write(tmp_path, records, office, hq.public)
    assert "No space left" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_a_stick_pulled_before_the_sync_leaves_no_file(tmp_path, office, hq, monkeypatch):
    def pulled(_fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(envelope.os, "fsync", pulled)
    with pytest.raises(CannotWrite):
        write(tmp_path, [a_case(1)], office, hq.public)
    assert list(tmp_path.iterdir()) == []


def test_a_stick_pulled_while_reading(small, hq, trusted, monkeypatch):
    class PulledStick(io.FileIO):
        def read(self, size: int = -1) -> bytes:
            if self.tell() > 100:
                raise OSError(5, "Input/output error")
            return super().read(size)

    monkeypatch.setattr(envelope.os, "fdopen", lambda fd, mode: PulledStick(fd, "rb"))
    with pytest.raises(BundleUnreadable):
        read_all(small, hq, trusted)


# Any bytes at all: a HomewardError, never another exception -----------------------------------


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_files_are_always_refused_with_a_homeward_error(tmp_path, small, hq, trusted, data):
    original = small.read_bytes()
    mutation = data.draw(st.sampled_from(["flip", "cut", "insert", "append", "replace"]))
    at = data.draw(st.integers(0, len(original) - 1))
    if mutation == "flip":
        mutated = original[:at] + bytes([original[at] ^ data.draw(st.integers(1, 255))])
        mutated += original[at + 1 :]
    elif mutation == "cut":
        mutated = original[:at]
    elif mutation == "insert":
        mutated = original[:at] + data.draw(st.binary(min_size=1, max_size=40)) + original[at:]
    elif mutation == "append":
        mutated = original + data.draw(st.binary(min_size=1, max_size=40))
    else:
        mutated = data.draw(st.binary(max_size=400))
    path = tmp_path / "mutated.hwb"
    path.write_bytes(mutated)
    with pytest.raises(HomewardError):
        read_all(path, hq, trusted)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_plaintexts_sealed_anew_are_always_refused(tmp_path, small, hq, trusted, data):
    plaintext = plaintext_of(small, hq)
    at = data.draw(st.integers(0, len(plaintext) - 1))
    mutation = data.draw(st.sampled_from(["flip", "cut", "insert", "drop"]))
    if mutation == "flip":
        changed = plaintext[:at] + bytes([plaintext[at] ^ data.draw(st.integers(1, 255))])
        changed += plaintext[at + 1 :]
    elif mutation == "cut":
        changed = plaintext[:at]
    elif mutation == "insert":
        changed = plaintext[:at] + data.draw(st.binary(min_size=1, max_size=20)) + plaintext[at:]
    else:
        changed = plaintext[:at] + plaintext[at + data.draw(st.integers(1, 20)) :]
    path = sealed(tmp_path, changed, hq.public)
    with pytest.raises(HomewardError):
        read_all(path, hq, trusted)


# The emergency path of docs/bundle-format.md, with the standard tools --------------------------


@pytest.mark.skipif(not (shutil.which("age") and shutil.which("zstd")), reason="needs age, zstd")
def test_hq_can_open_a_bundle_with_the_age_and_zstd_commands(tmp_path, small, hq, office):
    key = tmp_path / "key.txt"
    key.write_text(hq.age_identity_text() + "\n")
    plain = tmp_path / "bundle.plain"
    subprocess.run(["age", "-d", "-i", str(key), "-o", str(plain), str(small)], check=True)
    data = plain.read_bytes()
    assert data.startswith(MAGIC)
    header_line, signature_line = data.split(b"\n")[-3:-1]  # tail -n 2
    header = json.loads(header_line)
    assert header["sender_key"] == office.public.fingerprint
    trailer = len(header_line) + 1 + 98  # as the doc computes it from `wc -c`
    payload = data[len(MAGIC) : len(data) - trailer]
    assert hashlib.sha256(payload).hexdigest() == header["payload_sha256"]
    assert office.public.verify(header["context"], header_line, base64.b64decode(signature_line))
    records = subprocess.run(
        ["zstd", "-dc"], input=data[len(MAGIC) :], capture_output=True, check=True
    ).stdout.splitlines()
    assert [json.loads(line)["type"] for line in records] == [
        "case",
        "audit_event",
        "case",
        "tombstone",
    ]
