"""Schema version 13: the transparency log (docs/transparency-log.md §4).

``tlog_leaves`` holds the leaves in order (append-only: triggers refuse UPDATE and DELETE),
``tlog_nodes`` the hash of every complete aligned subtree of 2^level leaves (level >= 1),
``tlog_key`` the log's Ed25519 key, ``tlog_checkpoints`` every checkpoint it signed, and
``tlog_state`` whether the final versions made before this schema were logged (the backfill
runs on first use, in intake/tlog/log.py, not here: a migration stays plain SQL).
"""

from __future__ import annotations

from typing import Any

VERSION = 13

STATEMENTS = (
    """
    CREATE TABLE tlog_leaves (
        idx INTEGER PRIMARY KEY CHECK (idx >= 0),
        leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32),
        version_hash TEXT NOT NULL UNIQUE CHECK (length(version_hash) = 64),
        author BLOB NOT NULL CHECK (length(author) = 32),
        added TEXT NOT NULL
    )
    """,
    """
    CREATE TRIGGER tlog_leaves_no_update BEFORE UPDATE ON tlog_leaves
    BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END
    """,
    """
    CREATE TRIGGER tlog_leaves_no_delete BEFORE DELETE ON tlog_leaves
    BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END
    """,
    """
    CREATE TABLE tlog_nodes (
        level INTEGER NOT NULL CHECK (level >= 1),
        idx INTEGER NOT NULL CHECK (idx >= 0),
        hash BLOB NOT NULL CHECK (length(hash) = 32),
        PRIMARY KEY (level, idx)
    )
    """,
    """
    CREATE TABLE tlog_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seed BLOB NOT NULL CHECK (length(seed) = 32),
        public BLOB NOT NULL CHECK (length(public) = 32),
        created TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE tlog_checkpoints (
        size INTEGER PRIMARY KEY CHECK (size >= 0),
        root BLOB NOT NULL CHECK (length(root) = 32),
        note TEXT NOT NULL,
        signed TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE tlog_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        backfilled INTEGER NOT NULL CHECK (backfilled IN (0, 1))
    )
    """,
)  # no tlog_state row yet: "not backfilled"; a rescue copies the old vault's row without clash


def upgrade(conn: Any) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
