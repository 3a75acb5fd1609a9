"""Schema version 2: the card registry (coordinators on a volunteer vault, volunteers enrolled
on a coordinator vault). See intake/cards/registry.py."""

from __future__ import annotations

from typing import Any

VERSION = 2


def upgrade(conn: Any) -> None:
    conn.execute(
        """
        CREATE TABLE cards (
            fingerprint TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('volunteer', 'coordinator')),
            ed25519_public BLOB NOT NULL UNIQUE CHECK (length(ed25519_public) = 32),
            x25519_public BLOB NOT NULL CHECK (length(x25519_public) = 32),
            card BLOB NOT NULL,
            card_created TEXT NOT NULL,
            added TEXT NOT NULL,
            verified_at TEXT,
            revoked_at TEXT
        )
        """
    )
