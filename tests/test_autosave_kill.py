"""Steady typing, then the power goes: at most about two seconds of it may be lost."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.services.cases import CaseRegister
from app.services.counselling import Counselling
from app.services.workspace import unlock
from test_services import new_case
from typing_child import KEY_INTERVAL_MS

from tests_support import PASSWORD

CHILD = Path(__file__).with_name("typing_child.py")


def test_killed_while_typing_loses_at_most_two_seconds(installed, tmp_path):
    workspace = unlock(installed, "anna", PASSWORD)
    case_number = CaseRegister(workspace).open_case(new_case()).case_number
    workspace.close()
    progress = tmp_path / "typed"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(installed.root), case_number, PASSWORD, str(progress)],
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # 7 s of steady typing (140 keys), then the kill
            lines = progress.read_text().split() if progress.exists() else []
            if len(lines) >= 140:
                break
            assert child.poll() is None, "the typing process ended by itself"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    typed = int(progress.read_text().split()[-1])
    workspace = unlock(installed, "anna", PASSWORD)
    try:
        response = Counselling(workspace).state(case_number).responses.get("intake")
        answers = response.answers if response else {}
    finally:
        workspace.close()
    saved = len(answers.get("reason_for_return", ""))
    assert typed >= 140
    assert saved > 0, "nothing of seven seconds of typing was saved"
    lost_seconds = (typed - saved) * KEY_INTERVAL_MS / 1000
    assert lost_seconds <= 2.5, f"{typed - saved} keys ({lost_seconds:.1f} s) lost"
