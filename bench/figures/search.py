"""One keystroke of search: what the case list does after a pause in typing (its model's
``set_search``: count the matches, fetch the first page), over 234 prefixes of names, case
numbers and places of the demo data, typed as a person would.

Baseline, on the same store and the same kind of connection: the FTS5 prefix count and the
first 200 hits joined to their case and returnee, in raw SQL.
"""

from __future__ import annotations

import random
from typing import Any

from bench.common import (
    Context,
    figure,
    log,
    median,
    p95,
    qt_application,
    timed_ms,
    unlock_workspace,
)

FIGURES = ("search_keystroke",)
QUERIES = 234
_COUNT = "SELECT count(*) FROM case_search WHERE case_search MATCH ?"
_HITS = (
    "SELECT c.id, c.uuid, c.case_number, r.given_name, r.family_name, r.date_of_birth, "
    "r.date_of_birth_precision, r.nationality, c.country_of_return, c.region_of_return, "
    "c.status, c.session_language, c.updated_at, c.is_demo "
    "FROM case_search JOIN returnee_case c ON c.id = case_search.rowid "
    "JOIN returnee r ON r.case_id = c.id WHERE case_search MATCH ? LIMIT 200"
)


def typing_sequences(connection: Any, count: int = QUERIES) -> list[list[str]]:
    """What people type: the first letters of a surname, a given name, a name in its own
    script, a region, a case number, then a given name and a surname; each sequence is one
    word (or two) typed letter by letter, cleared before the next."""
    rng = random.Random(16)
    cursor = connection.cursor()
    rows = cursor.execute(
        "SELECT r.given_name, r.family_name, r.native_name, c.region_of_return, c.case_number "
        "FROM returnee r JOIN returnee_case c ON c.id = r.case_id ORDER BY c.id"
    ).fetchall()
    cursor.close()
    picked = rng.sample(rows, min(60, len(rows)))
    words: list[str] = []
    for given, family, native, region, number in picked:
        kind = rng.randrange(6)
        if kind == 0 and native:
            words.append(native.split()[0])
        elif kind == 1:
            words.append(given.split()[0])
        elif kind == 2:
            words.append(region)
        elif kind == 3:
            words.append(number.rsplit("-", 1)[-1].lstrip("0") or number)
        elif kind == 4:
            words.append(f"{given.split()[0]} {family}")
        else:
            words.append(family)
    sequences, total = [], 0
    for word in words:
        typed = [word[:length] for length in range(1, min(len(word), 9) + 1)]
        typed = typed[: count - total]
        if typed:
            sequences.append(typed)
            total += len(typed)
        if total >= count:
            break
    return sequences


def measure(context: Context) -> dict[str, Any]:
    from app.services.cases import CaseRegister
    from app.store.search import match_expression
    from app.ui.case_table_model import CaseTableModel

    qt_application()
    workspace = unlock_workspace(context)
    model = CaseTableModel(CaseRegister(workspace))
    raw = workspace.engine.raw_connection()
    sequences = typing_sequences(raw)

    def raw_keystroke(text: str) -> None:
        expression = match_expression(text)
        if expression is None:
            return
        cursor = raw.cursor()
        cursor.execute(_COUNT, (expression,)).fetchone()
        cursor.execute(_HITS, (expression,)).fetchall()
        cursor.close()

    # warm both paths (imports, statement caches, the pages of the FTS index)
    for text in sequences[0]:
        model.set_search(text)
        raw_keystroke(text)
    model.set_search("")
    homeward: list[float] = []
    baseline: list[float] = []
    for typed in sequences:
        for text in typed:  # interleaved, so both see the same noise
            homeward.append(timed_ms(lambda text=text: model.set_search(text)))
            baseline.append(timed_ms(lambda text=text: raw_keystroke(text)))
        model.set_search("")
    log(f"search: {len(homeward)} keystrokes, p95 {p95(homeward):.1f} ms")
    raw.close()
    workspace.close()
    value, base = p95(homeward), p95(baseline)
    return {
        "search_keystroke": figure(
            value,
            "ms (p95)",
            baseline=base,
            baseline_label="FTS5 prefix count + first 200 hits joined, raw SQL",
            target="< 16 ms and ≤ 1.5× baseline",
            met=value < 16 and value <= 1.5 * base,
            digits=2,
            queries=len(homeward),
            median_ms=round(median(homeward), 2),
            baseline_median_ms=round(median(baseline), 2),
            max_ms=round(max(homeward), 2),
        )
    }
