"""Realistic synthetic cases for ``homeward demo``: trying the app and testing at scale.

Names, regions and languages follow the countries returnees most often go back to. The
same seed gives the same cases, so a demo data set can be rebuilt exactly.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from app.domain.accounts import Permission
from app.domain.cases import CaseStatus
from app.domain.dates import PartialDate
from app.domain.errors import RealCasesPresent
from app.domain.money import INDICATIVE_RATES_TO_EUR
from app.domain.people import HouseholdMemberInput, NewCaseInput, PersonInput, Relationship, Sex
from app.formdefs import FormRegistry, load_forms
from app.services.cases import DEMO_OFFICE_CODE
from app.services.demo_answers import consent_answers, intake_answers, plan_answers
from app.services.demo_names import COUNTRIES, DemoCountry, Surname
from app.services.demo_rows import DemoCase, Writer, bulk_connection, write_cases
from app.services.demo_versions import interpreter_versions
from app.services.workspace import Workspace
from app.store import audit, search
from app.store.models import Case, Office
from app.store.types import utcnow

# Cases per transaction: large enough for bulk inserts to pay, small enough to keep memory
# flat and to answer a cancel within a second or so.
CHUNK = 2000
_DELETE_SEARCH_ROW = text(f"DELETE FROM {search.SEARCH_TABLE} WHERE rowid = :id")
LOCAL_CURRENCY = {
    "VN": "VND", "GE": "GEL", "MD": "MDL", "UA": "UAH", "RU": "RUB", "AZ": "AZN", "AL": "ALL",
    "XK": "EUR", "AF": "AFN", "IQ": "IQD", "SY": "SYP", "PK": "PKR", "IR": "IRR", "MA": "MAD",
    "CM": "XAF", "CO": "COP", "PE": "PEN", "CU": "CUP", "PH": "PHP", "NG": "NGN",
}  # fmt: skip
# Later statuses are likelier for cases opened long ago.
_STATUS_BY_AGE: tuple[tuple[int, tuple[tuple[CaseStatus, int], ...]], ...] = (
    (30, ((CaseStatus.INTAKE, 6), (CaseStatus.PLANNING, 4), (CaseStatus.WITHDRAWN, 1))),
    (
        120,
        (
            (CaseStatus.PLANNING, 3),
            (CaseStatus.READY, 3),
            (CaseStatus.SUBMITTED, 4),
            (CaseStatus.APPROVED, 2),
            (CaseStatus.WITHDRAWN, 1),
        ),
    ),
    (
        10_000,
        (
            (CaseStatus.APPROVED, 2),
            (CaseStatus.REJECTED, 1),
            (CaseStatus.IN_IMPLEMENTATION, 4),
            (CaseStatus.CLOSED, 6),
            (CaseStatus.WITHDRAWN, 1),
        ),
    ),
)


def _pick(rng: random.Random, weighted: tuple[tuple[CaseStatus, int], ...]) -> CaseStatus:
    return rng.choices([s for s, _ in weighted], [w for _, w in weighted])[0]


# Where many returnees know only the year they were born in.
_YEAR_ONLY_COMMON = frozenset({"AF", "IQ", "SY", "PK", "NG", "CM"})


def _birth_date(
    rng: random.Random, today: dt.date, low: int, high: int, country: str
) -> PartialDate:
    age_days = rng.randint(low * 365 + 1, high * 365 + 364)
    born = today - dt.timedelta(days=age_days)
    # Taken from the same draw, so every other value of a seeded demo stays as it was.
    if age_days % (5 if country in _YEAR_ONLY_COMMON else 50) == 0:
        return PartialDate(born.year)
    return PartialDate.of(born)


def _given(rng: random.Random, country: DemoCountry, sex: Sex) -> tuple[str, str]:
    return rng.choice(country.female_given if sex is Sex.FEMALE else country.male_given)


def _family(surname: Surname, sex: Sex) -> tuple[str, str]:
    if sex is Sex.FEMALE:
        return surname.female, surname.female_native
    return surname.male, surname.male_native


def _native_full_name(country: DemoCountry, given: str, family: str) -> str:
    # Vietnamese names are written family name first.
    return f"{family} {given}" if country.code == "VN" else f"{given} {family}"


def _household(
    rng: random.Random,
    country: DemoCountry,
    surname: Surname,
    age: int,
    returnee_sex: Sex,
    today: dt.date,
) -> tuple[HouseholdMemberInput, ...]:
    members: list[HouseholdMemberInput] = []
    if age >= 22 and rng.random() < 0.55:
        sex = Sex.MALE if returnee_sex is Sex.FEMALE else Sex.FEMALE
        given, _native = _given(rng, country, sex)
        family, _ = _family(surname, sex)
        members.append(
            HouseholdMemberInput(
                given,
                family,
                _birth_date(rng, today, max(18, age - 8), age + 5, country.code),
                sex,
                Relationship.SPOUSE,
                rng.random() < 0.6,
            )
        )
    if age >= 20:
        children = rng.choices((0, 1, 2, 3, 4, 5), (30, 25, 25, 12, 5, 3))[0]
        for _child in range(children):
            sex = rng.choice((Sex.FEMALE, Sex.MALE))
            given, _native = _given(rng, country, sex)
            family, _ = _family(surname, sex)
            members.append(
                HouseholdMemberInput(
                    given,
                    family,
                    _birth_date(rng, today, 0, min(17, age - 18), country.code),
                    sex,
                    Relationship.CHILD,
                    rng.random() < 0.7,
                )
            )
    if rng.random() < 0.1:
        sex = rng.choice((Sex.FEMALE, Sex.MALE))
        given, _native = _given(rng, country, sex)
        members.append(
            HouseholdMemberInput(
                given,
                _family(surname, sex)[0],
                _birth_date(rng, today, age + 18, min(95, age + 40), country.code),
                sex,
                Relationship.PARENT,
                False,
            )
        )
    return tuple(members)


def demo_case(rng: random.Random, today: dt.date) -> tuple[NewCaseInput, DemoCountry]:
    country = rng.choices(COUNTRIES, [c.weight for c in COUNTRIES])[0]
    sex = Sex.FEMALE if rng.random() < 0.35 else Sex.MALE
    age = 17 if rng.random() < 0.03 else rng.randint(18, 64)  # a few unaccompanied minors
    given, given_native = _given(rng, country, sex)
    surname = rng.choice(country.surnames)
    family, family_native = _family(surname, sex)
    native = _native_full_name(country, given_native, family_native)
    latin = _native_full_name(country, given, family)
    language_weights = [4, 1, 1][: len(country.languages)]
    new_case = NewCaseInput(
        returnee=PersonInput(
            given,
            family,
            None if rng.random() < 0.04 else _birth_date(rng, today, age, age, country.code),
            sex,
        ),
        nationality=country.code,
        country_of_return=country.code,
        region_of_return=rng.choice(country.regions),
        session_language=rng.choices(country.languages, language_weights)[0],
        native_name=native if native != latin else "",
        household=() if age < 18 else _household(rng, country, surname, age, sex, today),
    )
    return new_case, country


def _responses(
    rng: random.Random,
    forms: FormRegistry,
    new_case: NewCaseInput,
    country: DemoCountry,
    status: CaseStatus,
    opened: dt.datetime,
    user_id: int,
) -> tuple[dict[str, Any], ...]:
    """The answers (form_response columns) a case in ``status`` would have, complete up to
    where it got."""
    born = new_case.returnee.date_of_birth
    age = (opened.date() - born.earliest).days // 365 if born else 30
    currency = LOCAL_CURRENCY.get(country.code, "EUR")
    rate = float(INDICATIVE_RATES_TO_EUR.get(currency, 1))
    documents = {
        "consent": consent_answers(rng, opened.date()),
        "intake": intake_answers(rng, country, age, len(new_case.household) + 1, age < 18),
        "plan": plan_answers(rng, currency, rate),
    }
    done = {
        CaseStatus.INTAKE: 1 if rng.random() < 0.7 else 0,
        CaseStatus.PLANNING: 2,
        CaseStatus.WITHDRAWN: rng.choice((1, 2)),
    }.get(status, 3)
    started = min(done + 1, 3)
    responses = []
    for position, form_id in enumerate(("consent", "intake", "plan")[:started]):
        form = forms.current(form_id)
        answers = documents[form_id]
        completed = position < done
        if not completed:  # a step in progress: only the first answers are given
            answers = dict(list(answers.items())[: max(1, len(answers) // 2)])
        if documents["consent"].get("interpreter_present"):
            answers = interpreter_versions(form_id, answers, new_case.session_language)
        responses.append({
            "form_id": form_id, "form_version": form.version, "form_digest": form.digest,
            "answers": answers, "revision": len(answers), "created_at": opened,
            "updated_at": opened, "updated_by_id": user_id,
            "completed_at": opened if completed else None,
            "completed_by_id": user_id if completed else None,
        })  # fmt: skip
    return tuple(responses)


def _generate(
    rng: random.Random, forms: FormRegistry, now: dt.datetime, opened: dt.datetime, user_id: int
) -> DemoCase:
    """One case opened at ``opened``, as far on as its age makes likely."""
    new_case, country = demo_case(rng, opened.date())
    age_days = (now - opened).days
    status = _pick(rng, next(s for limit, s in _STATUS_BY_AGE if age_days <= limit))
    responses = _responses(rng, forms, new_case, country, status, opened, user_id)
    decision = _decision(rng, responses, status, opened, user_id) if status in _DECIDED else None
    return DemoCase(new_case, opened, status, responses, decision)


def add_demo_cases(
    workspace: Workspace,
    count: int,
    *,
    seed: int | None = None,
    alongside_real: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Add ``count`` cases opened over the last two years; return how many were added.

    Each case has the consent, intake and plan answers its status implies. They are marked
    as demo cases and numbered DEMO-…; a register that holds real cases gets them only when
    asked explicitly (``alongside_real``). They are written a few thousand per transaction,
    each whole (cases, search rows, audit events); ``progress(done, count)`` is called after
    each, and ``cancelled()`` before making up the next: cancelling finishes the one being
    written and keeps what was written (:func:`remove_demo_cases` takes it away).
    """
    workspace.require(Permission.WORK_ON_CASES)
    if not alongside_real:
        with workspace.reading() as session:
            real = session.scalar(select(func.count(Case.id)).where(Case.is_demo.is_(False)))
        if real:
            raise RealCasesPresent(count=real)
    rng = random.Random(seed)
    forms = load_forms()
    now = utcnow()
    opened = sorted(
        now - dt.timedelta(minutes=rng.randint(5, 2 * 365 * 24 * 60)) for _ in range(count)
    )
    with workspace.transaction() as session:
        office = _demo_office(session)
        writer = Writer(office.id, office.code, workspace.user.id)

    added = 0

    def write(chunk: list[DemoCase]) -> int:
        # A session of its own on the bulk connection: its audit events are sealed by
        # write_cases itself, not by the workspace's sessions.
        with Session(connection) as session, session.begin():
            write_cases(session, writer, chunk)
        return len(chunk)

    def written(pending: Future[int] | None) -> None:
        nonlocal added
        if pending is not None:
            added += pending.result()
            if progress is not None:
                progress(added, count)

    # While one chunk is written (SQLite works without holding Python's lock) the next one
    # is made up: on two cores that overlaps most of the writing with the generating.
    with (
        _no_cycle_collection(),
        bulk_connection(workspace.engine) as connection,
        ThreadPoolExecutor(1, "demo-writer") as writing,
    ):
        pending: Future[int] | None = None
        for start in range(0, count, CHUNK):
            if cancelled is not None and cancelled():
                break
            chunk = [_generate(rng, forms, now, at, writer.user_id)
                     for at in opened[start : start + CHUNK]]  # fmt: skip
            written(pending)
            pending = writing.submit(write, chunk)
        written(pending)
    return added


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Without Python's cycle collector for a while: the millions of small dicts and tuples
    of a large demo set it off again and again (a fifth of the time), and they hold no
    cycles; it is back on as it was once the cases are written."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Statuses a plan reaches only after headquarters decided on it (on paper, for now).
_DECIDED = frozenset({CaseStatus.APPROVED, CaseStatus.IN_IMPLEMENTATION, CaseStatus.CLOSED,
                      CaseStatus.REJECTED})  # fmt: skip
_REJECTION_REASONS = (
    "The plan duplicates assistance already received from another programme.",
    "No supplier offer; the costs could not be checked.",
)


def _decision(
    rng: random.Random,
    responses: tuple[dict[str, Any], ...],
    status: CaseStatus,
    opened: dt.datetime,
    user_id: int,
) -> dict[str, Any]:
    """The decision HQ sent back (case_decision columns) for a demo case past "submitted"."""
    plan = next(r for r in responses if r["form_id"] == "plan")
    decided_on = min(opened.date() + dt.timedelta(days=rng.randint(10, 40)), utcnow().date())
    decision: dict[str, Any] = {
        "reference": f"HQ/{decided_on.year}/{rng.randint(100, 9999)}", "decided_on": decided_on,
        "source": "paper", "plan_revision": plan["revision"], "recorded_by_id": user_id,
    }  # fmt: skip
    if status is CaseStatus.REJECTED:
        return decision | {"outcome": "rejected", "reason": rng.choice(_REJECTION_REASONS),
                           "approved_amounts": [], "approved_total_eur": None}  # fmt: skip
    amounts, total = [], Decimal(0)
    for number, item in enumerate(plan["answers"].get("assistance_items", []), start=1):
        cost = item.get("estimated_cost") or {}
        amount, currency = Decimal(str(cost.get("amount", "0"))), str(cost.get("currency", "EUR"))
        amounts.append({"item": number, "amount": f"{amount:.2f}", "currency": currency})
        total += amount * Decimal(str(INDICATIVE_RATES_TO_EUR.get(currency, 1)))
    return decision | {"outcome": "approved", "reason": "", "approved_amounts": amounts,
                       "approved_total_eur": f"{total:.2f}"}  # fmt: skip


def remove_demo_cases(workspace: Workspace) -> int:
    """Delete every demo case with its answers and search rows; real cases are untouched.
    Their audit events stay (the audit trail is a hash chain: nothing is taken out of it),
    pointing at the demo cases' UUIDs only. Returns how many were removed."""
    workspace.require(Permission.MANAGE_OFFICE)
    with workspace.transaction() as session:
        ids = list(session.scalars(select(Case.id).where(Case.is_demo.is_(True))))
        if ids:
            session.connection().execute(_DELETE_SEARCH_ROW, [{"id": i} for i in ids])
            # The store's foreign keys take the returnees, households, answers, sittings and
            # decisions with the cases, and unlink their audit events (ON DELETE CASCADE /
            # SET NULL).
            session.execute(
                delete(Case).where(Case.is_demo.is_(True)),
                execution_options={"synchronize_session": False},
            )
        audit.record(session, "demo.removed", user_id=workspace.user.id, detail={"cases": len(ids)})
    return len(ids)


def _demo_office(session: Session) -> Office:
    office = session.scalar(select(Office).where(Office.code == DEMO_OFFICE_CODE))
    if office is None:
        office = Office(code=DEMO_OFFICE_CODE, name="Demo cases (synthetic)")
        session.add(office)
        session.flush()
    return office
