"""Schema version 5: the coordinator's duplicate decisions and person clusters, and the
duplicate finder's derived victim features. See intake/duplicates/finder.py.

- ``duplicate_indexed`` / ``duplicate_victims``: derived data, rebuilt from the testimonies at
  any time: which version of each testimony was read (id, version, ``updated``, features
  scheme) and, per victim, its name keys, birth date, ID number and hometown keys as JSON.
- ``duplicate_decisions``: what the coordinator decided about a pair of victims (``link``:
  the same person; ``dismiss``: not the same), with the testimony versions and the score
  shown at the time. Victims are named ``<testimony id>#<position>``, the pair in sorted order.
- ``persons``: victims linked as one person share a ``person_id`` (a UUID); the connected
  parts of the link decisions. Victims never linked have no row. Nothing is ever deleted from
  the testimonies: a link only groups them.
"""

from __future__ import annotations

from typing import Any

VERSION = 5

_STATEMENTS = (
    """
    CREATE TABLE duplicate_indexed (
        testimony_id TEXT PRIMARY KEY,
        version_no INTEGER NOT NULL CHECK (version_no >= 1),
        updated TEXT NOT NULL,
        scheme INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE duplicate_victims (
        testimony_id TEXT NOT NULL
            REFERENCES duplicate_indexed (testimony_id) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position >= 1),
        features TEXT NOT NULL,
        PRIMARY KEY (testimony_id, position)
    )
    """,
    """
    CREATE TABLE duplicate_decisions (
        victim_a TEXT NOT NULL,
        victim_b TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('link', 'dismiss')),
        version_a INTEGER,
        version_b INTEGER,
        score_permille INTEGER CHECK (score_permille BETWEEN 0 AND 1000),
        decided_at TEXT NOT NULL,
        PRIMARY KEY (victim_a, victim_b),
        CHECK (victim_a < victim_b)
    )
    """,
    """
    CREATE TABLE persons (
        victim_ref TEXT PRIMARY KEY,
        person_id TEXT NOT NULL
    )
    """,
    "CREATE INDEX persons_by_person ON persons (person_id)",
)


def upgrade(conn: Any) -> None:
    for statement in _STATEMENTS:
        conn.execute(statement)
