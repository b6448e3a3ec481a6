"""Local user accounts: add, list, disable, reset and change passwords.

An account's password is its key slot (see :mod:`app.store.keyring`): disabling takes the slot
away, a reset seals a new one under a temporary password. Each use case changes the account
row and the slot together (:meth:`Workspace.account_transaction`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.accounts import (
    MIN_PASSWORD_LENGTH,
    Permission,
    Role,
    disable_refusal,
    display_name_problem,
    new_password_problem,
    normalise_username,
    password_problem,
    reset_refusal,
    username_problem,
)
from app.domain.errors import (
    N_,
    AccountDisabled,
    AuthenticationFailed,
    DuplicateUser,
    InvalidInput,
    UserNotFound,
)
from app.services.workspace import Workspace
from app.store import audit
from app.store.models import UserAccount

WRONG_CURRENT_PASSWORD = N_("The current password is not right.")


@dataclass(frozen=True)
class AccountView:
    uuid: uuid.UUID
    username: str
    display_name: str
    role: Role
    active: bool
    last_login_at: dt.datetime | None
    must_change_password: bool


def _view(account: UserAccount) -> AccountView:
    return AccountView(
        account.uuid,
        account.username,
        account.display_name,
        Role(account.role),
        account.active,
        account.last_login_at,
        account.must_change_password,
    )


def _account(session: Session, username: str) -> UserAccount:
    account = session.scalar(select(UserAccount).where(UserAccount.username == username))
    if account is None:
        raise UserNotFound(username=username)
    return account


def list_accounts(workspace: Workspace) -> list[AccountView]:
    with workspace.reading() as session:
        accounts = session.scalars(select(UserAccount).order_by(UserAccount.username))
        return [_view(a) for a in accounts]


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
    if problem := display_name_problem(display_name):
        problems["display_name"] = problem
    if problems:
        raise InvalidInput(problems, min_length=MIN_PASSWORD_LENGTH)
    with workspace.account_transaction() as session:
        if session.scalar(select(UserAccount.id).where(UserAccount.username == name)):
            raise DuplicateUser(username=name)
        account = UserAccount(
            username=name,
            display_name=display_name.strip() or name,
            role=role,
            active=True,
            must_change_password=False,
        )
        session.add(account)
        session.flush()
        audit.record(
            session,
            "account.added",
            user_id=workspace.user.id,
            detail={"username": name, "role": role.value},
        )
        workspace.seal_for(name, password)  # last: undone if the commit fails
        return _view(account)


def disable_account(workspace: Workspace, username: str) -> AccountView:
    """Stop ``username`` signing in: its key slot goes, so its password opens nothing.
    An administrator enables it again by resetting its password."""
    workspace.require(Permission.MANAGE_ACCOUNTS)
    name = normalise_username(username)
    with workspace.account_transaction() as session:
        account = _account(session, name)
        was_active = account.active
        account.active = False
        # Count after the write: two administrators disabling each other at once cannot
        # both see the other one still active.
        session.flush()
        others = session.scalar(
            select(func.count(UserAccount.id)).where(
                UserAccount.role == Role.ADMIN.value,
                UserAccount.active.is_(True),
                UserAccount.id != account.id,
            )
        )
        refusal = disable_refusal(
            name,
            signed_in=workspace.user.username,
            role=Role(account.role),
            active=was_active,
            active_admins=(others or 0) + (1 if was_active and account.role == Role.ADMIN else 0),
        )
        if refusal is not None:
            raise refusal
        if was_active:
            audit.record(
                session, "account.disabled", user_id=workspace.user.id, detail={"username": name}
            )
        workspace.remove_slot(name)  # last: put back if the commit fails
        return _view(account)


def reset_password(workspace: Workspace, username: str, temporary_password: str) -> AccountView:
    """Give ``username`` a temporary password, to be replaced at their next sign-in. This is
    also how a disabled account is enabled again."""
    workspace.require(Permission.MANAGE_ACCOUNTS)
    name = normalise_username(username)
    if refusal := reset_refusal(name, signed_in=workspace.user.username):
        raise refusal
    if problem := password_problem(temporary_password):
        raise InvalidInput({"password": problem}, min_length=MIN_PASSWORD_LENGTH)
    with workspace.account_transaction() as session:
        account = _account(session, name)
        enabled_again = not account.active
        account.active = True
        account.must_change_password = True
        audit.record(
            session,
            "account.password_reset",
            user_id=workspace.user.id,
            detail={"username": name, "enabled_again": enabled_again},
        )
        workspace.seal_for(name, temporary_password)  # last: undone if the commit fails
        return _view(account)


def change_password(workspace: Workspace, current: str, new: str) -> None:
    """The signed-in user replaces their own password (the current one must be right)."""
    _change_own_password(workspace, current, new, after_reset=False)


def change_temporary_password(workspace: Workspace, temporary: str, new: str) -> None:
    """The forced change right after signing in with a password an administrator reset:
    ``temporary`` is the password just typed at sign-in."""
    _change_own_password(workspace, temporary, new, after_reset=True)


def _change_own_password(
    workspace: Workspace, current: str, new: str, *, after_reset: bool
) -> None:
    if problem := new_password_problem(current, new):
        raise InvalidInput({"password": problem}, min_length=MIN_PASSWORD_LENGTH)
    try:
        workspace.check_password(current)
    except AuthenticationFailed:
        raise AuthenticationFailed(WRONG_CURRENT_PASSWORD) from None
    with workspace.account_transaction() as session:
        account = _account(session, workspace.user.username)
        if not account.active:  # disabled meanwhile: no new slot for it
            raise AccountDisabled(username=account.username)
        account.must_change_password = False
        audit.record(
            session,
            "account.password_changed",
            user_id=workspace.user.id,
            detail={"after_reset": True} if after_reset else None,
        )
        workspace.seal_for(workspace.user.username, new)  # last: undone if the commit fails
    workspace.user = dataclasses.replace(workspace.user, must_change_password=False)
