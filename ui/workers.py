"""Background work: long-lived worker threads run callables; outcomes arrive on the GUI thread.

Key derivation (unlock, create), attachments, import, export and PDF rendering are too slow for
the GUI thread. ``run_in_thread`` queues a job for a small pool of worker threads that start on
first need and live as long as the program (no thread is made and torn down per job). A job
reports progress, its result or its exception through the signals of one ``_Dispatcher`` that
lives in the GUI thread, so the callbacks run there (queued connections) and may touch widgets.
Exceptions are passed as objects, never printed: they may concern testimony content.

Each worker thread reads and writes the vault through its own connection (intake/vault: one
connection per thread), so a job never shows its uncommitted rows to the window, and the
window needs no guard to stay correct while jobs run.

Python's cyclic garbage collector runs in whichever thread happens to allocate, and Qt must
not destroy a ``QObject`` outside its own thread (a widget collected in a worker crashed Qt;
this module once paused the collector while jobs ran). So a worker thread never holds the last
reference to anything of the window: the job, its callbacks and its outcome are released on
the GUI thread when the job has finished, this module makes no ``QObject`` per job (the
dispatcher and the threads live for the whole program), a failed job's exception is passed on
without the traceback that would reach into the job's frames, and garbage left by a job is
collected on the GUI thread when the last running job ends.
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

Progress = Callable[[int], None]
Job = Callable[[Progress], Any]

MAX_THREADS = 4  # jobs that may run at once; later ones wait in the queue

_running: set[WorkerHandle] = set()  # queued or running; released on the GUI thread
_jobs: queue.SimpleQueue[WorkerHandle] = queue.SimpleQueue()
_threads: list[threading.Thread] = []
_pending = 0  # jobs queued or running; there are at least min(_pending, MAX_THREADS) threads
_pool_guard = threading.Lock()
_dispatcher: _Dispatcher | None = None


class WorkerHandle:
    """One job: queued, running, then finished (``running`` False, callbacks released)."""

    def __init__(
        self,
        job: Job,
        on_success: Callable[[Any], None],
        on_failure: Callable[[Exception], None],
        on_progress: Callable[[int], None] | None,
    ) -> None:
        self.job: Job | None = job
        self.on_success: Callable[[Any], None] | None = on_success
        self.on_failure: Callable[[Exception], None] | None = on_failure
        self.on_progress = on_progress
        self.running = True
        self._ended = threading.Event()  # set by the worker thread when the job has returned

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the job has returned (used when the app quits or locks)."""
        return self._ended.wait(msecs / 1000)

    def release(self) -> None:
        """Drop the job and its callbacks (on the GUI thread, once it has finished)."""
        self.job = self.on_success = self.on_failure = self.on_progress = None


class _Dispatcher(QObject):
    """Lives in the GUI thread for the whole program; its slots run the callbacks there."""

    progress = Signal(object, int)
    succeeded = Signal(object, object)
    failed = Signal(object, object)
    finished = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        queued = Qt.ConnectionType.QueuedConnection
        self.progress.connect(self._progress, queued)
        self.succeeded.connect(self._succeeded, queued)
        self.failed.connect(self._failed, queued)
        self.finished.connect(self._finished, queued)

    @Slot(object, int)
    def _progress(self, handle: WorkerHandle, value: int) -> None:
        if handle.on_progress is not None:
            handle.on_progress(value)

    @Slot(object, object)
    def _succeeded(self, handle: WorkerHandle, result: object) -> None:
        if handle.on_success is not None:
            handle.on_success(result)

    @Slot(object, object)
    def _failed(self, handle: WorkerHandle, exc: object) -> None:
        if handle.on_failure is not None:
            handle.on_failure(exc if isinstance(exc, Exception) else RuntimeError("failed"))

    @Slot(object)
    def _finished(self, handle: WorkerHandle) -> None:
        handle.running = False
        handle.release()
        _running.discard(handle)
        if not _running:
            gc.collect()  # what the jobs left behind, collected here on the GUI thread


def _run(handle: WorkerHandle, dispatcher: _Dispatcher) -> None:
    """Run one job on this worker thread and report its outcome to the GUI thread."""
    global _pending
    ok, value = False, None
    job = handle.job
    try:
        if job is None:  # pragma: no cover - a queued job always has its callable
            raise RuntimeError("failed")
        value = job(lambda done: dispatcher.progress.emit(handle, done))
        ok = True
    except BaseException as exc:  # delivered to the GUI thread as a value, without its frames
        value = _without_frames(exc if isinstance(exc, Exception) else RuntimeError("failed"))
    finally:
        del job
        with _pool_guard:  # this thread is free for the next job before anyone hears of it
            _pending -= 1
        handle._ended.set()
    (dispatcher.succeeded if ok else dispatcher.failed).emit(handle, value)
    del value
    dispatcher.finished.emit(handle)


def _without_frames(exc: Exception) -> Exception:
    """``exc`` and the exceptions chained to it without tracebacks (their frames hold the
    job's locals, widgets among them)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        current = current.__cause__ or current.__context__
    return exc


def _serve(dispatcher: _Dispatcher) -> None:
    """A worker thread's life: take the next job, run it, wait for another."""
    while True:
        handle = _jobs.get()
        _run(handle, dispatcher)
        del handle  # _running (GUI thread) still holds it: never the last reference here


def _submit(handle: WorkerHandle, dispatcher: _Dispatcher) -> None:
    """Queue ``handle``; start one more worker thread when every one is busy and the pool is
    not full (each busy thread runs one of the pending jobs)."""
    global _pending
    thread: threading.Thread | None = None
    with _pool_guard:
        _pending += 1
        if len(_threads) < min(_pending, MAX_THREADS):
            thread = threading.Thread(
                target=_serve, args=(dispatcher,), name=f"amanat-worker-{len(_threads) + 1}"
            )
            thread.daemon = True  # an idle worker never keeps the program from ending
            _threads.append(thread)
    _jobs.put(handle)
    if thread is not None:
        thread.start()


def run_in_thread(
    job: Job,
    on_success: Callable[[Any], None],
    on_failure: Callable[[Exception], None],
    on_progress: Callable[[int], None] | None = None,
) -> WorkerHandle:
    """Queue ``job`` for a worker thread; callbacks run later on the calling (GUI) thread."""
    global _dispatcher
    if _dispatcher is None:
        _dispatcher = _Dispatcher()
    handle = WorkerHandle(job, on_success, on_failure, on_progress)
    _running.add(handle)
    _submit(handle, _dispatcher)
    return handle


def running_jobs() -> int:
    return len(_running)


def worker_threads() -> int:
    """How many worker threads exist (they are reused, not made per job)."""
    return len(_threads)


def wait_for_all(msecs: int = 30_000) -> None:
    """Wait for every queued and running job (at quit, so no job outlives the vault)."""
    for handle in list(_running):
        handle.wait(msecs)
