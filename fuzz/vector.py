"""The pieces of the bundle test vector (docs/bundle-format.md §7.12) the targets start from.

``tests/vectors/bundle-v1.age`` decrypts with ``tests/vectors/bundle-v1.key``; its sender's
signing seed is the fixed §6 key, so a target can also act as an enrolled (insider) sender.
Read from the repository at import; nothing is written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from crypto import bech32
from crypto.age import Decryptor, Identity, parse_identity_file
from intake.bundles.manifest import Manifest, parse_manifest

REPO = Path(__file__).resolve().parents[1]
VECTORS = REPO / "tests" / "vectors"
SENDER_SEED = bytes(range(32))  # the vector's sender (tests/intake/bundles/vector.py)
BLOCK = 512


@dataclass(frozen=True)
class BundleVector:
    bundle: bytes  # the age file
    plaintext: bytes  # its tar stream
    members: tuple[bytes, ...]  # the data of each member, without zero fill
    manifest: Manifest

    @property
    def manifest_bytes(self) -> bytes:
        return self.members[0]

    @property
    def signature(self) -> bytes:
        return self.members[1]

    @property
    def record(self) -> bytes:
        return self.members[2]


def _members(plaintext: bytes) -> tuple[bytes, ...]:
    out = []
    pos = 0
    while plaintext[pos : pos + BLOCK] != bytes(BLOCK):
        size = int(plaintext[pos + 124 : pos + 135], 8)
        out.append(plaintext[pos + BLOCK : pos + BLOCK + size])
        pos += BLOCK + -(-size // BLOCK) * BLOCK
    return tuple(out)


@cache
def bundle_vector() -> BundleVector:
    bundle = (VECTORS / "bundle-v1.age").read_bytes()
    plaintext = Decryptor(coordinator_identities(), io.BytesIO(bundle)).read()
    members = _members(plaintext)
    return BundleVector(bundle, plaintext, members, parse_manifest(members[0]))


def coordinator_x25519() -> bytes:
    """The raw X25519 key of ``bundle-v1.key`` (what a vault holds)."""
    line = (VECTORS / "bundle-v1.key").read_text().split()[-1]
    return bech32.decode(line)[1]


@cache
def coordinator_identities() -> tuple[Identity, ...]:
    """The vector coordinator's age identity."""
    return tuple(parse_identity_file((VECTORS / "bundle-v1.key").read_text()))
