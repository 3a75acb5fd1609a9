"""What an attacker can do to a bundle for a real coordinator vault: change its bytes, change its
plaintext and encrypt it again (a coordinator's card is public), or sign a manifest of their
own. Used by the hostile-import tests and the property test."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from crypto.age import Decryptor, Identity, encrypt
from crypto.hybrid import HybridIdentity
from crypto.keys import x25519_public_key
from crypto.x25519 import X25519Identity, X25519Recipient
from intake.bundles.manifest import Manifest
from intake.bundles.writer import BundleWriter
from intake.vault import Vault


@dataclass(frozen=True)
class Keys:
    """The coordinator's X25519 and hybrid keys (to read and re-encrypt: bundles to a card with
    a post-quantum key are hybrid) and the volunteer's signing seed."""

    coordinator_x25519: bytes
    volunteer_seed: bytes
    coordinator_hybrid: bytes

    @classmethod
    def of(cls, volunteer: Vault, coordinator: Vault) -> Keys:
        ident = coordinator.identity
        return cls(ident.x25519_private, volunteer.identity.signing_seed, ident.hybrid_seed)

    @property
    def recipient(self) -> X25519Recipient:
        return X25519Recipient(x25519_public_key(self.coordinator_x25519))

    def decrypt(self, bundle: bytes) -> bytes:
        identities: list[Identity] = [
            X25519Identity(self.coordinator_x25519),
            HybridIdentity(self.coordinator_hybrid),
        ]
        return Decryptor(identities, io.BytesIO(bundle)).read()

    def encrypt(self, plaintext: bytes) -> bytes:
        out = io.BytesIO()
        encrypt([self.recipient], io.BytesIO(plaintext), out)
        return out.getvalue()


def write(
    manifest: Manifest,
    records: Sequence[bytes],
    attachments: Sequence[bytes],
    seed: bytes,
    recipients: Sequence[X25519Recipient],
) -> bytes:
    """A bundle whose manifest is ``manifest`` (it must parse), signed with ``seed``."""
    out = io.BytesIO()
    writer = BundleWriter(out, manifest, seed, recipients)
    for data in records:
        writer.add_record(data)
    for data in attachments:
        writer.add_attachment(io.BytesIO(data))
    writer.finish()
    return out.getvalue()
