"""Screenshots of the everyday dialogs in English and Arabic, from the real windows.

Run under a display: ``xvfb-run -a .venv/bin/python scripts/screenshots_dialogs.py
docs/screenshots``. It sets up a throw-away installation with demo cases and grabs the system
print dialog, the accounts dialog, a case's history, the move-case dialog and the new-case
dialog with a year-only date of birth, once per interface language.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QWidget
from screenshots import grab  # the same folder: scripts/ is this script's import path

from app.config import DataPaths
from app.domain.accounts import Role
from app.domain.cases import CaseStatus
from app.services import case_progress
from app.services.accounts import add_account
from app.services.cases import CaseQuery
from app.services.demo import add_demo_cases
from app.services.printing import PrintForm, Printing
from app.services.workspace import initialise, unlock
from app.ui.accounts_dialog import AccountsDialog
from app.ui.application import application, ui_settings
from app.ui.case_history import CaseHistoryDialog
from app.ui.case_progress_dialog import MoveCaseDialog
from app.ui.language import apply_language
from app.ui.main_window import MainWindow
from app.ui.new_case_dialog import NewCaseDialog

PASSWORD = "screenshots only"


def grab_screen(around: QWidget, target: Path) -> None:
    """The screen around ``around``, with the pop-ups it opened (they are windows of their own)."""
    frame = around.frameGeometry().adjusted(-10, -10, 10, 260)
    screen = QApplication.primaryScreen()
    screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).save(str(target))
    print(target)


def grab_modal(dialog: QPrintDialog, target: Path) -> None:
    """Grab a modal dialog while it runs, then close it."""

    def take() -> None:
        grab(dialog, target)
        dialog.reject()

    QTimer.singleShot(300, take)
    dialog.exec()


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = application()
    with tempfile.TemporaryDirectory() as folder:
        paths = DataPaths(Path(folder) / "data")  # files written go beside it, never in it
        initialise(paths, role="office", office_code="SK", office_name="Bratislava office",
                   admin_username="anna", admin_password=PASSWORD,
                   admin_display_name="Anna Kováčová")  # fmt: skip
        workspace = unlock(paths, "anna", PASSWORD)
        add_demo_cases(workspace, 300, seed=2026)
        add_account(workspace, "petr", "Petr Novák", Role.COUNSELLOR, "another password")
        add_account(workspace, "jana", "Jana Horváthová", Role.SUPERVISOR, "third password")
        window = MainWindow(workspace, ui_settings(paths))
        window.resize(1400, 800)
        window.show()
        ready = next(
            row for row in window.register.page(CaseQuery(), 0, 300)
            if row.status is CaseStatus.READY
        )  # fmt: skip
        Printing(workspace).render(ready.case_number, PrintForm.REQUEST)
        Printing(workspace).print_to_file(
            ready.case_number, PrintForm.REQUEST, Path(folder) / "request.pdf"
        )
        case_progress.submit(workspace, ready.case_number, "Sent with the courier.")
        for code in ("en", "ar"):
            apply_language(app, code)
            QApplication.processEvents()
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFileName(str(Path(folder) / "printed.pdf"))
            grab_modal(QPrintDialog(printer, window), out / f"dialog-print-{code}.png")

            accounts = AccountsDialog(workspace, window)
            accounts.resize(900, 420)
            grab(accounts, out / f"dialog-accounts-{code}.png")
            accounts.close()

            history = CaseHistoryDialog(workspace, ready.case_number, window)
            history.resize(1000, 480)
            grab(history, out / f"dialog-history-{code}.png")
            history.close()

            move = MoveCaseDialog(workspace, ready.case_number, window)
            move.open_decision()
            move.resize(900, 600)
            grab(move, out / f"dialog-move-case-{code}.png")
            move.close()

            new_case = NewCaseDialog(window.register, window)
            new_case.given_name.setText("Giorgi")
            new_case.family_name.setText("Beridze")
            new_case.date_of_birth.line.setText("1985")
            new_case.date_of_birth.line.editingFinished.emit()
            grab(new_case, out / f"dialog-date-of-birth-{code}.png")
            new_case.date_of_birth.line.clear()
            new_case.date_of_birth.open_calendar()  # empty: it opens on today
            for _ in range(5):
                QApplication.processEvents()
            grab_screen(new_case, out / f"dialog-date-calendar-{code}.png")
            new_case.date_of_birth.popup.hide()
            new_case.close()
        apply_language(app, "en")
        window.close()
        workspace.close()
    QTimer.singleShot(0, app.quit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
