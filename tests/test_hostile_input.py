"""Input without bounds or with control characters is refused in one clear line, and
nothing is changed (issue: never lose or leak a returnee's data)."""

import dataclasses

import pytest

from app.domain.accounts import Role
from app.domain.errors import InvalidInput
from app.services.accounts import add_account
from app.services.cases import CaseQuery, CaseRegister
from test_cli import homeward, snapshot
from test_services import new_case

HOSTILE = ["Anna\x1b[31mRED", "Anna\x07", "An\x00na", "\u202eannA", "Anna\u2066x"]


@pytest.mark.parametrize("name", HOSTILE)
def test_control_characters_are_refused_in_names(workspace, name):
    register = CaseRegister(workspace)
    case = new_case()
    returnee = dataclasses.replace(case.returnee, family_name=name)
    for wrong in (
        dataclasses.replace(case, returnee=returnee),
        dataclasses.replace(case, region_of_return=name),
        dataclasses.replace(case, native_name=name),
    ):
        with pytest.raises(InvalidInput) as refused:
            register.open_case(wrong)
        assert "control characters" in str(refused.value)
    with pytest.raises(InvalidInput):
        add_account(workspace, "petr", name, Role.COUNSELLOR, "a good password")
    assert register.count(CaseQuery()) == 0


def test_persian_names_keep_their_joiners(workspace):
    case = dataclasses.replace(new_case(country="AF", language="fa"), native_name="محمد\u200cرضا")
    row = CaseRegister(workspace).open_case(case)
    assert CaseRegister(workspace).detail(row.case_number).native_name == "محمد\u200cرضا"


def test_command_line_bounds(tmp_path):
    data = tmp_path / "data"
    long_name = "x" * 131_000
    done = homeward(data, "init", "--role", "office", "--office", "SK", "--office-name", "SK",
                    "--admin", "anna", "--admin-name", long_name)  # fmt: skip
    assert done.returncode == 2 and "at most 200" in done.stderr
    assert done.stderr.count("\n") == 1 and not data.joinpath("keyring.json").exists()
    done = homeward(data, "init", "--role", "office", "--office", "SK", "--office-name", "SK",
                    "--admin", "anna", "--admin-name", "Anna\x1b]0;pwned\x07")  # fmt: skip
    assert done.returncode == 2 and "control characters" in done.stderr
    assert homeward(data, "init", "--role", "office", "--office", "SK", "--office-name", "SK",
                    "--admin", "anna").returncode == 0  # fmt: skip
    before = snapshot(data)
    for args, code in (
        (["cases", "--limit", str(10**23)], 2),
        (["cases", "--limit", "-5"], 2),
        (["case", "SK-2026-" + "1" * 5000], 4),
        (["case", "\x1b[2J" * 30], 4),
    ):
        done = homeward(data, *args)
        assert done.returncode == code, (args[:1], done.stderr[-300:])
        assert done.stderr.count("\n") == 1 and len(done.stderr) < 300
        assert "Traceback" not in done.stderr and "Unexpected" not in done.stderr
    assert snapshot(data) == before
