"""Local user accounts: add, list, change a password, disable."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from app.domain.accounts import (
    MIN_PASSWORD_LENGTH,
    Permission,
    Role,
    normalise_username,
    password_problem,
    username_problem,
)
from app.domain.errors import N_, DuplicateUser, InvalidInput
from app.services.workspace import Workspace
from app.store import audit
from app.store.models import UserAccount


@dataclass(frozen=True)
class AccountView:
    uuid: uuid.UUID
    username: str
    display_name: str
    role: Role
    active: bool
    last_login_at: dt.datetime | None


def list_accounts(workspace: Workspace) -> list[AccountView]:
    with workspace.reading() as session:
        accounts = session.scalars(select(UserAccount).order_by(UserAccount.username))
        return [
            AccountView(a.uuid, a.username, a.display_name, Role(a.role), a.active, a.last_login_at)
            for a in accounts
        ]


def add_account(
    workspace: Workspace, username: str, display_name: str, role: Role, password: str
) -> AccountView:
    workspace.require(Permission.MANAGE_ACCOUNTS)
    name = normalise_username(username)
    problems: dict[str, str] = {}
    if problem := username_problem(name):
        problems["username"] = problem
    if problem := password_problem(password):
        problems["password"] = problem
    if len(display_name) > 200:
        problems["display_name"] = N_("the name has at most 200 characters")
    if problems:
        raise InvalidInput(problems, min_length=MIN_PASSWORD_LENGTH)
    with workspace.transaction() as session:
        if session.scalar(select(UserAccount.id).where(UserAccount.username == name)):
            raise DuplicateUser(username=name)
        account = UserAccount(username=name, display_name=display_name.strip() or name, role=role)
        session.add(account)
        session.flush()
        audit.record(
            session,
            "account.added",
            user_id=workspace.user.id,
            detail={"username": name, "role": role.value},
        )
        # The key slot is written before the commit: if it fails, no account is left that
        # could never sign in.
        workspace.seal_for(name, password)
        return AccountView(account.uuid, name, account.display_name, role, True, None)


def change_password(workspace: Workspace, current: str, new: str) -> None:
    """The signed-in user replaces their own password (the old one must be right)."""
    workspace.keyring.open(workspace.user.username, current)
    if problem := password_problem(new):
        raise InvalidInput({"password": problem}, min_length=MIN_PASSWORD_LENGTH)
    with workspace.transaction() as session:
        audit.record(session, "account.password_changed", user_id=workspace.user.id)
        workspace.seal_for(workspace.user.username, new)
