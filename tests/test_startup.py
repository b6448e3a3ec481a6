"""The first screen loads only what it needs: no Alembic without a migration due, no
ReportLab or PDFium before a print, no bundle crypto before a bundle window opens (nor
once the list is painted and the window loads what the next click needs)."""

import json
import subprocess
import sys

CHILD = """
import json, sys, time
from pathlib import Path
from app.config import DataPaths
from app.services.workspace import unlock
from app.ui.application import application, ui_settings
from app.ui.main_window import MainWindow

LATER = ["app.ui.session.window", "app.formdefs.loader", "app.services.printing",
         "app.services.exchange", "app.ui.case_progress_dialog"]
paths = DataPaths(Path(sys.argv[1]))
app = application()
window = MainWindow(unlock(paths, "anna", sys.argv[2]), ui_settings(paths))
print(json.dumps({name: name in sys.modules for name in LATER}))
window.show()
app.processEvents()
deadline = time.monotonic() + 60  # and what it loads once the list is painted
while window._counselling is None and time.monotonic() < deadline:
    app.processEvents()
assert window._counselling is not None
print(json.dumps({name: name in sys.modules for name in sys.argv[3:]}))
"""
HEAVY = ["alembic", "reportlab", "pypdfium2", "pyrage", "zstandard", "segno", "uharfbuzz"]


def test_the_case_list_opens_without_heavy_modules(installed, workspace):
    from app.services.demo import add_demo_cases

    from tests_support import PASSWORD

    add_demo_cases(workspace, 5, seed=1)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(installed.root), PASSWORD, *HEAVY],
        capture_output=True, text=True, timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin",
             "PYTHONPATH": ":".join(sys.path)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    *_, before_paint, after_paint = done.stdout.strip().splitlines()
    # the session window, the forms, printing, bundles: loaded when used, or after the paint
    assert not any(json.loads(before_paint).values()), before_paint
    loaded = json.loads(after_paint)
    assert not any(loaded.values()), loaded
