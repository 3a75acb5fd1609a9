"""The optional ASCII armor of age files: strict PEM, type "AGE ENCRYPTED FILE", 64 columns.

Armor lets an age file travel as text (a message, a printed page). Decoding is strict so an
armored file has one encoding only: no headers, canonical padded base64, every line but the last
exactly 64 columns, LF or CRLF line ends, whitespace only before BEGIN and after END.
"""

from __future__ import annotations

import base64
import binascii

from crypto.bufread import BufferedSource
from crypto.errors import ArmorError
from crypto.stream import BinaryWriter

BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
END = b"-----END AGE ENCRYPTED FILE-----"
COLUMNS = 64  # PEM line width
BYTES_PER_LINE = COLUMNS // 4 * 3  # 48 bytes encode to exactly one full line
WHITESPACE = b" \t\r\n"  # allowed around the armor, nowhere inside it
MAX_WHITESPACE = 1024  # around the armor; more is garbage, and we stop reading it
MAX_LINE = 128  # longer than any valid armor line, CR LF included


def is_armored(src: BufferedSource) -> bool:
    """Whether ``src`` starts (after whitespace) like an armored file. Consumes nothing."""
    head = src.peek(MAX_WHITESPACE + 1).lstrip(WHITESPACE)
    return head.startswith(b"-")


class ArmorWriter:
    """Base64-encodes what is written, in 64-column lines; ``close`` writes the END line."""

    def __init__(self, dst: BinaryWriter) -> None:
        self._dst = dst
        self._buf = bytearray()
        dst.write(BEGIN + b"\n")

    def write(self, data: bytes) -> int:
        self._buf += data
        full = len(self._buf) - len(self._buf) % BYTES_PER_LINE
        if full:
            self._emit(bytes(self._buf[:full]))
            del self._buf[:full]
        return len(data)

    def _emit(self, data: bytes) -> None:
        text = base64.b64encode(data)
        self._dst.write(
            b"".join(text[i : i + COLUMNS] + b"\n" for i in range(0, len(text), COLUMNS))
        )

    def close(self) -> None:
        if self._buf:
            self._emit(bytes(self._buf))
        self._dst.write(END + b"\n")


class ArmorReader:
    """Decodes an armored stream; raises ArmorError, possibly only at its end."""

    def __init__(self, src: BufferedSource) -> None:
        self._src = src
        self._started = self._ended = False

    def _line(self) -> bytes:
        line = self._src.readline(MAX_LINE)
        if line is None:
            raise ArmorError("armor line too long")
        if line.endswith(b"\r\n"):
            return line[:-2]
        if line.endswith(b"\n"):
            return line[:-1]
        if line == END:  # the END line alone may lack a line end
            return line
        raise ArmorError("armored data is truncated")

    def _start(self) -> None:
        lead = self._src.peek(MAX_WHITESPACE + 1)
        skip = len(lead) - len(lead.lstrip(WHITESPACE))
        if skip > MAX_WHITESPACE:
            raise ArmorError("too much whitespace before the armor")
        self._src.read(skip)
        if self._line() != BEGIN:
            raise ArmorError("invalid armor first line")
        self._started = True

    def _finish(self) -> None:
        rest = self._src.read(MAX_WHITESPACE + 1)
        if len(rest) > MAX_WHITESPACE or rest.strip(WHITESPACE):
            raise ArmorError("unexpected data after the armor")
        self._ended = True

    def read(self, n: int = -1, /) -> bytes:
        if not self._started:
            self._start()
        out = bytearray()
        while not self._ended and (n < 0 or len(out) < n):
            line = self._line()
            if line == END:
                self._finish()
                break
            if len(line) > COLUMNS:
                raise ArmorError("armor line too long")
            try:
                data = base64.b64decode(line, validate=True)
            except (binascii.Error, ValueError):
                raise ArmorError("invalid base64 in armor") from None
            if not data or base64.b64encode(data) != line:
                raise ArmorError("non-canonical base64 in armor")
            out += data
            if len(data) < BYTES_PER_LINE and self._line() != END:
                raise ArmorError("short armor line before the end")
            if len(data) < BYTES_PER_LINE:
                self._finish()
        return bytes(out)
