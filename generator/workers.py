"""Using both cores of a build: work forked off into child processes.

A build has two kinds of work that need nothing from each other once the corpus is loaded:
the pages (rendered by the engine) and the artefacts (the search index, the browser's search
data and the downloads). ``ForkedJob`` runs a function in a forked child, which inherits the
loaded corpus without copying or pickling it, and hands back its JSON-able result or the error
it stopped with. The child never returns into the caller's stack: whatever happens it ends with
``os._exit``, so no cleanup of the parent (removing staging folders, swapping sites) runs twice.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Callable


class JobFailed(RuntimeError):
    """A forked job stopped with an error (its message says which and why)."""


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


class Child:
    """The parent's side of a forked child that reports through a pipe (``end_child``)."""

    def __init__(self, pid: int, read: int):
        self.pid, self.read = pid, read
        self.report: dict | None = None

    @classmethod
    def fork(cls) -> tuple["Child | None", int]:
        """Fork with a pipe: ``(Child, -1)`` in the parent, ``(None, write end)`` in the child."""
        read, write = os.pipe()
        pid = fork()
        if pid == 0:  # pragma: no cover - child
            os.close(read)
            return None, write
        os.close(write)
        return cls(pid, read), -1

    def wait(self) -> dict:
        """The child's report, once it has ended."""
        if self.report is None:
            self.report = read_report(self.pid, self.read)
        return self.report

    def kill(self) -> None:
        """Stop the child if it still runs and reap it."""
        if self.report is not None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.close(self.read)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        self.report = {"ok": False, "error": "已取消"}


class ForkedJob:
    """``function()`` in a forked child; ``wait()`` returns what it returned (a JSON-able value).

    The child's own CPU time (and that of the processes it waited for) and its peak RSS come
    back with the result, so reports can count the work done off the main process."""

    def __init__(self, name: str, function: Callable[[], object]):
        self.name = name
        self.started = time.perf_counter()
        self.child, write = Child.fork()
        if self.child is None:  # pragma: no cover - runs in the child, which ends in os._exit
            _run_child(function, write)
        self.pid = self.child.pid

    @property
    def report(self) -> dict | None:
        return self.child.report

    def wait(self) -> object:
        """The child's result; raises ``JobFailed`` with its message if it failed."""
        if self.child.report is None:
            self.child.wait()["wall_s"] = time.perf_counter() - self.started
        if not self.report["ok"]:
            raise JobFailed(f"{self.name}失败：{self.report['error']}")
        return self.report["result"]

    def cancel(self) -> None:
        """Stop the child if it still runs (a failed build does not wait for its artefacts)."""
        self.child.kill()


def cpu_count() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def fork() -> int:
    """``os.fork()`` for workers of a build: 0 in the child, which ends when its parent does
    (a killed build leaves no orphan writing into its staging folder) and stops at Ctrl+C where
    it is, never unwinding the parent's stack (which would clean up the parent's staging twice).

    Ctrl+C is held back while the fork happens: arriving inside the fork's own handlers it would
    be swallowed there ("Exception ignored"), and the build would carry on as if never asked to
    stop. One already on its way surfaces before the fork; one arriving during it, right after."""
    parent = os.getpid()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        _checkpoint()
        # Everything built so far (the corpus, the pages) lives until the build ends: the
        # collector leaves it alone from now on, in the child (whose visits would copy the
        # shared memory) and in this process (whose full collections would walk it again and
        # again while the pages render). Whatever reference counting frees is freed as ever.
        gc.freeze()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            _die_with(parent)
            return 0
    except BaseException:
        if os.getpid() != parent:  # pragma: no cover - child
            os._exit(1)
        raise
    finally:
        if os.getpid() == parent:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
    return pid


def _checkpoint() -> None:
    """A Python call: the interpreter runs signal handlers still pending on entering it."""


def _die_with(parent: int) -> None:  # pragma: no cover - child
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def read_report(pid: int, read: int) -> dict:
    """What a forked child wrote to its pipe (a JSON object, read to the end), once it has
    ended; a child that ended without one reports how it ended."""
    with os.fdopen(read, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    try:
        report = json.loads(payload.decode("utf-8")) if payload else {}
    except ValueError:
        report = {}
    report.setdefault("ok", False)
    report.setdefault("error", f"进程意外退出（退出码 {os.waitstatus_to_exitcode(status)}）")
    return report


def _run_child(function: Callable[[], object], write: int) -> None:  # pragma: no cover - child
    code = 1
    try:
        started = cpu_seconds()
        result = function()
        payload = {"ok": True, "result": result,
                   "cpu_s": cpu_seconds() - started + cpu_seconds(resource.RUSAGE_CHILDREN),
                   "peak_rss_b": max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                     resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) * 1024}
        code = 0
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent as text
        payload = {"ok": False, "error": str(exc) or type(exc).__name__, "trace": traceback.format_exc()}
    end_child(write, payload, code)


def end_child(write: int, report: dict, code: int) -> None:  # pragma: no cover - child
    """Write ``report`` (JSON) to the parent's pipe and end this forked child with ``code``."""
    try:
        view = memoryview(json.dumps(report, ensure_ascii=False).encode("utf-8"))
        while view:
            view = view[os.write(write, view):]
        os.close(write)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def merge_tree(source: Path, target: Path) -> None:
    """Move everything under ``source`` into ``target`` (same file system): a folder missing
    in ``target`` moves whole, a file replaces the file of the same name. ``source`` is removed."""
    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for entry in sorted(os.scandir(source), key=lambda e: e.name):
        destination = target / entry.name
        if entry.is_dir(follow_symlinks=False) and destination.is_dir() and not destination.is_symlink():
            merge_tree(Path(entry.path), destination)
        else:
            if destination.is_dir() and not destination.is_symlink():
                shutil.rmtree(destination)
            os.replace(entry.path, destination)
    shutil.rmtree(source, ignore_errors=True)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
