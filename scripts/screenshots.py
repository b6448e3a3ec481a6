"""Take the README's screenshots from the real windows, on demo data.

Run under a display (``xvfb-run -a .venv/bin/python scripts/screenshots.py docs/screenshots
vi,ar,ka,ps``): it sets up a throw-away installation with demo cases, grabs each window to a
PNG (the session once per listed migrant language), and turns the first page of the printed
request form in several scripts into PNGs with pdftoppm.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app.config import DataPaths
from app.domain.cases import CaseStatus
from app.domain.session import STEPS
from app.services.cases import CaseQuery
from app.services.counselling import Counselling
from app.services.demo import add_demo_cases
from app.services.printing import PrintForm, Printing
from app.services.workspace import initialise, unlock
from app.ui.application import application, ui_settings
from app.ui.language import apply_language
from app.ui.login_dialog import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.new_case_dialog import NewCaseDialog
from app.ui.session.window import SessionWindow

PASSWORD = "screenshots only"
PRINT_LANGUAGES = ("ar", "fa", "ps", "ur", "ka", "vi", "ru")
SESSION_LANGUAGES = sys.argv[2].split(",") if len(sys.argv) > 2 else ["vi", "ar"]


def grab(widget: QWidget, target: Path) -> None:
    widget.show()
    for _ in range(5):
        QApplication.processEvents()
    widget.grab().save(str(target))
    print(target)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = application()
    with tempfile.TemporaryDirectory() as folder:
        paths = DataPaths(Path(folder))
        initialise(
            paths,
            role="office",
            office_code="SK",
            office_name="Bratislava office",
            admin_username="anna",
            admin_password=PASSWORD,
            admin_display_name="Anna Kováčová",
        )
        workspace = unlock(paths, "anna", PASSWORD)
        add_demo_cases(workspace, 400, seed=2026)

        login = LoginDialog(lambda u, p: workspace, "Homeward", "anna")
        login.resize(420, 200)
        grab(login, out / "login.png")
        login.close()

        window = MainWindow(workspace, ui_settings(paths))
        window.show()
        QApplication.processEvents()
        window.table.selectRow(3)
        grab(window, out / "case-register.png")
        window.search.setText("beridze")
        window.model.set_search("beridze")
        QApplication.processEvents()
        window.table.selectRow(0)
        grab(window, out / "case-search.png")

        dialog = NewCaseDialog(window.register, window)
        dialog.given_name.setText("Giorgi")
        dialog.family_name.setText("Beridze")
        dialog.native_name.setText("გიორგი ბერიძე")
        dialog.nationality.set_code("GE")
        dialog.country_of_return.set_code("GE")
        dialog.region_of_return.setText("Imereti")
        dialog.session_language.set_code("ka")
        row = dialog.household.add_member()
        dialog.household.widget(row, dialog.household.GIVEN).setText("Nino")
        dialog.household.widget(row, dialog.household.FAMILY).setText("Beridze")
        dialog.accept()  # the sex was not chosen: shows how a missing answer is marked
        grab(dialog, out / "new-case.png")
        dialog.close()

        # the session, English beside the migrant's language, on a case with a full plan
        counselling = Counselling(workspace)
        ready = next(
            row
            for row in window.register.page(CaseQuery(text=""), 0, 400)
            if row.status is CaseStatus.READY
        )
        for code in SESSION_LANGUAGES:
            counselling.set_session_language(ready.case_number, code)
            session = SessionWindow(counselling, ready.case_number, "en")
            session.resize(1400, 900)
            for index, step in enumerate(STEPS):
                session.go_to(index)
                grab(session, out / f"session-{step}-{code}.png")
            session.close()
        for code in PRINT_LANGUAGES:
            result = Printing(workspace).render(ready.case_number, PrintForm.REQUEST, code)
            pdf = out / f"print-request-{code}.pdf"
            pdf.write_bytes(result.pdf)
            subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", "-singlefile",
                            str(pdf), str(out / f"print-request-{code}")], check=True)  # fmt: skip
            pdf.unlink()
            print(out / f"print-request-{code}.png")
        apply_language(app, "ar")  # the whole interface right to left
        QApplication.processEvents()  # windows retranslate on the LanguageChange event
        window.search.blockSignals(True)
        window.search.clear()
        window.search.blockSignals(False)
        window.model.set_search("", force=True)
        QApplication.processEvents()
        window.select_case(window.model.row_at(2).case_number)
        grab(window, out / "case-register-ar.png")
        apply_language(app, "en")
        window.close()
        workspace.close()
    QTimer.singleShot(0, app.quit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
