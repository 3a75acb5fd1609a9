"""Schema version 3: testimonies and their versions, attachments, the audit trail, search.

- ``testimonies``: one row per testimony (UUID), pointing at its newest version.
- ``testimony_versions``: every version ever made; drafts are edited in place, a final version
  carries its SHA-256 record hash, the previous version's hash and the author's Ed25519
  signature, and a trigger refuses any UPDATE of it. The signed bytes are rebuilt from the
  columns (intake/testimonies/canonical.py), so a changed byte in any column is detected.
- ``attachments`` / ``attachment_chunks`` / ``testimony_attachments``: content addressed by
  SHA-256, stored once in fixed 1 MiB chunks, linked to testimonies with a file name.
- ``audit`` / ``audit_head``: append-only (triggers), hash-chained entries (intake/vault/audit.py).
- ``testimony_index`` / ``testimony_victims`` / ``testimony_search`` (FTS5, contentless):
  derived data for list, filters and search, rebuilt from the versions at any time.

Bundle state (exported, sealed, provenance) is left to schema version 4. Described in
docs/vault-format.md, section "Storage".
"""

from __future__ import annotations

from typing import Any

VERSION = 3

_STATEMENTS = (
    """
    CREATE TABLE testimonies (
        id TEXT PRIMARY KEY,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        head_version INTEGER NOT NULL CHECK (head_version >= 1)
    )
    """,
    """
    CREATE TABLE testimony_versions (
        testimony_id TEXT NOT NULL REFERENCES testimonies (id) ON DELETE CASCADE,
        version_no INTEGER NOT NULL CHECK (version_no >= 1),
        status TEXT NOT NULL CHECK (status IN ('draft', 'final')),
        form_id TEXT NOT NULL,
        form_version INTEGER NOT NULL,
        content TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        finalized TEXT,
        author BLOB NOT NULL CHECK (length(author) = 32),
        prev_hash TEXT CHECK (prev_hash IS NULL OR length(prev_hash) = 64),
        hash TEXT UNIQUE CHECK (hash IS NULL OR length(hash) = 64),
        signature BLOB CHECK (signature IS NULL OR length(signature) = 64),
        PRIMARY KEY (testimony_id, version_no),
        CHECK ((status = 'final') = (hash IS NOT NULL)),
        CHECK ((status = 'final') = (signature IS NOT NULL)),
        CHECK ((status = 'final') = (finalized IS NOT NULL))
    )
    """,
    """
    CREATE TRIGGER testimony_versions_final_is_frozen
    BEFORE UPDATE ON testimony_versions WHEN OLD.status = 'final'
    BEGIN SELECT RAISE(ABORT, 'a final testimony version cannot be changed'); END
    """,
    """
    CREATE TABLE attachments (
        id INTEGER PRIMARY KEY,
        sha256 TEXT UNIQUE CHECK (sha256 IS NULL OR length(sha256) = 64),
        size INTEGER NOT NULL CHECK (size >= 0),
        media_type TEXT NOT NULL,
        chunk_size INTEGER NOT NULL CHECK (chunk_size > 0),
        created TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE attachment_chunks (
        attachment_id INTEGER NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL CHECK (seq >= 0),
        data BLOB NOT NULL,
        PRIMARY KEY (attachment_id, seq)
    )
    """,
    """
    CREATE TABLE testimony_attachments (
        testimony_id TEXT NOT NULL REFERENCES testimonies (id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL REFERENCES attachments (sha256),
        filename TEXT NOT NULL,
        added TEXT NOT NULL,
        PRIMARY KEY (testimony_id, sha256)
    )
    """,
    "CREATE INDEX testimony_attachments_sha256 ON testimony_attachments (sha256)",
    """
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        details TEXT NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL
    )
    """,
    """
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END
    """,
    """
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END
    """,
    """
    CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE testimony_index (
        doc INTEGER PRIMARY KEY,
        testimony_id TEXT NOT NULL UNIQUE REFERENCES testimonies (id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        version_no INTEGER NOT NULL,
        interview_date TEXT,
        interview_from TEXT,
        interview_to TEXT,
        victim_names TEXT NOT NULL,
        updated TEXT NOT NULL
    )
    """,
    "CREATE INDEX testimony_index_updated ON testimony_index (updated)",
    "CREATE INDEX testimony_index_interview ON testimony_index (interview_from, interview_to)",
    """
    CREATE TABLE testimony_victims (
        testimony_id TEXT NOT NULL REFERENCES testimonies (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        ethnicity TEXT,
        status TEXT,
        PRIMARY KEY (testimony_id, position)
    )
    """,
    "CREATE INDEX testimony_victims_ethnicity ON testimony_victims (ethnicity)",
    "CREATE INDEX testimony_victims_status ON testimony_victims (status)",
    # Contentless: the index keeps no second copy of names or narrative, only tokens.
    # Columns: every spelling of every name; their ASCII transliteration keys; hometowns with
    # their keys (the hometown filter searches only this column); other places with keys;
    # the narrative.
    """
    CREATE VIRTUAL TABLE testimony_search USING fts5 (
        names, name_keys, hometown, places, narrative,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
    )
    """,
)


def upgrade(conn: Any) -> None:
    for statement in _STATEMENTS:
        conn.execute(statement)
