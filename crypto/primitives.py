"""The few primitives every age recipient shares: HKDF, one-shot AEAD key wrapping, base64.

Kept together (as age's primitives.go) so each recipient module reads as a short recipe over
them. ``Random`` is the injectable source of randomness used by every encrypting function.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

Random = Callable[[int], bytes]  # returns n random bytes; os.urandom except in known-answer tests
default_random: Random = os.urandom

FILE_KEY_SIZE = 16  # age: 128-bit file key, wrapped once per recipient
TAG_SIZE = 16  # Poly1305 tag
WRAPPED_KEY_SIZE = FILE_KEY_SIZE + TAG_SIZE  # stanza body of X25519 and scrypt: checked first
ZERO_NONCE = bytes(12)  # a zero nonce is safe: every wrapping key is fresh and used only once


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    """HKDF-SHA-256 (RFC 5869)."""
    return HKDF(hashes.SHA256(), length, salt, info).derive(ikm)


def wrap_key(key: bytes, file_key: bytes) -> bytes:
    """ChaCha20-Poly1305 of the file key under a single-use key, zero nonce."""
    return ChaCha20Poly1305(key).encrypt(ZERO_NONCE, file_key, None)


def unwrap_key(key: bytes, body: bytes) -> bytes | None:
    """Inverse of ``wrap_key``: None if the tag fails (not ours). Length is checked by callers."""
    try:
        return ChaCha20Poly1305(key).decrypt(ZERO_NONCE, body, None)
    except InvalidTag:
        return None


def b64encode(data: bytes) -> str:
    """Standard base64 without padding, as in age headers."""
    return base64.b64encode(data).decode("ascii").rstrip("=")


def b64decode(text: str) -> bytes:
    """Strict inverse of ``b64encode``: no padding, no whitespace, canonical trailing bits."""
    if "=" in text or len(text) % 4 == 1:
        raise ValueError("invalid base64")
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        raise ValueError("invalid base64") from None
    if b64encode(data) != text:
        raise ValueError("non-canonical base64")
    return data
