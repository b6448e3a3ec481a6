"""SQLAlchemy models of the case store.

Every record has an integer key for joins and a UUID that stays the same across offices and
HQ; a case carries a revision number that grows with each change, so bundles can be ordered
and conflicts seen. Enumerations are stored as their string values, checked in the domain.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.store.types import UtcDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UtcDateTime, uuid.UUID: Uuid}


class Office(Base):
    """An office that writes cases: this installation's own, and at HQ every importing one."""

    __tablename__ = "office"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Installation(Base):
    """The single row that says who this installation is."""

    __tablename__ = "installation"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(unique=True)
    role: Mapped[str] = mapped_column(String(16))
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    budget_cap_eur: Mapped[int] = mapped_column(Integer, default=1500)
    # Office-set rates to EUR as decimal strings, used to check plans against the cap.
    exchange_rates: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    exchange_rates_date: Mapped[dt.date | None] = mapped_column(Date)
    # Ended cases (closed or withdrawn) untouched this many years are due for erasure.
    retention_years: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    office: Mapped[Office] = relationship()


class UserAccount(Base):
    """A local account. The password is not here: it unwraps the store key (see keyring)."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when an administrator resets the password: the next sign-in asks for a new one.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]


class CaseNumberCounter(Base):
    """Last sequence number handed out per office and year, so numbers never repeat."""

    __tablename__ = "case_number_counter"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    __tablename__ = "returnee_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    case_number: Mapped[str] = mapped_column(String(24), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    status: Mapped[str] = mapped_column(String(24), index=True)
    session_language: Mapped[str] = mapped_column(String(16), index=True)
    country_of_return: Mapped[str] = mapped_column(String(2))
    region_of_return: Mapped[str] = mapped_column(String(100), default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Bundles: at an office, the last revision HQ's receipt acknowledged (export sends what is
    # newer); at HQ, the office's revision last applied. ``sync_base`` holds the case's fields
    # as of that revision: the common ancestor of a three-way merge.
    synced_revision: Mapped[int | None] = mapped_column(Integer)
    sync_base: Mapped[dict[str, object] | None] = mapped_column(JSON)
    # At an office: the revision last written into a bundle for HQ and that bundle's id, so
    # the next export leaves out what is on its way (app.services.outbox).
    sent_revision: Mapped[int | None] = mapped_column(Integer)
    sent_bundle: Mapped[uuid.UUID | None]
    # Synthetic cases from ``homeward demo``: marked so they are never taken for real ones.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    office: Mapped[Office] = relationship()
    created_by: Mapped[UserAccount | None] = relationship()
    returnee: Mapped[Returnee] = relationship(
        back_populates="case", cascade="all, delete-orphan", uselist=False
    )
    household: Mapped[list[HouseholdMember]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        order_by="HouseholdMember.position",
    )
    sessions: Mapped[list[CounsellingSession]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    responses: Mapped[list[FormResponse]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    decisions: Mapped[list[CaseDecision]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseDecision.id"
    )

    # Every column the case list sorts by has an index that ends in the case id (SQLite adds
    # the rowid to each index), so the list pages by keyset instead of sorting every case.
    __table_args__ = (Index("ix_returnee_case_country", "country_of_return", "region_of_return"),)


class Returnee(Base):
    __tablename__ = "returnee"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("returnee_case.id", ondelete="CASCADE"), unique=True
    )
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), default="")
    native_name: Mapped[str] = mapped_column(String(200), default="")
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    # "day", "month" or "year": many returnees know only the year they were born in; the
    # date column then holds the first day of that year or month, so sorting still works.
    date_of_birth_precision: Mapped[str] = mapped_column(
        String(5), default="day", server_default="day"
    )
    sex: Mapped[str] = mapped_column(String(1))
    nationality: Mapped[str] = mapped_column(String(2))
    # Sort keys of the case list, computed by the database from the columns above (no writer
    # fills them). Keyset pages compare plain columns: SQLite uses an index for a row-value
    # range over columns, not over expressions such as lower(). A missing birth date sorts
    # first, as NULL did; no birth date is accepted before year 1900.
    sort_family: Mapped[str] = mapped_column(
        String(100), Computed("lower(family_name)", persisted=True), deferred=True
    )
    sort_given: Mapped[str] = mapped_column(
        String(100), Computed("lower(given_name)", persisted=True), deferred=True
    )
    sort_birth: Mapped[dt.date] = mapped_column(
        Date, Computed("coalesce(date_of_birth, '0001-01-01')", persisted=True), deferred=True
    )

    case: Mapped[Case] = relationship(back_populates="returnee")

    __table_args__ = (
        Index("ix_returnee_sort_name", "sort_family", "sort_given", "case_id"),
        Index("ix_returnee_sort_birth", "sort_birth", "case_id"),
        Index("ix_returnee_nationality", "nationality", "case_id"),
    )


class HouseholdMember(Base):
    __tablename__ = "household_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("returnee_case.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), default="")
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    date_of_birth_precision: Mapped[str] = mapped_column(
        String(5), default="day", server_default="day"
    )
    sex: Mapped[str] = mapped_column(String(1))
    relationship_to_returnee: Mapped[str] = mapped_column(String(16))
    returns_together: Mapped[bool] = mapped_column(Boolean, default=True)

    case: Mapped[Case] = relationship(back_populates="household")

    __table_args__ = (UniqueConstraint("case_id", "position"),)


class CounsellingSession(Base):
    """One sitting with the migrant: who counselled, in which two languages, when."""

    __tablename__ = "counselling_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("returnee_case.id", ondelete="CASCADE"), index=True
    )
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    counsellor_language: Mapped[str] = mapped_column(String(16))
    migrant_language: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]

    case: Mapped[Case] = relationship(back_populates="sessions")
    counsellor: Mapped[UserAccount] = relationship()


class FormResponse(Base):
    """The answers of one case to one form (consent, intake, plan), saved as they are typed.

    The answers keep the form version and the digest of the definition they were given
    under; ``revision`` grows with every save so a printout can name the exact version.
    """

    __tablename__ = "form_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("returnee_case.id", ondelete="CASCADE"), index=True
    )
    form_id: Mapped[str] = mapped_column(String(32))
    form_version: Mapped[str] = mapped_column(String(32))
    form_digest: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    completed_at: Mapped[dt.datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship(back_populates="responses")
    completed_by: Mapped[UserAccount | None] = relationship(foreign_keys=[completed_by_id])

    __table_args__ = (UniqueConstraint("case_id", "form_id"),)


class CaseDecision(Base):
    """A decision on a case's plan: approved (with amounts) or rejected (with a reason).

    Until decisions arrive in bundles from headquarters, an office records the one it
    received on paper (``source`` "paper"); HQ's own decisions will have ``source`` "hq".
    """

    __tablename__ = "case_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("returnee_case.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(16))  # "approved" or "rejected"
    # Approved amount per assistance item: [{"item": 1, "amount": "500.00", "currency": "EUR"}]
    approved_amounts: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    approved_total_eur: Mapped[str | None] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str] = mapped_column(String(100), default="")
    decided_on: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(8), default="paper")
    plan_revision: Mapped[int | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # At HQ: when the decision left in a return bundle for its office.
    sent_at: Mapped[dt.datetime | None]

    case: Mapped[Case] = relationship(back_populates="decisions")
    recorded_by: Mapped[UserAccount | None] = relationship()


class AuditEvent(Base):
    """Who did what to which case, at which revision. Details name fields, not their values."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("returnee_case.id", ondelete="SET NULL"), index=True
    )
    case_uuid: Mapped[uuid.UUID | None] = mapped_column(index=True)
    case_revision: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(48))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    # Hash chain (see app.store.audit): each event seals the one before it, so an edited or
    # removed event breaks every link after it.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    # The chain covers a salted digest of detail and note, not the text itself: erasing a
    # case blanks its events' detail, note and salt, and the chain still verifies.
    detail_digest: Mapped[str | None] = mapped_column(String(64))
    detail_salt: Mapped[str | None] = mapped_column(String(32))


class CaseTombstone(Base):
    """What is left of an erased case: enough to refuse it if an old bundle brings it back,
    and to say who erased it, when and why. No personal data."""

    __tablename__ = "case_tombstone"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_uuid: Mapped[uuid.UUID] = mapped_column(unique=True)
    case_number: Mapped[str] = mapped_column(String(24))
    office_code: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(16))
    erased_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    erased_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # At an office: when HQ's receipt confirmed the tombstone arrived (until then it is
    # sent in every bundle).
    acknowledged_at: Mapped[dt.datetime | None]


class InstallationKey(Base):
    """This installation's signing and encryption keys. The private half is sealed with the
    store key (AES-GCM), so it is protected the same way on SQLCipher and on PostgreSQL."""

    __tablename__ = "installation_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    public_keys: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_private: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[dt.datetime | None]


class Peer(Base):
    """Another installation whose public keys a person checked and trusted: the office's HQ,
    or at HQ each office."""

    __tablename__ = "peer"

    id: Mapped[int] = mapped_column(primary_key=True)
    installation_uuid: Mapped[uuid.UUID] = mapped_column(index=True)
    role: Mapped[str] = mapped_column(String(16))
    office_code: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    public_keys: Mapped[bytes] = mapped_column(LargeBinary)
    trusted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    trusted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[dt.datetime | None]
    replaced_by: Mapped[str | None] = mapped_column(String(64))


class BundleEntry(Base):
    """The bundle ledger: every bundle written or imported, keyed by its signed id, so a
    resend changes nothing and a gap in a sender's sequence shows."""

    __tablename__ = "bundle_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    direction: Mapped[str] = mapped_column(String(3))  # "out" or "in"
    kind: Mapped[str] = mapped_column(String(16))
    peer_id: Mapped[int | None] = mapped_column(ForeignKey("peer.id"), index=True)
    sender_installation: Mapped[uuid.UUID] = mapped_column(index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    bundle_hash: Mapped[str] = mapped_column(String(64))
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime]
    processed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[dt.datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class CaseArrival(Base):
    """What became of one case revision of one bundle: applied, already there, a conflict,
    quarantined (with why), or refused because the case was erased."""

    __tablename__ = "case_arrival"
    __table_args__ = (UniqueConstraint("bundle_id", "case_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[uuid.UUID] = mapped_column(index=True)
    case_uuid: Mapped[uuid.UUID] = mapped_column(index=True)
    case_number: Mapped[str] = mapped_column(String(24))
    revision: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reported_at: Mapped[dt.datetime | None]  # at HQ: sent back in a receipt


class CaseConflict(Base):
    """One field changed both at the office and at HQ since their common revision: a person
    chooses (office, HQ, or an edit); the choice travels back in the next return bundle."""

    __tablename__ = "case_conflict"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_uuid: Mapped[uuid.UUID] = mapped_column(index=True)
    case_number: Mapped[str] = mapped_column(String(24))
    field: Mapped[str] = mapped_column(String(200))
    base_value: Mapped[object | None] = mapped_column(JSON)
    office_value: Mapped[object | None] = mapped_column(JSON)
    hq_value: Mapped[object | None] = mapped_column(JSON)
    bundle_id: Mapped[uuid.UUID]
    office_revision: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolution: Mapped[str | None] = mapped_column(String(8))  # "office", "hq" or "edited"
    resolved_value: Mapped[object | None] = mapped_column(JSON)
    resolved_at: Mapped[dt.datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uuid: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    sent_at: Mapped[dt.datetime | None]  # when the resolution left in a return bundle


class ImportedEvent(Base):
    """An event of an office's audit trail, as it arrived at HQ in a bundle: kept beside
    HQ's own trail (whose chain covers only HQ's events), once per event."""

    __tablename__ = "imported_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(unique=True)
    office_code: Mapped[str] = mapped_column(String(8))
    case_uuid: Mapped[uuid.UUID | None] = mapped_column(index=True)
    case_revision: Mapped[int | None]
    at: Mapped[dt.datetime]
    actor: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(48))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    hash: Mapped[str | None] = mapped_column(String(64))
    bundle_id: Mapped[uuid.UUID]
