"""Autosave of one form: the service call the session window makes a moment after typing
(``Counselling.save_answers`` with one answer changed), on a plan being drafted.

Baseline: the same writes in raw SQL on the same kind of connection, in one transaction:
read the answers, update them and the case's revision, and append the audit event to the hash
chain (so the chain stays whole after the bench).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from types import SimpleNamespace
from typing import Any

from bench.common import Context, figure, log, median, timed_ms, unlock_workspace

FIGURES = ("autosave",)
_CASES = (
    "SELECT c.case_number FROM returnee_case c JOIN form_response f ON f.case_id = c.id "
    "AND f.form_id = 'plan' WHERE c.status = 'planning' ORDER BY c.id LIMIT 2"
)


def measure(context: Context) -> dict[str, Any]:
    from app.services.counselling import Counselling

    workspace = unlock_workspace(context)
    counselling = Counselling(workspace)
    raw = workspace.engine.raw_connection()
    cases = [row[0] for row in raw.cursor().execute(_CASES).fetchall()]
    if len(cases) < 2:
        raise RuntimeError("the bench data has no two plans being drafted")
    service_case, raw_case = cases
    answers = dict(counselling.state(service_case).responses["plan"].answers)
    repeats = max(context.repeats, 40)
    homeward, round_trip, baseline = [], [], []
    for number in range(repeats + 1):
        answers["objectives"] = f"Earn a stable income within {number + 6} months of return."
        saved = timed_ms(lambda: counselling.save_answers(service_case, "plan", answers))
        # what the window does next: read the state back, recheck the plan
        reread = timed_ms(lambda: counselling.assessment(counselling.state(service_case)))
        raw_ms = timed_ms(lambda n=number: _raw_save(raw, raw_case, workspace.user.id, n))
        if number:  # the first of each is warm-up
            homeward.append(saved)
            round_trip.append(saved + reread)
            baseline.append(raw_ms)
    raw.close()
    workspace.close()
    value, base = median(homeward), median(baseline)
    log(f"autosave: {value:.2f} ms, raw {base:.2f} ms")
    return {
        "autosave": figure(
            value,
            "ms (median)",
            baseline=base,
            baseline_label="the same writes in raw SQL",
            digits=2,
            with_state_reload_ms=round(median(round_trip), 2),
            repeats=repeats,
        )
    }


def _raw_save(raw: Any, case_number: str, user_id: int, number: int) -> None:
    from app.store import audit

    cursor = raw.cursor()
    cursor.execute("BEGIN")
    response_id, answers, revision, version, case_id, case_uuid, case_revision = cursor.execute(
        "SELECT f.id, f.answers, f.revision, f.form_version, c.id, c.uuid, c.revision "
        "FROM form_response f "
        "JOIN returnee_case c ON c.id = f.case_id WHERE c.case_number = ? AND f.form_id = 'plan'",
        (case_number,),
    ).fetchone()
    document = json.loads(answers)
    document["objectives"] = f"Earn a stable income within {number + 6} months of return."
    now = dt.datetime.now(dt.UTC)
    stamp = now.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    cursor.execute(
        "UPDATE form_response SET answers = ?, revision = ?, updated_at = ?, updated_by_id = ? "
        "WHERE id = ?",
        (json.dumps(document), revision + 1, stamp, user_id, response_id),
    )
    cursor.execute(
        "UPDATE returnee_case SET revision = ?, updated_at = ? WHERE id = ?",
        (case_revision + 1, stamp, case_id),
    )
    previous = cursor.execute("SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
    event = SimpleNamespace(
        uuid=uuid.uuid4(), at=now, user_id=user_id, case_uuid=uuid.UUID(case_uuid),
        case_revision=case_revision + 1, action="answers.saved", note="",
        detail={"form": "plan", "version": version, "fields": ["objectives"]},
    )  # fmt: skip
    event.detail_salt = secrets.token_hex(16)
    event.detail_digest = audit.content_digest(event.detail_salt, event.detail, "")
    sealed = audit.chain_hash(previous[0], event)  # type: ignore[arg-type]
    cursor.execute(
        "INSERT INTO audit_event (uuid, at, user_id, case_id, case_uuid, case_revision, action, "
        "detail, note, prev_hash, hash, detail_salt, detail_digest) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (event.uuid.hex, stamp, user_id, case_id, event.case_uuid.hex, event.case_revision,
         event.action, json.dumps(event.detail), "", previous[0], sealed, event.detail_salt,
         event.detail_digest),
    )  # fmt: skip
    cursor.execute("COMMIT")
    cursor.close()
