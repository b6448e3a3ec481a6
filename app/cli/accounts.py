"""User accounts: list, add, disable, reset a password, a new recovery key, and the
signed-in user's own password."""

from __future__ import annotations

import argparse

from app.cli.common import (
    NEW_PASSWORD_NEEDED,
    ask_password,
    emit_json,
    new_account_password,
    print_recovery_key,
    signing_in_as,
    unlock,
)
from app.config import DataPaths
from app.domain.errors import NotInitialised
from app.domain.text import printable
from app.i18n import gettext as _


def users(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.domain.accounts import Role
    from app.services.accounts import (
        add_account,
        disable_account,
        list_accounts,
        reset_password,
    )

    if args.users_command == "passwd":
        return passwd(args, paths)
    workspace = unlock(args, paths)
    try:
        if args.users_command == "add":
            password = new_account_password(args.username)
            account = add_account(workspace, args.username, args.name, Role(args.role), password)
            print(_("Added {user} ({role}).").format(user=account.username, role=account.role))
            return 0
        if args.users_command == "disable":
            account = disable_account(workspace, args.username)
            print(_("Disabled {user}.").format(user=account.username))
            return 0
        if args.users_command == "recovery-key":
            from app.services.recovery import issue_recovery_key

            print_recovery_key(issue_recovery_key(workspace))
            return 0
        if args.users_command == "reset-password":
            password = new_account_password(args.username, needed=NEW_PASSWORD_NEEDED)
            account = reset_password(workspace, args.username, password)
            print(
                _("Reset the password of {user}; a new one is chosen at the next sign-in.").format(
                    user=account.username
                )
            )
            return 0
        accounts = list_accounts(workspace)
    finally:
        workspace.close()
    if args.json:
        emit_json(
            [
                {
                    "username": a.username,
                    "name": a.display_name,
                    "role": a.role.value,
                    "active": a.active,
                    "must_change_password": a.must_change_password,
                    "last_sign_in": a.last_login_at.isoformat() if a.last_login_at else None,
                }
                for a in accounts
            ]
        )
    else:
        for a in accounts:
            state = "active" if a.active else "disabled"
            flag = "  must-change-password" if a.must_change_password else ""
            name = printable(a.display_name)
            print(f"{a.username:<20} {a.role.value:<11} {state:<9} {name}{flag}")
    return 0


def passwd(args: argparse.Namespace, paths: DataPaths) -> int:
    """The signed-in user's own password; the one way to replace a temporary password here."""
    from app.services.accounts import change_password, change_temporary_password
    from app.services.workspace import unlock as open_workspace

    if not paths.is_initialised():
        raise NotInitialised(path=str(paths.root))
    current = ask_password(_("Current password: "))
    workspace = open_workspace(paths, signing_in_as(args), current, allow_temporary_password=True)
    try:
        new = new_account_password(workspace.user.username, needed=NEW_PASSWORD_NEEDED)
        if workspace.user.must_change_password:
            change_temporary_password(workspace, current, new)
        else:
            change_password(workspace, current, new)
    finally:
        workspace.close()
    print(_("Changed the password of {user}.").format(user=workspace.user.username))
    return 0
