"""Reading ahead in a helper thread, so that reading a stream overlaps with using it.

Exporting an attachment reads it from the vault (SQLCipher decrypts and authenticates each
page) and then encrypts and writes it into the bundle; importing reads and decrypts the bundle
and then writes into the vault. Both halves spend most of their time in C code that lets other
threads run, so doing them in two threads makes a large bundle up to twice as fast on a
computer with two cores or more. ``ReadAhead`` wraps a reader: a helper thread calls its
``read`` a few pieces ahead (at most ``depth`` pieces wait in memory) and the caller takes
them in order. An exception in the helper reaches the caller at the point where the failed
piece would have been, as the same typed error. ``close`` (or leaving the ``with`` block)
stops the helper and waits for it, so the wrapped reader (which may use the vault's database
connection) is never touched after that.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from types import TracebackType
from typing import Protocol


class Reader(Protocol):
    def read(self, n: int, /) -> bytes: ...


_DONE = object()  # after the last piece: the source is exhausted


class ReadAhead:
    """A reader whose ``read(n)`` returns what ``source.read(piece)`` returned, in order,
    split when ``n`` is smaller; ``b""`` at the end."""

    def __init__(self, source: Reader, piece: int, depth: int = 4) -> None:
        self._source = source
        self._piece = piece
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._rest = memoryview(b"")
        self._ended = False
        self._thread = threading.Thread(target=self._run, name="amanat-readahead", daemon=True)
        self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                data = self._source.read(self._piece)
                if not data:
                    self._put(_DONE)
                    return
                if not self._put(data):
                    return
        except BaseException as exc:  # handed to the reading thread, raised there
            self._put(exc)

    def read(self, n: int = -1, /) -> bytes:
        if not self._rest:
            if self._ended:
                return b""
            item = self._queue.get()
            if item is _DONE:
                self._ended = True
                return b""
            if isinstance(item, BaseException):
                self._ended = True
                raise item
            assert isinstance(item, bytes)
            if n < 0 or n >= len(item):
                return item
            self._rest = memoryview(item)
        size = len(self._rest) if n < 0 else min(n, len(self._rest))
        data = bytes(self._rest[:size])
        self._rest = self._rest[size:]
        return data

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):  # room, if the helper waits to put a piece
                self._queue.get(timeout=0.05)
        self._rest = memoryview(b"")

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
