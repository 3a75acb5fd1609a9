"""Schema version 12: key statements (revocation and succession, docs/bundle-format.md §8).

``key_statements`` keeps every accepted statement file; ``key_successions`` says which key
continues which (one successor per key); ``cards`` learns from when a revoked key stopped
being trusted and the last bundle its owner really sent; ``retired_keys`` keeps this vault's
own earlier keys after a rotation. See docs/vault-format.md.
"""

from __future__ import annotations

from typing import Any

VERSION = 12


def upgrade(conn: Any) -> None:
    conn.execute("ALTER TABLE cards ADD COLUMN revoked_effective TEXT")
    conn.execute("ALTER TABLE cards ADD COLUMN revoked_last_sequence INTEGER")
    conn.execute(
        """
        CREATE TABLE key_statements (
            hash TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('revoke', 'succeed')),
            subject TEXT NOT NULL,
            successor TEXT,
            effective TEXT NOT NULL,
            issuer BLOB NOT NULL CHECK (length(issuer) = 32),
            statement BLOB NOT NULL,
            added TEXT NOT NULL
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE key_successions (
            old_key BLOB PRIMARY KEY CHECK (length(old_key) = 32),
            new_key BLOB NOT NULL CHECK (length(new_key) = 32),
            added TEXT NOT NULL
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE retired_keys (
            signing_public BLOB PRIMARY KEY CHECK (length(signing_public) = 32),
            signing_seed BLOB NOT NULL CHECK (length(signing_seed) = 32),
            x25519_private BLOB NOT NULL CHECK (length(x25519_private) = 32),
            hybrid_seed BLOB CHECK (hybrid_seed IS NULL OR length(hybrid_seed) = 32),
            created TEXT NOT NULL,
            retired TEXT NOT NULL
        )
        """
    )
