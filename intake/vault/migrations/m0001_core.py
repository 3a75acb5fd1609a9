"""Schema version 1: the vault's identity (one row) and its settings."""

from __future__ import annotations

from typing import Any

VERSION = 1


def upgrade(conn: Any) -> None:
    conn.execute(
        """
        CREATE TABLE identity (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            role TEXT NOT NULL CHECK (role IN ('volunteer', 'coordinator')),
            name TEXT NOT NULL,
            signing_seed BLOB NOT NULL CHECK (length(signing_seed) = 32),
            x25519_private BLOB NOT NULL CHECK (length(x25519_private) = 32),
            created TEXT NOT NULL
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """
    )
