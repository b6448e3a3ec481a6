"""`homeward status`: moving cases on from scripts, with one-line failures."""

import datetime as dt
import json

import pytest

from test_cli import homeward, snapshot


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("status") / "data"
    done = homeward(folder, "init", "--role", "office", "--office", "SK",
                    "--office-name", "Bratislava office", "--admin", "anna")  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = homeward(folder, "demo", "--cases", "60", "--seed", "11")
    assert done.returncode == 0, done.stderr
    done = homeward(folder, "users", "add", "boris", "--role", "counsellor",
                    env_extra={"HOMEWARD_NEW_PASSWORD": "boris password"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    return folder


def cases_in(folder, status):
    cases = json.loads(homeward(folder, "cases", "--json").stdout)["cases"]
    return [c["case_number"] for c in cases if c["status"] == status]


def test_ready_to_closed(data):
    number = cases_in(data, "ready")[0]
    done = homeward(data, "status", number, "submitted", "--reason", "Sent by courier.")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{number}: Ready → Submitted."

    done = homeward(data, "status", number, "approved", "--amount", "1=100:EUR",
                    "--decided-on", "2026-01-15", "--reference", "HQ/123", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["previous_status"], result["status"]) == ("submitted", "approved")
    decision = result["decision"]
    assert decision["approved_amounts"] == [{"item": 1, "amount": "100.00", "currency": "EUR"}]
    assert decision["approved_total_eur"] == "100.00" and decision["source"] == "paper"
    assert decision["decided_on"] == "2026-01-15" and decision["reference"] == "HQ/123"
    assert isinstance(decision["plan_revision"], int)

    for target, label in (("in_implementation", "In implementation"), ("closed", "Closed")):
        done = homeward(data, "--user", "boris", "status", number, target,
                        password="boris password")  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().endswith(f"→ {label}.")
    shown = json.loads(homeward(data, "case", number, "--json").stdout)
    assert shown["status"] == "closed"


def test_rejected_then_revised(data):
    number = cases_in(data, "submitted")[0]
    done = homeward(data, "status", number, "rejected", "--reason", "Costs not justified.",
                    "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "rejected" and result["decision"]["approved_total_eur"] is None
    assert result["decision"]["reason"] == "Costs not justified."
    done = homeward(data, "status", number, "planning")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{number}: Rejected → Planning."


TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("status", "args", "code", "message"),
    [
        ("ready", ("approved", "--amount", "1=100"), 2, "only be recorded for a submitted plan"),
        ("submitted", ("rejected",), 2, "give the reason for the rejection"),
        ("submitted", ("approved",), 2, "at least one assistance item"),
        ("submitted", ("approved", "--amount", "1:100"), 2, "ITEM=AMOUNT"),
        ("submitted", ("approved", "--amount", "x=100"), 2, "ITEM=AMOUNT"),
        ("submitted", ("approved", "--amount", "1=100", "--decided-on", TOMORROW), 2, "future"),
        ("submitted", ("approved", "--amount", "1=100", "--decided-on", "3.12.2026"), 2,
         "YYYY-MM-DD"),
        ("submitted", ("approved", "--amount", "1=100:USD"), 2, "in EUR"),
        ("submitted", ("approved", "--amount", "99=100"), 2, "no assistance item 99"),
        ("submitted", ("submitted",), 2, "cannot go from submitted to submitted"),
        ("submitted", ("closed", "--amount", "1=5"), 2, "belong to a decision"),
        ("submitted", ("approved!",), 2, "invalid choice"),
        (None, ("submitted",), 4, "No case with the number SK-1999-00001."),
    ],
)  # fmt: skip
def test_failures_are_one_line_and_change_nothing(data, status, args, code, message):
    number = cases_in(data, status)[-1] if status else "SK-1999-00001"
    before = snapshot(data)
    done = homeward(data, "status", number, *args)
    assert done.returncode == code, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("homeward") and message in lines[0]
    assert snapshot(data) == before


def test_a_counsellor_cannot_record_a_decision(data):
    number = cases_in(data, "submitted")[-1]
    before = snapshot(data)
    done = homeward(data, "--user", "boris", "status", number, "approved", "--amount", "1=1",
                    password="boris password")  # fmt: skip
    assert done.returncode == 3 and "does not allow" in done.stderr
    assert snapshot(data) == before
