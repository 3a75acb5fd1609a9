"""Schema version 4: bundle state — what was sent, what was received, and sealed records.

Sender side: ``bundles_sent`` (one row per exported bundle: sequence number, recipients, size
and SHA-256 of the file), ``bundle_records`` (which bundle carried which testimony version),
``sealed_versions`` (id, version and hash of versions whose content the seal policy removed)
and ``sealed_bundle_chunks`` (the encrypted bundle file itself, kept so it can be sent again).
Receiver side: ``bundles_received`` (bundle id, sender, sequence: replays and gaps) and
``record_provenance`` (for every version a bundle carried: bundle, sender, time, outcome).
The view ``testimony_flags`` gives the testimony store its ``exported`` and ``sealed`` flags.
See intake/bundles/ and docs/bundle-format.md §7.
"""

from __future__ import annotations

from typing import Any

VERSION = 4

_STATEMENTS = (
    """
    CREATE TABLE bundles_sent (
        bundle_id TEXT PRIMARY KEY,
        sequence INTEGER NOT NULL UNIQUE CHECK (sequence >= 1),
        created TEXT NOT NULL,
        recipients TEXT NOT NULL,
        records INTEGER NOT NULL CHECK (records >= 0),
        attachments INTEGER NOT NULL CHECK (attachments >= 0),
        size INTEGER NOT NULL CHECK (size >= 0),
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        sealed INTEGER NOT NULL CHECK (sealed IN (0, 1))
    )
    """,
    """
    CREATE TABLE bundle_records (
        bundle_id TEXT NOT NULL REFERENCES bundles_sent (bundle_id),
        testimony_id TEXT NOT NULL,
        version_no INTEGER NOT NULL CHECK (version_no >= 1),
        hash TEXT NOT NULL CHECK (length(hash) = 64),
        PRIMARY KEY (bundle_id, testimony_id, version_no)
    )
    """,
    "CREATE INDEX bundle_records_version ON bundle_records (testimony_id, version_no)",
    """
    CREATE TABLE sealed_versions (
        testimony_id TEXT NOT NULL,
        version_no INTEGER NOT NULL CHECK (version_no >= 1),
        hash TEXT NOT NULL CHECK (length(hash) = 64),
        bundle_id TEXT NOT NULL REFERENCES bundles_sent (bundle_id),
        sealed_at TEXT NOT NULL,
        PRIMARY KEY (testimony_id, version_no)
    )
    """,
    """
    CREATE TABLE sealed_bundle_chunks (
        bundle_id TEXT NOT NULL REFERENCES bundles_sent (bundle_id),
        seq INTEGER NOT NULL CHECK (seq >= 0),
        data BLOB NOT NULL,
        PRIMARY KEY (bundle_id, seq)
    )
    """,
    """
    CREATE TABLE bundles_received (
        bundle_id TEXT PRIMARY KEY,
        sender_fingerprint TEXT NOT NULL,
        sequence INTEGER NOT NULL CHECK (sequence >= 1),
        created TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        records INTEGER NOT NULL CHECK (records >= 0),
        attachments INTEGER NOT NULL CHECK (attachments >= 0)
    )
    """,
    "CREATE INDEX bundles_received_sender ON bundles_received (sender_fingerprint, sequence)",
    """
    CREATE TABLE record_provenance (
        testimony_id TEXT NOT NULL,
        version_no INTEGER NOT NULL CHECK (version_no >= 1),
        hash TEXT NOT NULL CHECK (length(hash) = 64),
        bundle_id TEXT NOT NULL REFERENCES bundles_received (bundle_id),
        sender_fingerprint TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('new', 'updated', 'unchanged', 'older')),
        PRIMARY KEY (hash, bundle_id)
    )
    """,
    "CREATE INDEX record_provenance_version ON record_provenance (testimony_id, version_no)",
    # exported: every final version of the testimony has left in some bundle (nothing new to
    # send); sealed: at least one of its versions was sealed.
    """
    CREATE VIEW testimony_flags AS
    SELECT t.id AS testimony_id,
        (EXISTS (SELECT 1 FROM bundle_records r WHERE r.testimony_id = t.id)
         AND NOT EXISTS (
            SELECT 1 FROM testimony_versions v
            WHERE v.testimony_id = t.id AND v.status = 'final'
              AND NOT EXISTS (
                SELECT 1 FROM bundle_records r
                WHERE r.testimony_id = v.testimony_id AND r.version_no = v.version_no))
        ) AS exported,
        EXISTS (SELECT 1 FROM sealed_versions s WHERE s.testimony_id = t.id) AS sealed
    FROM testimonies t
    """,
)


def upgrade(conn: Any) -> None:
    for statement in _STATEMENTS:
        conn.execute(statement)
