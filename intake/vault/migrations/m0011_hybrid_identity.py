"""Schema version 11: the identity gains a post-quantum hybrid (``mlkem768x25519``) age key.

The 32-byte seed is drawn at random for each vault (here for existing vaults, in
``Vault.create`` for new ones), never derived from the X25519 key: a quantum computer that
recovers the X25519 private key from its public key must learn nothing about the hybrid key.
See docs/vault-format.md and docs/bundle-format.md §1.
"""

from __future__ import annotations

from typing import Any

from crypto.keys import generate_hybrid_seed

VERSION = 11


def upgrade(conn: Any) -> None:
    conn.execute(
        "ALTER TABLE identity ADD COLUMN hybrid_seed BLOB"
        " CHECK (hybrid_seed IS NULL OR length(hybrid_seed) = 32)"
    )
    conn.execute("UPDATE identity SET hybrid_seed = ?", (generate_hybrid_seed(),))
