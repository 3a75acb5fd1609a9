"""What a vault remembers about bundles: those it sent (and which versions each carried) and
those it received (sender, sequence, and the provenance of every version they brought).

Read-only queries over schema 4 for the desktop app and the CLI; plain dataclasses, no SQL
outside this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from intake.bundles.importer import gaps
from intake.vault import Vault


@dataclass(frozen=True)
class SentBundle:
    bundle_id: str
    sequence: int
    created: str
    recipients: tuple[str, ...]  # fingerprints
    records: int
    attachments: int
    size: int
    sealed: bool  # kept in the vault; its versions were sealed


@dataclass(frozen=True)
class ReceivedBundle:
    bundle_id: str
    sender_fingerprint: str
    sequence: int
    created: str
    imported_at: str
    records: int
    attachments: int


@dataclass(frozen=True)
class Provenance:
    """One version as one bundle brought it (a version can arrive in several bundles)."""

    testimony_id: str
    version_no: int
    hash: str
    bundle_id: str
    sender_fingerprint: str
    imported_at: str
    outcome: str  # new, updated, unchanged, older


_SENT = (
    "SELECT bundle_id, sequence, created, recipients, records, attachments, size, sealed"
    " FROM bundles_sent"
)
_RECEIVED = (
    "SELECT bundle_id, sender_fingerprint, sequence, created, imported_at, records, attachments"
    " FROM bundles_received"
)


def _sent(row: Any) -> SentBundle:
    return SentBundle(
        str(row[0]),
        int(row[1]),
        str(row[2]),
        tuple(json.loads(row[3])),
        int(row[4]),
        int(row[5]),
        int(row[6]),
        bool(row[7]),
    )


def _received(row: Any) -> ReceivedBundle:
    return ReceivedBundle(
        str(row[0]), str(row[1]), int(row[2]), str(row[3]), str(row[4]), int(row[5]), int(row[6])
    )


def sent_bundles(vault: Vault) -> list[SentBundle]:
    """Every bundle this vault exported, oldest first."""
    return [_sent(r) for r in vault.conn.execute(_SENT + " ORDER BY sequence").fetchall()]


def bundles_carrying(vault: Vault, testimony_id: str) -> list[tuple[int, SentBundle]]:
    """(version, bundle) for every exported bundle that carried a version of the testimony."""
    rows = vault.conn.execute(
        "SELECT r.version_no, b.bundle_id, b.sequence, b.created, b.recipients, b.records,"
        " b.attachments, b.size, b.sealed FROM bundle_records r"
        " JOIN bundles_sent b ON b.bundle_id = r.bundle_id"
        " WHERE r.testimony_id = ? ORDER BY b.sequence, r.version_no",
        (testimony_id,),
    ).fetchall()
    return [(int(r[0]), _sent(tuple(r)[1:])) for r in rows]


def received_bundles(vault: Vault, sender_fingerprint: str | None = None) -> list[ReceivedBundle]:
    """Bundles imported into this vault (of one sender, if given), by sender and sequence."""
    if sender_fingerprint is None:
        rows = vault.conn.execute(_RECEIVED + " ORDER BY sender_fingerprint, sequence").fetchall()
    else:
        rows = vault.conn.execute(
            _RECEIVED + " WHERE sender_fingerprint = ? ORDER BY sequence", (sender_fingerprint,)
        ).fetchall()
    return [_received(r) for r in rows]


def missing_sequences(vault: Vault, sender_fingerprint: str) -> list[tuple[int, int]]:
    """Ranges of a sender's bundle numbers below the highest received that never arrived."""
    return gaps({b.sequence for b in received_bundles(vault, sender_fingerprint)})


def provenance(vault: Vault, testimony_id: str) -> list[Provenance]:
    """Every bundle that brought a version of the testimony, oldest import first."""
    rows = vault.conn.execute(
        "SELECT testimony_id, version_no, hash, bundle_id, sender_fingerprint, imported_at,"
        " outcome FROM record_provenance WHERE testimony_id = ?"
        " ORDER BY imported_at, rowid",
        (testimony_id,),
    ).fetchall()
    return [
        Provenance(str(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]))
        for r in rows
    ]
