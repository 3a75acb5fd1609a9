"""The vault owner's public identity: public keys and the human-comparable fingerprint."""

from __future__ import annotations

from crypto.fingerprint import fingerprint as key_fingerprint
from crypto.keys import signing_public_key, x25519_public_key
from intake.vault import Identity


def public_keys(identity: Identity) -> tuple[bytes, bytes]:
    """(Ed25519 public key, X25519 public key) of the identity."""
    return signing_public_key(identity.signing_seed), x25519_public_key(identity.x25519_private)


def fingerprint(identity: Identity) -> str:
    """The fingerprint people compare aloud (docs/bundle-format.md, fingerprint section)."""
    return key_fingerprint(*public_keys(identity))
