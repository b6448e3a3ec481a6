"""The recovery key: shown once at set-up (and whenever an administrator issues a new one),
it opens the store when every password is lost, to give an administrator a new one.

It is the store's last key: written down on paper and kept locked away at the office, never
on the laptop. Issuing a new one makes the old one useless.
"""

from __future__ import annotations

from sqlalchemy import select

from app.config import DataPaths
from app.domain.accounts import (
    MIN_PASSWORD_LENGTH,
    Permission,
    Role,
    normalise_username,
    password_problem,
)
from app.domain.errors import (
    N_,
    AuthenticationFailed,
    InvalidInput,
    NotInitialised,
    SignInDelayed,
    UserNotFound,
)
from app.services.workspace import Workspace, open_store
from app.store import audit
from app.store.engine import session_factory
from app.store.keyring import (
    Keyring,
    new_recovery_key,
    normalise_recovery_key,
    reseal,
    reseal_recovery,
)
from app.store.models import UserAccount
from app.store.signin_guard import SignInGuard

ADMINS_ONLY = N_("the recovery key gives a new password to an administrator only")
RECOVERY_ATTEMPTS = "#recovery"  # the wait after wrong recovery keys, apart from any user


def issue_recovery_key(workspace: Workspace) -> str:
    """A new recovery key for this installation (administrators); the old one stops working.
    Returned once, to be written down: it is not kept anywhere readable."""
    workspace.require(Permission.MANAGE_ACCOUNTS)
    key = new_recovery_key()
    with workspace.transaction() as session:
        audit.record(session, "recovery_key.issued", user_id=workspace.user.id)
        workspace.keyring = reseal_recovery(workspace.paths.keyring, key, workspace.store_key)
    return key


def recover(paths: DataPaths, recovery_key: str, username: str, new_password: str) -> None:
    """Give the administrator ``username`` the password ``new_password`` with the recovery
    key (every password lost). The account is enabled if it was disabled."""
    if not paths.is_initialised():
        raise NotInitialised(path=str(paths.root))
    if problem := password_problem(new_password):
        raise InvalidInput({"password": problem}, min_length=MIN_PASSWORD_LENGTH)
    name = normalise_username(username)
    guard = SignInGuard(paths.sign_in_attempts)
    if wait := guard.wait(RECOVERY_ATTEMPTS):
        raise SignInDelayed(seconds=wait)
    try:
        store_key = Keyring.load(paths.keyring).open_recovery(normalise_recovery_key(recovery_key))
    except AuthenticationFailed:
        guard.failed(RECOVERY_ATTEMPTS)
        raise
    guard.succeeded(RECOVERY_ATTEMPTS)
    engine = open_store(paths, store_key)
    try:
        with session_factory(engine)() as session, session.begin():
            account = session.scalar(select(UserAccount).where(UserAccount.username == name))
            if account is None:
                raise UserNotFound(username=name)
            if account.role != Role.ADMIN.value:
                raise InvalidInput({"user": ADMINS_ONLY})
            account.active = True
            account.must_change_password = False
            audit.record(session, "account.recovered", user_id=account.id,
                         detail={"username": name})  # fmt: skip
            reseal(paths.keyring, name, new_password, store_key)  # last: before the commit
    finally:
        engine.dispose()
