"""Backups: written whole and checked, restored only when whole and opened, never half."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from app.domain.errors import (
    AuthenticationFailed,
    BackupUnusable,
    CannotWrite,
    OperationCancelled,
    WindowOpen,
)
from app.services.backup import automatic_backup, back_up, restore
from app.services.cases import CaseQuery, CaseRegister
from app.services.workspace import unlock
from test_cli import homeward
from test_services import new_case

from tests_support import PASSWORD


def count(paths) -> int:
    workspace = unlock(paths, "anna", PASSWORD)
    try:
        return CaseRegister(workspace).count(CaseQuery())
    finally:
        workspace.close()


def test_back_up_then_restore(installed, tmp_path):
    workspace = unlock(installed, "anna", PASSWORD)
    CaseRegister(workspace).open_case(new_case())
    info = back_up(workspace, tmp_path / "office.hwbackup")
    CaseRegister(workspace).open_case(new_case(given="Later"))
    workspace.close()
    assert info.path.is_file() and count(installed) == 2
    kept = restore(installed, info.path, "anna", PASSWORD)
    assert count(installed) == 1
    assert (kept / "homeward.db").is_file() and (kept / "keyring.json").is_file()


def test_backup_never_into_the_data_folder(workspace):
    with pytest.raises(CannotWrite):
        back_up(workspace, workspace.paths.root / "copy.hwbackup")


def test_restore_refuses_a_wrong_password_or_a_damaged_file(installed, tmp_path):
    workspace = unlock(installed, "anna", PASSWORD)
    info = back_up(workspace, tmp_path / "office.hwbackup")
    workspace.close()
    before = installed.database.read_bytes(), installed.keyring.read_bytes()
    with pytest.raises(AuthenticationFailed):
        restore(installed, info.path, "anna", "not the password")
    cut = tmp_path / "cut.hwbackup"
    cut.write_bytes(info.path.read_bytes()[: info.path.stat().st_size // 2])
    with pytest.raises(BackupUnusable):
        restore(installed, cut, "anna", PASSWORD)
    changed = tmp_path / "changed.hwbackup"
    with zipfile.ZipFile(info.path) as source, zipfile.ZipFile(changed, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "homeward.db":
                data = data[:5000] + bytes([data[5000] ^ 1]) + data[5001:]
            target.writestr(item, data)
    with pytest.raises(BackupUnusable) as refused:
        restore(installed, changed, "anna", PASSWORD)
    assert "checksum" in str(refused.value)
    assert (installed.database.read_bytes(), installed.keyring.read_bytes()) == before
    assert not [p for p in installed.root.iterdir() if p.name.startswith(".restore-")]


def test_restore_waits_for_the_window_to_close(installed, tmp_path):
    workspace = unlock(installed, "anna", PASSWORD)
    info = back_up(workspace, tmp_path / "office.hwbackup")
    workspace.close()
    other_window = subprocess.Popen(["sleep", "60"])  # another process holds the lock
    try:
        (installed.root / "window.lock").write_text(f"{other_window.pid}\nhomeward\nhost\n")
        with pytest.raises(WindowOpen):
            restore(installed, info.path, "anna", PASSWORD)
    finally:
        other_window.kill()
        other_window.wait()


def test_automatic_backup_once_a_day_seven_kept(workspace):
    start = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
    written = []
    for day in range(10):
        moment = start + dt.timedelta(days=day)
        path = automatic_backup(workspace, moment)
        assert path is not None
        os.utime(path, (moment.timestamp(), moment.timestamp()))
        written.append(path)
        assert automatic_backup(workspace, moment + dt.timedelta(hours=3)) is None
    kept = sorted(workspace.paths.backups.glob("auto-*.hwbackup"))
    assert kept == written[-7:]


def test_a_backup_killed_half_way_leaves_the_old_one_and_the_store(tmp_path):
    data = tmp_path / "data"
    homeward(data, "init", "--role", "office", "--office", "SK", "--office-name", "SK",
             "--admin", "anna")  # fmt: skip
    homeward(data, "demo", "--cases", "400", "--seed", "3")
    target = tmp_path / "office.hwbackup"
    assert homeward(data, "backup", "--to", str(target)).returncode == 0
    old = target.read_bytes()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    env.update(HOMEWARD_DATA_DIR=str(data), HOMEWARD_PASSWORD="a long enough password")
    for delay in (0.3, 0.5, 0.7, 0.9, 1.1):
        command = [sys.executable, "-m", "app", "backup", "--to", str(target)]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        child = subprocess.Popen(command, env=env, **quiet)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        data_now = target.read_bytes()
        with zipfile.ZipFile(target) as bundle:  # the old one, or a new whole one
            assert bundle.testzip() is None
        if data_now != old:
            old = data_now
    done = homeward(data, "cases")
    assert done.returncode == 0 and "of 400 cases" in done.stderr
    assert homeward(data, "audit", "verify").returncode == 0
    assert homeward(data, "backup", "--to", str(target)).returncode == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".homeward-backup-")]


def test_signing_in_checks_the_store_then_writes_the_days_backup(workspace, qtbot):
    from app.ui.application import StoreCheck, start_background_checks

    check = StoreCheck()
    with qtbot.assertNotEmitted(check.damaged, wait=100):
        start_background_checks(workspace, check).join(30)
    assert len(list(workspace.paths.backups.glob("auto-*.hwbackup"))) == 1


def test_a_damaged_store_is_said_and_not_backed_up(workspace, qtbot, monkeypatch):
    from app.ui import application

    monkeypatch.setattr(application, "store_health", lambda workspace, cancelled=None: False)
    check = application.StoreCheck()
    with qtbot.waitSignal(check.damaged, timeout=5000):
        application.start_background_checks(workspace, check).join(30)
    assert not list(workspace.paths.backups.glob("auto-*.hwbackup"))


def test_restore_from_the_window_then_sign_in_again(qtbot, workspace, installed, tmp_path,
                                                    monkeypatch):  # fmt: skip
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

    from app.ui.application import ui_settings
    from app.ui.main_window import MainWindow

    CaseRegister(workspace).open_case(new_case(given="Before"))
    info = back_up(workspace, tmp_path / "office.hwbackup")
    CaseRegister(workspace).open_case(new_case(given="After"))
    window = MainWindow(workspace, ui_settings(installed))
    qtbot.addWidget(window)
    window.show()
    shown: list[str] = []
    passwords = iter(["not the password", PASSWORD])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(info.path), ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (next(passwords), True))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, message, *a:
                        shown.append(message) or QMessageBox.StandardButton.Yes)  # fmt: skip
    monkeypatch.setattr(QMessageBox, "information",
                        lambda parent, title, message, *a: shown.append(message))  # fmt: skip
    assert window.restore_action.isEnabled()
    window.restore_action.trigger()  # a wrong password: refused, nothing changed, still open
    assert shown[-1] == "Wrong user name or password."
    assert window.isVisible() and window.model.rowCount() == 2
    with qtbot.waitSignal(window.sign_out_requested, timeout=10_000):
        window.restore_action.trigger()
    assert shown[-1].startswith("Backup restored.")
    assert count(installed) == 1
    assert "kept in" in shown[-1]


def test_work_folders_of_a_killed_backup_are_swept_next_time(workspace, tmp_path):
    dead = tmp_path / ".homeward-backup-999999999-abc"  # no such process
    alive = tmp_path / f".homeward-backup-{os.getpid()}-def"  # a backup running now
    other = tmp_path / ".homeward-backup-notes"
    for folder in (dead, alive, other):
        folder.mkdir()
        (folder / "homeward.db").write_bytes(b"half a copy")
    back_up(workspace, tmp_path / "office.hwbackup")
    assert not dead.exists() and alive.exists() and other.exists()


def test_closing_the_window_stops_the_background_checks_at_once(workspace, qtbot):
    from app.services.backup import store_health
    from app.services.demo import add_demo_cases
    from app.ui.application import StoreCheck, start_background_checks

    add_demo_cases(workspace, 50, seed=2)
    asked = []
    with pytest.raises(OperationCancelled):  # SQLite is told to stop mid-check
        store_health(workspace, cancelled=lambda: asked.append(1) or len(asked) > 1)
    assert len(asked) >= 2  # it ran, then stopped when asked
    checks = start_background_checks(workspace, StoreCheck())
    checks.stop()  # returns once the thread is done: the store can close
    assert not checks.is_alive()


def test_signing_in_through_the_window_writes_the_days_backup_once_the_list_shows(
    installed, workspace, qtbot, monkeypatch
):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui import application
    from test_accounts_ui import type_into_login

    backups = installed.backups
    assert not list(backups.glob("auto-*.hwbackup"))
    seen = []

    class Window(application.MainWindow):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.first_painted.connect(lambda: seen.append("painted"))
            self._poll = QTimer(self, interval=50)
            self._poll.timeout.connect(self._quit_once_backed_up)
            self._poll.start()

        def _quit_once_backed_up(self):
            if list(backups.glob("auto-*.hwbackup")):
                self._poll.stop()
                # Not Quit: windows earlier tests left open would keep the program running
                # (and a second quit would close the next test's windows).
                QApplication.exit(0)

    monkeypatch.setattr(application, "MainWindow", Window)
    monkeypatch.setattr(application.LoginDialog, "exec",
                        type_into_login(qtbot, "anna", PASSWORD, []))  # fmt: skip
    monkeypatch.setattr(application, "apply_language", lambda app, code: None)
    stuck = QTimer()  # a failure must not hang the run
    stuck.setSingleShot(True)
    stuck.timeout.connect(lambda: QApplication.instance().exit(99))
    stuck.start(60_000)
    try:
        assert application.run_gui(installed) == 0
    finally:
        stuck.stop()
    assert seen == ["painted"]
    assert len(list(backups.glob("auto-*.hwbackup"))) == 1
