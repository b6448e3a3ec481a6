"""The installation itself: the desktop app, set-up, recovery, where the store is, and the
languages on offer."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from app.cli.common import (
    NEW_PASSWORD_NEEDED,
    RECOVERY_KEY_ENV,
    RECOVERY_KEY_NEEDED,
    ask_password,
    emit_json,
    new_account_password,
    print_recovery_key,
)
from app.config import DataPaths
from app.domain.errors import InvalidInput
from app.i18n import gettext as _


def gui(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.ui.application import run_gui

    return run_gui(paths)


def init(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.domain.errors import AlreadyInitialised
    from app.services.recovery import issue_recovery_key
    from app.services.workspace import initialise, unlock

    if paths.is_initialised():
        raise AlreadyInitialised(path=str(paths.root))
    admin_password = ask_password(_("Password for the new admin: "), confirm=True)
    info = initialise(
        paths,
        role=args.role,
        office_code=args.office,
        office_name=args.office_name,
        admin_username=args.admin,
        admin_password=admin_password,
        admin_display_name=args.admin_name,
    )
    print(
        _("Set up {role} installation for office {code} ({name}) in {path}.").format(
            role=info.role, code=info.office_code, name=info.office_name, path=paths.root
        )
    )
    workspace = unlock(paths, args.admin, admin_password)
    try:
        print_recovery_key(issue_recovery_key(workspace))
    finally:
        workspace.close()
    return 0


def recover(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services import recovery

    key = os.environ.get(RECOVERY_KEY_ENV)
    if not key:
        if not sys.stdin.isatty():
            raise InvalidInput({"recovery_key": RECOVERY_KEY_NEEDED})
        key = getpass.getpass(_("Recovery key: "))
    new = new_account_password(args.recover_admin, needed=NEW_PASSWORD_NEEDED)
    recovery.recover(paths, key, args.recover_admin, new)
    print(_("{user} has a new password; sign in with it.").format(user=args.recover_admin))
    return 0


def where(args: argparse.Namespace, paths: DataPaths) -> int:
    """Where this installation keeps its cases (``homeward status`` without a case).

    Nothing is opened and no password is asked: it is what to check first when a server
    cannot be reached or the wrong folder is used. A server's password is never shown."""
    if paths.database_url is not None:
        from app.store.engine import safe_url

        store = safe_url(paths.database_url)
        told = _("Cases: {store} (PostgreSQL server)")
    else:
        store = str(paths.database)
        told = _("Cases: {store} (encrypted file)")
    initialised = paths.is_initialised()
    if args.json:
        emit_json(
            {
                "data_dir": str(paths.root),
                "store": store,
                "on_server": paths.on_server,
                "initialised": initialised,
            }
        )
        return 0
    print(_("Data folder: {path}").format(path=paths.root))
    print(told.format(store=store))
    if not initialised:
        print(_("Not set up yet: run 'homeward init'."))
    return 0


def languages(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.languages import language_report

    report = language_report()
    if args.json:
        emit_json(report)
    else:
        for entry in report:
            print(f"{entry['code']:<3} {entry['name']:<16} {entry['script']} {entry['direction']}")
    return 0
