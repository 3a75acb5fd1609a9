"""The identity fingerprint people compare aloud: 35 digits in 7 groups of 5 (~116 bits).

It is computed over both public keys (Ed25519 signing, X25519 encryption), so replacing either
key changes it. Digits read the same in every language the app serves; 35 of them give about
116 bits, above the 100-bit floor even against many targets (see docs/bundle-format.md §5).
"""

from __future__ import annotations

import hashlib

CONTEXT = b"amanat-fingerprint-v1\x00"  # domain separation from every other SHA-256 use
DIGITS = 35  # 35 * log2(10) ~= 116.3 bits; 30 digits would be just under 100
GROUP = 5  # five-digit groups: easy to read aloud without losing one's place
KEY_SIZE = 32  # Ed25519 and X25519 public keys


def fingerprint(ed25519_public: bytes, x25519_public: bytes) -> str:
    """The grouped fingerprint, e.g. ``04211 58930 77312 00481 93345 12790 66021``."""
    if len(ed25519_public) != KEY_SIZE or len(x25519_public) != KEY_SIZE:
        raise ValueError("fingerprint keys are 32 bytes each")
    digest = hashlib.sha256(CONTEXT + ed25519_public + x25519_public).digest()
    digits = str(int.from_bytes(digest, "big") % 10**DIGITS).zfill(DIGITS)
    return " ".join(digits[i : i + GROUP] for i in range(0, DIGITS, GROUP))


def normalize(text: str) -> str | None:
    """A typed fingerprint in grouped form, ignoring spaces and hyphens; None if not 35 digits."""
    digits = "".join(c for c in text if c not in " -\t")
    if len(digits) != DIGITS or not (digits.isascii() and digits.isdigit()):
        return None
    return " ".join(digits[i : i + GROUP] for i in range(0, DIGITS, GROUP))
