"""The audit trail: check its hash chain."""

from __future__ import annotations

import argparse
import sys

from app.cli.common import emit_json, unlock
from app.config import DataPaths
from app.i18n import gettext as _


def verify_audit(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.history import verify_audit_trail

    workspace = unlock(args, paths)
    try:
        report = verify_audit_trail(workspace)
    finally:
        workspace.close()
    broken = report.broken
    if args.json:
        emit_json({
            "intact": broken is None,
            "events": report.events,
            "broken_at": None if broken is None else {
                "position": broken.position, "at": broken.at.isoformat(), "action": broken.action,
            },
        })  # fmt: skip
        return 0 if broken is None else 1
    if broken is not None:
        print("homeward: " + _(
            "The audit trail is broken at event {position} ({date}, {action}): that event, or "
            "one before it, was changed or removed outside Homeward."
        ).format(position=broken.position, date=broken.at.isoformat(timespec="seconds"),
                 action=broken.action), file=sys.stderr)  # fmt: skip
        return 1
    last = report.last_at.isoformat(timespec="seconds") if report.last_at else "—"
    print(_("The audit trail is intact: {count} events, the last at {date}.").format(
        count=report.events, date=last))  # fmt: skip
    return 0
