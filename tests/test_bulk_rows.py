"""Rows written in bulk (demo cases, new cases of an imported bundle) are stored exactly as
the ORM stores the same values."""

import datetime as dt
import json
import uuid

from sqlalchemy import text

from app.services.bulk_rows import insert_many
from app.store.models import CaseArrival, ImportedEvent


def test_bulk_rows_are_stored_as_the_orm_stores_them(workspace):
    whole_second = dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC)  # no fraction to leave out
    bundle = uuid.uuid4()
    values = {"bundle_id": bundle, "case_number": "SK-2026-00001", "revision": 1,
              "outcome": "accepted", "reason": "", "at": whole_second, "reported_at": None}
    event = {"office_code": "SK", "case_uuid": None, "case_revision": None, "at": whole_second,
             "actor": "anna", "action": "case.opened", "detail": {"name": "Lê Văn", "n": [1]},
             "note": "", "hash": None, "bundle_id": bundle}  # fmt: skip
    with workspace.transaction() as session:
        insert_many(session.connection(), CaseArrival.__table__,
                    [values | {"case_uuid": uuid.uuid4()}])  # fmt: skip
        insert_many(session.connection(), ImportedEvent.__table__,
                    [event | {"uuid": uuid.uuid4()}])  # fmt: skip
        session.add(CaseArrival(**values, case_uuid=uuid.uuid4()))
        session.add(ImportedEvent(**event, uuid=uuid.uuid4()))
    with workspace.reading() as session:
        arrivals = session.execute(text("SELECT at, bundle_id FROM case_arrival")).all()
        events = session.execute(text("SELECT at, detail FROM imported_event")).all()
    assert arrivals[0] == arrivals[1]
    assert events[0][0] == events[1][0]
    assert json.loads(events[0][1]) == json.loads(events[1][1]) == event["detail"]
