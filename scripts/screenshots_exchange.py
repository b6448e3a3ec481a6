"""Screenshots of the office ↔ HQ exchange, from the real windows on demo data.

Run under a display: ``xvfb-run -a .venv/bin/python scripts/screenshots_exchange.py
docs/screenshots``. It sets up an office and an HQ in a throw-away folder, exchanges their
keys, sends the office's cases with the Send tab's button, imports them at HQ, makes one
case change at both ends, and grabs the office's Send tab after writing a bundle, HQ's
review queue with a plan open, and HQ's Status tab with the conflicts to settle.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog
from screenshots import grab  # the same folder: scripts/ is this script's import path
from sqlalchemy import select, update

from app.config import DataPaths
from app.services.bundle_export import export_bundle
from app.services.bundle_import import import_bundle
from app.services.demo import add_demo_cases
from app.services.keys import export_public_keys, trust_key_export
from app.services.workspace import Workspace, initialise, unlock
from app.store.models import Case, Returnee
from app.ui.application import application
from app.ui.exchange_dialog import ExchangeDialog
from app.ui.review_queue import ReviewQueue

PASSWORD = "screenshots only"


def _installation(root: Path, role: str, code: str, name: str) -> Workspace:
    paths = DataPaths(root / code)
    initialise(paths, role=role, office_code=code, office_name=name, admin_username="anna",
               admin_password=PASSWORD, admin_display_name="Anna Kováčová")  # fmt: skip
    return unlock(paths, "anna", PASSWORD)


def _trust(reader: Workspace, writer: Workspace, stick: Path) -> None:
    key = stick / f"{writer.installation.office_code}.key"
    trust_key_export(reader, key, export_public_keys(writer, key))


def _settle(until: object, seconds: float = 30) -> None:
    """Let the dialog's background task finish, as a person would wait."""
    import time

    deadline = time.monotonic() + seconds
    while not until() and time.monotonic() < deadline:  # type: ignore[operator]
        QCoreApplication.processEvents()
        time.sleep(0.02)


def _diverge(office: Workspace, hq: Workspace, number: str) -> None:
    for side, family in ((office, "Trần"), (hq, "Tran Thi")):
        with side.transaction() as session:
            case = session.scalar(select(Case).where(Case.case_number == number))
            session.execute(
                update(Returnee).where(Returnee.case_id == case.id).values(family_name=family)
            )
            case.revision += 1


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    application()
    with tempfile.TemporaryDirectory() as folder:
        root, stick = Path(folder), Path(folder) / "stick"
        stick.mkdir()
        office = _installation(root, "office", "SK", "Bratislava office")
        hq = _installation(root, "hq", "HQ", "Headquarters")
        _trust(office, hq, stick)
        _trust(hq, office, stick)
        add_demo_cases(office, 300, seed=2026)

        QFileDialog.getExistingDirectory = staticmethod(lambda *args, **kwargs: str(stick))
        sending = ExchangeDialog(office)
        sending.resize(900, 560)
        sending.show()
        sending.include_demo.setChecked(True)  # demo data: a training HQ
        sending.write_button.click()
        _settle(lambda: sending.last_export is not None)
        grab(sending, out / "exchange-export-en.png")
        import_bundle(hq, sending.last_export.path)
        sending.close()

        queue = ReviewQueue(hq)
        queue.resize(1300, 760)
        queue.show()
        queue.table.selectRow(0)
        QCoreApplication.processEvents()
        grab(queue, out / "review-queue-en.png")
        queue.close()

        import_bundle(office, export_bundle(hq, stick, office="SK").path)
        with office.reading() as session:
            numbers = session.scalars(select(Case.case_number).limit(2)).all()
        for number in numbers:
            _diverge(office, hq, number)
        import_bundle(hq, export_bundle(office, stick, include_demo=True).path)
        status = ExchangeDialog(hq)
        status.resize(1000, 620)
        status.show()
        status.tabs.setCurrentIndex(2)
        status.conflicts_table.selectRow(0)
        QCoreApplication.processEvents()
        grab(status, out / "exchange-conflict-en.png")
        status.close()
        office.close()
        hq.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
