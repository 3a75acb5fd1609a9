"""The seal policy: after an export, what was sent stops being readable on the sender's device.

A vault setting, off by default. When it is on, a successful export also, in the same
transaction: deletes the exported final versions (content and all) from the testimony tables,
removes their search-index and duplicate-finder rows and the attachments nothing else uses,
and keeps only the testimony id, version number, version hash and bundle id
(``sealed_versions``) plus the encrypted bundle file itself (``sealed_bundle_chunks``), which
only the coordinators can open. A volunteer made to unlock the vault can then show nothing of
what was already sent, and ``resend`` writes the kept bundle out again if the USB stick is
lost. Deleted pages are overwritten (``secure_delete``) and the write-ahead log is truncated
after sealing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intake.bundles import files
from intake.bundles.errors import BundleNotFound
from intake.testimonies import index as testimony_index
from intake.testimonies.attachments import drop_orphans
from intake.testimonies.canonical import created_now
from intake.vault import Vault
from intake.vault.errors import VaultDamaged

if TYPE_CHECKING:
    from intake.bundles.manifest import Manifest

SETTING = "bundles.seal"
ON, OFF = "on", "off"
CHUNK = 1 << 20  # the kept bundle is stored in 1 MiB rows, like attachments


def is_on(vault: Vault) -> bool:
    return vault.get_setting(SETTING, OFF) == ON


def set_policy(vault: Vault, on: bool) -> None:
    vault.set_setting(SETTING, ON if on else OFF)


@dataclass(frozen=True)
class KeptBundle:
    bundle_id: str
    sequence: int
    created: str
    size: int
    records: int


@dataclass(frozen=True)
class SealStatus:
    on: bool
    sealed_versions: int
    kept: tuple[KeptBundle, ...]


def status(vault: Vault) -> SealStatus:
    conn = vault.conn
    count = int(conn.execute("SELECT count(*) FROM sealed_versions").fetchone()[0])
    rows = conn.execute(
        "SELECT bundle_id, sequence, created, size, records FROM bundles_sent"
        " WHERE sealed = 1 ORDER BY sequence"
    ).fetchall()
    kept = tuple(KeptBundle(str(r[0]), int(r[1]), str(r[2]), int(r[3]), int(r[4])) for r in rows)
    return SealStatus(is_on(vault), count, kept)


class BundleKeeper:
    """Stores the encrypted bundle in the vault as it is written (inside the export's
    transaction, so a failed export keeps nothing)."""

    def __init__(self, conn: Any, bundle_id: str) -> None:
        self._conn = conn
        self._bundle_id = bundle_id
        self._buf = bytearray()
        self._seq = 0

    def _flush(self, data: bytes | bytearray) -> None:
        self._conn.execute(
            "INSERT INTO sealed_bundle_chunks (bundle_id, seq, data) VALUES (?, ?, ?)",
            (self._bundle_id, self._seq, bytes(data)),
        )
        self._seq += 1

    def write(self, data: bytes) -> None:
        self._buf += data
        if len(self._buf) >= CHUNK:
            self._flush(self._buf[:CHUNK])
            del self._buf[:CHUNK]

    def close(self) -> None:
        if self._buf or self._seq == 0:
            self._flush(self._buf)
        self._buf = bytearray()


def seal_versions(
    vault: Vault, conn: Any, manifest: Manifest, clock: Callable[[], datetime] | None = None
) -> int:
    """Delete the versions ``manifest`` carried; keep id, version, hash and bundle id."""
    from intake.testimonies.store import TestimonyStore

    now = created_now(clock() if clock else None)
    sealed = 0
    touched: dict[str, None] = {}
    for entry in manifest.records:
        cur = conn.execute(
            "DELETE FROM testimony_versions"
            " WHERE testimony_id = ? AND version_no = ? AND status = 'final' AND hash = ?",
            (entry.id, entry.version, entry.sha256),
        )
        if cur.rowcount:
            conn.execute(
                "INSERT INTO sealed_versions (testimony_id, version_no, hash, bundle_id,"
                " sealed_at) VALUES (?, ?, ?, ?, ?)",
                (entry.id, entry.version, entry.sha256, manifest.bundle, now),
            )
            sealed += 1
            touched[entry.id] = None
    store = TestimonyStore(vault)
    for testimony_id in touched:
        # the duplicate finder's derived victim features (names, birth dates, ID numbers) have
        # no foreign key to the testimony: drop them; a refresh re-reads what is left
        conn.execute("DELETE FROM duplicate_victims WHERE testimony_id = ?", (testimony_id,))
        conn.execute("DELETE FROM duplicate_indexed WHERE testimony_id = ?", (testimony_id,))
        newest = conn.execute(
            "SELECT max(version_no) FROM testimony_versions WHERE testimony_id = ?",
            (testimony_id,),
        ).fetchone()[0]
        if newest is None:  # nothing readable is left: the testimony goes, its id stays above
            testimony_index.unindex_testimony(conn, testimony_id)
            conn.execute("DELETE FROM testimonies WHERE id = ?", (testimony_id,))
        else:  # a draft started from the sealed version stays, as the newest version
            conn.execute(
                "UPDATE testimonies SET head_version = ? WHERE id = ?", (newest, testimony_id)
            )
            store.reindex(conn, testimony_id)
    drop_orphans(conn)
    if touched:  # merge the full-text index so deleted tokens leave its segments too
        conn.execute("INSERT INTO testimony_search (testimony_search) VALUES ('optimize')")
    return sealed


def checkpoint(vault: Vault) -> None:
    """Copy the write-ahead log into the database and truncate it: no old pages linger."""
    with contextlib.suppress(Exception):
        vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def resend(vault: Vault, bundle_id: str, output: Path) -> Path:
    """Write a kept (sealed) bundle out again, to ``output`` or a random name in a folder."""
    conn = vault.conn
    row = conn.execute(
        "SELECT size, sha256 FROM bundles_sent WHERE bundle_id = ? AND sealed = 1", (bundle_id,)
    ).fetchone()
    if row is None:
        raise BundleNotFound(bundle=bundle_id)
    path = files.output_path(output, os.urandom)
    f = files.open_part(path)
    digest, size = hashlib.sha256(), 0
    try:
        cursor = conn.execute(
            "SELECT data FROM sealed_bundle_chunks WHERE bundle_id = ? ORDER BY seq", (bundle_id,)
        )
        while chunk := cursor.fetchone():
            data = bytes(chunk[0])
            f.write(data)
            digest.update(data)
            size += len(data)
        if (size, digest.hexdigest()) != (int(row[0]), str(row[1])):
            raise VaultDamaged(part="bundle")
        files.flush(f, path)
    except BaseException:
        files.discard(f, path)
        raise
    files.publish(path)
    return path
