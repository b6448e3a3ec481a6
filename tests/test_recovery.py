"""The recovery key: shown once, opens the store when every password is lost."""

import re

import pytest

from app.domain.accounts import Role
from app.domain.errors import AuthenticationFailed, InvalidInput
from app.services.accounts import add_account
from app.services.recovery import issue_recovery_key, recover
from app.services.workspace import unlock
from test_cli import PASSWORD as CLI_PASSWORD
from test_cli import homeward

from tests_support import PASSWORD


def test_every_password_lost_then_recovered(installed):
    workspace = unlock(installed, "anna", PASSWORD)
    key = issue_recovery_key(workspace)
    add_account(workspace, "petr", "Petr", Role.COUNSELLOR, "petr's password")
    workspace.close()
    assert re.fullmatch(r"([A-Z2-7]{4}-){7}[A-Z2-7]{4}", key)
    with pytest.raises(AuthenticationFailed):
        recover(installed, "AAAA-" * 7 + "AAAA", "anna", "a brand new password")
    with pytest.raises(InvalidInput):
        recover(installed, key, "petr", "a brand new password")  # administrators only
    recover(installed, key.lower().replace("-", " "), "anna", "a brand new password")
    unlock(installed, "anna", "a brand new password").close()
    with pytest.raises(AuthenticationFailed):
        unlock(installed, "anna", PASSWORD)


def test_a_new_key_makes_the_old_one_useless(installed):
    workspace = unlock(installed, "anna", PASSWORD)
    old = issue_recovery_key(workspace)
    new = issue_recovery_key(workspace)
    workspace.close()
    with pytest.raises(AuthenticationFailed):
        recover(installed, old, "anna", "a brand new password")
    recover(installed, new, "anna", "a brand new password")


def test_set_up_prints_the_key_and_recover_uses_it(tmp_path):
    data = tmp_path / "data"
    done = homeward(data, "init", "--role", "office", "--office", "SK", "--office-name", "SK",
                    "--admin", "anna")  # fmt: skip
    assert done.returncode == 0, done.stderr
    key = re.search(r"([A-Z2-7]{4}-){7}[A-Z2-7]{4}", done.stdout).group(0)
    assert "shown only once" in done.stdout
    done = homeward(data, "recover", "--admin", "anna", password=None,
                    env_extra={"HOMEWARD_RECOVERY_KEY": key,
                               "HOMEWARD_NEW_PASSWORD": "another long password"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert homeward(data, "cases", password="another long password").returncode == 0
    assert homeward(data, "cases", password=CLI_PASSWORD).returncode == 3
