"""Generation of an identity's raw key material (Ed25519 signing, X25519 and hybrid encryption).

Keys are handled as raw 32-byte strings outside crypto/, so that intake/ can store them in the
vault without touching ``cryptography.hazmat``. Encodings (age bech32, minisign) live in their
own modules.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

_RAW = serialization.Encoding.Raw
_RAW_PRIV = serialization.PrivateFormat.Raw
_RAW_PUB = serialization.PublicFormat.Raw
_NOENC = serialization.NoEncryption()


def generate_signing_key() -> bytes:
    """A new Ed25519 private key (32-byte seed)."""
    return Ed25519PrivateKey.generate().private_bytes(_RAW, _RAW_PRIV, _NOENC)


def signing_public_key(seed: bytes) -> bytes:
    """The 32-byte Ed25519 public key of a seed."""
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(_RAW, _RAW_PUB)


def generate_x25519_key() -> bytes:
    """A new X25519 private key (32 bytes)."""
    return X25519PrivateKey.generate().private_bytes(_RAW, _RAW_PRIV, _NOENC)


def x25519_public_key(private: bytes) -> bytes:
    """The 32-byte X25519 public key (the age recipient's payload)."""
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes(_RAW, _RAW_PUB)


def generate_hybrid_seed() -> bytes:
    """A new hybrid ``mlkem768x25519`` identity: 32 random bytes (X-Wing seed), drawn on its
    own so that breaking X25519 teaches nothing about it."""
    return os.urandom(32)


def hybrid_public_key(seed: bytes) -> bytes:
    """The 1216-byte X-Wing public key (ML-KEM-768 || X25519) of a hybrid seed."""
    from crypto.hybrid import HybridIdentity  # ML-KEM key expansion lives there

    return HybridIdentity(seed).public
