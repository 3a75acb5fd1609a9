"""Checking a large bundle's records in helper processes while this one stores them.

Checking a received record (canonical bytes, the author's Ed25519 signature, the shape of its
content) and deriving its search rows is pure computation; storing it is mostly SQLite. Python
runs the computation of only one thread at a time, so for a bundle with many records the checks
run in helper processes, on other processor cores, a few batches ahead of this process, which
stores them in order. Records reach the helpers through pipes, in memory; nothing is written
to disk. A record a helper refuses is checked again here, so the refusal is raised with its
precise reason, in stream order, exactly as without helpers. On Linux, helpers are forked
copies of this process while no other thread runs (the ``amanat`` command), or forked by a
fork server when other threads run (the desktop app); elsewhere, and for small bundles,
records are checked in this process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from intake.bundles.manifest import RecordEntry
from intake.errors import AmanatError
from intake.testimony_exchange import CheckedVersion, check_version

MIN_RECORDS = 2_000  # bundles with fewer records are checked in this process
BATCH_RECORDS = 64  # records per batch sent to the helper
BATCH_BYTES = 2 << 20  # a batch is sent early once it holds this many bytes
AHEAD = 6  # batches in flight: at most ~AHEAD * BATCH_BYTES of records wait in memory
HELPERS = 2  # helper processes (checking takes a little longer than storing)
NICENESS = 5  # how much lower the helpers' scheduling priority is

Item = tuple[int, RecordEntry, bytes]  # (member number, manifest entry, record bytes)


def _check_batch(author: bytes, batch: list[tuple[bytes, bytes]]) -> list[CheckedVersion | None]:
    """In the helper: each record checked, or None when refused (worded again by the caller)."""
    out: list[CheckedVersion | None] = []
    for data, signature in batch:
        try:
            out.append(check_version(data, signature, author, with_index=True))
        except AmanatError:
            out.append(None)
    return out


def _behind_the_store() -> None:
    """In each helper: a lower scheduling priority, so the process storing the records (the
    slower side) gets a whole core whenever it can run."""
    with contextlib.suppress(AttributeError, OSError):  # no os.nice on Windows
        os.nice(NICENESS)


def _context() -> Any:
    """How helpers start, on Linux: forked, while this process runs a single thread (safe, and
    fast: the helper is a copy of this process); otherwise (the desktop app, whose Qt threads
    make forking it unsafe) from a fork server: a fresh interpreter, started once, that has
    imported this module and forks the helpers from itself. Elsewhere None: no helpers, and
    records are checked in this process. (Helpers started by a fork server load the program's
    main module again, as ``__mp_main__``: safe for Amanat's commands, whose work is behind
    ``if __name__ == "__main__"``.)"""
    if not sys.platform.startswith("linux"):
        return None
    if threading.active_count() == 1 and _one_thread():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _one_thread() -> bool:
    """Whether this process runs a single thread, counting those Python does not know of
    (Qt's, in the desktop app: ``threading`` sees only the threads Python started)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def available() -> bool:
    """Whether records can be checked in helpers here and now (see ``_context``)."""
    return _context() is not None


class RecordChecker:
    """Checks records in helper processes, in order. ``add`` hands one record over and
    returns those whose checks are done, oldest first, each with its CheckedVersion (None:
    refused there, to be checked again by the caller); ``drain`` returns all the rest."""

    def __init__(self, author: bytes) -> None:
        context = _context()
        if context is None:
            raise RuntimeError("no helper processes here (check available() first)")
        self._author = author
        self._pool = ProcessPoolExecutor(
            max_workers=HELPERS, mp_context=context, initializer=_behind_the_store
        )
        self._pending: deque[tuple[list[Item], Future[list[CheckedVersion | None]] | None]]
        self._pending = deque()
        self._batch: list[Item] = []
        self._bytes = 0

    def add(self, item: Item) -> list[tuple[Item, CheckedVersion | None]]:
        self._batch.append(item)
        self._bytes += len(item[2])
        if len(self._batch) >= BATCH_RECORDS or self._bytes >= BATCH_BYTES:
            self._send()
        done: list[tuple[Item, CheckedVersion | None]] = []
        while len(self._pending) > AHEAD:
            done.extend(self._take())
        return done

    def drain(self) -> list[tuple[Item, CheckedVersion | None]]:
        if self._batch:
            self._send()
        done: list[tuple[Item, CheckedVersion | None]] = []
        while self._pending:
            done.extend(self._take())
        return done

    def _send(self) -> None:
        pairs = [(data, entry.signature) for _, entry, data in self._batch]
        future: Future[list[CheckedVersion | None]] | None = None
        try:
            future = self._pool.submit(_check_batch, self._author, pairs)
        except Exception:  # the helper died (e.g. out of memory): check here instead
            future = None
        self._pending.append((self._batch, future))
        self._batch, self._bytes = [], 0

    def _take(self) -> list[tuple[Item, CheckedVersion | None]]:
        items, future = self._pending.popleft()
        results: list[CheckedVersion | None] = [None] * len(items)
        if future is not None:
            with contextlib.suppress(Exception):  # as above
                results = future.result()
        return list(zip(items, results, strict=True))

    def close(self) -> None:
        """Stop the helper; records not yet taken are dropped."""
        self._pending.clear()
        self._batch = []
        self._pool.shutdown(wait=True, cancel_futures=True)
