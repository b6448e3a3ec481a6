"""The history of one case, read from its audit trail, for people to look through.

Each audit event becomes a :class:`HistoryEntry` with a structured description that the UI
words in the interface language. Personal data in the trail (the old and new values of an
identity change, the reason given for a status change or a decision) reaches only those who
may review cases; others learn that something changed, not what it was.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import or_, select

from app.domain.accounts import Permission, may
from app.domain.errors import N_
from app.domain.session import STEP_LABELS
from app.formdefs import FormRegistry, load_forms
from app.formdefs.versions import split_key
from app.services.cases import load_case
from app.services.workspace import Workspace
from app.store import audit
from app.store.models import AuditEvent, UserAccount

PRINT_FORM_LABELS = {
    "request": N_("Request form"),
    "plan": N_("Reintegration plan"),
    "consent": N_("Consent"),
}
# Identity fields as the new-case dialog names them (household members: "household[N].x").
IDENTITY_FIELD_LABELS = {
    "given_name": N_("Given name"),
    "family_name": N_("Family name"),
    "native_name": N_("Name in own script"),
    "date_of_birth": N_("Date of birth"),
    "date_of_birth_precision": N_("Date of birth"),
    "sex": N_("Sex"),
    "nationality": N_("Nationality"),
    "country_of_return": N_("Country of return"),
    "region_of_return": N_("Region of return"),
    "session_language": N_("Language of the session"),
    "relationship": N_("Relationship"),
    "relationship_to_returnee": N_("Relationship"),
    "returns_together": N_("Returns together"),
}
_MEMBER = re.compile(r"^household\[(\d+)\](?:\.(.+))?$")


@dataclass(frozen=True)
class CaseOpened:
    household_members: int | None


@dataclass(frozen=True)
class FieldName:
    """A form field: its id and its label (a message id; "" when the form no longer has it)."""

    id: str
    label: str


@dataclass(frozen=True)
class AnswersSaved:
    form: str
    form_label: str  # message id, "" for an unknown form
    fields: tuple[FieldName, ...]


@dataclass(frozen=True)
class StepCompleted:
    form: str
    form_label: str


@dataclass(frozen=True)
class StatusChanged:
    old: str  # CaseStatus values, kept as text: an imported event may carry a newer one
    new: str
    reason_given: bool
    reason: str | None  # None when none was given or the reader may not see it


@dataclass(frozen=True)
class LanguageChanged:
    language: str


@dataclass(frozen=True)
class CasePrinted:
    form: str
    form_label: str
    language: str
    sha256: str
    pages: int | None
    plan_revision: int | None
    target: str  # "printer", "file", or what a newer version wrote


@dataclass(frozen=True)
class IdentityChange:
    field: str  # as recorded: "given_name", "household[2].date_of_birth"
    label: str  # message id of the field, "" when unknown
    member: int | None  # the household member's number, None for the returnee
    old: str | None  # None when empty, or when values are hidden
    new: str | None


@dataclass(frozen=True)
class IdentityChanged:
    changes: tuple[IdentityChange, ...]
    values_shown: bool


@dataclass(frozen=True)
class DecisionRecorded:
    outcome: str  # "approved" or "rejected"
    approved_total_eur: str | None
    source: str
    reason_given: bool
    reason: str | None  # None when none was given or the reader may not see it


@dataclass(frozen=True)
class OtherEvent:
    """An action this version does not describe: shown by its code."""


Description = (
    CaseOpened
    | AnswersSaved
    | StepCompleted
    | StatusChanged
    | LanguageChanged
    | CasePrinted
    | IdentityChanged
    | DecisionRecorded
    | OtherEvent
)


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime  # UTC
    who: str  # the account's display name, "" for the system
    username: str
    action: str
    case_revision: int | None
    description: Description


def case_history(workspace: Workspace, case_number: str) -> tuple[HistoryEntry, ...]:
    """Everything recorded about ``case_number``, newest first."""
    workspace.require(Permission.WORK_ON_CASES)
    reader = _Reader(may(workspace.user.role, Permission.REVIEW_CASES), load_forms())
    with workspace.reading() as session:
        case = load_case(session, case_number)
        rows = session.execute(
            select(AuditEvent, UserAccount.display_name, UserAccount.username)
            .outerjoin(UserAccount, UserAccount.id == AuditEvent.user_id)
            .where(or_(AuditEvent.case_id == case.id, AuditEvent.case_uuid == case.uuid))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        ).all()
        return tuple(
            HistoryEntry(
                at=event.at,
                who=display_name or "",
                username=username or "",
                action=event.action,
                case_revision=event.case_revision,
                description=reader.describe(event.action, event.detail or {}, event.note or ""),
            )
            for event, display_name, username in rows
        )


def verify_audit_trail(workspace: Workspace) -> audit.ChainReport:
    """Walk the whole audit trail's hash chain (``homeward audit verify``)."""
    workspace.require(Permission.WORK_ON_CASES)
    with workspace.reading() as session:
        return audit.verify(session)


def case_trail_intact(workspace: Workspace, case_number: str) -> bool:
    """Whether every audit event of the case still fits the hash chain (nothing of it was
    edited, and no event just before one of them was removed, outside Homeward)."""
    workspace.require(Permission.WORK_ON_CASES)
    with workspace.reading() as session:
        case = load_case(session, case_number)
        events = list(session.scalars(
            select(AuditEvent)
            .where(or_(AuditEvent.case_id == case.id, AuditEvent.case_uuid == case.uuid))
            .order_by(AuditEvent.id)
        ))  # fmt: skip
        return audit.holds_for(session, events)


class _Reader:
    """Turns one event's detail into a description; a malformed one is shown by its code."""

    def __init__(self, sees_values: bool, forms: FormRegistry) -> None:
        self.sees_values = sees_values
        self.forms = forms

    def describe(self, action: str, detail: Mapping[str, object], note: str) -> Description:
        try:
            return self._describe(action, detail, note)
        except (KeyError, TypeError, ValueError, AttributeError):
            return OtherEvent()

    def _describe(self, action: str, detail: Mapping[str, object], note: str) -> Description:
        match action:
            case "case.opened":
                members = detail.get("household_members")
                return CaseOpened(members if isinstance(members, int) else None)
            case "answers.saved":
                form = _text(detail, "form")
                fields = detail.get("fields") or []
                if not isinstance(fields, list):
                    raise TypeError("fields")
                return AnswersSaved(
                    form,
                    STEP_LABELS.get(form, ""),
                    self._fields(form, _text(detail, "version"), [str(f) for f in fields]),
                )
            case "step.completed":
                form = _text(detail, "form")
                return StepCompleted(form, STEP_LABELS.get(form, ""))
            case "case.status_changed":
                return StatusChanged(
                    _text(detail, "from"),
                    _text(detail, "to"),
                    bool(detail.get("reason_given")) or bool(note),
                    self._reason(note),
                )
            case "case.language_changed":
                return LanguageChanged(_text(detail, "language"))
            case "case.printed":
                form = _text(detail, "form")
                return CasePrinted(
                    form,
                    PRINT_FORM_LABELS.get(form, ""),
                    _text(detail, "language"),
                    _text(detail, "sha256"),
                    _number(detail, "pages"),
                    _number(detail, "plan_revision"),
                    _text(detail, "target"),
                )
            case "case.identity_changed":
                changes = detail.get("changes")
                if not isinstance(changes, list):
                    raise TypeError("changes")
                return IdentityChanged(
                    tuple(self._identity_change(change) for change in changes), self.sees_values
                )
            case "decision.recorded":
                total = detail.get("approved_total_eur")
                return DecisionRecorded(
                    _text(detail, "outcome"),
                    str(total) if total is not None else None,
                    _text(detail, "source"),
                    bool(note),
                    self._reason(note),
                )
        return OtherEvent()

    def _fields(self, form_id: str, version: str, ids: list[str]) -> tuple[FieldName, ...]:
        """The fields with their labels, in the order the form asks them (unknown ones last)."""
        if form_id not in self.forms.form_ids:
            return tuple(FieldName(field_id, "") for field_id in ids)
        form = self.forms.version(form_id, version)
        order = {field.id: position for position, field in enumerate(form.fields)}

        def question(key: str) -> str:  # "objectives@ru", the Russian version, is "objectives"
            parts = split_key(key)
            return parts[0] if parts else key

        ordered = sorted(ids, key=lambda key: order.get(question(key), len(order)))
        return tuple(
            FieldName(f, form.field(question(f)).label if form.has_field(question(f)) else "")
            for f in ordered
        )

    def _reason(self, note: str) -> str | None:
        return note if note and self.sees_values else None

    def _identity_change(self, change: object) -> IdentityChange:
        if not isinstance(change, Mapping):
            raise TypeError("change")
        path = _text(change, "field")
        name, member = path, None
        if matched := _MEMBER.match(path):
            member, name = int(matched.group(1)), matched.group(2) or ""
        old, new = change.get("old"), change.get("new")
        return IdentityChange(
            path,
            IDENTITY_FIELD_LABELS.get(name, ""),
            member,
            _value(old) if self.sees_values else None,
            _value(new) if self.sees_values else None,
        )


def _text(detail: Mapping[str, object], key: str) -> str:
    value = detail.get(key)
    return "" if value is None else str(value)


def _number(detail: Mapping[str, object], key: str) -> int | None:
    value = detail.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _value(value: object) -> str | None:
    return None if value is None or value == "" else str(value)
