"""Bundle keys: this installation's own (show, export, rotate, revoke) and the peers' it
trusts (trust, accept, revoke, list)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import emit_json, output_file, unlock
from app.config import DataPaths
from app.i18n import gettext as _


def manage_keys(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services import keys

    workspace = unlock(args, paths)
    try:
        action = args.keys_command
        if action == "show":
            own = keys.own_keys(workspace)
            if args.json:
                emit_json(
                    {
                        "fingerprint": own.fingerprint,
                        "role": own.role,
                        "office": own.office_code,
                        "created_at": own.created_at.isoformat(),
                    }
                )
            else:
                print(
                    _("Fingerprint of {office} ({role}): {fingerprint}").format(
                        office=own.office_code, role=own.role, fingerprint=own.fingerprint
                    )
                )
        elif action == "export":
            fingerprint = keys.export_public_keys(workspace, output_file(args.out, "out"))
            print(
                _("Public keys written to {path}. Fingerprint to read aloud: {fingerprint}").format(
                    path=args.out, fingerprint=fingerprint
                )
            )
        elif action == "trust":
            path = Path(args.key_file)
            if not args.fingerprint:
                export = keys.inspect_key_export(path)
                print(
                    _(
                        "{office} ({role}) has the fingerprint {fingerprint}. If the sender "
                        "read you the same, run again with --fingerprint {fingerprint}."
                    ).format(
                        office=export.office_code, role=export.role, fingerprint=export.fingerprint
                    )
                )
                return 1
            trusted = keys.trust_key_export(workspace, path, args.fingerprint)
            print(
                _("{office} ({role}) is trusted: {fingerprint}").format(
                    office=trusted.office_code, role=trusted.role, fingerprint=trusted.fingerprint
                )
            )
        elif action == "rotate":
            fingerprint = keys.rotate_own_keys(workspace, output_file(args.out, "out"))
            print(
                _("New keys made ({fingerprint}). Send {path} to every peer.").format(
                    fingerprint=fingerprint, path=args.out
                )
            )
        elif action == "revoke-own":
            fingerprint = keys.revoke_own_keys(workspace, output_file(args.out, "out"),
                                               args.reason)  # fmt: skip
            told = _(
                "The old key is revoked in {path}: send it to every peer, then your new "
                "key file (fingerprint {fingerprint})."
            )
            print(told.format(path=args.out, fingerprint=fingerprint))
        elif action == "accept":
            trusted = keys.accept_key_statement(workspace, Path(args.key_file))
            state = _("revoked") if trusted.revoked else _("trusted")
            print(f"{trusted.office_code} {trusted.fingerprint}: {state}")
        elif action == "revoke":
            trusted = keys.revoke_peer(workspace, args.fingerprint)
            revoked = _("revoked")
            print(f"{trusted.office_code} {trusted.fingerprint}: {revoked}")
        else:
            peers = keys.trusted_keys(workspace)
            if args.json:
                emit_json(
                    [
                        {
                            "office": p.office_code,
                            "role": p.role,
                            "name": p.name,
                            "fingerprint": p.fingerprint,
                            "revoked": p.revoked,
                            "replaced_by": p.replaced_by,
                            "trusted_at": p.trusted_at.isoformat(),
                        }
                        for p in peers
                    ]
                )
            for peer in peers if not args.json else []:
                state = (
                    _("revoked")
                    if peer.revoked
                    else (_("replaced") if peer.replaced_by else _("trusted"))
                )
                print(f"{peer.office_code:8} {peer.role:6} {peer.fingerprint}  {state}")
    finally:
        workspace.close()
    return 0
