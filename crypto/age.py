"""age v1 encryption and decryption as streams over binary file objects, in constant memory.

The public face of crypto/'s age implementation: ``Encryptor``/``encrypt`` and
``Decryptor``/``decrypt``, the ``Recipient``/``Identity`` protocols that X25519, scrypt and the
hybrid post-quantum keys implement, and parsing of their text forms. Plaintext is only ever
released after its chunk is authenticated, but a reader must read to the end to learn that
nothing was cut off.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Protocol

from crypto import hybrid, x25519
from crypto.armor import ArmorReader, ArmorWriter, is_armored
from crypto.bufread import BinaryReader, BufferedSource
from crypto.errors import CryptoError, HeaderError, KeyFormatError, NoMatch
from crypto.header import Stanza, encode_header, parse_header, verify_mac
from crypto.primitives import FILE_KEY_SIZE, Random, default_random, hkdf_sha256
from crypto.scrypt import STANZA_TYPE as SCRYPT_TYPE
from crypto.stream import CHUNK_SIZE, BinaryWriter, StreamReader, StreamWriter

NONCE_SIZE = 16  # payload nonce: makes the payload key unique even if a file key repeated


class Recipient(Protocol):
    @property
    def labels(self) -> frozenset[str]: ...

    def wrap(self, file_key: bytes, random: Random) -> list[Stanza]: ...


class Identity(Protocol):
    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        """The file key, None if no stanza is for us; HeaderError if ours but malformed."""
        ...


def _payload_key(file_key: bytes, nonce: bytes) -> bytes:
    return hkdf_sha256(file_key, nonce, b"payload")


class Encryptor:
    """A writer of one age file. Finish it with ``close()`` or a ``with`` block; a block left by
    an exception writes no final chunk, so the unfinished file can never decrypt as complete."""

    def __init__(
        self,
        recipients: Sequence[Recipient],
        dst: BinaryWriter,
        *,
        armor: bool = False,
        random: Random = default_random,
    ) -> None:
        if not recipients:
            raise ValueError("no recipients")
        if len({r.labels for r in recipients}) != 1:
            raise ValueError("these recipients cannot be combined (passphrase or post-quantum)")
        file_key = random(FILE_KEY_SIZE)
        stanzas = [s for r in recipients for s in r.wrap(file_key, random)]
        self._armor = ArmorWriter(dst) if armor else None
        out: BinaryWriter = self._armor or dst
        nonce = random(NONCE_SIZE)
        out.write(encode_header(stanzas, file_key) + nonce)
        self._stream = StreamWriter(_payload_key(file_key, nonce), out)

    def write(self, data: bytes) -> int:
        return self._stream.write(data)

    def close(self) -> None:
        self._stream.close()
        if self._armor:
            self._armor.close()
            self._armor = None

    def __enter__(self) -> Encryptor:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()


def encrypt(
    recipients: Sequence[Recipient],
    src: BinaryReader,
    dst: BinaryWriter,
    *,
    armor: bool = False,
    random: Random = default_random,
) -> None:
    """Encrypt all of ``src`` into ``dst``."""
    with Encryptor(recipients, dst, armor=armor, random=random) as writer:
        while chunk := src.read(CHUNK_SIZE):
            writer.write(chunk)


class Decryptor:
    """A reader of one age file. The header is checked on construction; ``read`` returns
    authenticated plaintext and raises PayloadError (or ArmorError) when damage is reached."""

    def __init__(
        self, identities: Sequence[Identity], src: BinaryReader, *, armored: bool | None = None
    ) -> None:
        source = BufferedSource(src)
        if armored if armored is not None else is_armored(source):
            source = BufferedSource(ArmorReader(source))
        header = parse_header(source)
        if any(s.type == SCRYPT_TYPE for s in header.stanzas) and len(header.stanzas) != 1:
            raise HeaderError("a passphrase stanza must be alone")
        for identity in identities:
            file_key = identity.unwrap(header.stanzas)
            if file_key is not None:
                break
        else:
            raise NoMatch("none of the keys can open this file")
        verify_mac(header, file_key)
        nonce = source.read(NONCE_SIZE)
        if len(nonce) != NONCE_SIZE:
            raise HeaderError("payload nonce is truncated")
        self._stream = StreamReader(_payload_key(file_key, nonce), source)
        self._buf, self._pos = b"", 0
        self._error: CryptoError | None = None

    def read(self, n: int = -1, /) -> bytes:
        """Up to ``n`` bytes (all if n < 0; then any error is raised at once). Fewer only at the
        verified end, or just before damage, which the next call raises."""
        if self._error:
            raise self._error
        parts: list[bytes] = []
        while n != 0:
            if self._pos == len(self._buf):
                if self._stream.done:
                    break
                try:
                    self._buf, self._pos = self._stream.read_chunk(), 0
                except CryptoError as err:
                    if not parts or n < 0:
                        raise
                    self._error = err  # hand out what was authenticated first
                    break
                continue
            end = len(self._buf) if n < 0 else min(len(self._buf), self._pos + n)
            parts.append(
                self._buf if (self._pos, end) == (0, len(self._buf)) else self._buf[self._pos : end]
            )
            n -= end - self._pos if n > 0 else 0
            self._pos = end
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def __enter__(self) -> Decryptor:
        return self

    def __exit__(self, *exc: object) -> None:
        self._buf = b""


def decrypt(
    identities: Sequence[Identity],
    src: BinaryReader,
    dst: BinaryWriter,
    *,
    armored: bool | None = None,
) -> None:
    """Decrypt all of ``src`` into ``dst``; on error, ``dst`` holds what was authenticated."""
    reader = Decryptor(identities, src, armored=armored)
    while chunk := reader.read(CHUNK_SIZE):
        dst.write(chunk)


def parse_recipient(text: str) -> Recipient:
    """An ``age1…`` (X25519) or ``age1pq1…`` (hybrid) recipient; raises KeyFormatError."""
    if text.lower().startswith(hybrid.RECIPIENT_HRP + "1"):
        return hybrid.parse_recipient(text)
    if text.lower().startswith(x25519.RECIPIENT_HRP + "1"):
        return x25519.parse_recipient(text)
    raise KeyFormatError("unknown recipient type")


def parse_identity(text: str) -> Identity:
    """An ``AGE-SECRET-KEY-1…`` or ``AGE-SECRET-KEY-PQ-1…`` identity; raises KeyFormatError."""
    if text.upper().startswith(hybrid.IDENTITY_HRP.upper() + "1"):
        return hybrid.parse_identity(text)
    if text.upper().startswith(x25519.IDENTITY_HRP.upper() + "1"):
        return x25519.parse_identity(text)
    raise KeyFormatError("unknown identity type")


def parse_identity_file(text: str) -> list[Identity]:
    """Identities of an age identity file: one per line, ``#`` comments and blank lines."""
    lines = (line.strip() for line in text.splitlines())
    identities = [parse_identity(line) for line in lines if line and not line.startswith("#")]
    if not identities:
        raise KeyFormatError("no identity in the file")
    return identities
