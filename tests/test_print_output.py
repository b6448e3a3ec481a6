"""A printed PDF never lands where it can do harm, and exists only if its record does."""

import contextlib
import os
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.domain.errors import CannotWrite
from app.services.printing import PrintForm, Printing
from app.store.models import AuditEvent
from test_cli import homeward, snapshot
from test_printing import ready_case  # noqa: F401 - fixture


def printed_events(workspace) -> int:
    with workspace.reading() as session:
        return len(session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case.printed")
        ).all())  # fmt: skip


@pytest.mark.parametrize("name", ["keyring.json", "homeward.db", "logs/x.pdf", "new.pdf"])
def test_never_into_the_data_folder(workspace, ready_case, name):  # noqa: F811
    keyring = workspace.paths.keyring.read_bytes()
    target = workspace.paths.root / name
    existed = target.exists()
    with pytest.raises(CannotWrite) as refused:
        Printing(workspace).print_to_file(ready_case, PrintForm.REQUEST, target)
    assert "inside Homeward's data folder" in str(refused.value)
    assert workspace.paths.keyring.read_bytes() == keyring
    assert target.exists() == existed
    assert printed_events(workspace) == 0  # the store still opens and records nothing


def test_never_over_a_device_or_a_folder(workspace, ready_case, tmp_path):  # noqa: F811
    (tmp_path / "folder.pdf").mkdir()
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    for target in (tmp_path / "folder.pdf", fifo, Path("/dev/null")):
        with pytest.raises(CannotWrite) as refused:
            Printing(workspace).print_to_file(ready_case, PrintForm.REQUEST, target)
        assert "not a regular file" in str(refused.value)
    assert printed_events(workspace) == 0


def test_no_pdf_without_its_record(workspace, ready_case, tmp_path, monkeypatch):  # noqa: F811
    """The record is written, then its commit fails (a locked or full store): no PDF."""
    real = workspace.transaction

    @contextlib.contextmanager
    def commit_fails():
        with real() as session:
            yield session
            session.flush()  # the record was written...
            raise OperationalError("COMMIT", {}, Exception("database is locked"))  # ...not kept

    monkeypatch.setattr(workspace, "transaction", commit_fails)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OperationalError):
        Printing(workspace).print_to_file(ready_case, PrintForm.REQUEST, out / "request.pdf")
    assert list(out.iterdir()) == []  # neither the PDF nor a temporary file
    monkeypatch.undo()
    assert printed_events(workspace) == 0


def test_command_line_refuses_the_key_ring_as_output(tmp_path):
    data = tmp_path / "data"
    homeward(data, "init", "--role", "office", "--office", "SK", "--office-name", "SK",
             "--admin", "anna")  # fmt: skip
    homeward(data, "demo", "--cases", "1", "--seed", "1")
    number = homeward(data, "cases").stdout.split()[0]
    before = snapshot(data)
    done = homeward(data, "print", number, "--form", "request", "--out",
                    str(data / "keyring.json"))  # fmt: skip
    assert done.returncode != 0 and "data folder" in done.stderr
    assert done.stderr.count("\n") == 1
    assert snapshot(data) == before
