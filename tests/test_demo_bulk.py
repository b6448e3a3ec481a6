"""Demo cases written in bulk are the cases the register itself would write: the same search
rows, the same columns filled, an audit chain that holds, the same cases for the same seed;
and a long demo reports its progress and stops when asked."""

from sqlalchemy import select, text

from app.config import DataPaths
from app.domain.dates import PartialDate
from app.domain.people import HouseholdMemberInput, Relationship, Sex
from app.services import demo
from app.services.cases import CaseQuery, CaseRegister, reindex
from app.services.demo import add_demo_cases
from app.services.workspace import initialise, unlock
from app.store import audit
from app.store.models import Case, HouseholdMember, Returnee
from test_services import new_case

from tests_support import PASSWORD, TEST_KDF

_SEARCH_ROWS = "SELECT rowid, case_number, names, places FROM case_search ORDER BY rowid"


def test_search_rows_are_those_the_register_writes(workspace):
    add_demo_cases(workspace, 40, seed=3)
    with workspace.reading() as session:
        written = session.execute(text(_SEARCH_ROWS)).all()
    with workspace.transaction() as session:
        for case in session.scalars(select(Case)):
            reindex(session, case)
    with workspace.reading() as session:
        assert session.execute(text(_SEARCH_ROWS)).all() == written
    assert len(written) == 40


def test_demo_cases_fill_every_column_a_real_case_fills(workspace):
    add_demo_cases(workspace, 30, seed=8)
    spouse = HouseholdMemberInput("Lan", "Tran", PartialDate(1992), Sex.FEMALE,
                                  Relationship.SPOUSE, True)  # fmt: skip
    CaseRegister(workspace).open_case(new_case(household=(spouse,)))
    with workspace.reading() as session:
        for model in (Case, Returnee, HouseholdMember):
            columns = list(model.__table__.columns)
            statement = select(Case.is_demo, *columns)
            if model is not Case:
                statement = statement.join(Case, Case.id == model.__table__.c.case_id)
            rows = session.execute(statement).all()

            def filled(row, columns=columns):
                return {
                    c.name for c, value in zip(columns, row[1:], strict=True) if value is not None
                }

            real = next(filled(row) for row in rows if not row[0])
            for row in rows:
                assert filled(row) >= real - {"date_of_birth"}  # some do not know it


def test_audit_chain_holds_across_chunks_and_other_events(workspace, monkeypatch):
    monkeypatch.setattr(demo, "CHUNK", 7)
    add_demo_cases(workspace, 20, seed=1)
    CaseRegister(workspace).open_case(new_case())  # an event of the register's own between
    add_demo_cases(workspace, 9, seed=2, alongside_real=True)
    with workspace.reading() as session:
        report = audit.verify(session)
        opened = session.scalar(
            text("SELECT count(*) FROM audit_event WHERE action = 'case.opened'")
        )
    assert report.broken is None and opened == 30


def test_progress_is_reported_and_cancel_keeps_what_was_written(workspace, monkeypatch):
    monkeypatch.setattr(demo, "CHUNK", 10)
    calls: list[tuple[int, int]] = []
    added = add_demo_cases(
        workspace, 35, seed=4, progress=lambda done, total: calls.append((done, total)),
        cancelled=lambda: len(calls) >= 2,
    )  # fmt: skip
    # it stops within a chunk of being asked, keeping whole chunks, each reported
    assert added < 35 and added % 10 == 0 and calls[-1] == (added, 35)
    assert [done for done, _ in calls] == list(range(10, added + 1, 10))
    assert CaseRegister(workspace).count(CaseQuery()) == added
    calls.clear()
    assert add_demo_cases(workspace, 25, seed=5, progress=lambda d, t: calls.append((d, t))) == 25
    assert calls == [(10, 25), (20, 25), (25, 25)]
    rows = CaseRegister(workspace).page(CaseQuery(text="DEMO"), 0, 100)
    assert len({row.case_number for row in rows}) == added + 25  # numbers never repeat
    with workspace.reading() as session:
        assert audit.verify(session).broken is None


def test_the_same_seed_gives_the_same_cases(workspace, tmp_path):
    other = DataPaths(tmp_path / "other")
    initialise(other, role="office", office_code="SK", office_name="Other",
               admin_username="anna", admin_password=PASSWORD, kdf=TEST_KDF)  # fmt: skip
    second = unlock(other, "anna", PASSWORD)
    try:
        contents = []
        for target in (workspace, second):
            add_demo_cases(target, 25, seed=11)
            with target.reading() as session:
                contents.append(
                    session.execute(
                        text(
                            "SELECT c.case_number, c.status, c.revision, r.given_name, "
                            "r.family_name, r.native_name, r.date_of_birth, f.form_id, f.answers "
                            "FROM returnee_case c JOIN returnee r ON r.case_id = c.id "
                            "LEFT JOIN form_response f ON f.case_id = c.id "
                            "ORDER BY c.case_number, f.form_id"
                        )
                    ).all()
                )
    finally:
        second.close()
    assert contents[0] == contents[1] and len(contents[0]) > 25
