"""Checking a large bundle's records in helper processes while this one stores them.

Checking a received record (canonical bytes, the author's Ed25519 signature, the shape of its
content) and deriving its search rows is pure computation; storing it is mostly SQLite. Python
runs the computation of only one thread at a time, so for a bundle with many records the checks
run in helper processes, on other processor cores, a few batches ahead of this process, which
stores them in order. Records reach the helpers through pipes, in memory; nothing is written
to disk. A record a helper refuses is checked again here, so the refusal is raised with its
precise reason, in stream order, exactly as without helpers.

On Linux, helpers are forked by a fork server: a fresh interpreter, started once, without the
passphrase variables in its environment, that has imported this module. So a helper holds no
copy of this process's memory (no passphrase, no vault key), no open vault file and no vault
lock; it makes no core file, and it is killed as soon as the fork server or the importing
process dies, by any signal (intake/process_safety.py). Elsewhere, and for small bundles,
records are checked in this process. (The fork server loads the program's main module again,
as ``__mp_main__``: safe for Amanat's commands, whose work is behind
``if __name__ == "__main__"``; a script that imports bundles must guard its work the same way.)
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import forkserver
from typing import Any

from intake.bundles.manifest import RecordEntry
from intake.errors import AmanatError
from intake.process_safety import (
    SECRET_ENVIRONMENT,
    die_with_parent,
    harden_process,
    secrets_out_of_environment,
)
from intake.testimonies.exchange import CheckedVersion, check_version

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


def _start_helper(importer: int) -> None:
    """In each helper, first: no core file, killed with its parent, and a lower scheduling
    priority, so the process storing the records (the slower side) gets a whole core whenever
    it can run."""
    harden_process()
    die_with_parent(importer)
    for name in SECRET_ENVIRONMENT:  # none reach a fork server's helpers; a forked one (tests)
        os.environ.pop(name, None)
    with contextlib.suppress(AttributeError, OSError):  # no os.nice on Windows
        os.nice(NICENESS)


def _context() -> Any:
    """How helpers start: on Linux, from the fork server (started without the passphrase in
    its environment); elsewhere None: no helpers, records are checked in this process."""
    if not sys.platform.startswith("linux"):
        return None
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["intake.bundles.fork_server_start", __name__])
    with secrets_out_of_environment():
        forkserver.ensure_running()
    return context


def available() -> bool:
    """Whether records can be checked in helpers here (see ``_context``)."""
    return sys.platform.startswith("linux")


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
            max_workers=HELPERS,
            mp_context=context,
            initializer=_start_helper,
            initargs=(os.getpid(),),
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
