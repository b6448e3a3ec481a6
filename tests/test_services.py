import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select

from app.domain.accounts import Role
from app.domain.cases import CaseStatus
from app.domain.errors import (
    AccountDisabled,
    AlreadyInitialised,
    AuthenticationFailed,
    CaseNotFound,
    DuplicateUser,
    InvalidInput,
    KeyRingMissing,
    NotInitialised,
    NotPermitted,
    StoreEmpty,
    StoreUnreadable,
)
from app.domain.people import HouseholdMemberInput, NewCaseInput, PersonInput, Relationship, Sex
from app.services.accounts import add_account, change_password, list_accounts
from app.services.cases import CaseQuery, CaseRegister, SortKey
from app.services.workspace import initialise, unlock
from app.store.models import AuditEvent, UserAccount

from tests_support import PASSWORD, TEST_KDF


def new_case(given="An", family="Nguyen", country="VN", language="vi", **extra) -> NewCaseInput:
    return NewCaseInput(
        returnee=PersonInput(given, family, dt.date(1990, 5, 1), Sex.MALE),
        nationality=country,
        country_of_return=country,
        region_of_return=extra.pop("region", "Nghệ An"),
        session_language=language,
        **extra,
    )


def _snapshot(folder):
    return {
        p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "sign-in-attempts.json"  # counts refusals, on purpose
    }


def test_initialise_creates_office_admin_and_audit(workspace):
    assert workspace.installation.office_code == "SK"
    assert workspace.installation.role == "office"
    assert workspace.installation.budget_cap_eur == 1500
    assert workspace.user.username == "anna" and workspace.user.role is Role.ADMIN
    with workspace.reading() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert actions == ["installation.created", "keys.created"]


def test_second_initialise_changes_nothing(installed):
    before = _snapshot(installed.root)
    with pytest.raises(AlreadyInitialised):
        initialise(
            installed,
            role="hq",
            office_code="HQ",
            office_name="x",
            admin_username="bob",
            admin_password="another pass",
            kdf=TEST_KDF,
        )
    assert _snapshot(installed.root) == before


def test_invalid_setup_leaves_nothing(paths):
    with pytest.raises(InvalidInput) as caught:
        initialise(
            paths,
            role="office",
            office_code="s1",
            office_name="",
            admin_username="a b",
            admin_password="short",
            kdf=TEST_KDF,
        )
    assert set(caught.value.problems) == {"office_code", "office_name", "username", "password"}
    assert not paths.root.exists()


def test_unlock_failures(installed, paths):
    before = _snapshot(installed.root)
    with pytest.raises(AuthenticationFailed):
        unlock(installed, "anna", "wrong password")
    with pytest.raises(AuthenticationFailed):
        unlock(installed, "nobody", PASSWORD)
    assert _snapshot(installed.root) == before
    with pytest.raises(NotInitialised):
        unlock(type(paths)(paths.root.parent / "elsewhere"), None, PASSWORD)


def test_default_user_is_the_first_admin(installed):
    workspace = unlock(installed, None, PASSWORD, sign_in=True)
    try:
        assert workspace.user.username == "anna"
        with workspace.reading() as session:
            assert session.scalar(select(UserAccount.last_login_at)) is not None
    finally:
        workspace.close()


def test_case_numbers_are_sequential_per_office_and_year(workspace):
    register = CaseRegister(workspace)
    first = register.open_case(new_case())
    second = register.open_case(new_case(given="Binh"))
    year = dt.date.today().year
    assert first.case_number == f"SK-{year}-00001"
    assert second.case_number == f"SK-{year}-00002"
    assert first.uuid != second.uuid
    assert first.status is CaseStatus.INTAKE


def test_open_case_validates_and_writes_nothing_on_error(workspace):
    register = CaseRegister(workspace)
    with pytest.raises(InvalidInput) as caught:
        register.open_case(new_case(given="", country="QQ"))
    assert {"given_name", "nationality", "country_of_return"} <= set(caught.value.problems)
    assert register.count(CaseQuery()) == 0


def test_case_detail_has_household_and_audit(workspace):
    register = CaseRegister(workspace)
    household = (
        HouseholdMemberInput("Lan", "Tran", dt.date(1992, 1, 2), Sex.FEMALE, Relationship.SPOUSE),
        HouseholdMemberInput("Minh", "Nguyen", None, Sex.MALE, Relationship.CHILD, False),
    )
    row = register.open_case(new_case(native_name="Nguyễn Văn An", household=household))
    detail = register.detail(row.case_number.lower())
    assert detail.native_name == "Nguyễn Văn An"
    assert [m.given_name for m in detail.household] == ["Lan", "Minh"]
    assert detail.household[1].returns_together is False
    assert detail.created_by == "Anna Kováčová"
    with workspace.reading() as session:
        assert (
            session.scalar(
                select(func.count()).where(
                    AuditEvent.action == "case.opened", AuditEvent.case_uuid == row.uuid
                )
            )
            == 1
        )
    with pytest.raises(CaseNotFound):
        register.detail("SK-1999-00001")
    with pytest.raises(CaseNotFound):
        register.detail("not a number")


def test_search_by_number_name_diacritics_household_and_country(workspace):
    register = CaseRegister(workspace)
    an = register.open_case(new_case(native_name="Nguyễn Văn An"))
    register.open_case(
        new_case(
            given="Giorgi",
            family="Beridze",
            country="GE",
            language="ka",
            region="Imereti",
            native_name="გიორგი ბერიძე",
        )
    )
    register.open_case(
        new_case(
            given="Olena",
            family="Kovalenko",
            country="UA",
            language="uk",
            region="Kyiv",
            household=(
                HouseholdMemberInput("Taras", "Shevchuk", None, Sex.MALE, Relationship.SPOUSE),
            ),
        )
    )

    def found(text):
        return [r.family_name for r in register.page(CaseQuery(text=text), 0, 50)]

    assert found("nguy") == ["Nguyen"]
    assert found("Nguyễn") == ["Nguyen"]
    assert found("ბერიძე") == ["Beridze"]
    assert found("shevch") == ["Kovalenko"]
    assert found("Georgia") == ["Beridze"]
    assert found("Грузия") == ["Beridze"]  # country names in every supported language
    assert found("imer") == ["Beridze"]
    assert found(an.case_number) == ["Nguyen"]
    assert found(an.case_number.split("-")[-1].lstrip("0")) == ["Nguyen"]
    assert found("giorgi beri") == ["Beridze"]
    assert found("giorgi nguyen") == []
    assert found('"*:()') == [] and register.count(CaseQuery(text='"*:()')) == 0
    assert register.count(CaseQuery(text="  ")) == 3


def test_paging_and_sorting(workspace):
    register = CaseRegister(workspace)
    for family in ("Zeta", "alpha", "Mu"):
        register.open_case(new_case(family=family))
    by_name = CaseQuery(sort=SortKey.NAME, descending=False)
    assert [r.family_name for r in register.page(by_name, 0, 10)] == ["alpha", "Mu", "Zeta"]
    assert [r.family_name for r in register.page(by_name, 1, 1)] == ["Mu"]
    newest_first = register.page(CaseQuery(sort=SortKey.CASE_NUMBER, descending=True), 0, 10)
    assert [r.family_name for r in newest_first] == ["Mu", "alpha", "Zeta"]


def test_accounts_roles_and_passwords(workspace, installed):
    add_account(workspace, "Boris", "Boris Petrov", Role.COUNSELLOR, "counsel pass")
    with pytest.raises(DuplicateUser):
        add_account(workspace, "boris", "", Role.COUNSELLOR, "counsel pass")
    with pytest.raises(InvalidInput):
        add_account(workspace, "x", "", Role.COUNSELLOR, "short")
    assert [a.username for a in list_accounts(workspace)] == ["anna", "boris"]

    boris = unlock(installed, "boris", "counsel pass")
    try:
        assert boris.user.role is Role.COUNSELLOR
        CaseRegister(boris).open_case(new_case())  # counsellors open cases
        with pytest.raises(NotPermitted):
            add_account(boris, "carla", "", Role.ADMIN, "whatever pass")
        with pytest.raises(AuthenticationFailed):
            change_password(boris, "wrong", "new password")
        change_password(boris, "counsel pass", "new password")
    finally:
        boris.close()
    with pytest.raises(AuthenticationFailed):
        unlock(installed, "boris", "counsel pass")
    unlock(installed, "boris", "new password").close()


def test_disabled_account_cannot_sign_in(workspace, installed):
    add_account(workspace, "boris", "", Role.COUNSELLOR, "counsel pass")
    with workspace.transaction() as session:
        boris = session.scalars(select(UserAccount).where(UserAccount.username == "boris")).one()
        boris.active = False
    with pytest.raises(AccountDisabled):
        unlock(installed, "boris", "counsel pass")


def test_two_programs_adding_accounts_keep_each_others_slots(installed):
    first = unlock(installed, "anna", PASSWORD)
    second = unlock(installed, "anna", PASSWORD)  # e.g. the app and a script at once
    try:
        add_account(first, "boris", "", Role.COUNSELLOR, "boris password")
        change_password(second, PASSWORD, "anna's new password")
    finally:
        first.close()
        second.close()
    unlock(installed, "boris", "boris password").close()
    unlock(installed, "anna", "anna's new password").close()


def test_set_up_again_without_key_ring_is_refused_and_keeps_the_store(installed):
    old_store = installed.database.read_bytes()
    installed.keyring.rename(installed.root / "keyring.json.lost")
    with pytest.raises(KeyRingMissing) as refused:
        initialise(installed, role="office", office_code="SK", office_name="Again",
                   admin_username="anna", admin_password=PASSWORD, kdf=TEST_KDF)  # fmt: skip
    assert "keyring.json" in str(refused.value)
    assert installed.database.read_bytes() == old_store
    assert not installed.keyring.exists()
    (installed.root / "keyring.json.lost").rename(installed.keyring)  # put back: it opens
    unlock(installed, "anna", PASSWORD).close()


def test_an_empty_store_file_is_reported_not_replaced(installed):
    installed.database.write_bytes(b"")
    with pytest.raises(StoreEmpty):
        unlock(installed, "anna", PASSWORD)
    assert installed.database.stat().st_size == 0


def test_a_missing_store_file_is_reported_not_recreated(installed):
    installed.database.unlink()
    with pytest.raises(StoreUnreadable):
        unlock(installed, "anna", PASSWORD)
    assert not installed.database.exists()
