"""Plain Ed25519 signatures over short messages (RFC 8032, pure mode, no prehash).

Used for testimony versions: the message is
``intake.testimonies.canonical.signing_message(hash)``, which already starts with its own
context string ("amanat testimony version v1\\n") followed by the 32-byte SHA-256 of the
canonical record, so this module adds no prefix of its own and the signature is exactly what
docs/testimony-format.md specifies. Keys are raw 32-byte strings (seed and public key), as
crypto/keys.py makes them. ``verify`` answers True or False and never raises for a malformed key
or signature: a caller only needs to know whether to trust it.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_SIZE = 32  # Ed25519 seed and public key
SIGNATURE_SIZE = 64  # Ed25519 signature R || S
MAX_MESSAGE = 4096  # pure Ed25519 holds the message in memory: for hashes and contexts only


def sign(seed: bytes, message: bytes) -> bytes:
    """The 64-byte Ed25519 signature of ``message`` with the 32-byte private ``seed``."""
    if len(seed) != KEY_SIZE:
        raise ValueError("an Ed25519 seed is 32 bytes")
    if len(message) > MAX_MESSAGE:
        raise ValueError("sign a hash of long data, not the data itself")
    return Ed25519PrivateKey.from_private_bytes(seed).sign(message)


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """True only if ``signature`` is a valid Ed25519 signature of ``message`` by ``public``."""
    if len(public) != KEY_SIZE or len(signature) != SIGNATURE_SIZE:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
