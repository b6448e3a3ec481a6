"""Erasing cases: one on a supervisor's decision, or every ended case the office's retention
period has reached. Each leaves a tombstone and redacts the case's audit details in the same
transaction, so the hash chain still verifies and an old bundle cannot bring the case back.

Backups made before an erasure still hold the case until they are rotated out; the report
says so, because that is the supervisor's to know.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import check_output, write_output
from app.domain.accounts import Permission
from app.domain.cases import STATUS_LABELS, CaseNumber, CaseStatus
from app.domain.erasure import (
    ENDED_STATUSES,
    ErasureReason,
    retention_cutoff,
    retention_years_problem,
)
from app.domain.errors import (
    ErasureNotConfirmed,
    InvalidInput,
    OperationCancelled,
)
from app.i18n import fill
from app.i18n import gettext as _
from app.services.cases import load_case
from app.services.workspace import Workspace
from app.store import audit, search
from app.store.models import Case, CaseTombstone, Installation, Office

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ErasedCase:
    case_number: str
    status: CaseStatus
    last_change: dt.datetime
    erased_at: dt.datetime


@dataclass(frozen=True)
class RetentionCandidate:
    case_number: str
    status: CaseStatus
    last_change: dt.datetime


@dataclass(frozen=True)
class PurgeReport:
    """What a retention purge erased: case numbers and dates only, no personal data."""

    office_code: str
    retention_years: int
    cutoff: dt.date
    erased_by: str
    at: dt.datetime
    erased: tuple[ErasedCase, ...]


def erase_case(
    workspace: Workspace, case_number: str, reason: ErasureReason, *, confirmation: str
) -> ErasedCase:
    """Erase one case; ``confirmation`` is the case number typed a second time."""
    workspace.require(Permission.ERASE_CASES)
    with workspace.transaction() as session:
        case = load_case(session, case_number)
        if CaseNumber.parse(confirmation) != CaseNumber.parse(case.case_number):
            raise ErasureNotConfirmed(case_number=case.case_number)
        return erase_loaded_case(session, case, reason, workspace.user.id)


def retention_years(workspace: Workspace) -> int:
    with workspace.reading() as session:
        return session.scalars(select(Installation)).one().retention_years


def set_retention_years(workspace: Workspace, years: int) -> None:
    workspace.require(Permission.MANAGE_OFFICE)
    if problem := retention_years_problem(years):
        raise InvalidInput({"retention_years": problem})
    with workspace.transaction() as session:
        session.scalars(select(Installation)).one().retention_years = years
        audit.record(session, "office.retention_changed", user_id=workspace.user.id,
                     detail={"years": years})  # fmt: skip


def due_for_retention(
    workspace: Workspace, today: dt.date | None = None
) -> list[RetentionCandidate]:
    """Ended cases (closed or withdrawn) whose last change is older than the retention
    period, oldest first. Demo cases are left to ``demo --remove``."""
    workspace.require(Permission.ERASE_CASES)
    with workspace.reading() as session:
        return [
            RetentionCandidate(case.case_number, CaseStatus(case.status), case.updated_at)
            for case in session.scalars(_due(session, today or dt.date.today()))
        ]


def purge_retention(
    workspace: Workspace,
    today: dt.date | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PurgeReport:
    """Erase every case due for retention, all in one transaction: a cancel or a failure
    erases none of them."""
    workspace.require(Permission.ERASE_CASES)
    today = today or dt.date.today()
    with workspace.transaction() as session:
        installation = session.scalars(select(Installation)).one()
        years = installation.retention_years
        cases = list(session.scalars(_due(session, today)))
        erased = []
        for done, case in enumerate(cases):
            if cancelled is not None and cancelled():
                raise OperationCancelled()
            erased.append(erase_loaded_case(session, case, ErasureReason.RETENTION,
                                            workspace.user.id))  # fmt: skip
            if progress is not None:
                progress(done + 1, len(cases))
        audit.record(session, "retention.purged", user_id=workspace.user.id,
                     detail={"cases": len(erased), "years": years})  # fmt: skip
        office_code = installation.office.code
    return PurgeReport(office_code, years, retention_cutoff(today, years),
                       workspace.user.display_name, dt.datetime.now(dt.UTC),
                       tuple(erased))  # fmt: skip


def _due(session: Session, today: dt.date):  # type: ignore[no-untyped-def]
    years = session.scalars(select(Installation)).one().retention_years
    cutoff = dt.datetime.combine(retention_cutoff(today, years), dt.time(), dt.UTC)
    return (
        select(Case)
        .where(Case.status.in_([s.value for s in ENDED_STATUSES]), Case.updated_at < cutoff,
               Case.is_demo.is_(False))
        .order_by(Case.updated_at, Case.id)
    )  # fmt: skip


def _office_code(session: Session, case: Case) -> str:
    return session.get_one(Office, case.office_id).code


def erase_loaded_case(
    session: Session, case: Case, reason: ErasureReason, user_id: int
) -> ErasedCase:
    """Erase ``case`` within the caller's transaction (also used when a bundle brings an
    office's tombstone to HQ)."""
    office_code = _office_code(session, case)
    number, case_uuid, status, last_change = (
        case.case_number, case.uuid, CaseStatus(case.status), case.updated_at
    )  # fmt: skip
    search.remove_case(session, case.id)
    audit.redact_case(session, case_uuid)
    session.delete(case)
    tombstone = CaseTombstone(case_uuid=case_uuid, case_number=number, office_code=office_code,
                              reason=reason.value, erased_by_id=user_id)  # fmt: skip
    session.add(tombstone)
    session.flush()
    audit.record(session, "case.erased", user_id=user_id, case_uuid=case_uuid,
                 detail={"case_number": number, "reason": reason.value})  # fmt: skip
    return ErasedCase(number, status, last_change, tombstone.erased_at)


def purge_report_text(report: PurgeReport) -> str:
    """The purge report as a person reads it (and keeps it): numbers and dates only."""
    lines = [
        fill(_("Retention purge, office {office}"), office=report.office_code),
        fill(
            _("Retention period: {years} years (ended cases last changed before {date})"),
            years=report.retention_years,
            date=report.cutoff.isoformat(),
        ),
        fill(
            _("Done by {name} at {time} UTC"),
            name=report.erased_by,
            time=report.at.strftime("%Y-%m-%d %H:%M"),
        ),
        fill(_("Cases erased: {count}"), count=len(report.erased)),
        "",
    ]
    for erased in report.erased:
        status = _(STATUS_LABELS[erased.status])
        lines.append(fill(_("{case}  {status}, last change {date}"), case=erased.case_number,
                          status=status, date=erased.last_change.date().isoformat()))  # fmt: skip
    if report.erased:
        lines += ["", _(
            "Backups made before this purge still hold these cases until they are rotated "
            "out; a tombstone for each case keeps it from coming back in a bundle."
        )]  # fmt: skip
    return "\n".join(lines)


def save_purge_report(workspace: Workspace, report: PurgeReport, out: Path) -> None:
    """Keep the report as a text file where the supervisor chooses (never in the data
    folder, never over anything but a regular file)."""
    check_output(workspace.paths, out)
    write_output(out, (purge_report_text(report) + "\n").encode("utf-8"))
