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
    """A reader of what ``source.read(piece)`` returns, in order, until it returns ``b""``."""

    def __init__(self, source: Reader, piece: int, depth: int = 4) -> None:
        self._source = source
        self._piece = piece
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._whole = b""
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

    def _next(self) -> bool:
        """The next piece into ``_rest``; False at the end."""
        if self._ended:
            return False
        item = self._queue.get()
        if item is _DONE:
            self._ended = True
            return False
        if isinstance(item, BaseException):
            self._ended = True
            raise item
        assert isinstance(item, bytes)
        self._whole, self._rest = item, memoryview(item)
        return True

    def read(self, n: int = -1, /) -> bytes:
        """Exactly ``n`` bytes (all that is left when ``n`` is negative), fewer only at the
        end. A whole piece asked for as it came is handed out without a copy."""
        if not self._rest and not self._next():
            return b""
        if len(self._rest) == n == len(self._whole):
            self._rest = memoryview(b"")
            return self._whole
        parts = []
        want = n
        while want:
            if not self._rest and not self._next():
                break
            take = self._rest if want < 0 else self._rest[:want]
            parts.append(bytes(take))
            self._rest = self._rest[len(take) :]
            want = want if want < 0 else want - len(take)
        return b"".join(parts)

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):  # room, if the helper waits to put a piece
                self._queue.get(timeout=0.05)
        self._whole, self._rest = b"", memoryview(b"")  # nothing read ahead stays referenced

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
