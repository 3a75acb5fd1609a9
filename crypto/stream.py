"""The STREAM payload of age v1: ChaCha20-Poly1305 over 64 KiB chunks, constant memory.

Each chunk is sealed under the payload key with nonce = 11-byte big-endian chunk counter ||
last-chunk flag, so chunks cannot be reordered, dropped or truncated without detection. Only
authenticated plaintext is ever released, one chunk at a time.
"""

from __future__ import annotations

from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from crypto.bufread import BufferedSource
from crypto.errors import PayloadError
from crypto.primitives import TAG_SIZE

CHUNK_SIZE = 64 * 1024  # age v1 fixed plaintext chunk size
ENC_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE  # one sealed chunk on disk
COUNTER_SIZE = 11  # 88-bit chunk counter: cannot wrap in any real file
MAX_CHUNKS = 1 << (8 * COUNTER_SIZE)  # checked anyway, so a wrap can never reuse a nonce
LAST_FLAG, NOT_LAST_FLAG = b"\x01", b"\x00"  # twelfth nonce byte: is this the final chunk?


def chunk_nonce(counter: int, last: bool) -> bytes:
    if counter >= MAX_CHUNKS:
        raise OverflowError("STREAM counter exhausted")
    return counter.to_bytes(COUNTER_SIZE, "big") + (LAST_FLAG if last else NOT_LAST_FLAG)


class BinaryWriter(Protocol):
    def write(self, data: bytes, /) -> object: ...


class StreamWriter:
    """Seals what is written in 64 KiB chunks; ``close`` seals the final (maybe short) chunk."""

    def __init__(self, key: bytes, dst: BinaryWriter) -> None:
        self._aead = ChaCha20Poly1305(key)
        self._dst = dst
        self._buf = bytearray()
        self._counter = 0
        self._closed = False

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed STREAM writer")
        self._buf += data
        # Keep a full chunk back while no more data is known: it may turn out to be the last.
        while len(self._buf) > CHUNK_SIZE:
            self._seal(memoryview(self._buf)[:CHUNK_SIZE], last=False)
            del self._buf[:CHUNK_SIZE]
        return len(data)

    def close(self) -> None:
        if not self._closed:
            self._seal(self._buf, last=True)
            self._closed = True
            self._buf = bytearray()

    def _seal(self, chunk: bytes | bytearray | memoryview, last: bool) -> None:
        self._dst.write(self._aead.encrypt(chunk_nonce(self._counter, last), chunk, None))
        self._counter += 1


class StreamReader:
    """Opens chunks one by one; raises PayloadError on any damage, truncation or trailing data."""

    def __init__(self, key: bytes, src: BufferedSource) -> None:
        self._aead = ChaCha20Poly1305(key)
        self._src = src
        self._counter = 0
        self._trailing = False  # a full final chunk was followed by more data
        self.done = False

    def _open(self, sealed: bytes, last: bool) -> bytes | None:
        try:
            return self._aead.decrypt(chunk_nonce(self._counter, last), sealed, None)
        except InvalidTag:
            return None

    def read_chunk(self) -> bytes:
        """The next authenticated plaintext chunk; b"" once the final chunk was returned.

        As in the reference implementation, a full chunk is tried as non-final, then as final;
        an authentic chunk is released before a later problem (truncation, trailing data)
        is reported on the next call.
        """
        if self.done:
            return b""
        if self._trailing:
            raise PayloadError("unexpected data after the final chunk")
        sealed = self._src.read(ENC_CHUNK_SIZE)
        if len(sealed) < TAG_SIZE:
            raise PayloadError("the encrypted payload is truncated")
        if len(sealed) == TAG_SIZE and self._counter > 0:
            raise PayloadError("the final chunk is empty")  # only an empty payload may be empty
        last = len(sealed) < ENC_CHUNK_SIZE  # only the final chunk may be short
        plain = None if last else self._open(sealed, last=False)
        if plain is None:
            plain, last = self._open(sealed, last=True), True
        if plain is None:
            raise PayloadError("the encrypted payload is damaged")
        self._counter += 1
        self._trailing = last and self._src.peek(1) != b""
        self.done = last and not self._trailing
        return plain
