"""The data as a whole and a returnee's share of it: backup and restore, a returnee's
data on request, erasing a case, and purging what the retention period has passed."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import ask_password, emit_json, output_file, signing_in_as, unlock
from app.config import DataPaths
from app.domain.errors import NotInitialised
from app.i18n import gettext as _


def backup(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.backup import back_up

    out = output_file(args.backup_to, "to")
    workspace = unlock(args, paths)
    try:
        info = back_up(workspace, out)
    finally:
        workspace.close()
    print(_("Backup written to {path} and checked ({size} MB of store).").format(
        path=info.path, size=round(info.store_bytes / 1_000_000, 1)))  # fmt: skip
    return 0


def restore(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services import backup as backups

    if not paths.root.is_dir():
        raise NotInitialised(path=str(paths.root))
    password = ask_password(_("Password (an account in the backup): "))
    kept = backups.restore(paths, Path(args.backup_file), signing_in_as(args), password)
    print(_("Backup restored. The store it replaced is kept in {path}.").format(path=kept))
    return 0


def returnee_data(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.returnee_data import export_returnee_data

    workspace = unlock(args, paths)
    try:
        target = export_returnee_data(workspace, args.case_number, Path(args.data_to))
    finally:
        workspace.close()
    print(_("Everything held about the returnee of {case} is in {path}.").format(
        case=args.case_number.strip().upper(), path=target))  # fmt: skip
    return 0


def erase(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.domain.erasure import ErasureReason
    from app.services.erasure import erase_case

    workspace = unlock(args, paths)
    try:
        erased = erase_case(workspace, args.case_number, ErasureReason(args.reason),
                            confirmation=args.confirm)  # fmt: skip
    finally:
        workspace.close()
    print(_("Case {case} is erased; a tombstone keeps its number so it cannot come back.").format(
        case=erased.case_number))  # fmt: skip
    return 0


def purge(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.erasure import due_for_retention, purge_report_text, purge_retention

    workspace = unlock(args, paths)
    try:
        if args.dry_run:
            due = due_for_retention(workspace)
            if args.json:
                emit_json({"due": [
                    {"case_number": c.case_number, "status": c.status.value,
                     "last_change": c.last_change.isoformat()} for c in due
                ]})  # fmt: skip
            else:
                print(_("{count} ended cases are past the retention period.").format(
                    count=len(due)))  # fmt: skip
                for candidate in due:
                    print(f"{candidate.case_number}  {candidate.status.value}  "
                          f"{candidate.last_change.date().isoformat()}")  # fmt: skip
            return 0
        report = purge_retention(workspace)
    finally:
        workspace.close()
    if args.json:
        emit_json({
            "office": report.office_code, "retention_years": report.retention_years,
            "cutoff": report.cutoff.isoformat(), "erased_by": report.erased_by,
            "at": report.at.isoformat(),
            "erased": [{"case_number": e.case_number, "status": e.status.value,
                        "last_change": e.last_change.isoformat()} for e in report.erased],
        })  # fmt: skip
    else:
        print(purge_report_text(report))
    return 0
