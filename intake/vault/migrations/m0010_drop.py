"""Schema version 10: the drop — the volunteer's outbox and the coordinator's fetched bundles.

``outbox``: every exported bundle, its size and SHA-256, where its file is (NULL once only the
vault's sealed copy is left), whether it has reached the drop, and the last error in English
(a typed error's message: never content). ``drop_fetched``: every bundle file the coordinator
took from the drop and what became of it, so the same file is never imported twice.
See intake/transport/ and docs/drop-format.md.
"""

from __future__ import annotations

from typing import Any

VERSION = 10

_STATEMENTS = (
    """
    CREATE TABLE outbox (
        bundle_id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        path TEXT,
        size INTEGER NOT NULL CHECK (size >= 0),
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        added TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error TEXT,
        sent_at TEXT,
        hash_checked INTEGER NOT NULL DEFAULT 0 CHECK (hash_checked IN (0, 1))
    )
    """,
    """
    CREATE TABLE drop_fetched (
        name TEXT PRIMARY KEY,
        size INTEGER NOT NULL CHECK (size >= 0),
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        outcome TEXT NOT NULL CHECK (outcome IN ('imported', 'already', 'quarantined', 'refused')),
        reason TEXT,
        fetched_at TEXT NOT NULL
    )
    """,
)


def upgrade(conn: Any) -> None:
    for statement in _STATEMENTS:
        conn.execute(statement)
