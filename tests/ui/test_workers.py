"""ui.workers: long-lived worker threads, callbacks on the GUI thread, the collector left on, and
nothing of the window released on a worker thread. Real Qt offscreen, real threads."""

from __future__ import annotations

import gc
import threading
from typing import Any

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from ui import workers

WAIT = 20.0


def _run(qtbot: QtBot, job: workers.Job) -> tuple[list[Any], list[Exception]]:
    ok: list[Any] = []
    failed: list[Exception] = []
    handle = workers.run_in_thread(job, ok.append, failed.append)
    qtbot.waitUntil(lambda: not handle.running, timeout=20_000)
    return ok, failed


def test_jobs_reuse_the_same_threads_and_callbacks_run_on_the_gui_thread(qtbot: QtBot) -> None:
    gui = threading.get_ident()
    threads_before = workers.worker_threads()
    ran_in: list[str] = []
    called_in: list[int] = []
    for n in range(5):

        def job(_progress: workers.Progress, n: int = n) -> int:
            ran_in.append(threading.current_thread().name)
            return n

        handle = workers.run_in_thread(
            job, lambda _r: called_in.append(threading.get_ident()), lambda _e: None
        )
        qtbot.waitUntil(lambda handle=handle: not handle.running, timeout=20_000)  # type: ignore[misc]
    assert all(name.startswith("amanat-worker-") for name in ran_in)
    assert called_in == [gui] * 5
    # one after the other, the jobs needed one thread: none was made for them if any existed
    assert workers.worker_threads() == max(threads_before, 1)


def test_two_jobs_run_at_once(qtbot: QtBot) -> None:
    """The second job sets what the first one waits for: with one thread this would hang."""
    first_waits = threading.Event()
    results: list[Any] = []
    first = workers.run_in_thread(
        lambda _p: first_waits.wait(WAIT), results.append, lambda _e: None
    )
    second = workers.run_in_thread(lambda _p: first_waits.set(), results.append, lambda _e: None)
    qtbot.waitUntil(lambda: not first.running and not second.running, timeout=20_000)
    assert True in results  # the first job's wait ended because the second job ran


def test_the_collector_stays_on_and_failures_arrive_without_frames(qtbot: QtBot) -> None:
    assert gc.isenabled()
    seen: list[bool] = []

    def job(_progress: workers.Progress) -> None:
        seen.append(gc.isenabled())
        raise ValueError("no content here")

    ok, failed = _run(qtbot, job)
    assert seen == [True] and gc.isenabled()
    assert ok == [] and len(failed) == 1
    assert isinstance(failed[0], ValueError) and failed[0].__traceback__ is None


def test_the_window_objects_a_job_holds_are_released_on_the_gui_thread(qtbot: QtBot) -> None:
    """A job's closure holding a window object (here a parentless QObject) is dropped on the
    GUI thread when the job has finished, never on the worker thread."""
    gui = threading.get_ident()
    destroyed_in: list[int] = []
    widget = QObject()
    widget.destroyed.connect(lambda *_a: destroyed_in.append(threading.get_ident()))
    started = threading.Event()

    def job(_progress: workers.Progress, held: QObject = widget) -> str:
        started.set()
        return held.objectName()

    handle = workers.run_in_thread(job, lambda _r: None, lambda _e: None)
    del job, widget  # from now on only the job holds it
    assert started.wait(WAIT)
    qtbot.waitUntil(lambda: not handle.running, timeout=20_000)
    assert handle.job is None and handle.on_success is None  # released on the GUI thread
    gc.collect()
    assert destroyed_in == [gui]
