"""Demo cases stay apart from real ones: their own number series, a mark, and a way out."""

import json

from sqlalchemy import func, select

from app.domain.errors import RealCasesPresent
from app.services.cases import CaseQuery, CaseRegister
from app.services.demo import add_demo_cases, remove_demo_cases
from app.store import audit
from app.store.models import AuditEvent, Case
from test_cli import homeward
from test_services import new_case


def test_demo_cases_are_marked_numbered_apart_and_removable(workspace):
    add_demo_cases(workspace, 12, seed=1)
    register = CaseRegister(workspace)
    rows = register.page(CaseQuery(), 0, 50)
    assert len(rows) == 12 and all(r.is_demo and r.case_number.startswith("DEMO-") for r in rows)

    add_demo_cases(workspace, 1)  # still only demo cases: allowed
    real = register.open_case(new_case())
    assert real.case_number.startswith("SK-") and real.case_number.endswith("-00001")
    assert not real.is_demo

    assert remove_demo_cases(workspace) == 13
    rows = register.page(CaseQuery(), 0, 50)
    assert [r.case_number for r in rows] == [real.case_number]
    assert register.count(CaseQuery(text="DEMO")) == 0
    with workspace.reading() as session:
        assert session.scalar(select(func.count(Case.id))) == 1
        # the audit trail keeps its events (a chain loses nothing), the cases are gone
        assert audit.verify(session).broken is None
        kept = select(func.count(AuditEvent.id)).where(
            AuditEvent.case_id.is_(None), AuditEvent.case_uuid.is_not(None)
        )
        assert session.scalar(kept) >= 13


def test_demo_refuses_a_register_with_real_cases(workspace):
    CaseRegister(workspace).open_case(new_case())
    try:
        add_demo_cases(workspace, 5)
    except RealCasesPresent as error:
        assert error.params["count"] == 1
    else:
        raise AssertionError("demo cases were mixed with a real one")
    assert CaseRegister(workspace).count(CaseQuery()) == 1
    assert add_demo_cases(workspace, 5, alongside_real=True) == 5


def test_demo_command_refuses_then_adds_when_asked_then_removes(tmp_path):
    data = tmp_path / "data"
    homeward(data, "init", "--role", "office", "--office", "SK", "--office-name", "Bratislava",
             "--admin", "anna")  # fmt: skip
    done = homeward(data, "demo", "--cases", "3")
    assert done.returncode == 0
    listed = json.loads(homeward(data, "cases", "--json").stdout)
    assert all(case["case_number"].startswith("DEMO-") for case in listed["cases"])
    removed = homeward(data, "demo", "--remove")
    assert removed.returncode == 0 and "Removed 3 demo cases." in removed.stdout
    assert json.loads(homeward(data, "cases", "--json").stdout)["cases"] == []


def test_demo_cases_past_submission_carry_headquarters_decision(workspace):
    from app.domain.cases import CaseStatus
    from app.services.case_progress import latest_decision

    add_demo_cases(workspace, 120, seed=4)
    rows = CaseRegister(workspace).page(CaseQuery(), 0, 200)
    decided = [r for r in rows if r.status in (CaseStatus.APPROVED, CaseStatus.REJECTED)]
    assert decided
    for row in decided:
        decision = latest_decision(workspace, row.case_number)
        assert decision is not None and decision.outcome.value == row.status.value
        if row.status is CaseStatus.REJECTED:
            assert decision.reason
        else:
            assert decision.approved_total_eur is not None and decision.amounts
