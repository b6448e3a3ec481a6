"""The case list reads pages by keyset over indexes: the same rows as a full sort, and page
400 costs what page 1 costs (statements, plan, SQLite VM steps), searching or not."""

import datetime as dt
import io
import json
import random
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, insert, select, text

from app.domain.cases import CaseStatus
from app.domain.dates import PartialDate
from app.domain.people import IdentityInput, NewCaseInput, PersonInput, Sex
from app.services import cases as cases_service
from app.services.cases import CaseQuery, CaseRegister, SortKey, add_case
from app.store import search
from app.store.models import Case, Office, Returnee

FAMILIES = ("Mai", "mai", "MAI", "Nguyen", "Nguyễn", "Beridze", "Öztürk", "Zeta", "alpha", "")
GIVEN = ("An", "an", "Giorgi", "Olena", "Émile", "Zoë")
COUNTRIES = (("GE", "Imereti"), ("GE", ""), ("VN", "Nghệ An"), ("UA", "Kyiv"), ("AF", ""))
STATUSES = tuple(CaseStatus)


def insert_cases(workspace, count, *, seed=1, start=1):
    """``count`` cases written straight into the store (much faster than opening them one by
    one), with many ties, missing birth dates and letter cases; search rows included."""
    rng = random.Random(seed)
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with workspace.transaction() as session:
        office_id = session.scalar(select(Office.id).where(Office.code == "SK"))
        first_id = (session.scalar(select(func.max(Case.id))) or 0) + 1
        cases, returnees = [], []
        for offset in range(count):
            case_id = first_id + offset
            country, region = rng.choice(COUNTRIES)
            cases.append(
                {
                    "id": case_id,
                    "case_number": f"SK-2026-{start + offset:05d}",
                    "office_id": office_id,
                    "status": rng.choice(STATUSES).value,
                    "session_language": rng.choice(("ka", "vi", "uk", "fa")),
                    "country_of_return": country,
                    "region_of_return": region,
                    # few distinct times: ties that only the case id breaks
                    "updated_at": base + dt.timedelta(hours=rng.randrange(40)),
                    "created_at": base,
                }
            )
            born = None if rng.random() < 0.2 else dt.date(1950 + rng.randrange(50), 1, 1)
            returnees.append(
                {
                    "case_id": case_id,
                    "given_name": rng.choice(GIVEN),
                    "family_name": rng.choice(FAMILIES),
                    "date_of_birth": born,
                    "date_of_birth_precision": "year",
                    "sex": "F",
                    "nationality": country,
                }
            )
        session.execute(insert(Case), cases)
        session.execute(insert(Returnee), returnees)
        for case, person in zip(cases, returnees, strict=True):
            names = f"{person['given_name']} {person['family_name']}"
            places = f"{case['country_of_return']} {case['region_of_return']}"
            search.index_case(session, case["id"], case["case_number"], names, places)


# The order as the register sorted before keyset pages (lower() and NULL dates first), to
# show that the pages hold exactly the same rows in the same order.
_FULL_SORT = {
    SortKey.CASE_NUMBER: (Case.case_number,),
    SortKey.NAME: (func.lower(Returnee.family_name), func.lower(Returnee.given_name)),
    SortKey.BIRTH: (Returnee.date_of_birth,),
    SortKey.NATIONALITY: (Returnee.nationality,),
    SortKey.COUNTRY: (Case.country_of_return, Case.region_of_return),
    SortKey.STATUS: (Case.status,),
    SortKey.LANGUAGE: (Case.session_language,),
    SortKey.UPDATED: (Case.updated_at,),
}


def fully_sorted(workspace, query):
    keys = [*_FULL_SORT[query.sort], Case.id]
    statement = select(Case.case_number).join(Returnee, Returnee.case_id == Case.id)
    if query.text:
        expression = search.match_expression(query.text)
        hits = text(f"SELECT rowid FROM {search.SEARCH_TABLE} WHERE {search.SEARCH_TABLE} MATCH :q")
        statement = statement.where(Case.id.in_(hits.bindparams(q=expression)))
    statement = statement.order_by(*(k.desc() if query.descending else k.asc() for k in keys))
    with workspace.reading() as session:
        return list(session.scalars(statement))


def forwards(listing, size):
    numbers, page = [], listing.first(size)
    while page.rows:
        numbers += [row.case_number for row in page.rows]
        page = listing.after(page.last, size)
    return numbers


def backwards(listing, size):
    numbers, page = [], listing.last(size)
    while page.rows:
        numbers = [row.case_number for row in page.rows] + numbers
        page = listing.before(page.first, size)
    return numbers


QUERIES = [CaseQuery(sort=s, descending=d) for s in SortKey for d in (False, True)]


@pytest.mark.parametrize("reading", ["hits", "index"])
def test_pages_hold_the_rows_of_a_full_sort_in_every_order(workspace, monkeypatch, reading):
    insert_cases(workspace, 90)
    register = CaseRegister(workspace)
    # Searching, the listing reads either the hits (sorted) or the sort's index (filtered).
    monkeypatch.setattr(cases_service, "_WALK_FACTOR", 10**9 if reading == "hits" else 0)
    queries = [*QUERIES, *(CaseQuery(text="mai", sort=q.sort, descending=q.descending)
                           for q in QUERIES)]  # fmt: skip
    for query in queries:
        expected = fully_sorted(workspace, query)
        listing = register.listing(query)
        assert listing.total == len(expected), query
        assert forwards(listing, 7) == expected, query
        assert backwards(listing, 8) == expected, query
        for offset in (0, 1, 13, len(expected) // 2, len(expected) - 5):
            assert [r.case_number for r in listing.at(offset, 6).rows] == expected[
                offset : offset + 6
            ], (query, offset)
        for position in (0, 3, len(expected) // 2, len(expected) - 1):
            assert listing.position(expected[position]) == position, query
        assert [row.case_number for row in listing.rows(page_size=11)] == expected
        assert register.page(query, 9, 4) == list(listing.at(9, 4).rows)


def test_a_case_outside_the_search_has_no_position(workspace):
    insert_cases(workspace, 30)
    listing = CaseRegister(workspace).listing(CaseQuery(text="Beridze"))
    outside = next(
        number
        for number in fully_sorted(workspace, CaseQuery())
        if number not in fully_sorted(workspace, CaseQuery(text="Beridze"))
    )
    assert listing.position(outside) is None
    assert listing.position("SK-1999-99999") is None
    nothing = CaseRegister(workspace).listing(CaseQuery(text="*?!"))
    assert nothing.total == 0 and nothing.first().rows == () and nothing.position(outside) is None


def test_sort_keys_follow_new_and_corrected_cases(workspace):
    register = CaseRegister(workspace)
    person = PersonInput("An", "Mai", None, Sex.MALE)
    opened = register.open_case(NewCaseInput(person, "VN", "VN", "", "vi"))
    with workspace.transaction() as session:
        add_case(session, workspace, NewCaseInput(PersonInput("Bo", "Lam", None, Sex.MALE),
                                                  "VN", "VN", "", "vi"))  # fmt: skip
    by_name = CaseQuery(sort=SortKey.NAME, descending=False)
    assert [r.family_name for r in register.listing(by_name).first().rows] == ["Lam", "Mai"]
    register.edit_identity(
        opened.case_number,
        IdentityInput(PersonInput("An", "Ba", PartialDate(1980), Sex.MALE), "VN", "VN", ""),
    )
    assert [r.family_name for r in register.listing(by_name).first().rows] == ["Ba", "Lam"]
    by_birth = CaseQuery(sort=SortKey.BIRTH, descending=False)
    assert [r.family_name for r in register.listing(by_birth).first().rows] == ["Lam", "Ba"]


@contextmanager
def measured(workspace):
    """Statements run (BEGIN aside) and SQLite VM steps taken inside the block."""
    found = {"statements": [], "steps": 0}
    drivers = []

    def step():
        found["steps"] += 1
        return 0

    def count_statement(conn, cursor, statement, parameters, context, executemany):
        if statement != "BEGIN":
            found["statements"].append((statement, parameters))
        driver = conn.connection.driver_connection
        if driver not in drivers:
            drivers.append(driver)
            driver.set_progress_handler(step, 1)

    event.listen(workspace.engine, "before_cursor_execute", count_statement)
    try:
        yield found
    finally:
        event.remove(workspace.engine, "before_cursor_execute", count_statement)
        for driver in drivers:
            driver.set_progress_handler(None, 1)


def plan(workspace, statement, parameters):
    with workspace.engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()
        return [row[3] for row in cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)]


@pytest.mark.parametrize(
    "query",
    [
        CaseQuery(),  # the window's own order: last change first
        CaseQuery(sort=SortKey.NAME, descending=False),
        CaseQuery(sort=SortKey.BIRTH, descending=True),
        CaseQuery(sort=SortKey.COUNTRY, descending=False),
        CaseQuery(text="mai", sort=SortKey.CASE_NUMBER),
    ],
)
def test_page_400_costs_what_page_1_costs(workspace, monkeypatch, query):
    insert_cases(workspace, 2400, seed=4)
    if query.text:  # a common word: read along the sort's index, keeping the hits
        monkeypatch.setattr(cases_service, "_WALK_FACTOR", 0)
    listing = CaseRegister(workspace).listing(query)
    size = 5
    with measured(workspace) as first:
        page = listing.first(size)
    with measured(workspace) as second:
        anchors = [page.last, listing.after(page.last, size).last]
    for _page in range(397):
        anchors.append(listing.after(anchors[-1], size).last)
    with measured(workspace) as deep:
        page_400 = listing.after(anchors[-1], size)
    assert len(page_400.rows) == size
    for measure in (first, second, deep):
        assert len(measure["statements"]) == 1
        statement, parameters = measure["statements"][0]
        steps = plan(workspace, statement, parameters)
        assert not any("TEMP B-TREE" in step for step in steps), steps
        tables = [s for s in steps if s.split(" ")[1:2] in (["returnee_case"], ["returnee"])]
        assert tables and all("INDEX" in s or "PRIMARY KEY" in s for s in tables), steps
        # SQLAlchemy writes "LIMIT ? OFFSET ?" for SQLite; every offset is 0.
        assert statement.count("OFFSET") == statement.count("OFFSET ?")
        assert list(parameters).count(0) >= statement.count("OFFSET")
    # Page 400 takes the steps page 2 takes: one to three index seeks, as the ties of the
    # sort's first keys end (page 1 has no row to follow, so it takes fewer).
    limit = 2.5 if query.text else 1.5  # hits are not spread evenly along the index
    assert deep["steps"] <= second["steps"] * limit, (second["steps"], deep["steps"])
    assert second["steps"] <= deep["steps"] * limit, (second["steps"], deep["steps"])
    # An OFFSET read of the same page walks every row before it: many times the steps.
    with measured(workspace) as offset, workspace.reading() as session:
        session.execute(
            cases_service._page_statement(
                query.sort, query.descending, listing._reading, anchored=False, reverse=False
            ).offset(399 * size),
            {"limit": size, **({"match": listing._match} if query.text else {})},
        ).all()
    assert offset["steps"] > 5 * deep["steps"]


def test_jumps_count_along_the_index_and_read_one_page(workspace):
    insert_cases(workspace, 2400, seed=5)
    listing = CaseRegister(workspace).listing(CaseQuery(sort=SortKey.NAME))
    expected = fully_sorted(workspace, CaseQuery(sort=SortKey.NAME))
    with measured(workspace) as jump:
        page = listing.at(1700, 5)
    assert [row.case_number for row in page.rows] == expected[1700:1705]
    assert len(jump["statements"]) == 2  # the row before the page (from the end), the page
    assert (
        "OFFSET" in jump["statements"][0][0]
        and "returnee_case" not in (jump["statements"][0][0].split("FROM")[1].split("ORDER")[0])
    )  # counted in the returnee's index alone
    with measured(workspace) as located:
        assert listing.position(expected[2000]) == 2000
    assert len(located["statements"]) == 2
    assert "count(*)" in located["statements"][1][0]


def test_search_counts_in_the_search_index_once(workspace):
    insert_cases(workspace, 200)
    with measured(workspace) as counted:
        listing = CaseRegister(workspace).listing(CaseQuery(text="nguy"))
    assert len(counted["statements"]) == 1
    assert listing.total == len(fully_sorted(workspace, CaseQuery(text="nguy")))
    statement, parameters = counted["statements"][0]
    steps = plan(workspace, statement, parameters)
    # the hits counted in the search index; of the cases, only the highest id (one seek)
    assert "SCAN case_search VIRTUAL TABLE INDEX 0:M3" in steps
    assert [step for step in steps if "returnee" in step] == ["SEARCH returnee_case"]
    with measured(workspace) as paged:
        listing.after(listing.first(5).last, 5)
    assert len(paged["statements"]) == 2  # pages only: no count again


def test_rows_are_read_a_page_at_a_time(workspace):
    insert_cases(workspace, 25)
    query = CaseQuery(sort=SortKey.CASE_NUMBER, descending=False)
    listing = CaseRegister(workspace).listing(query)
    with measured(workspace) as read:
        numbers = [row.case_number for row in listing.rows(page_size=10)]
    assert numbers == sorted(numbers) and len(numbers) == 25
    pages = [s for s, _p in read["statements"] if s.startswith("SELECT")]
    assert len(pages) == 3


def test_cases_json_is_written_as_one_document_case_by_case(workspace, monkeypatch):
    from app.cli.cases import case_json, stream_cases_json
    from app.cli.common import emit_json

    insert_cases(workspace, 12)
    with workspace.transaction() as session:
        session.execute(
            text("UPDATE returnee SET given_name = :name WHERE case_id = 1"),
            {"name": "Ann\u202e\u0085\nx"},  # controls a terminal would act on
        )
    rows = list(CaseRegister(workspace).listing(CaseQuery()).rows())
    for shown in (rows, rows[:1], [], (rows * 90)[:1001]):  # written 500 cases at a time
        written, expected = io.StringIO(), io.StringIO()
        monkeypatch.setattr("sys.stdout", written)
        stream_cases_json(len(rows), iter(shown))
        monkeypatch.setattr("sys.stdout", expected)
        emit_json({"total": len(rows), "cases": [case_json(row) for row in shown]})
        assert written.getvalue() == expected.getvalue()
        assert json.loads(written.getvalue())["total"] == len(rows)
