"""Bundles in and out: export for HQ (or HQ's answer to an office), and import."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import emit_json, unlock
from app.config import DataPaths
from app.i18n import gettext as _
from app.i18n import translate_error


def export(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.domain.errors import NothingToExport
    from app.services.bundle_export import export_bundle

    workspace = unlock(args, paths)
    try:
        result = export_bundle(
            workspace,
            Path(args.export_to),
            everything=args.all,
            include_demo=args.demo,
            office=args.office,
        )
    except NothingToExport as nothing:
        print(translate_error(nothing))
        return 0
    finally:
        workspace.close()
    if args.json:
        emit_json(
            {
                "path": str(result.path),
                "bundle_id": str(result.bundle_id),
                "sequence": result.sequence,
                "cases": result.cases,
                "tombstones": result.tombstones,
                "receipts": result.receipts,
                "decisions": result.decisions,
            }
        )
    else:
        print(
            _(
                "Bundle {sequence} written to {path}: {cases} cases, {tombstones} erased, "
                "{receipts} receipts, {decisions} decisions."
            ).format(
                sequence=result.sequence,
                path=result.path,
                cases=result.cases,
                tombstones=result.tombstones,
                receipts=result.receipts,
                decisions=result.decisions,
            )
        )
    return 0


def import_bundles(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.bundle_import import import_bundle, import_summary

    workspace = unlock(args, paths)
    results = []
    try:
        for name in args.bundle_files:
            results.append(import_bundle(workspace, Path(name)))
    finally:
        workspace.close()
    if args.json:
        emit_json(
            [
                {
                    "bundle_id": str(r.bundle_id),
                    "from": r.sender_office,
                    "sequence": r.sequence,
                    "already_imported": r.already_imported,
                    "new": r.new_cases,
                    "updated": r.updated,
                    "unchanged": r.unchanged,
                    "conflicts": r.conflicts,
                    "erased": r.erased,
                    "receipts": r.receipts,
                    "decisions": r.decisions,
                    "quarantined": [
                        {"case_number": q.case_number, "reason": q.reason} for q in r.quarantined
                    ],
                    "missing": list(r.missing) if r.missing else None,
                }
                for r in results
            ]
        )
    else:
        for result in results:
            print(import_summary(result))
    return 0
