"""Installation keys, fingerprints and the signed key documents (export, rotation, revocation)."""

from __future__ import annotations

import base64
import json
import re
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.bundles import keys as keys_module
from app.bundles.envelope import CONTEXTS
from app.bundles.keys import (
    CONTEXT_KEY_EXPORT,
    CONTEXT_KEY_REVOCATION,
    CONTEXT_KEY_ROTATION,
    InstallationKeys,
    PublicKeys,
    export_keys,
    generate_installation_keys,
    normalise_fingerprint,
    read_key_export,
    read_key_revocation,
    read_key_rotation,
    revoke_keys,
    rotate_keys,
)
from app.domain.errors import KeyDocumentInvalid

FINGERPRINT = re.compile(r"^([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}$")
INSTALLATION = uuid.UUID("7ca0c541-ab4b-4d10-a123-ef25f9d04e0f")


@pytest.fixture(scope="module")
def office() -> InstallationKeys:
    return generate_installation_keys()


@pytest.fixture(scope="module")
def hq() -> InstallationKeys:
    return generate_installation_keys()


def export_of(keys: InstallationKeys) -> bytes:
    return export_keys(
        keys, role="office", office_code="SK", office_name="Bratislava", installation=INSTALLATION
    )


def problem_of(error: pytest.ExceptionInfo[KeyDocumentInvalid]) -> str:
    return str(error.value.params["problem"])


def test_private_keys_round_trip_and_stay_out_of_repr(office):
    again = InstallationKeys.from_private_bytes(office.private_bytes())
    assert again.public == office.public
    assert again.age_identity_text() == office.age_identity_text()
    assert office.age_identity_text().startswith("AGE-SECRET-KEY-1")
    assert "SECRET" not in repr(office) and office.public.fingerprint in repr(office)
    with pytest.raises(ValueError):
        InstallationKeys.from_private_bytes(b'{"format":"homeward/installation-keys/v1"}')
    with pytest.raises(ValueError):
        InstallationKeys.from_private_bytes(b"\xff" * 40)


def test_fingerprint_is_short_unambiguous_and_covers_both_keys(office, hq):
    fingerprint = office.public.fingerprint
    assert FINGERPRINT.match(fingerprint), fingerprint
    assert not set(fingerprint) & set("ILOU")
    assert fingerprint != hq.public.fingerprint
    # Each key counts: the same signing key with another age key is another fingerprint.
    mixed = PublicKeys(signing=office.public.signing, age=hq.public.age)
    assert mixed.fingerprint not in (fingerprint, hq.public.fingerprint)
    mixed = PublicKeys(signing=hq.public.signing, age=office.public.age)
    assert mixed.fingerprint not in (fingerprint, hq.public.fingerprint)


def test_a_fingerprint_typed_by_a_person_is_normalised(office):
    fingerprint = office.public.fingerprint
    typed = fingerprint.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalise_fingerprint(typed) == fingerprint
    for wrong in ("", fingerprint[:-1], fingerprint + "A", fingerprint.replace("-", "U", 1)):
        with pytest.raises(ValueError):
            normalise_fingerprint(wrong)


def test_public_keys_refuse_what_is_not_a_key(office):
    with pytest.raises(ValueError):
        PublicKeys(signing=office.public.signing, age="age1" + "q" * 58)  # bad checksum


def test_key_export_round_trip(office):
    export = read_key_export(export_of(office))
    assert export.keys == office.public
    assert export.fingerprint == office.public.fingerprint
    assert (export.role, export.office_code, export.office_name) == ("office", "SK", "Bratislava")
    assert export.installation == INSTALLATION
    assert export.created_at.tzinfo is not None


def test_a_changed_key_export_is_refused(office, hq):
    body, signature = export_of(office).splitlines()
    document = json.loads(body)
    document["office_name"] = "Somewhere else"
    changed = json.dumps(document, separators=(",", ":")).encode() + b"\n" + signature + b"\n"
    with pytest.raises(KeyDocumentInvalid) as refused:
        read_key_export(changed)
    assert problem_of(refused) == keys_module.BAD_SIGNATURE
    # Someone else's keys under the office's signature: the fingerprint no longer fits.
    document = json.loads(body)
    document["keys"]["age"] = hq.public.age
    changed = json.dumps(document, separators=(",", ":")).encode() + b"\n" + signature + b"\n"
    with pytest.raises(KeyDocumentInvalid) as refused:
        read_key_export(changed)
    assert problem_of(refused) == keys_module.DAMAGED


def test_an_export_with_a_key_named_twice_is_refused_even_when_signed(office):
    body = export_of(office).splitlines()[0]
    twice = body[:-1] + b',"office_name":"Elsewhere"}'
    signature = base64.b64encode(office.sign(CONTEXT_KEY_EXPORT, twice))
    with pytest.raises(KeyDocumentInvalid) as refused:
        read_key_export(twice + b"\n" + signature + b"\n")
    assert problem_of(refused) == keys_module.DAMAGED


@pytest.mark.parametrize(
    "document",
    [b"", b"\n", b"{}\n", b"not json\nAAAA\n", b'{"context":1}\nAAAA\n', b"\xff" * 100_000],
)
def test_garbage_is_refused_as_damaged(document):
    with pytest.raises(KeyDocumentInvalid) as refused:
        read_key_export(document)
    assert problem_of(refused) == keys_module.DAMAGED


def test_signature_spelt_another_way_is_refused(office):
    body, signature = export_of(office).splitlines()
    # The last base64 letter before "==" carries 4 spare bits: another letter decodes to the
    # same signature. Only the one spelling is accepted.
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = letters.index(chr(signature[-3]))
    other = letters[(last & ~0b1111) | ((last + 1) & 0b1111)].encode()
    respelt = signature[:-3] + other + b"=="
    assert base64.b64decode(respelt) == base64.b64decode(signature)
    with pytest.raises(KeyDocumentInvalid):
        read_key_export(body + b"\n" + respelt + b"\n")


def test_rotation_is_believed_on_the_old_key_alone(office):
    new = generate_installation_keys()
    statement = rotate_keys(office, new, role="office", office_code="SK", installation=INSTALLATION)
    rotation = read_key_rotation(statement, trusted_old=office.public)
    assert rotation.old == office.public and rotation.new == new.public
    assert rotation.new_fingerprint == new.public.fingerprint


def test_rotation_from_keys_not_trusted_is_refused(office, hq):
    new = generate_installation_keys()
    statement = rotate_keys(hq, new, role="hq", office_code="HQ", installation=INSTALLATION)
    with pytest.raises(KeyDocumentInvalid) as refused:
        read_key_rotation(statement, trusted_old=office.public)
    assert problem_of(refused) == keys_module.NOT_FROM_TRUSTED_KEY


def test_rotation_needs_both_signatures(office):
    new = generate_installation_keys()
    statement = rotate_keys(office, new, role="office", office_code="SK", installation=INSTALLATION)
    body, old_signature, new_signature = statement.splitlines()
    with pytest.raises(KeyDocumentInvalid) as refused:
        read_key_rotation(body + b"\n" + old_signature + b"\n", trusted_old=office.public)
    assert problem_of(refused) == keys_module.DAMAGED
    # The new key's signature made by someone else (the old key holder, not the new one).
    forged = base64.b64encode(office.sign(CONTEXT_KEY_ROTATION, body))
    with pytest.raises(KeyDocumentInvalid) as refused:
        read_key_rotation(
            body + b"\n" + old_signature + b"\n" + forged + b"\n", trusted_old=office.public
        )
    assert problem_of(refused) == keys_module.BAD_SIGNATURE
    swapped = body + b"\n" + new_signature + b"\n" + old_signature + b"\n"
    with pytest.raises(KeyDocumentInvalid):
        read_key_rotation(swapped, trusted_old=office.public)


def test_revocation_signed_by_the_revoked_key_or_a_trusted_one(office, hq):
    own = revoke_keys(
        office, office.public, office_code="SK", installation=INSTALLATION, reason="compromised"
    )
    assert read_key_revocation(own, trusted=lambda _fp: None).revoked == office.public
    by_hq = revoke_keys(
        hq, office.public, office_code="SK", installation=INSTALLATION, reason="lost"
    )
    trusted = {hq.public.fingerprint: hq.public}.get
    assert read_key_revocation(by_hq, trusted=trusted).signed_by == hq.public.fingerprint
    with pytest.raises(KeyDocumentInvalid) as refused:
        read_key_revocation(by_hq, trusted=lambda _fp: None)
    assert problem_of(refused) == keys_module.UNKNOWN_SIGNER
    # A trusted lookup that answers with other keys than the fingerprint asked for.
    with pytest.raises(KeyDocumentInvalid):
        read_key_revocation(by_hq, trusted=lambda _fp: office.public)


def test_each_kind_of_document_refuses_the_others(office):
    new = generate_installation_keys()
    export = export_of(office)
    rotation = rotate_keys(office, new, role="office", office_code="SK", installation=INSTALLATION)
    revocation = revoke_keys(
        office, office.public, office_code="SK", installation=INSTALLATION, reason="retired"
    )
    for document in (rotation, revocation):
        with pytest.raises(KeyDocumentInvalid) as refused:
            read_key_export(document)
        assert problem_of(refused) == keys_module.OTHER_KIND
    for document in (export, revocation):
        with pytest.raises(KeyDocumentInvalid) as refused:
            read_key_rotation(document, trusted_old=office.public)
        assert problem_of(refused) == keys_module.OTHER_KIND
    for document in (export, rotation):
        with pytest.raises(KeyDocumentInvalid) as refused:
            read_key_revocation(document, trusted=lambda _fp: office.public)
        assert problem_of(refused) == keys_module.OTHER_KIND


def test_a_signature_holds_for_its_own_context_only(office):
    contexts = [
        CONTEXT_KEY_EXPORT,
        CONTEXT_KEY_ROTATION,
        CONTEXT_KEY_REVOCATION,
        *CONTEXTS.values(),
    ]
    assert len(set(contexts)) == len(contexts)
    body = export_of(office).splitlines()[0]
    for signed_for in contexts:
        signature = office.sign(signed_for, body)
        for checked_as in contexts:
            assert office.public.verify(checked_as, body, signature) == (signed_for == checked_as)


def test_a_newer_format_is_named_as_such(office):
    body = export_of(office).splitlines()[0].replace(b"key-export/v1", b"key-export/v2")
    signature = base64.b64encode(office.sign("homeward/key-export/v2", body))
    with pytest.raises(KeyDocumentInvalid) as refused:
        read_key_export(body + b"\n" + signature + b"\n")
    assert problem_of(refused) == keys_module.NEWER_FORMAT


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_any_change_to_a_key_export_is_refused(data):
    document = export_of(_KEYS)
    at = data.draw(st.integers(0, len(document) - 1))
    mutation = data.draw(st.sampled_from(["flip", "cut", "insert"]))
    if mutation == "flip":
        changed = document[:at] + bytes([document[at] ^ data.draw(st.integers(1, 255))])
        changed += document[at + 1 :]
    elif mutation == "cut":
        changed = document[:at]
    else:
        changed = document[:at] + data.draw(st.binary(min_size=1, max_size=20)) + document[at:]
    with pytest.raises(KeyDocumentInvalid):
        read_key_export(changed)


_KEYS = generate_installation_keys()
