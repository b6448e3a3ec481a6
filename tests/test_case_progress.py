"""After the plan is ready: submitted, decision on paper, implementation, closing."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.accounts import Role
from app.domain.cases import CaseStatus, allowed_transitions
from app.domain.decisions import (
    MOVE_RULES,
    DecisionRequired,
    MoveKind,
    NotAwaitingDecision,
    moves_from,
)
from app.domain.errors import InvalidInput, InvalidTransition, NotPermitted
from app.domain.session import CaseLocked
from app.i18n import translate_error
from app.services import case_progress as progress
from app.services.accounts import add_account
from app.services.case_progress import ApprovedAmount, DecisionInput, DecisionOutcome
from app.services.cases import CaseQuery, CaseRegister
from app.services.counselling import Counselling
from app.services.demo import add_demo_cases
from app.services.workspace import unlock
from app.store.models import AuditEvent, CaseDecision
from test_counselling import CONSENT, INTAKE, plan
from test_services import new_case

TODAY = dt.date.today()


def ready_case(workspace, *costs):
    """A case whose consent, intake and plan are complete (status ready)."""
    number = CaseRegister(workspace).open_case(new_case()).case_number
    counselling = Counselling(workspace)
    costs = costs or (("800", "EUR"), ("9000", "GEL"))
    planned = {**plan(*costs), "budget_justification": "The course needs the machines."}
    for form_id, answers in (("consent", CONSENT), ("intake", INTAKE), ("plan", planned)):
        counselling.save_answers(number, form_id, answers)
        counselling.complete_step(number, form_id)
    assert counselling.state(number).case.status is CaseStatus.READY
    return number


def approval(*amounts, on=TODAY, reference="HQ/123", reason=""):
    return DecisionInput(
        DecisionOutcome.APPROVED,
        on,
        tuple(
            ApprovedAmount(item, Decimal(amount), currency) for item, amount, currency in amounts
        ),
        reason,
        reference,
    )


def events(workspace, *actions):
    with workspace.reading() as session:
        return session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.id)
        ).all()


@pytest.fixture
def counsellor(workspace, installed):
    add_account(workspace, "boris", "Boris Counsellor", Role.COUNSELLOR, "counsel pass")
    opened = unlock(installed, "boris", "counsel pass")
    yield opened
    opened.close()


def test_move_rules_follow_the_transitions():
    for rule in MOVE_RULES:
        for source in rule.sources:
            assert set(rule.targets) <= allowed_transitions(source), rule.kind
    assert [r.kind for r in moves_from(CaseStatus.READY)] == [MoveKind.SUBMIT]
    assert [r.kind for r in moves_from(CaseStatus.REJECTED)] == [
        MoveKind.REVISE_PLAN,
        MoveKind.CLOSE,
    ]
    assert moves_from(CaseStatus.CLOSED) == moves_from(CaseStatus.PLANNING) == ()


def test_full_path_from_ready_to_closed(workspace):
    number = ready_case(workspace)
    plan_revision = Counselling(workspace).state(number).responses["plan"].revision
    assert [m.kind for m in progress.available_moves(workspace, number)] == [MoveKind.SUBMIT]

    done = progress.submit(workspace, number)
    assert done.previous is CaseStatus.READY and done.case.status is CaseStatus.SUBMITTED
    with pytest.raises(CaseLocked):  # the plan is with HQ now
        Counselling(workspace).save_answers(number, "plan", plan(("1", "EUR")))
    (move,) = progress.available_moves(workspace, number)
    assert move.kind is MoveKind.RECORD_DECISION and move.permitted
    assert move.targets == (CaseStatus.APPROVED, CaseStatus.REJECTED)

    form = progress.decision_form(workspace, number)
    assert [(i.number, i.requested, i.currency) for i in form.items] == [
        (1, Decimal(800), "EUR"),
        (2, Decimal(9000), "GEL"),
    ]
    assert form.items[1].currencies == ("GEL", "EUR") and form.plan_revision == plan_revision
    assert form.items[0].type_label == "Micro-business start-up"

    decided = TODAY - dt.timedelta(days=3)
    # item 2 without a currency: in the item's own (GEL, indicative rate 0.32)
    done = progress.record_decision(
        workspace, number, approval((2, "1250", ""), (1, "800.00", "EUR"), on=decided)
    )
    assert done.case.status is CaseStatus.APPROVED
    view = done.decision
    assert view.approved_total_eur == Decimal("1200.00") and view.plan_revision == plan_revision
    assert view.recorded_by == "Anna Kováčová" and view.reference == "HQ/123"
    assert progress.latest_decision(workspace, number) == view
    with workspace.reading() as session:
        stored = session.scalars(select(CaseDecision)).one()
        assert stored.approved_amounts == [
            {"item": 1, "amount": "800.00", "currency": "EUR"},
            {"item": 2, "amount": "1250.00", "currency": "GEL"},
        ]
        assert (stored.outcome, stored.source, stored.decided_on) == ("approved", "paper", decided)
        assert stored.approved_total_eur == "1200.00"

    assert [m.kind for m in progress.available_moves(workspace, number)] == [
        MoveKind.START_IMPLEMENTATION
    ]
    progress.start_implementation(workspace, number)
    done = progress.close_case(workspace, number, "All items delivered.")
    assert done.case.status is CaseStatus.CLOSED
    assert progress.available_moves(workspace, number) == ()

    changes = [e.detail for e in events(workspace, "case.status_changed")]
    assert [(d["from"], d["to"]) for d in changes][-4:] == [
        ("ready", "submitted"),
        ("submitted", "approved"),
        ("approved", "in_implementation"),
        ("in_implementation", "closed"),
    ]
    assert events(workspace, "case.status_changed")[-1].note == "All items delivered."
    (recorded,) = events(workspace, "decision.recorded")
    assert recorded.detail == {
        "outcome": "approved",
        "approved_total_eur": "1200.00",
        "source": "paper",
    }
    assert "1250" not in str(recorded.detail)  # amounts per item stay in the decision


def test_no_decision_before_submission_nor_twice(workspace):
    number = ready_case(workspace)
    with pytest.raises(NotAwaitingDecision) as caught:
        progress.record_decision(workspace, number, approval((1, "800", "EUR")))
    assert translate_error(caught.value) == (
        f"Case {number} is Ready: a decision can only be recorded for a submitted plan."
    )
    with pytest.raises(InvalidTransition):
        progress.start_implementation(workspace, number)
    with pytest.raises(InvalidTransition):
        progress.close_case(workspace, number)
    progress.submit(workspace, number)
    with pytest.raises(InvalidTransition):
        progress.submit(workspace, number)
    progress.record_decision(workspace, number, approval((1, "800", "EUR")))
    with pytest.raises(NotAwaitingDecision):
        progress.record_decision(workspace, number, approval((1, "800", "EUR")))
    # the session's own status change cannot approve or reject without a decision
    with pytest.raises(DecisionRequired):
        Counselling(workspace).change_status(number, CaseStatus.REJECTED, "no")


def test_wrong_decisions_are_refused_and_change_nothing(workspace):
    number = ready_case(workspace)
    progress.submit(workspace, number)
    rejected_without_reason = DecisionInput(DecisionOutcome.REJECTED, TODAY, reason="   ")
    with pytest.raises(InvalidInput) as caught:
        progress.record_decision(workspace, number, rejected_without_reason)
    assert set(caught.value.problems) == {"reason"}
    assert "reason" in translate_error(caught.value)

    with pytest.raises(InvalidInput) as caught:
        progress.record_decision(workspace, number, approval())
    assert set(caught.value.problems) == {"amounts"}

    wrong = approval(
        (1, "-5", "EUR"),
        (2, "10.555", "USD"),
        (3, "10", "EUR"),
        on=TODAY + dt.timedelta(days=1),
        reference="x" * 101,
    )
    with pytest.raises(InvalidInput) as caught:
        progress.record_decision(workspace, number, wrong)
    assert set(caught.value.problems) == {
        "decided_on",
        "reference",
        "amounts.item",
        "amounts.value",
        "amounts.currency",
    }
    message = translate_error(caught.value)
    assert "future" in message and "assistance item 3" in message and "item 1, 2" in message

    long_reason = DecisionInput(DecisionOutcome.REJECTED, TODAY, reason="x" * 2001)
    with pytest.raises(InvalidInput):
        progress.record_decision(workspace, number, long_reason)
    assert progress.latest_decision(workspace, number) is None
    assert Counselling(workspace).state(number).case.status is CaseStatus.SUBMITTED
    assert events(workspace, "decision.recorded") == []


def test_a_currency_without_rate_asks_for_eur(workspace):
    number = ready_case(workspace, ("100", "EUR"))
    with workspace.transaction() as session:  # a plan in a currency the office has no rate for
        from app.services.cases import load_case

        case = load_case(session, number)
        response = next(r for r in case.responses if r.form_id == "plan")
        answers = dict(response.answers)
        answers["assistance_items"] = [
            {**answers["assistance_items"][0], "estimated_cost": {"amount": "5", "currency": "XXX"}}
        ]
        response.answers = answers
    progress.submit(workspace, number)
    with pytest.raises(InvalidInput) as caught:
        progress.record_decision(workspace, number, approval((1, "5", "")))
    assert set(caught.value.problems) == {"amounts.rate"}
    assert "XXX" in translate_error(caught.value)
    done = progress.record_decision(workspace, number, approval((1, "4.50", "EUR")))
    assert done.decision.approved_total_eur == Decimal("4.50")


def test_counsellor_moves_cases_but_does_not_record_decisions(workspace, counsellor):
    number = ready_case(workspace)
    progress.submit(counsellor, number)
    (move,) = progress.available_moves(counsellor, number)
    assert move.kind is MoveKind.RECORD_DECISION and not move.permitted
    with pytest.raises(NotPermitted):
        progress.record_decision(counsellor, number, approval((1, "800", "EUR")))
    assert progress.latest_decision(workspace, number) is None
    progress.record_decision(workspace, number, approval((1, "800", "EUR")))
    progress.start_implementation(counsellor, number)
    assert progress.close_case(counsellor, number).case.status is CaseStatus.CLOSED


def test_rejected_case_goes_back_to_planning_and_is_submitted_again(workspace):
    number = ready_case(workspace)
    progress.submit(workspace, number)
    rejection = DecisionInput(
        DecisionOutcome.REJECTED, TODAY, reason="Costs not justified.", reference="HQ/9"
    )
    done = progress.record_decision(workspace, number, rejection)
    assert done.case.status is CaseStatus.REJECTED and done.decision.approved_total_eur is None
    (recorded,) = events(workspace, "decision.recorded")
    assert recorded.note == "Costs not justified."
    assert recorded.detail["approved_total_eur"] is None
    kinds = [m.kind for m in progress.available_moves(workspace, number)]
    assert kinds == [MoveKind.REVISE_PLAN, MoveKind.CLOSE]

    progress.revise_plan(workspace, number, "Cheaper supplier found.")
    counselling = Counselling(workspace)
    state = counselling.state(number)
    assert state.case.status is CaseStatus.PLANNING and not state.completed("plan")
    assert state.next_step == "plan"
    counselling.save_answers(number, "plan", plan(("600", "EUR")))
    counselling.complete_step(number, "plan")
    assert counselling.state(number).case.status is CaseStatus.READY
    new_revision = counselling.state(number).responses["plan"].revision
    progress.submit(workspace, number)
    done = progress.record_decision(workspace, number, approval((1, "600", "EUR")))
    assert done.decision.plan_revision == new_revision
    assert progress.latest_decision(workspace, number).outcome is DecisionOutcome.APPROVED
    with workspace.reading() as session:
        assert len(session.scalars(select(CaseDecision)).all()) == 2


def test_demo_cases_offer_the_moves_of_their_status(workspace):
    add_demo_cases(workspace, 40, seed=5)
    rows = CaseRegister(workspace).page(CaseQuery(), 0, 100)
    for row in rows:
        kinds = {m.kind for m in progress.available_moves(workspace, row.case_number)}
        expected = {rule.kind for rule in moves_from(row.status)}
        assert kinds == expected
    submitted = next(r for r in rows if r.status is CaseStatus.SUBMITTED)
    form = progress.decision_form(workspace, submitted.case_number)
    assert form.items and all(item.description for item in form.items)
    amounts = [(i.number, str(i.requested), "") for i in form.items]
    done = progress.record_decision(workspace, submitted.case_number, approval(*amounts))
    assert done.decision.approved_total_eur == form.total_eur(done.decision.amounts)


def test_a_long_note_is_refused(workspace):
    number = ready_case(workspace)
    with pytest.raises(InvalidInput):
        progress.submit(workspace, number, "x" * 2001)
    assert Counselling(workspace).state(number).case.status is CaseStatus.READY
