"""The first screen loads only what it needs: no Alembic without a migration due, no
ReportLab or PDFium before a print, no bundle crypto before a bundle window opens."""

import json
import subprocess
import sys

CHILD = """
import json, sys
from pathlib import Path
from app.config import DataPaths
from app.services.workspace import unlock
from app.ui.application import application, ui_settings
from app.ui.main_window import MainWindow

paths = DataPaths(Path(sys.argv[1]))
app = application()
window = MainWindow(unlock(paths, "anna", sys.argv[2]), ui_settings(paths))
window.show()
app.processEvents()
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
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert not any(loaded.values()), loaded
