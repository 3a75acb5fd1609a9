"""Authenticated encryption of small secrets (key wrapping) with ChaCha20-Poly1305.

Used to wrap the vault data key under the passphrase-derived key, binding the header fields
as associated data so that a changed parameter is detected rather than silently used.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

NONCE_LEN = 12  # ChaCha20-Poly1305 (RFC 8439) nonce; random is safe: each wrapping key is used
#                 for very few messages (one per passphrase change)
TAG_LEN = 16  # Poly1305 tag


class AuthenticationFailed(Exception):
    """The ciphertext, key or associated data is wrong (no detail by design)."""


def seal(
    key: bytes, plaintext: bytes, aad: bytes, random: Callable[[int], bytes] = os.urandom
) -> bytes:
    """nonce || ChaCha20-Poly1305(key, nonce, plaintext, aad)."""
    nonce = random(NONCE_LEN)
    return nonce + ChaCha20Poly1305(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """Inverse of ``seal``; raises AuthenticationFailed on any mismatch."""
    if len(sealed) < NONCE_LEN + TAG_LEN:
        raise AuthenticationFailed
    try:
        return ChaCha20Poly1305(key).decrypt(sealed[:NONCE_LEN], sealed[NONCE_LEN:], aad)
    except InvalidTag:
        raise AuthenticationFailed from None
