"""The records a bundle carries: strict, typed, bounded (schema v1; docs/bundle-format.md).

Each record is one JSON object on its own line with a ``"type"`` naming it. Decoding refuses
unknown fields, wrong types, over-long strings and lists, integers out of range and anything
nested deeper than the types allow (there is no ``Any``: every value has a shape). There are
no floats at all: money is a decimal string, counts are integers.

Built for change by the exporting service: adding a field with a default stays readable by
this version only if it is added here too, so any change of shape is a new format version.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from app.bundles.strict import (
    STRUCT_OPTIONS,
    Country,
    Currency,
    DecimalText,
    Key,
    LanguageTag,
    Name,
    OfficeCode,
    Revision,
    SafeInt,
    Sha256Hex,
    Short,
    Text,
    Username,
    UtcDateTime,
)
from app.domain.cases import CaseStatus
from app.domain.dates import Precision
from app.domain.decisions import DecisionOutcome, DecisionSource
from app.domain.people import Relationship, Sex

CaseNumberText = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2,8}-[0-9]{4}-[0-9]{5,9}$")]
Reason = Annotated[str, msgspec.Meta(max_length=2000)]
Note = Annotated[str, msgspec.Meta(max_length=5000)]

# Answers: a form's answers are {field id: value}. A value is a scalar, a list of choices, a
# money amount {"amount": "12.50", "currency": "EUR"} or, for a repeat group, a list of items
# that are themselves {field id: scalar | choices | money}.
Scalar = None | bool | SafeInt | Text
Choices = Annotated[list[Text], msgspec.Meta(max_length=100)]
Money = Annotated[dict[Key, Short], msgspec.Meta(max_length=4)]
ItemValue = Scalar | Choices | Money
Item = Annotated[dict[Key, ItemValue], msgspec.Meta(max_length=200)]
Items = Annotated[list[Text | Item], msgspec.Meta(max_length=100)]
AnswerValue = Scalar | Items | Money
Answers = Annotated[dict[Key, AnswerValue], msgspec.Meta(max_length=500)]

# Audit details: JSON three levels deep at most (e.g. {"changes": [{"field": …}]}).
DetailLeaf = None | bool | SafeInt | Text
DetailInner = (
    DetailLeaf
    | Annotated[list[DetailLeaf], msgspec.Meta(max_length=1000)]
    | Annotated[dict[Key, DetailLeaf], msgspec.Meta(max_length=100)]
)
DetailValue = (
    DetailLeaf
    | Annotated[list[DetailInner], msgspec.Meta(max_length=1000)]
    | Annotated[dict[Key, DetailInner], msgspec.Meta(max_length=100)]
)
Detail = Annotated[dict[Key, DetailValue], msgspec.Meta(max_length=100)]


class Part(msgspec.Struct, **STRUCT_OPTIONS):
    """A piece of a record (no ``type`` of its own)."""


class Record(msgspec.Struct, tag_field="type", **STRUCT_OPTIONS):
    """One line of a bundle's payload; subclasses name their ``type``."""


class ReturneeRecord(Part):
    uuid: uuid.UUID
    given_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    family_name: Annotated[str, msgspec.Meta(max_length=100)]
    native_name: Name
    date_of_birth: dt.date | None
    date_of_birth_precision: Precision
    sex: Sex
    nationality: Country


class HouseholdMemberRecord(Part):
    uuid: uuid.UUID
    position: Annotated[int, msgspec.Meta(ge=0, le=99)]
    given_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    family_name: Annotated[str, msgspec.Meta(max_length=100)]
    date_of_birth: dt.date | None
    date_of_birth_precision: Precision
    sex: Sex
    relationship_to_returnee: Relationship
    returns_together: bool


class SessionRecord(Part):
    uuid: uuid.UUID
    counsellor: Username
    counsellor_language: LanguageTag
    migrant_language: LanguageTag
    started_at: UtcDateTime
    ended_at: UtcDateTime | None


class FormAnswers(Part):
    uuid: uuid.UUID
    form_id: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
    form_version: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    form_digest: Sha256Hex
    answers: Answers
    revision: Revision
    created_at: UtcDateTime
    updated_at: UtcDateTime
    updated_by: Username | None
    completed_at: UtcDateTime | None
    completed_by: Username | None


class ApprovedAmount(Part):
    item: Annotated[int, msgspec.Meta(ge=1, le=100)]  # the assistance item's number, from 1
    amount: DecimalText
    currency: Currency


class RecordedDecision(Part):
    """A decision the office recorded on the case (from paper until bundles bring HQ's)."""

    uuid: uuid.UUID
    outcome: DecisionOutcome
    approved_amounts: Annotated[list[ApprovedAmount], msgspec.Meta(max_length=100)]
    approved_total_eur: DecimalText | None
    reason: Reason
    reference: Annotated[str, msgspec.Meta(max_length=100)]
    decided_on: dt.date
    source: DecisionSource
    plan_revision: Revision | None
    recorded_by: Username | None
    recorded_at: UtcDateTime


class PrintRecord(Part):
    form: Annotated[str, msgspec.Meta(pattern=r"^[a-z_]{1,16}$")]
    language: LanguageTag
    at: UtcDateTime
    pdf_sha256: Sha256Hex
    plan_revision: Revision | None
    printed_by: Username | None


class CaseRecord(Record, tag="case"):
    """A case as the office holds it at ``revision``; ``base_revision`` is the revision HQ
    last acknowledged (None: HQ has never seen this case), so HQ can see a divergent edit."""

    uuid: uuid.UUID
    case_number: CaseNumberText
    office_code: OfficeCode
    status: CaseStatus
    revision: Revision
    base_revision: Revision | None
    country_of_return: Country
    region_of_return: Annotated[str, msgspec.Meta(max_length=100)]
    session_language: LanguageTag
    is_demo: bool
    created_by: Username | None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    returnee: ReturneeRecord
    household: Annotated[list[HouseholdMemberRecord], msgspec.Meta(max_length=50)]
    sessions: Annotated[list[SessionRecord], msgspec.Meta(max_length=1000)]
    forms: Annotated[list[FormAnswers], msgspec.Meta(max_length=20)]
    decisions: Annotated[list[RecordedDecision], msgspec.Meta(max_length=100)]
    prints: Annotated[list[PrintRecord], msgspec.Meta(max_length=1000)]

    def __post_init__(self) -> None:
        if self.base_revision is not None and self.base_revision > self.revision:
            raise ValueError("base_revision is after revision")


class AuditEventRecord(Record, tag="audit_event"):
    """One event of the office's audit trail, with what its hash chain covers (``user`` is
    the office's own account number, as hashed; ``actor`` the account's name)."""

    uuid: uuid.UUID
    at: UtcDateTime
    user: Annotated[int, msgspec.Meta(ge=1, le=2**53)] | None
    actor: Username | None
    case_uuid: uuid.UUID | None
    case_revision: Revision | None
    action: Annotated[str, msgspec.Meta(min_length=1, max_length=48)]
    detail: Detail
    note: Note
    prev_hash: Sha256Hex | None
    hash: Sha256Hex | None


class Tombstone(Record, tag="tombstone"):
    """A case erased at the office: an older bundle must not bring it back."""

    case_uuid: uuid.UUID
    erased_at: UtcDateTime
    erased_by: Username
    reason: Reason


class Receipt(Record, tag="receipt"):
    """HQ's answer for one case of a bundle it imported: taken, or set aside with a reason."""

    bundle_id: uuid.UUID
    bundle_hash: Sha256Hex
    case_uuid: uuid.UUID
    revision: Revision
    outcome: Literal["accepted", "quarantined"]
    reason: Reason

    def __post_init__(self) -> None:
        if self.outcome == "quarantined" and not self.reason:
            raise ValueError("a quarantined case needs a reason")


class Decision(Record, tag="decision"):
    """HQ's decision on one revision of a case's plan."""

    uuid: uuid.UUID
    case_uuid: uuid.UUID
    plan_revision: Revision
    outcome: DecisionOutcome
    approved_amounts: Annotated[list[ApprovedAmount], msgspec.Meta(max_length=100)]
    approved_total_eur: DecimalText | None
    reason: Reason
    reference: Annotated[str, msgspec.Meta(max_length=100)]
    decided_by: Name
    decided_at: UtcDateTime

    def __post_init__(self) -> None:
        if self.outcome == DecisionOutcome.REJECTED and self.approved_amounts:
            raise ValueError("a rejected plan has no approved amounts")
        if self.outcome == DecisionOutcome.APPROVED and not self.approved_amounts:
            raise ValueError("an approved plan needs approved amounts")


class Resolution(Record, tag="resolution"):
    """HQ settled a conflict on one field of a case by keeping its own value or an edited
    one: the office takes it unless it changed that field again since (then the office's
    newer value goes back to HQ as a new conflict)."""

    uuid: uuid.UUID  # the conflict's own id at HQ: applied once
    case_uuid: uuid.UUID
    field: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    office_value: AnswerValue  # what the office had sent, to see whether it changed since
    value: AnswerValue
    resolved_by: Name
    resolved_at: UtcDateTime


AnyRecord = CaseRecord | AuditEventRecord | Tombstone | Receipt | Decision | Resolution
RecordType = Literal["case", "audit_event", "tombstone", "receipt", "decision", "resolution"]
RECORD_TYPES: dict[type[Record], str] = {
    CaseRecord: "case",
    AuditEventRecord: "audit_event",
    Tombstone: "tombstone",
    Receipt: "receipt",
    Decision: "decision",
    Resolution: "resolution",
}
