"""Setting up an installation and unlocking it: the store key, the schema, who is signed in."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from app.config import DATABASE_URL_SETTING, DataPaths, load_settings, save_settings
from app.domain.accounts import (
    MIN_PASSWORD_LENGTH,
    Permission,
    Role,
    display_name_problem,
    may,
    normalise_username,
    password_problem,
    username_problem,
)
from app.domain.cases import office_code_problem, office_name_problem
from app.domain.errors import (
    N_,
    AccountDisabled,
    AlreadyInitialised,
    AuthenticationFailed,
    HomewardError,
    InvalidInput,
    KeyRingMissing,
    NotInitialised,
    NotPermitted,
    PasswordChangeRequired,
    ServerStoreInUse,
    SignInDelayed,
    StoreEmpty,
    StoreOfAnotherInstallation,
    StoreUnreadable,
)
from app.store import audit, migrate
from app.store.engine import open_engine, open_server_engine, safe_url, session_factory
from app.store.keyring import (
    KdfParams,
    Keyring,
    SlotBefore,
    new_store_key,
    remove_slot,
    reseal,
    restore_slot,
)
from app.store.models import Installation, Office, UserAccount
from app.store.signin_guard import SignInGuard
from app.store.types import utcnow

log = logging.getLogger("homeward.services")

INSTALLATION_ROLES = ("office", "hq")


@dataclass(frozen=True)
class CurrentUser:
    id: int
    uuid: uuid.UUID
    username: str
    display_name: str
    role: Role
    # An administrator reset the password: the user chooses a new one before anything else.
    must_change_password: bool


@dataclass(frozen=True)
class InstallationInfo:
    uuid: uuid.UUID
    role: str
    office_id: int
    office_code: str
    office_name: str
    budget_cap_eur: int


class Workspace:
    """An unlocked installation. Services take it; it hands out one session per use case."""

    def __init__(
        self,
        paths: DataPaths,
        engine: Engine,
        keyring: Keyring,
        store_key: bytes,
        user: CurrentUser,
        installation: InstallationInfo,
    ) -> None:
        self.paths = paths
        self.engine = engine
        self.keyring = keyring
        self._store_key = store_key
        self._sessions: sessionmaker[Session] = session_factory(engine)
        self.user = user
        self.installation = installation
        self._slot_changes: list[SlotBefore] | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed together, or not at all."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @property
    def store_key(self) -> bytes:
        """For a backup's check that its copy opens (never logged, never shown)."""
        return self._store_key

    def require(self, permission: Permission) -> None:
        if not may(self.user.role, permission):
            raise NotPermitted(role=self.user.role.value)

    @contextmanager
    def account_transaction(self) -> Iterator[Session]:
        """A transaction that also changes key slots (:meth:`seal_for`, :meth:`remove_slot`).

        Change the slots last, just before the commit: if anything fails after that, the
        commit included, the key ring is put back as it was, so that an account and its slot
        change together or not at all."""
        changes: list[SlotBefore] = []
        self._slot_changes = changes
        try:
            with self.transaction() as session:
                yield session
        except BaseException:
            for before in reversed(changes):
                try:
                    self.keyring = restore_slot(self.paths.keyring, before)
                except HomewardError:
                    log.error("the key slot of %s could not be put back", before.username)
            raise
        finally:
            self._slot_changes = None

    def seal_for(self, username: str, password: str) -> None:
        """Give ``username`` a key slot opened by ``password`` (saved at once, on top of
        whatever another program changed in the key ring since this one was opened)."""
        self.keyring, before = reseal(self.paths.keyring, username, password, self._store_key)
        if self._slot_changes is not None:
            self._slot_changes.append(before)

    def check_password(self, password: str) -> None:
        """:class:`AuthenticationFailed` unless ``password`` opens the signed-in user's slot
        as it is on disk now (another program may have changed it since sign-in)."""
        Keyring.load(self.paths.keyring).open(self.user.username, password)

    def confirm_password(self, password: str) -> None:
        """The signed-in user proves they are back at a locked window. Wrong tries cost the
        same growing wait as at sign-in."""
        guard = SignInGuard(self.paths.sign_in_attempts)
        if wait := guard.wait(self.user.username):
            raise SignInDelayed(seconds=wait)
        try:
            self.check_password(password)
        except AuthenticationFailed:
            guard.failed(self.user.username)
            raise
        guard.succeeded(self.user.username)

    def remove_slot(self, username: str) -> None:
        """Take ``username``'s key slot away: their password no longer opens the store. The
        signed-in user becomes the one offered by default if ``username`` was."""
        self.keyring, before = remove_slot(
            self.paths.keyring, username, new_default=self.user.username
        )
        if self._slot_changes is not None:
            self._slot_changes.append(before)

    def close(self) -> None:
        self.engine.dispose()


def _setup_problems(
    role: str, office_code: str, office_name: str, username: str, password: str
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if role not in INSTALLATION_ROLES:
        problems["role"] = N_("the role is 'office' or 'hq'")
    if problem := office_code_problem(office_code):
        problems["office_code"] = problem
    if problem := office_name_problem(office_name):
        problems["office_name"] = problem
    if problem := username_problem(username):
        problems["username"] = problem
    if problem := password_problem(password):
        problems["password"] = problem
    return problems


def initialise(
    paths: DataPaths,
    *,
    role: str,
    office_code: str,
    office_name: str,
    admin_username: str,
    admin_password: str,
    admin_display_name: str = "",
    kdf: KdfParams | None = None,
) -> InstallationInfo:
    """First run: create the store, this office and its first administrator."""
    if paths.is_initialised():
        raise AlreadyInitialised(path=str(paths.root))
    office_code = office_code.strip().upper()
    username = normalise_username(admin_username)
    problems = _setup_problems(role, office_code, office_name, username, admin_password)
    if problem := display_name_problem(admin_display_name):
        problems["admin_display_name"] = problem
    if problems:
        raise InvalidInput(problems, min_length=MIN_PASSWORD_LENGTH)

    # A store without a key ring is a key ring lost or moved (or a set-up killed half-way):
    # the cases in it may still be opened once the key ring is back. Starting afresh over it
    # is for the person to decide, not for set-up to do quietly.
    if paths.database_url is not None:
        _check_server_store_empty(paths.database_url)
    elif any(paths.database.with_name(paths.database.name + s).exists() for s in ("", "-wal")):
        raise KeyRingMissing(path=str(paths.root))
    paths.root.mkdir(mode=0o700, parents=True, exist_ok=True)
    store_key = new_store_key()
    installation_id = uuid.uuid4()
    try:
        engine = open_store(paths, store_key)
        try:
            migrate.upgrade(engine, None, None)
            with session_factory(engine)() as session, session.begin():
                office = Office(code=office_code, name=office_name.strip())
                installation = Installation(uuid=installation_id, role=role, office=office)
                admin = UserAccount(
                    username=username,
                    display_name=admin_display_name.strip() or username,
                    role=Role.ADMIN.value,
                )
                session.add_all([office, installation, admin])
                session.flush()
                audit.record(
                    session,
                    "installation.created",
                    user_id=admin.id,
                    detail={"role": role, "office": office_code},
                )
                from app.services.keys import add_installation_keys  # only at set-up

                add_installation_keys(session, store_key, admin.id)
                info = _installation_info(installation)
        finally:
            engine.dispose()
        keyring = Keyring(
            installation=str(installation_id), default_user=username, kdf=kdf or KdfParams()
        )
        keyring.seal(username, admin_password, store_key)
        if paths.database_url is not None:
            # Later commands find the server without --database-url; the password, if the
            # address had one, stays out of the file (PGPASSWORD or ~/.pgpass supply it).
            settings = load_settings(paths)
            settings[DATABASE_URL_SETTING] = safe_url(paths.database_url)
            save_settings(paths, settings)
        keyring.save(paths.keyring)  # the key ring's presence marks a finished set-up
    except BaseException:
        _remove_store_files(paths)
        raise
    log.info("installation %s created (role %s)", installation_id, role)
    return info


def default_username(paths: DataPaths) -> str:
    """The first administrator's name, offered at sign-in when nobody signed in before."""
    return Keyring.load(paths.keyring).default_user if paths.is_initialised() else ""


def unlock(
    paths: DataPaths,
    username: str | None,
    password: str,
    *,
    sign_in: bool = False,
    allow_temporary_password: bool = False,
) -> Workspace:
    """Open the store as ``username`` (the first administrator when None).

    An account whose password an administrator reset is refused unless the caller makes the
    user choose a new password at once (``allow_temporary_password``: the sign-in dialog,
    ``homeward users passwd``); ``user.must_change_password`` then tells it to."""
    if not paths.is_initialised():
        raise NotInitialised(path=str(paths.root))
    keyring = Keyring.load(paths.keyring)
    if paths.database_url is not None:
        pass  # a server: reaching it and the installation check below decide
    elif not paths.database.is_file():
        # SQLCipher would quietly create an empty store here.
        raise StoreUnreadable(path=str(paths.database), reason="the file is missing")
    elif paths.database.stat().st_size == 0:
        # ... and here too: an empty file opens as a new, empty store.
        raise StoreEmpty(path=str(paths.database))
    name = normalise_username(username) if username else keyring.default_user
    guard = SignInGuard(paths.sign_in_attempts)
    if wait := guard.wait(name):
        raise SignInDelayed(seconds=wait)
    try:
        store_key = keyring.open(name, password)
    except AuthenticationFailed:
        guard.failed(name)
        raise
    guard.succeeded(name)
    engine = open_store(paths, store_key)
    try:
        migrate.upgrade(engine, paths.database, paths.backups)
        with session_factory(engine)() as session, session.begin():
            account = session.scalar(select(UserAccount).where(UserAccount.username == name))
            if account is None:
                raise AuthenticationFailed()
            if not account.active:
                raise AccountDisabled(username=name)
            if account.must_change_password and not allow_temporary_password:
                raise PasswordChangeRequired(username=name)
            if sign_in:
                account.last_login_at = utcnow()
                audit.record(session, "account.signed_in", user_id=account.id)
            user = CurrentUser(
                account.id,
                account.uuid,
                account.username,
                account.display_name,
                Role(account.role),
                account.must_change_password,
            )
            installation = session.scalars(select(Installation)).one()
            if str(installation.uuid) != keyring.installation and paths.database_url:
                raise StoreOfAnotherInstallation(path=safe_url(paths.database_url))
            info = _installation_info(installation)
    except BaseException:
        engine.dispose()
        raise
    return Workspace(paths, engine, keyring, store_key, user, info)


def _installation_info(installation: Installation) -> InstallationInfo:
    return InstallationInfo(
        uuid=installation.uuid,
        role=installation.role,
        office_id=installation.office.id,
        office_code=installation.office.code,
        office_name=installation.office.name,
        budget_cap_eur=installation.budget_cap_eur,
    )


def open_store(paths: DataPaths, store_key: bytes) -> Engine:
    """The store of this installation: the SQLCipher file, or the PostgreSQL database."""
    if paths.database_url is not None:
        return open_server_engine(paths.database_url)
    return open_engine(paths.database, store_key)


def _check_server_store_empty(url: str) -> None:
    engine = open_server_engine(url)
    try:
        if migrate.stored_revision(engine) is not None:
            raise ServerStoreInUse(path=safe_url(url))
    finally:
        engine.dispose()


def _remove_store_files(paths: DataPaths) -> None:
    if paths.database_url is not None:
        with suppress(HomewardError):  # unreachable now: nothing of ours can be there either
            engine = open_server_engine(paths.database_url)
            try:
                migrate.drop_store(engine)
            finally:
                engine.dispose()
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            paths.database.with_name(paths.database.name + suffix).unlink()
