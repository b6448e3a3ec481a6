import datetime as dt

import pytest

from app.domain.accounts import Permission, Role, may, normalise_username, username_problem
from app.domain.cases import CaseNumber, CaseStatus, allowed_transitions, check_transition
from app.domain.errors import InvalidInput, InvalidTransition
from app.domain.people import (
    HouseholdMemberInput,
    NewCaseInput,
    PersonInput,
    Relationship,
    Sex,
    validate_new_case,
)

TODAY = dt.date(2026, 11, 25)


def test_case_number_format_and_parse():
    number = CaseNumber("SK", 2026, 42)
    assert str(number) == "SK-2026-00042"
    assert CaseNumber.parse(" sk-2026-00042 ") == number
    assert CaseNumber.parse("SK-2026-123456") == CaseNumber("SK", 2026, 123456)
    for wrong in ("SK-26-00042", "S-2026-00042", "SK202600042", "", "SK-2026-42"):
        assert CaseNumber.parse(wrong) is None


def test_migrant_can_withdraw_until_departure_but_not_after():
    for status in (
        CaseStatus.INTAKE,
        CaseStatus.PLANNING,
        CaseStatus.READY,
        CaseStatus.SUBMITTED,
        CaseStatus.APPROVED,
    ):
        check_transition(status, CaseStatus.WITHDRAWN)
    with pytest.raises(InvalidTransition):
        check_transition(CaseStatus.IN_IMPLEMENTATION, CaseStatus.WITHDRAWN)
    assert allowed_transitions(CaseStatus.CLOSED) == frozenset()
    with pytest.raises(InvalidTransition) as caught:
        check_transition(CaseStatus.INTAKE, CaseStatus.APPROVED)
    assert caught.value.params == {"current": "intake", "target": "approved"}


def test_every_status_is_reachable_from_intake():
    seen, frontier = {CaseStatus.INTAKE}, [CaseStatus.INTAKE]
    while frontier:
        for target in allowed_transitions(frontier.pop()):
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    assert seen == set(CaseStatus)


def test_roles():
    assert may(Role.ADMIN, Permission.MANAGE_ACCOUNTS)
    assert not may(Role.COUNSELLOR, Permission.MANAGE_ACCOUNTS)
    assert may(Role.SUPERVISOR, Permission.REVIEW_CASES)
    assert not may(Role.COUNSELLOR, Permission.REVIEW_CASES)


def test_usernames_are_normalised_and_checked():
    assert normalise_username("  Anna ") == "anna"
    assert username_problem("anna.k") is None
    assert username_problem("a") is not None
    assert username_problem("anna k") is not None


def _case(**changes) -> NewCaseInput:
    values = dict(
        returnee=PersonInput("An", "Nguyen", dt.date(1990, 5, 1), Sex.MALE),
        nationality="VN",
        country_of_return="VN",
        region_of_return="Nghệ An",
        session_language="vi",
    )
    values.update(changes)
    return NewCaseInput(**values)


def _validate(case: NewCaseInput) -> None:
    validate_new_case(
        case,
        today=TODAY,
        known_countries=frozenset({"VN", "GE"}),
        known_languages=frozenset({"vi", "ka"}),
    )


def test_valid_case_passes_and_single_names_are_allowed():
    _validate(_case())
    _validate(_case(returnee=PersonInput("Ahmad", "", None, Sex.MALE)))


def test_every_wrong_field_is_named():
    case = _case(
        returnee=PersonInput(" ", "x" * 101, TODAY + dt.timedelta(days=1), Sex.MALE),
        nationality="QQ",
        country_of_return="",
        session_language="xx",
        household=(
            HouseholdMemberInput("", "Nguyen", dt.date(1850, 1, 1), Sex.FEMALE, Relationship.CHILD),
        ),
    )
    with pytest.raises(InvalidInput) as caught:
        _validate(case)
    assert set(caught.value.problems) == {
        "given_name",
        "family_name",
        "date_of_birth",
        "nationality",
        "country_of_return",
        "session_language",
        "household[1].given_name",
        "household[1].date_of_birth",
    }
    assert "the date of birth is in the future" in str(caught.value)


def test_the_endonyms_written_out_are_cldrs():
    from app.i18n.languages import ENDONYMS, LANGUAGES, language_name

    assert {lang.code: language_name(lang.code, lang.code) for lang in LANGUAGES} == ENDONYMS
