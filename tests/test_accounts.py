"""Accounts: disabling, password resets and the sign-in rules behind them; the CLI commands."""

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import event, select

from app.domain.accounts import Role
from app.domain.errors import (
    AuthenticationFailed,
    CannotDisableYourself,
    CannotResetYourOwnPassword,
    InvalidInput,
    LastAdministrator,
    NotPermitted,
    PasswordChangeRequired,
    UserNotFound,
)
from app.services.accounts import (
    add_account,
    change_password,
    change_temporary_password,
    disable_account,
    list_accounts,
    reset_password,
)
from app.services.workspace import default_username, unlock
from app.store.models import AuditEvent

from tests_support import PASSWORD

TEMPORARY = "temporary pass"


def slots(paths):
    return json.loads(paths.keyring.read_text(encoding="utf-8"))["slots"]


def account(workspace, username):
    return next(a for a in list_accounts(workspace) if a.username == username)


def actions(workspace):
    with workspace.reading() as session:
        return [(e.action, e.detail) for e in session.scalars(select(AuditEvent))]


@pytest.fixture
def boris(workspace):
    add_account(workspace, "boris", "Boris Petrov", Role.COUNSELLOR, "boris password")
    return "boris"


def test_disabling_takes_the_key_slot_away(workspace, installed, boris):
    disabled = disable_account(workspace, "Boris")
    assert not disabled.active and not account(workspace, "boris").active
    assert "boris" not in slots(installed) and "anna" in slots(installed)
    with pytest.raises(AuthenticationFailed):
        unlock(installed, "boris", "boris password")
    assert ("account.disabled", {"username": "boris"}) in actions(workspace)


def test_nobody_disables_themselves_or_the_last_administrator(workspace, installed, boris):
    with pytest.raises(CannotDisableYourself):
        disable_account(workspace, "anna")
    add_account(workspace, "carla", "", Role.ADMIN, "carla password")
    carla = unlock(installed, "carla", "carla password")
    try:
        disable_account(carla, "anna")  # two administrators: one may go
        assert default_username(installed) == "carla"  # offered instead of the disabled one
        with pytest.raises(LastAdministrator):
            disable_account(workspace, "carla")  # anna's window, still open
    finally:
        carla.close()
    unlock(installed, "carla", "carla password").close()
    with pytest.raises(UserNotFound):
        disable_account(workspace, "nobody")


def test_only_administrators_manage_accounts(workspace, installed, boris):
    counsellor = unlock(installed, "boris", "boris password")
    try:
        with pytest.raises(NotPermitted):
            disable_account(counsellor, "anna")
        with pytest.raises(NotPermitted):
            reset_password(counsellor, "anna", TEMPORARY)
    finally:
        counsellor.close()
    assert account(workspace, "anna").active and not account(workspace, "anna").must_change_password


def test_a_reset_password_must_be_replaced_at_the_next_sign_in(workspace, installed, boris):
    view = reset_password(workspace, "boris", TEMPORARY)
    assert view.must_change_password and view.active
    with pytest.raises(AuthenticationFailed):
        unlock(installed, "boris", "boris password")
    with pytest.raises(PasswordChangeRequired):  # scripts and other commands are refused
        unlock(installed, "boris", TEMPORARY)
    signed_in = unlock(installed, "boris", TEMPORARY, allow_temporary_password=True)
    try:
        assert signed_in.user.must_change_password
        with pytest.raises(InvalidInput) as caught:
            change_temporary_password(signed_in, TEMPORARY, TEMPORARY)
        assert "differ" in str(caught.value)
        change_temporary_password(signed_in, TEMPORARY, "only boris knows")
        assert not signed_in.user.must_change_password
    finally:
        signed_in.close()
    unlock(installed, "boris", "only boris knows").close()
    assert not account(workspace, "boris").must_change_password
    assert ("account.password_reset", {"username": "boris", "enabled_again": False}) in actions(
        workspace
    )
    assert ("account.password_changed", {"after_reset": True}) in actions(workspace)


def test_a_reset_enables_a_disabled_account_again(workspace, installed, boris):
    disable_account(workspace, "boris")
    reset_password(workspace, "boris", TEMPORARY)
    assert account(workspace, "boris").active
    unlock(installed, "boris", TEMPORARY, allow_temporary_password=True).close()
    with pytest.raises(CannotResetYourOwnPassword):
        reset_password(workspace, "anna", TEMPORARY)
    with pytest.raises(InvalidInput):
        reset_password(workspace, "boris", "short")
    with pytest.raises(UserNotFound):
        reset_password(workspace, "nobody", TEMPORARY)


def test_the_usual_change_also_clears_the_reset_mark(workspace, installed, boris):
    reset_password(workspace, "boris", TEMPORARY)
    signed_in = unlock(installed, "boris", TEMPORARY, allow_temporary_password=True)
    try:
        with pytest.raises(AuthenticationFailed) as caught:
            change_password(signed_in, "wrong", "new password")
        assert "current password" in str(caught.value)
        change_password(signed_in, TEMPORARY, "new password")
    finally:
        signed_in.close()
    assert not account(workspace, "boris").must_change_password


def test_a_disabled_account_cannot_give_itself_a_new_slot(workspace, installed, boris):
    signed_in = unlock(installed, "boris", "boris password")  # still signed in elsewhere
    try:
        disable_account(workspace, "boris")
        with pytest.raises(AuthenticationFailed):  # its slot is gone: nothing to check against
            change_password(signed_in, "boris password", "new password")
    finally:
        signed_in.close()
    assert "boris" not in slots(installed)


@pytest.fixture
def failing_commit(workspace):
    """The next commit of ``workspace`` fails, as on a full disk."""

    def fail(session):
        raise OSError("disk full")

    event.listen(workspace._sessions, "before_commit", fail)
    yield
    event.remove(workspace._sessions, "before_commit", fail)


def test_a_failed_commit_puts_the_slots_back(workspace, installed, boris, failing_commit):
    before = slots(installed)
    with pytest.raises(OSError):
        reset_password(workspace, "boris", TEMPORARY)
    with pytest.raises(OSError):
        disable_account(workspace, "boris")
    with pytest.raises(OSError):
        add_account(workspace, "carla", "", Role.COUNSELLOR, "carla password")
    with pytest.raises(OSError):
        change_password(workspace, PASSWORD, "anna's new password")
    assert slots(installed) == before
    unlock(installed, "boris", "boris password").close()
    unlock(installed, "anna", PASSWORD).close()


# The command line, as scripts use it: real processes, real key derivation.

CLI_PASSWORD = "a long enough password"


def homeward(data_dir, *args, password=CLI_PASSWORD, new_password=None, user=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    env["HOMEWARD_DATA_DIR"] = str(data_dir)
    if password is not None:
        env["HOMEWARD_PASSWORD"] = password
    if new_password is not None:
        env["HOMEWARD_NEW_PASSWORD"] = new_password
    if user is not None:
        env["HOMEWARD_USER"] = user
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def one_line(done, code, text):
    lines = done.stderr.strip().splitlines()
    assert done.returncode == code, done.stderr
    assert len(lines) == 1 and lines[0].startswith("homeward: ") and text in lines[0]


def cli_accounts(data):
    done = homeward(data, "users", "list", "--json")
    assert done.returncode == 0, done.stderr
    return {a["username"]: a for a in json.loads(done.stdout)}


def test_accounts_from_the_command_line(tmp_path):
    data = tmp_path / "data"
    done = homeward(data, "init", "--role", "office", "--office", "SK",
                    "--office-name", "Bratislava office", "--admin", "anna")  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = homeward(data, "users", "add", "boris", "--role", "counsellor",
                    new_password="boris password")  # fmt: skip
    assert done.returncode == 0, done.stderr

    before = data.joinpath("keyring.json").read_bytes()
    one_line(homeward(data, "users", "reset-password", "boris"), 3, "HOMEWARD_NEW_PASSWORD")
    assert data.joinpath("keyring.json").read_bytes() == before
    done = homeward(data, "users", "reset-password", "boris", new_password=TEMPORARY)
    assert done.returncode == 0, done.stderr
    assert cli_accounts(data)["boris"]["must_change_password"] is True

    # The temporary password opens nothing but the change of password.
    one_line(homeward(data, "cases", user="boris", password=TEMPORARY), 3, "users passwd")
    one_line(homeward(data, "users", "passwd", user="boris", password=TEMPORARY,
                      new_password=TEMPORARY), 2, "differ")  # fmt: skip
    done = homeward(data, "users", "passwd", user="boris", password=TEMPORARY,
                    new_password="boris new password")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert homeward(data, "cases", user="boris", password="boris new password").returncode == 0

    one_line(homeward(data, "users", "disable", "anna"), 3, "your own account")
    one_line(homeward(data, "users", "disable", "nobody"), 4, "No user named nobody")
    one_line(homeward(data, "users", "disable", "anna", user="boris",
                      password="boris new password"), 3, "does not allow")  # fmt: skip
    done = homeward(data, "users", "disable", "boris")
    assert done.returncode == 0, done.stderr
    assert "boris" not in json.loads(data.joinpath("keyring.json").read_text())["slots"]
    assert cli_accounts(data)["boris"]["active"] is False
    one_line(homeward(data, "cases", user="boris", password="boris new password"), 3, "Wrong")

    done = homeward(data, "users", "reset-password", "boris", new_password="back again pass")
    assert done.returncode == 0, done.stderr
    boris = cli_accounts(data)["boris"]
    assert boris["active"] is True and boris["must_change_password"] is True

    # Anna's own password, the usual way.
    done = homeward(data, "users", "passwd", new_password="anna's new password")
    assert done.returncode == 0, done.stderr
    assert homeward(data, "cases", password="anna's new password").returncode == 0
