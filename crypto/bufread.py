"""A small buffered reader over any binary file object, with bounded line reads.

The age header is line-based and the payload binary; both are read from one stream, so header
parsing must not lose the bytes it reads ahead. ``BufferedSource`` keeps those bytes for the
payload and caps every line so a hostile file cannot make us buffer without bound.
"""

from __future__ import annotations

from typing import Protocol

READ_SIZE = 64 * 1024  # one STREAM chunk: few system calls, small memory


class BinaryReader(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


class BufferedSource:
    """read / readline / peek over ``src``; never holds more than one line or chunk extra."""

    def __init__(self, src: BinaryReader) -> None:
        self._src = src
        self._buf = b""
        self._eof = False

    def _fill(self, n: int) -> None:
        """Try to have at least ``n`` bytes buffered (fewer only at end of input)."""
        parts = [self._buf]
        have = len(self._buf)
        while have < n and not self._eof:
            data = self._src.read(max(READ_SIZE, n - have))
            if not data:
                self._eof = True
            parts.append(data)
            have += len(data)
        self._buf = b"".join(parts)

    def peek(self, n: int) -> bytes:
        """Up to ``n`` next bytes, without consuming them."""
        self._fill(n)
        return self._buf[:n]

    def read(self, n: int) -> bytes:
        """Exactly ``n`` bytes, or fewer at end of input."""
        self._fill(n)
        data, self._buf = self._buf[:n], self._buf[n:]
        return data

    def readline(self, limit: int) -> bytes | None:
        """The next line including its LF; the rest of input if it has no LF; None if longer
        than ``limit`` bytes."""
        start = 0
        while True:
            i = self._buf.find(b"\n", start)
            if i >= 0:
                return self.read(i + 1) if i < limit else None
            if len(self._buf) > limit:
                return None
            if self._eof:
                return self.read(len(self._buf))
            start = len(self._buf)
            self._fill(len(self._buf) + 1)
