"""Schema version 8: the coordinator's review of testimonies (docs/vault-format.md, "Review").

- ``reviews``: the current verification level of a testimony (``unverified``, ``corroborated``,
  ``verified``), who set it (this vault's card fingerprint and name), when, a note and sources.
- ``review_history``: every level ever set, append-only; the newest row equals ``reviews``.
- ``victim_references``: external references per victim (source, entry, optional URL), e.g.
  an entry of the Xinjiang Victims Database; searchable by entry.

None of this is part of a signed version: a coordinator's judgement is not the volunteer's
evidence. See intake/review/store.py.
"""

from __future__ import annotations

from typing import Any

VERSION = 8

_LEVEL = "CHECK (level IN ('unverified', 'corroborated', 'verified'))"
_COLUMNS = f"""
        testimony_id TEXT NOT NULL REFERENCES testimonies (id) ON DELETE CASCADE,
        level TEXT NOT NULL {_LEVEL},
        rank INTEGER NOT NULL CHECK (rank BETWEEN 0 AND 2),
        reviewer_fingerprint TEXT NOT NULL,
        reviewer_name TEXT NOT NULL,
        reviewed_at TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        sources TEXT NOT NULL DEFAULT '[]'"""

_STATEMENTS = (
    f"CREATE TABLE reviews ({_COLUMNS},\n        PRIMARY KEY (testimony_id)\n    )",
    "CREATE INDEX reviews_by_rank ON reviews (rank)",
    f"CREATE TABLE review_history (\n        seq INTEGER PRIMARY KEY,{_COLUMNS}\n    )",
    "CREATE INDEX review_history_by_testimony ON review_history (testimony_id, seq)",
    """
    CREATE TABLE victim_references (
        testimony_id TEXT NOT NULL REFERENCES testimonies (id) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position >= 1),
        source TEXT NOT NULL,
        entry TEXT NOT NULL,
        url TEXT NOT NULL DEFAULT '',
        added_at TEXT NOT NULL,
        added_by TEXT NOT NULL,
        PRIMARY KEY (testimony_id, position, source, entry)
    )
    """,
    "CREATE INDEX victim_references_by_entry ON victim_references (entry COLLATE NOCASE)",
)


def upgrade(conn: Any) -> None:
    for statement in _STATEMENTS:
        conn.execute(statement)
