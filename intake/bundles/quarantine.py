"""Receiving bundles on a coordinator vault, with a quarantine for unknown senders.

``receive_bundle`` is what the coordinator's import does with each file: a bundle from an
enrolled, verified volunteer is imported (intake/bundles/importer.py, all or nothing); a bundle
whose sender is not enrolled (or enrolled but not yet verified) is checked completely (age
decryption, manifest signature, every member's hash) and then kept *inside the vault*, still
age-encrypted, in ``quarantine`` / ``quarantine_chunks`` (schema 6): nothing from it enters
the archive. The coordinator compares the sender's fingerprint with the volunteer, enrolls the
card the bundle carries (``enroll_sender``) and imports it (``import_quarantined``), which
re-checks every byte and removes the bundle from the quarantine in the same transaction.
Tampered, foreign, revoked or misaddressed bundles raise their typed error and change nothing.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from crypto import card as cardfmt
from intake.bundles.errors import (
    BundleChanged,
    BundleIdReused,
    BundleNotAddressed,
    FingerprintNotCompared,
    NotInQuarantine,
    QuarantineBundleTooLarge,
    QuarantineFull,
    SenderNotVerified,
    UnknownSender,
)
from intake.bundles.importer import (
    BundleReport,
    import_bundle,
    import_stream,
    report_head,
    verify_stream,
)
from intake.bundles.reader import Progress
from intake.bundles.space import copy_needs, require_space
from intake.cards.registry import CardRegistry, KnownCard
from intake.errors import InvalidInput
from intake.i18n import tr
from intake.testimonies.canonical import created_now
from intake.vault import BULK_BYTES, Vault

CHUNK_SIZE = 1 << 20  # bytes per stored chunk of a waiting bundle (bounded memory)
MAX_BUNDLE = 2 << 30  # the largest bundle from an unknown sender kept in the quarantine
MAX_TOTAL = 8 << 30  # all bundles waiting in the quarantine together
MB = 1 << 20


@dataclass(frozen=True)
class Receipt:
    """What happened to one received bundle: ``imported``, ``already`` or ``quarantined``."""

    outcome: str
    report: BundleReport


@dataclass(frozen=True)
class WaitingBundle:
    """A bundle in the quarantine, as its signed manifest describes it."""

    bundle_id: str
    sender_fingerprint: str
    sender_name: str
    sender_card: cardfmt.Card
    sequence: int
    created: str
    received_at: str
    records: int
    attachments: int
    size: int


class _ChunkReader(io.RawIOBase):
    """Reads a quarantined bundle back from its chunks, one chunk in memory at a time."""

    def __init__(self, conn: Any, bundle_id: str) -> None:
        super().__init__()
        self._conn, self._id, self._seq = conn, bundle_id, 0
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        if not self._buf:
            row = self._conn.execute(
                "SELECT data FROM quarantine_chunks WHERE bundle_id = ? AND seq = ?",
                (self._id, self._seq),
            ).fetchone()
            if row is None:
                return 0
            self._buf, self._seq = bytes(row[0]), self._seq + 1
        size = min(len(target), len(self._buf))
        target[:size] = self._buf[:size]
        self._buf = self._buf[size:]
        return size


def _open(path: Path) -> BinaryIO:
    try:
        return open(path, "rb")
    except OSError:
        raise InvalidInput(reason=tr("cannot read {path}", path=path)) from None


def receive_bundle(
    vault: Vault,
    path: Path,
    progress: Progress | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Receipt:
    """Import ``path``, or keep it in the quarantine when its sender is not enrolled."""
    try:
        report = import_bundle(vault, path, progress, clock)
    except (UnknownSender, SenderNotVerified):
        return Receipt("quarantined", _quarantine(vault, path, progress, clock))
    return Receipt("already" if report.already_imported else "imported", report)


def _admit(vault: Vault, report: BundleReport, size: int) -> None:
    """Refuse, before anything is copied, what the quarantine must not keep: a bundle not
    addressed to this vault, one larger than MAX_BUNDLE, or one that would fill it."""
    if not report.addressed_to_us:
        raise BundleNotAddressed()
    if isinstance(report.problem, BundleIdReused):
        raise report.problem
    largest = max(size, report.data_size)
    if largest > MAX_BUNDLE:
        raise QuarantineBundleTooLarge(size=-(-largest // MB), limit=MAX_BUNDLE // MB)
    used = int(
        vault.conn.execute(
            "SELECT coalesce(sum(size), 0) FROM quarantine WHERE bundle_id != ?",
            (report.bundle_id,),
        ).fetchone()[0]
    )
    if used + size > MAX_TOTAL:
        raise QuarantineFull(used=-(-used // MB), limit=MAX_TOTAL // MB)


def _copy(conn: Any, src: BinaryIO, staging: str, size: int) -> None:
    """Store at most ``size`` bytes of ``src`` (its size when opened); refuse a file that grew."""
    seq, left = 0, size
    while left > 0 and (chunk := src.read(min(CHUNK_SIZE, left))):
        conn.execute(
            "INSERT INTO quarantine_chunks (bundle_id, seq, data) VALUES (?, ?, ?)",
            (staging, seq, chunk),
        )
        seq, left = seq + 1, left - len(chunk)
    if src.read(1):
        raise BundleChanged()


def _quarantine(
    vault: Vault, path: Path, progress: Progress | None, clock: Callable[[], datetime] | None
) -> BundleReport:
    """Copy the bundle into the vault and check it completely there; all or nothing. What the
    signed head says (addressee, size) is checked first, so nothing large is copied blindly."""
    now = created_now(clock() if clock else None)
    with _open(path) as src:
        size = os.fstat(src.fileno()).st_size
        _admit(vault, report_head(vault, src), size)
        require_space(vault.path, copy_needs(size, bulk=size > BULK_BYTES and vault.bulk_possible))
        src.seek(0)
        with vault.transaction(bulk=size > BULK_BYTES) as conn:
            staging = "incoming"
            conn.execute("DELETE FROM quarantine_chunks WHERE bundle_id = ?", (staging,))
            _copy(conn, src, staging, size)
            return _check_and_keep(vault, conn, staging, size, now, progress)


def _check_and_keep(
    vault: Vault, conn: Any, staging: str, size: int, now: str, progress: Progress | None
) -> BundleReport:
    """Inside the copy's transaction: check the stored bytes completely, then keep them."""
    # Checked from the stored bytes, so what waits is exactly what was verified.
    report = verify_stream(vault, _ChunkReader(conn, staging), progress)
    if not report.addressed_to_us:
        raise BundleNotAddressed()
    if not isinstance(report.problem, UnknownSender | SenderNotVerified):
        raise report.problem or UnknownSender(fingerprint=report.sender_fingerprint)
    exists = conn.execute(
        "SELECT sender_fingerprint FROM quarantine WHERE bundle_id = ?", (report.bundle_id,)
    ).fetchone()
    if exists and str(exists[0]) != report.sender_fingerprint:
        raise BundleIdReused()
    if exists:  # the same bundle received twice: keep the first copy
        conn.execute("DELETE FROM quarantine_chunks WHERE bundle_id = ?", (staging,))
        return report
    conn.execute(
        "INSERT INTO quarantine (bundle_id, sender_fingerprint, sender_name, sender_card,"
        " sequence, created, received_at, records, attachments, size)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            report.bundle_id,
            report.sender_fingerprint,
            report.sender_name,
            cardfmt.serialize_card(report.sender_card),
            report.sequence,
            report.created,
            now,
            report.records,
            report.attachments,
            size,
        ),
    )
    conn.execute(
        "UPDATE quarantine_chunks SET bundle_id = ? WHERE bundle_id = ?",
        (report.bundle_id, staging),
    )
    return report


def _waiting(row: Any) -> WaitingBundle:
    return WaitingBundle(
        bundle_id=str(row[0]),
        sender_fingerprint=str(row[1]),
        sender_name=str(row[2]),
        sender_card=cardfmt.parse_card(bytes(row[3])),
        sequence=int(row[4]),
        created=str(row[5]),
        received_at=str(row[6]),
        records=int(row[7]),
        attachments=int(row[8]),
        size=int(row[9]),
    )


_COLUMNS = (
    "SELECT bundle_id, sender_fingerprint, sender_name, sender_card, sequence, created,"
    " received_at, records, attachments, size FROM quarantine"
)


def waiting_bundles(vault: Vault) -> list[WaitingBundle]:
    """Every bundle in the quarantine, oldest first."""
    rows = vault.conn.execute(_COLUMNS + " ORDER BY received_at, bundle_id").fetchall()
    return [_waiting(r) for r in rows]


def waiting_bundle(vault: Vault, bundle_id: str) -> WaitingBundle:
    row = vault.conn.execute(_COLUMNS + " WHERE bundle_id = ?", (bundle_id,)).fetchone()
    if row is None:
        raise NotInQuarantine()
    return _waiting(row)


def enroll_sender(vault: Vault, bundle_id: str, *, fingerprint_compared: bool) -> KnownCard:
    """Enroll (and mark verified) the card of a waiting bundle's sender. The caller states
    that the fingerprint was compared with the volunteer; without that nothing is changed."""
    if not fingerprint_compared:
        raise FingerprintNotCompared()
    waiting = waiting_bundle(vault, bundle_id)
    registry = CardRegistry(vault)
    known, _new = registry.add(waiting.sender_card, verified=True)
    return registry.mark_verified(known.fingerprint)


def discard(vault: Vault, bundle_id: str) -> None:
    """Delete a waiting bundle without importing it."""
    with vault.transaction() as conn:
        conn.execute("DELETE FROM quarantine_chunks WHERE bundle_id = ?", (bundle_id,))
        if not conn.execute("DELETE FROM quarantine WHERE bundle_id = ?", (bundle_id,)).rowcount:
            raise NotInQuarantine()


def import_quarantined(
    vault: Vault,
    bundle_id: str,
    progress: Progress | None = None,
    clock: Callable[[], datetime] | None = None,
) -> BundleReport:
    """Import a waiting bundle whose sender is now enrolled; all or nothing, and it leaves
    the quarantine in the same transaction. Raises the sender problem if still unknown."""
    waiting = waiting_bundle(vault, bundle_id)
    with vault.transaction(bulk=waiting.size > BULK_BYTES) as conn:
        report = import_stream(vault, _ChunkReader(conn, bundle_id), progress, clock, conn=conn)
        conn.execute("DELETE FROM quarantine_chunks WHERE bundle_id = ?", (bundle_id,))
        conn.execute("DELETE FROM quarantine WHERE bundle_id = ?", (bundle_id,))
    return report
