"""Background work: run one callable on a QThread and deliver its outcome on the GUI thread.

Key derivation (unlock, create), attachment import and later export and PDF rendering are too
slow for the GUI thread. ``run_in_thread`` moves a ``Worker`` to a new ``QThread``; the worker
reports progress, the result or the exception through typed signals, and a ``_Relay`` living in
the GUI thread calls the given callbacks there (queued connections), so callbacks may touch
widgets. Exceptions are passed as objects, never printed: they may concern testimony content.

Python's cyclic garbage collector runs in whichever thread happens to allocate; if it ran in a
worker it could destroy a discarded widget there, and Qt crashes when a widget dies outside the
GUI thread. So the collector is paused while any job runs: pending garbage is collected on the
GUI thread just before a job starts, and again when the last job has ended.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

Progress = Callable[[int], None]
Job = Callable[[Progress], Any]

_running: set[WorkerHandle] = set()  # keeps threads alive until they finish
_gc_was_enabled = True


class Worker(QObject):
    """Runs ``job(progress)`` once in whatever thread it lives in."""

    progress = Signal(int)
    succeeded = Signal(object)
    failed = Signal(object)
    done = Signal()

    def __init__(self, job: Job) -> None:
        super().__init__()
        self._job = job

    @Slot()
    def run(self) -> None:
        try:
            result = self._job(self.progress.emit)
        except Exception as exc:  # delivered to the GUI thread as a value
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        finally:
            self.done.emit()


class _Relay(QObject):
    """Lives in the GUI thread; its slots run the callbacks there."""

    def __init__(
        self,
        on_success: Callable[[Any], None],
        on_failure: Callable[[Exception], None],
        on_progress: Callable[[int], None] | None,
    ) -> None:
        super().__init__()
        self._on_success = on_success
        self._on_failure = on_failure
        self._on_progress = on_progress
        self.on_finished: Callable[[], None] | None = None

    @Slot()
    def finished(self) -> None:
        if self.on_finished is not None:
            self.on_finished()

    @Slot(object)
    def success(self, result: object) -> None:
        self._on_success(result)

    @Slot(object)
    def failure(self, exc: object) -> None:
        self._on_failure(exc if isinstance(exc, Exception) else RuntimeError("failed"))

    @Slot(int)
    def progress(self, value: int) -> None:
        if self._on_progress is not None:
            self._on_progress(value)


class WorkerHandle:
    """A running job: its thread, worker and relay, and whether it is still running."""

    def __init__(self, thread: QThread, worker: Worker, relay: _Relay) -> None:
        self.thread = thread
        self.worker = worker
        self.relay = relay
        self.running = True

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the thread ends (used when the app quits or locks)."""
        return self.thread.wait(msecs)


def run_in_thread(
    job: Job,
    on_success: Callable[[Any], None],
    on_failure: Callable[[Exception], None],
    on_progress: Callable[[int], None] | None = None,
) -> WorkerHandle:
    """Start ``job`` on a new thread; callbacks run later on the calling (GUI) thread."""
    global _gc_was_enabled
    if not _running:
        _gc_was_enabled = gc.isenabled()
        gc.collect()  # here, on the GUI thread
        gc.disable()
    thread = QThread()
    worker = Worker(job)
    relay = _Relay(on_success, on_failure, on_progress)
    worker.moveToThread(thread)
    handle = WorkerHandle(thread, worker, relay)
    worker.progress.connect(relay.progress)
    worker.succeeded.connect(relay.success)
    worker.failed.connect(relay.failure)
    worker.done.connect(thread.quit)

    def finished() -> None:  # runs on the GUI thread once the thread has really ended
        handle.thread.wait()
        handle.running = False
        _running.discard(handle)
        if not _running and _gc_was_enabled:
            gc.enable()
            gc.collect()

    relay.on_finished = finished
    thread.finished.connect(relay.finished)
    thread.started.connect(worker.run)
    _running.add(handle)
    thread.start()
    return handle


def running_jobs() -> int:
    return len(_running)


def wait_for_all(msecs: int = 30_000) -> None:
    """Wait for every running job (at quit, so no thread outlives the vault)."""
    for handle in list(_running):
        handle.wait(msecs)
