"""The age X25519 recipient (``age1…``) and identity (``AGE-SECRET-KEY-1…``).

Wrapping: an ephemeral X25519 share, a shared secret with the recipient, HKDF over
(share || recipient) into a single-use ChaCha20-Poly1305 key that seals the file key. The
stanza is ``-> X25519 <share>`` with the 32-byte sealed file key as body.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from crypto import bech32
from crypto.errors import CryptoError, HeaderError, KeyFormatError
from crypto.header import Stanza
from crypto.primitives import (
    WRAPPED_KEY_SIZE,
    Random,
    b64decode,
    b64encode,
    hkdf_sha256,
    unwrap_key,
    wrap_key,
)

STANZA_TYPE = "X25519"  # case-sensitive: "x25519" is someone else's stanza
LABEL = b"age-encryption.org/v1/X25519"  # HKDF info: binds the key to this recipient type
RECIPIENT_HRP = "age"  # age1…
IDENTITY_HRP = "age-secret-key-"  # AGE-SECRET-KEY-1…, printed upper case
KEY_SIZE = 32  # X25519 scalars and points
_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def _public(private: X25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(*_RAW)


def _shared(private: X25519PrivateKey, point: bytes, error: type[CryptoError]) -> bytes:
    """X25519; the all-zero result of a low-order point is an error (age spec)."""
    try:
        return private.exchange(X25519PublicKey.from_public_bytes(point))
    except ValueError:
        raise error("X25519 key is a low-order point") from None


class X25519Recipient:
    labels: frozenset[str] = frozenset()  # classical recipients mix freely

    def __init__(self, public: bytes) -> None:
        if len(public) != KEY_SIZE:
            raise KeyFormatError("an X25519 recipient is 32 bytes")
        self.public = public

    def wrap(self, file_key: bytes, random: Random) -> list[Stanza]:
        ephemeral = X25519PrivateKey.from_private_bytes(random(KEY_SIZE))
        share = _public(ephemeral)
        secret = _shared(ephemeral, self.public, KeyFormatError)
        key = hkdf_sha256(secret, share + self.public, LABEL)
        return [Stanza(STANZA_TYPE, [b64encode(share)], wrap_key(key, file_key))]

    def __str__(self) -> str:
        return bech32.encode(RECIPIENT_HRP, self.public)


class X25519Identity:
    def __init__(self, private: bytes) -> None:
        if len(private) != KEY_SIZE:
            raise KeyFormatError("an X25519 identity is 32 bytes")
        self._key = X25519PrivateKey.from_private_bytes(private)
        self.public = _public(self._key)

    def recipient(self) -> X25519Recipient:
        return X25519Recipient(self.public)

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        for stanza in stanzas:
            if stanza.type != STANZA_TYPE:
                continue
            if len(stanza.args) != 1:
                raise HeaderError("invalid X25519 stanza")
            try:
                share = b64decode(stanza.args[0])
            except ValueError:
                raise HeaderError("invalid X25519 stanza") from None
            if len(share) != KEY_SIZE or len(stanza.body) != WRAPPED_KEY_SIZE:
                raise HeaderError("invalid X25519 stanza")
            secret = _shared(self._key, share, HeaderError)
            key = hkdf_sha256(secret, share + self.public, LABEL)
            file_key = unwrap_key(key, stanza.body)
            if file_key is not None:
                return file_key  # FILE_KEY_SIZE bytes: the body length was checked
        return None

    def __str__(self) -> str:
        return bech32.encode(IDENTITY_HRP, self._key.private_bytes_raw()).upper()


def parse_recipient(text: str) -> X25519Recipient:
    hrp, data = bech32.decode(text)
    if hrp != RECIPIENT_HRP:
        raise KeyFormatError("not an age X25519 recipient")
    return X25519Recipient(data)


def parse_identity(text: str) -> X25519Identity:
    hrp, data = bech32.decode(text)
    if hrp != IDENTITY_HRP:
        raise KeyFormatError("not an age X25519 identity")
    return X25519Identity(data)
