"""The vault owner's public identity: public keys and the human-comparable fingerprint."""

from __future__ import annotations

import hashlib

from crypto.keys import signing_public_key, x25519_public_key
from intake.vault import Identity


def public_keys(identity: Identity) -> tuple[bytes, bytes]:
    """(Ed25519 public key, X25519 public key) of the identity."""
    return signing_public_key(identity.signing_seed), x25519_public_key(identity.x25519_private)


def fingerprint(identity: Identity) -> str:
    """The fingerprint people compare aloud (see docs/bundle-format.md)."""
    ed, x = public_keys(identity)
    digest = hashlib.sha256(b"amanat-fingerprint-v1" + ed + x).digest()
    number = int.from_bytes(digest[:13], "big") % 10**30
    digits = f"{number:030d}"
    return " ".join(digits[i : i + 5] for i in range(0, 30, 5))
