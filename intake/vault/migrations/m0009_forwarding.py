"""Schema version 9: cards that arrived in forwarded bundles (docs/bundle-format.md §7.13).

A forwarded bundle carries the cards of the authors whose signed versions it brings, so that
the receiver can check every signature. Those cards are not enrolled (the ``cards`` registry
holds only what this vault's owner decided); ``introduced_cards`` remembers them as *known via
coordinator X*: the card, and the first enrolled coordinator (and bundle) that brought a stored
version of theirs. Nothing here makes an author's own bundles importable.
"""

from __future__ import annotations

from typing import Any

VERSION = 9

_STATEMENTS = (
    """
    CREATE TABLE introduced_cards (
        fingerprint TEXT PRIMARY KEY,
        ed25519_public BLOB NOT NULL UNIQUE CHECK (length(ed25519_public) = 32),
        card BLOB NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        via_fingerprint TEXT NOT NULL,
        bundle_id TEXT NOT NULL,
        added TEXT NOT NULL
    )
    """,
)


def upgrade(conn: Any) -> None:
    for statement in _STATEMENTS:
        conn.execute(statement)
