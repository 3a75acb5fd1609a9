"""Schema version 6: bundles from unknown senders, waiting for the coordinator's decision.

``quarantine`` holds what the signed manifest says about a bundle whose sender is not an
enrolled, verified volunteer (sender card, sequence, counts); ``quarantine_chunks`` holds the
bundle file itself (still age-encrypted) in 1 MiB chunks, inside the vault, so nothing waits
on disk outside it. Once the coordinator compared the fingerprint and enrolled the card, the
bundle is imported from these chunks and both rows are deleted. See intake/bundles/quarantine.py.
"""

from __future__ import annotations

from typing import Any

VERSION = 6

_STATEMENTS = (
    """
    CREATE TABLE quarantine (
        bundle_id TEXT PRIMARY KEY,
        sender_fingerprint TEXT NOT NULL,
        sender_name TEXT NOT NULL,
        sender_card BLOB NOT NULL,
        sequence INTEGER NOT NULL CHECK (sequence >= 1),
        created TEXT NOT NULL,
        received_at TEXT NOT NULL,
        records INTEGER NOT NULL CHECK (records >= 0),
        attachments INTEGER NOT NULL CHECK (attachments >= 0),
        size INTEGER NOT NULL CHECK (size >= 0)
    )
    """,
    """
    CREATE TABLE quarantine_chunks (
        bundle_id TEXT NOT NULL,  -- quarantine.bundle_id, or 'incoming' while being checked
        seq INTEGER NOT NULL CHECK (seq >= 0),
        data BLOB NOT NULL,
        PRIMARY KEY (bundle_id, seq)
    )
    """,
)


def upgrade(conn: Any) -> None:
    for statement in _STATEMENTS:
        conn.execute(statement)
