"""One window per data folder: a second one says who holds the store, a crashed one's lock
is taken over."""

import os
import subprocess
import sys

from app.ui import application

HOLDER = """
import sys, time
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1])
assert lock.tryLock(0)
print("locked", flush=True)
time.sleep(60)
"""


def test_a_second_window_is_refused_with_the_holders_process(paths, monkeypatch):
    said = []
    monkeypatch.setattr(application.QMessageBox, "warning",
                        lambda parent, title, text: said.append(text))  # fmt: skip
    paths.root.mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(paths.root / "window.lock")],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert application.single_instance(paths) is None
        assert said and f"process {holder.pid}" in said[0]
    finally:
        holder.kill()
        holder.wait()
    lock = application.single_instance(paths)  # its process is gone: the lock is taken over
    assert lock is not None
    lock.unlock()


def test_a_lock_left_by_a_crash_is_taken_over(paths, monkeypatch):
    paths.root.mkdir(parents=True)
    dead = 2**22 - 3  # find a process number nobody uses
    while True:
        try:
            os.kill(dead, 0)
            dead -= 1
        except ProcessLookupError:
            break
    (paths.root / "window.lock").write_text(f"{dead}\nhomeward\n{os.uname().nodename}\n")

    def refuse(*args):
        raise AssertionError("a dead process's lock was not taken over")

    monkeypatch.setattr(application.QMessageBox, "warning", refuse)
    lock = application.single_instance(paths)
    assert lock is not None
    lock.unlock()
