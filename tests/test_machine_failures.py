"""When the machine fails (a file where a folder should be, a full disk, a store in use),
the person gets one plain line, no traceback, and nothing half-written stays behind."""

import errno
import json
import shutil

import pytest

from app.config import DataPaths, load_settings, write_atomically
from app.i18n.failures import known_failure
from test_cli import homeward


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    data = tmp_path_factory.mktemp("machine") / "data"
    done = homeward(data, "init", "--role", "office", "--office", "SK", "--office-name", "SK",
                    "--admin", "anna")  # fmt: skip
    assert done.returncode == 0, done.stderr
    return data


def one_clean_line(done):
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr


def test_data_folder_that_is_a_file(tmp_path):
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    done = homeward(target, "cases")
    assert done.returncode == 1 and "is a file, not a folder" in done.stderr
    one_clean_line(done)
    assert target.read_text() == "x"


def test_logs_that_is_a_file_does_not_stop_the_work(office):
    logs = office / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.write_text("in the way")
    try:
        done = homeward(office, "cases")
        assert done.returncode == 0 and done.stderr.strip() == "0 of 0 cases"
        assert logs.read_text() == "in the way"
    finally:
        logs.unlink()


def test_settings_that_is_a_folder(office):
    (office / "settings.json").mkdir()
    try:
        done = homeward(office, "cases")
        assert done.returncode == 0 and "Traceback" not in done.stderr
        assert load_settings(DataPaths(office)) == {}
    finally:
        (office / "settings.json").rmdir()


def test_a_failed_atomic_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "keyring.json"
    target.write_text(json.dumps({"old": True}))

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("app.config.os.fsync", full_disk)
    with pytest.raises(OSError):
        write_atomically(target, b"new contents")
    assert json.loads(target.read_text()) == {"old": True}
    assert [p.name for p in tmp_path.iterdir()] == ["keyring.json"]


@pytest.mark.parametrize(
    ("error", "wanted"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/media/stick/x.pdf"), "disk is full"),
        (OSError(errno.EROFS, "Read-only file system", "/media/stick/x.pdf"), "read-only"),
        (PermissionError(errno.EACCES, "Permission denied", "/srv/x"), "no permission"),
    ],
)
def test_machine_errors_are_said_plainly(error, wanted):
    said = known_failure(error)
    assert said is not None and wanted in said and "\n" not in said


def test_store_errors_are_said_plainly():
    from sqlalchemy.exc import OperationalError

    locked = OperationalError("BEGIN", {}, Exception("database is locked"))
    broken = OperationalError("SELECT", {}, Exception("disk I/O error"))
    assert "in use by another Homeward" in known_failure(locked)
    assert "could not be read from the disk" in known_failure(broken)
    assert known_failure(ValueError("a bug")) is None
