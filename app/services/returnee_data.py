"""Everything Homeward holds about one returnee, for their request to see it (a subject
access request): one JSON document and the printed forms, written into a new folder.

Supervisors and administrators only: the export holds answers, history values and reasons.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.config import inside_data_folder, write_atomically
from app.domain.accounts import Permission
from app.domain.errors import N_, CannotWrite, Msgid
from app.services.case_progress import decision_view
from app.services.cases import CaseRegister, load_case
from app.services.history import case_history
from app.services.printing import PrintForm, Printing
from app.services.workspace import Workspace
from app.store import audit
from app.store.models import Case, CounsellingSession

NOT_A_FOLDER = N_("choose an existing folder outside Homeward's data folder")


def export_returnee_data(workspace: Workspace, case_number: str, folder: Path) -> Path:
    """Write ``<case>-returnee-data/`` in ``folder`` (a new folder each time) and return it."""
    workspace.require(Permission.REVIEW_CASES)
    if not folder.is_dir() or inside_data_folder(workspace.paths, folder):
        raise CannotWrite(path=str(folder), reason=Msgid(NOT_A_FOLDER))
    register = CaseRegister(workspace)
    detail = register.detail(case_number)
    number = detail.row.case_number
    target = _new_folder(folder, f"{number}-returnee-data")
    document = {
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "exported_by": workspace.user.display_name,
        "office": workspace.installation.office_code,
        "case": _plain(detail),
        **_stored(workspace, number),
        "history": [_plain(entry) for entry in case_history(workspace, number)],
    }
    text = json.dumps(document, ensure_ascii=False, indent=2, default=str, sort_keys=True)
    write_atomically(target / f"{number}.json", text.encode("utf-8"))
    printing = Printing(workspace)
    for form in PrintForm:
        result = printing.render(number, form)
        write_atomically(target / f"{number}-{form.value}-{result.language}.pdf", result.pdf)
    with workspace.transaction() as session:
        case = load_case(session, number)
        audit.record(session, "case.data_exported", user_id=workspace.user.id, case=case,
                     detail={"files": 1 + len(PrintForm)})  # fmt: skip
    return target


def _stored(workspace: Workspace, case_number: str) -> dict[str, Any]:
    """Answers of every form as stored (with the migrant-language versions), decisions and
    counselling sittings."""
    with workspace.reading() as session:
        case = load_case(session, case_number, selectinload(Case.responses),
                         selectinload(Case.decisions))  # fmt: skip
        sittings = session.scalars(
            select(CounsellingSession).where(CounsellingSession.case_id == case.id)
            .order_by(CounsellingSession.started_at)
        ).all()  # fmt: skip
        return {
            "status": case.status,
            "revision": case.revision,
            "answers": {
                response.form_id: {
                    "form_version": response.form_version,
                    "answers": response.answers,
                    "completed_at": response.completed_at,
                }
                for response in case.responses
            },
            "decisions": [_plain(decision_view(record)) for record in case.decisions],
            "sessions": [
                {
                    "started_at": sitting.started_at,
                    "ended_at": sitting.ended_at,
                    "counsellor": sitting.counsellor.display_name,
                    "counsellor_language": sitting.counsellor_language,
                    "migrant_language": sitting.migrant_language,
                }
                for sitting in sittings
            ],
        }


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)
        } | {"kind": type(value).__name__}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _new_folder(parent: Path, name: str) -> Path:
    for attempt in range(1, 1000):
        target = parent / (name if attempt == 1 else f"{name}-{attempt}")
        try:
            target.mkdir(mode=0o700)
            return target
        except FileExistsError:
            continue
    raise CannotWrite(path=str(parent / name), reason="too many earlier exports there")
