"""The session's use cases on the real store: autosave, steps, statuses, assessment."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.cases import CaseStatus
from app.domain.errors import InvalidTransition
from app.domain.plan import PriorityLevel
from app.domain.session import CaseLocked, ConsentRefused, StepIncomplete, StepOutOfOrder
from app.formdefs import load_forms, validate
from app.services.cases import CaseQuery, CaseRegister
from app.services.counselling import Counselling
from app.services.demo import add_demo_cases
from app.store.models import AuditEvent
from test_services import new_case

TODAY = dt.date.today()
CONSENT = {
    "information_received": True,
    "voluntary_return_declaration": True,
    "data_processing_consent": True,
    "consent_date": TODAY.isoformat(),
    "interpreter_present": False,
}
INTAKE = {
    "marital_status": "married",
    "vulnerabilities": ["single_parent", "conflict_area"],
    "education_level": "vocational",
    "reason_for_return": "Family reasons.",
    "housing_on_return": "family",
    "intended_activity": "Open a tailoring workshop.",
}


def plan(*costs):
    items = [
        {"assistance_type": "business", "description": "Two sewing machines and fabric.",
         "estimated_cost": {"amount": amount, "currency": currency}}
        for amount, currency in costs
    ]  # fmt: skip
    return {
        "assistance_items": items,
        "objectives": "Income within six months.",
        "skills_use": "Ten years of tailoring.",
        "feasibility_rating": "4", "feasibility_reasons": "Offers obtained.",
        "urgency_rating": "4", "urgency_reasons": "No income.",
        "motivation_rating": "5", "motivation_reasons": "Well prepared.",
    }  # fmt: skip


@pytest.fixture
def case_number(workspace):
    return CaseRegister(workspace).open_case(new_case()).case_number


def test_autosave_bumps_revisions_and_audits_field_names_only(workspace, case_number):
    counselling = Counselling(workspace)
    start = counselling.state(case_number).case_revision
    revision = counselling.save_answers(case_number, "consent", {"information_received": True})
    assert revision == start + 1
    # the same document again changes nothing
    assert counselling.save_answers(case_number, "consent", {"information_received": True}) == (
        revision
    )
    counselling.save_answers(case_number, "consent", {**CONSENT, "interpreter_present": None})
    state = counselling.state(case_number)
    assert state.responses["consent"].answers["consent_date"] == TODAY.isoformat()
    assert "interpreter_present" not in state.responses["consent"].answers  # cleared
    assert state.responses["consent"].form_version == load_forms().current("consent").version
    with workspace.reading() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "answers.saved").order_by(AuditEvent.id)
        ).all()
    assert events[0].detail["fields"] == ["information_received"]
    assert TODAY.isoformat() not in str([e.detail for e in events])


def test_steps_in_order_with_consent_required(workspace, case_number):
    counselling = Counselling(workspace)
    counselling.save_answers(case_number, "intake", INTAKE)
    with pytest.raises(StepOutOfOrder):
        counselling.complete_step(case_number, "intake")
    with pytest.raises(StepIncomplete) as caught:
        counselling.complete_step(case_number, "consent")
    assert {"information_received", "consent_date"} <= set(caught.value.problems)
    counselling.save_answers(case_number, "consent", {**CONSENT, "data_processing_consent": False})
    with pytest.raises(ConsentRefused):
        counselling.complete_step(case_number, "consent")
    counselling.save_answers(case_number, "consent", CONSENT)
    counselling.complete_step(case_number, "consent")
    state = counselling.state(case_number)
    assert state.completed("consent") and state.next_step == "intake"
    assert state.responses["consent"].completed_by == "Anna Kováčová"

    counselling.complete_step(case_number, "intake")
    assert counselling.state(case_number).case.status is CaseStatus.PLANNING
    over_cap = plan(("800", "EUR"), ("9000", "GEL"))
    counselling.save_answers(case_number, "plan", over_cap)
    with pytest.raises(StepIncomplete) as caught:
        counselling.complete_step(case_number, "plan")
    assert set(caught.value.problems) == {"budget_justification"}
    over_cap["budget_justification"] = "Two machines are needed for the order book."
    counselling.save_answers(case_number, "plan", over_cap)
    counselling.complete_step(case_number, "plan")
    state = counselling.state(case_number)
    assert state.case.status is CaseStatus.READY and state.next_step == "review"

    # changing the plan after it was ready sends it back to planning
    counselling.save_answers(case_number, "plan", plan(("700", "EUR")))
    state = counselling.state(case_number)
    assert state.case.status is CaseStatus.PLANNING and not state.completed("plan")


def test_withdrawal_locks_the_answers(workspace, case_number):
    counselling = Counselling(workspace)
    row = counselling.change_status(case_number, CaseStatus.WITHDRAWN, "Decided to stay.")
    assert row.status is CaseStatus.WITHDRAWN
    with pytest.raises(CaseLocked):
        counselling.save_answers(case_number, "consent", CONSENT)
    with pytest.raises(InvalidTransition):
        counselling.change_status(case_number, CaseStatus.PLANNING)
    with workspace.reading() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case.status_changed")
        ).one()
    assert event.detail == {"from": "intake", "to": "withdrawn", "reason_given": True}
    assert event.note == "Decided to stay."


def test_assessment_totals_cap_and_priority(workspace, case_number):
    counselling = Counselling(workspace)
    counselling.save_answers(case_number, "intake", INTAKE)
    counselling.save_answers(case_number, "plan", plan(("800", "EUR"), ("1000", "GEL")))
    assessment = counselling.assessment(counselling.state(case_number))
    assert assessment.vulnerabilities == ("single_parent", "conflict_area")
    assert assessment.priority.level is PriorityLevel.HIGH  # 4 + 8 + 5 + 3 + 3 = 23
    assert assessment.budget.totals == {"EUR": Decimal(800), "GEL": Decimal(1000)}
    assert assessment.budget.eur_equivalent == Decimal("1120.00")  # indicative GEL rate 0.32
    assert not assessment.budget.over_cap
    counselling.save_answers(case_number, "plan", plan(("800", "EUR"), ("900", "EUR")))
    assert counselling.assessment(counselling.state(case_number)).budget.over_cap


def test_intake_answers_for_hidden_fields_do_not_count(workspace, case_number):
    counselling = Counselling(workspace)
    hidden = {**INTAKE, "vulnerabilities": [], "guardian_arrangements": "stale text"}
    counselling.save_answers(case_number, "intake", hidden)
    assessment = counselling.assessment(counselling.state(case_number))
    assert assessment.vulnerabilities == ()


def test_demo_cases_have_valid_answers_for_their_status(workspace):
    add_demo_cases(workspace, 60, seed=5)
    counselling = Counselling(workspace)
    register = CaseRegister(workspace)
    rows = register.page(CaseQuery(), 0, 100)
    statuses = set()
    for row in rows:
        state = counselling.state(row.case_number)
        statuses.add(row.status)
        for form_id, response in state.responses.items():
            if response.completed_at is not None:
                form = counselling.form(state, form_id)
                assert validate(form, response.answers, TODAY) == {}, (row.case_number, form_id)
        if row.status in (CaseStatus.READY, CaseStatus.SUBMITTED, CaseStatus.CLOSED):
            assert state.next_step == "review"
            assert counselling.assessment(state).priority.level is not None
    assert len(statuses) >= 4


def test_answers_keep_the_form_version_they_were_given_under(workspace, case_number, tmp_path):
    import shutil

    from app.formdefs.loader import load_registry
    from app.resources import resource_dir

    shipped = resource_dir("forms")
    old = tmp_path / "forms"
    (old / "archive").mkdir(parents=True)
    for path in shipped.glob("*.toml"):
        shutil.copy(path, old / path.name)
    counselling_old = Counselling(workspace, load_registry(old))
    counselling_old.save_answers(case_number, "intake", INTAKE)

    # A new version renames a question; the old definition moves to the archive.
    current = (old / "intake.toml").read_text(encoding="utf-8")
    shipped_version = load_forms().current("intake").version
    shutil.move(old / "intake.toml", old / "archive" / f"intake-{shipped_version}.toml")
    newer = (
        current.replace(f'version = "{shipped_version}"', 'version = "2027.1"')
        .replace('id = "reason_for_return"', 'id = "return_reason"')
        .replace('"reason_for_return"', '"return_reason"')
    )
    (old / "intake.toml").write_text(newer, encoding="utf-8")
    counselling_new = Counselling(workspace, load_registry(old))

    state = counselling_new.state(case_number)
    form = counselling_new.form(state, "intake")
    assert form.version == shipped_version and form.has_field("reason_for_return")
    assert state.responses["intake"].answers["reason_for_return"] == "Family reasons."
    # a case that starts the intake now gets the new version
    other = CaseRegister(workspace).open_case(new_case(given="Binh")).case_number
    assert counselling_new.form(counselling_new.state(other), "intake").version == "2027.1"


def test_status_follows_the_steps_when_an_earlier_one_changes(workspace, case_number):
    counselling = Counselling(workspace)
    for form_id, answers in (("consent", CONSENT), ("intake", INTAKE),
                             ("plan", plan(("500", "EUR")))):  # fmt: skip
        counselling.save_answers(case_number, form_id, answers)
        counselling.complete_step(case_number, form_id)
    assert counselling.state(case_number).case.status is CaseStatus.READY
    # the migrant takes back the consent to data processing: no longer ready, back to intake
    counselling.save_answers(case_number, "consent", {**CONSENT, "data_processing_consent": False})
    state = counselling.state(case_number)
    assert state.case.status is CaseStatus.INTAKE and state.next_step == "consent"
    counselling.save_answers(case_number, "consent", CONSENT)
    counselling.complete_step(case_number, "consent")
    assert counselling.state(case_number).case.status is CaseStatus.READY
