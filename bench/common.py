"""What the figures share: the run's context, timing helpers, child processes, memory."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # the source tree the bench measures
PASSWORD = "benchmark password"
USERNAME = "anna"


@dataclass(frozen=True)
class Context:
    """Everything a figure needs, passed to its child process as JSON."""

    data_dir: str  # an initialised installation holding ``cases`` demo cases
    cases: int
    scratch: str  # a folder for throw-away stores and files
    repeats: int  # how many samples a repeated figure takes (at least)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Context:
        return cls(**json.loads(text))


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def child_env(**extra: str) -> dict[str, str]:
    """Environment of a child process: this source tree first, Qt offscreen, English, and
    byte code cached as an installed program has it (start-up is measured, not compiling)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["LANG"] = "en_GB.UTF-8"
    env.pop("HOMEWARD_DATA_DIR", None)
    env.pop("HOMEWARD_PASSWORD", None)
    env.update(extra)
    return env


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def p95(samples: Sequence[float]) -> float:
    """The 95th percentile, nearest rank."""
    ordered = sorted(samples)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def timed_ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def figure(
    value: float | None,
    unit: str,
    *,
    baseline: float | None = None,
    baseline_label: str | None = None,
    target: str | None = None,
    met: bool | None = None,
    lower_is_better: bool = True,
    digits: int = 1,
    **detail: Any,
) -> dict[str, Any]:
    """One figure as the JSON document shows it; ratio = value / baseline (or baseline /
    value when higher is better), so above 1 is always "slower than the baseline"."""
    ratio = None
    if value and baseline:
        ratio = round(value / baseline if lower_is_better else baseline / value, 2)
    document: dict[str, Any] = {
        "value": None if value is None else round(value, digits),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, digits),
        "baseline_label": baseline_label,
        "ratio": ratio,
        "target": target,
        "met": met,
    }
    if detail:
        document["detail"] = detail
    return document


def vm_kib(field: str, pid: int | str = "self") -> int:
    """VmRSS, VmHWM... of a process in KiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    max_rss_mib: float  # the child's own peak resident memory
    cpu_seconds: float  # user + system
    returncode: int
    stdout: Path
    stderr: str


def run_measured(
    module: str, args: Sequence[str], *, env: dict[str, str], folder: Path, timeout: float = 1800
) -> ChildRun:
    """``python -m module args`` with its output in ``folder``: its wall time, CPU time and
    peak resident memory (as the process itself saw it at exit, bench.children.measured)."""
    from bench.children.measured import MARKER

    folder.mkdir(parents=True, exist_ok=True)
    stdout_path, stderr_path = folder / "stdout", folder / "stderr"
    command = [sys.executable, "-m", "bench.children.measured", module, *args]
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = stderr_path.read_text(errors="replace")
    peaks = [line[len(MARKER) :] for line in stderr.splitlines() if line.startswith(MARKER)]
    peak_kib = int(peaks[-1]) if peaks else usage.ru_maxrss
    cpu = usage.ru_utime + usage.ru_stime
    return ChildRun(seconds, peak_kib / 1024, cpu, process.returncode, stdout_path, stderr)


def run_json(command: Sequence[str], *, env: dict[str, str], timeout: float = 1800) -> Any:
    """Run a child that prints one JSON document; that document, or why there is none. The
    child's progress lines are passed on to this process's stderr as they come."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.PIPE,
                                   text=True)  # fmt: skip
        tail: list[str] = []

        def relay() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                if line.startswith("[bench"):
                    sys.stderr.write(line)
                    sys.stderr.flush()
                tail.append(line)
                del tail[:-40]

        relaying = threading.Thread(target=relay, daemon=True)
        relaying.start()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise RuntimeError(f"no answer within {timeout:.0f} s") from None
        finally:
            relaying.join(5)
        out.seek(0)
        stdout = out.read()
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"exit {process.returncode}: {''.join(tail).strip()[-1500:]}")
    return json.loads(lines[-1])


def unlock_workspace(context: Context) -> Any:
    """The bench installation, signed in as its administrator."""
    from app.config import DataPaths
    from app.services.workspace import unlock

    return unlock(DataPaths(Path(context.data_dir)), USERNAME, PASSWORD)


def qt_application() -> Any:
    """The QApplication as Homeward prepares it (its fonts, its guards), offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.ui.application import application

    return application()


def wait_until(app: Any, done: Callable[[], bool], timeout_s: float = 120) -> None:
    """Process Qt events until ``done()`` (or fail after ``timeout_s``)."""
    deadline = time.perf_counter() + timeout_s
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()


class PaintWatch:
    """Whether a widget has been painted since :meth:`reset`: its Paint event has been
    handled (the flag is set by a zero timer queued behind the paint, so it is set once the
    paint pass, children included, is over)."""

    def __init__(self, widget: Any) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        self.painted = False
        watch = self

        class _Filter(QObject):
            def eventFilter(self, _watched: Any, event: Any) -> bool:
                if event.type() == QEvent.Type.Paint and not watch.painted:
                    QTimer.singleShot(0, watch._mark)
                return False

        self._filter = _Filter()
        widget.installEventFilter(self._filter)

    def _mark(self) -> None:
        self.painted = True

    def reset(self) -> None:
        self.painted = False
