"""The volunteer's outbox: every exported bundle waits here until it has reached the drop.

``add`` is called by every export (intake/core/app.py); ``send`` uploads what is pending, each
bundle to ``NAME.part`` on the drop, resumed from what the server already holds, then renamed
to ``NAME`` (docs/drop-format.md §3). The name on the drop is the bundle's random id, never the
file name a volunteer chose. Before sending, the file is checked against the SHA-256 recorded
at export (a replaced or damaged file is not sent); a sealed bundle whose file is gone is sent
from the vault's own copy. A bundle already on the drop (in the drop folder or in ``done/``)
is marked sent without sending anything, so a second ``send`` is a no-op. Lost connections are
retried with growing pauses; a wrong host key, a refused login or a full drop stop at once.
State lives in the vault, so an interrupted send simply goes on at the next one, after a
restart too.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from intake.errors import AmanatError
from intake.transport.base import DONE, Drop, DropSettings
from intake.transport.errors import BundleFileGone, Cancelled, TransportError
from intake.vault import Vault

SUFFIX = ".amanat"  # name on the drop: <bundle id>.amanat
RETRIES = 5  # connection attempts per send for errors that may pass (lost, unreachable)
BACKOFF = (2.0, 5.0, 15.0, 30.0, 60.0)  # seconds between them
HASH_BLOCK = 1024 * 1024

SendProgress = Callable[[str, int, int], None]  # (bundle id, bytes done, bundle size)


@dataclass(frozen=True)
class OutboxEntry:
    bundle_id: str
    name: str
    path: str | None
    size: int
    sha256: str
    added: str
    state: str  # "pending" or "sent"
    attempts: int
    last_error: str | None
    sent_at: str | None


@dataclass(frozen=True)
class SendResult:
    bundle_id: str
    outcome: str  # "sent", "already" (found on the drop), "failed"
    sent_bytes: int
    error: Exception | None = None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add(vault: Vault, bundle_id: str, path: Path | None) -> None:
    """Put an exported bundle in the outbox (again: no change)."""
    row = vault.conn.execute(
        "SELECT size, sha256 FROM bundles_sent WHERE bundle_id = ?", (bundle_id,)
    ).fetchone()
    if row is None:
        return
    with vault.transaction() as conn:
        conn.execute(
            "INSERT INTO outbox (bundle_id, name, path, size, sha256, added, state) "
            "VALUES (?, ?, ?, ?, ?, ?, 'pending') ON CONFLICT(bundle_id) DO UPDATE SET "
            "path = COALESCE(excluded.path, outbox.path)",
            (
                bundle_id,
                bundle_id + SUFFIX,
                str(path.resolve()) if path else None,
                int(row[0]),
                str(row[1]),
                _now(),
            ),
        )


def entries(vault: Vault) -> list[OutboxEntry]:
    rows = vault.conn.execute(
        "SELECT bundle_id, name, path, size, sha256, added, state, attempts, last_error, "
        "sent_at FROM outbox ORDER BY added, bundle_id"
    ).fetchall()
    return [OutboxEntry(*row) for row in rows]


def pending(vault: Vault) -> list[OutboxEntry]:
    return [e for e in entries(vault) if e.state == "pending"]


def _sealed_chunks(vault: Vault, bundle_id: str) -> Iterator[bytes]:
    cursor = vault.conn.execute(
        "SELECT data FROM sealed_bundle_chunks WHERE bundle_id = ? ORDER BY seq", (bundle_id,)
    )
    for (data,) in cursor:
        yield bytes(data)


class _ChunkReader(io.RawIOBase):
    """A read-only stream over the sealed copy's chunks (one chunk in memory at a time)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def _open_source(vault: Vault, entry: OutboxEntry) -> BinaryIO:
    """The bundle's bytes, checked against the SHA-256 recorded at export."""
    candidates: list[Callable[[], BinaryIO]] = []
    path = entry.path
    if path and Path(path).is_file():

        def from_file() -> BinaryIO:
            return Path(path).open("rb")

        candidates.append(from_file)
    has_copy = vault.conn.execute(
        "SELECT 1 FROM sealed_bundle_chunks WHERE bundle_id = ? LIMIT 1", (entry.bundle_id,)
    ).fetchone()
    if has_copy:
        candidates.append(
            lambda: io.BufferedReader(_ChunkReader(_sealed_chunks(vault, entry.bundle_id)))
        )
    for opener in candidates:
        digest = hashlib.sha256()
        with opener() as stream:
            while block := stream.read(HASH_BLOCK):
                digest.update(block)
        if digest.hexdigest() == entry.sha256:
            return opener()
    raise BundleFileGone(path=entry.path or entry.name)


def _skip(stream: BinaryIO, offset: int) -> None:
    if stream.seekable():
        stream.seek(offset)
        return
    left = offset
    while left > 0:
        block = stream.read(min(HASH_BLOCK, left))
        if not block:
            break
        left -= len(block)


def _record(vault: Vault, bundle_id: str, *, sent: bool, error: Exception | None) -> None:
    with vault.transaction() as conn:
        if sent:
            conn.execute(
                "UPDATE outbox SET state = 'sent', sent_at = ?, last_error = NULL, "
                "attempts = attempts + 1 WHERE bundle_id = ?",
                (_now(), bundle_id),
            )
        else:
            message = error.message("en") if isinstance(error, AmanatError) else "error"
            conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE bundle_id = ?",
                (message, bundle_id),
            )


def send_one(
    vault: Vault, drop: Drop, entry: OutboxEntry, progress: SendProgress | None = None
) -> SendResult:
    """Upload one bundle (or find it already there) and mark it sent."""
    if drop.size(entry.name) == entry.size or drop.size(entry.name, DONE) == entry.size:
        _record(vault, entry.bundle_id, sent=True, error=None)
        return SendResult(entry.bundle_id, "already", 0)
    offset = drop.part_size(entry.name)
    if offset > entry.size:
        offset = 0  # not ours, or damaged: write it again from the start
    with _open_source(vault, entry) as source:
        _skip(source, offset)

        def step(done: int) -> None:
            if progress is not None:
                progress(entry.bundle_id, offset + done, entry.size)

        step(0)
        sent = drop.upload(entry.name, source, offset, entry.size, step)
    drop.commit(entry.name, entry.size, entry.sha256)
    _record(vault, entry.bundle_id, sent=True, error=None)
    return SendResult(entry.bundle_id, "sent", sent)


def send(
    vault: Vault,
    settings: DropSettings,
    progress: SendProgress | None = None,
    *,
    connect: Callable[[DropSettings], Drop] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    retries: int = RETRIES,
) -> list[SendResult]:
    """Send every pending bundle. Errors that may pass (a lost connection) are retried after
    a pause, resuming where the server stopped; others end the send and are reported on the
    bundles still pending. Raising Cancelled from ``progress`` stops at once (kept for later)."""
    if connect is None:
        from intake.transport.connect import open_drop

        connect = open_drop
    results: dict[str, SendResult] = {}
    failures = 0
    while True:
        todo = [e for e in pending(vault) if e.bundle_id not in results]
        if not todo:
            break
        try:
            drop = connect(settings)
            try:
                for entry in todo:
                    results[entry.bundle_id] = send_one(vault, drop, entry, progress)
            finally:
                drop.close()
        except Cancelled:
            raise
        except TransportError as exc:
            failures += 1
            if exc.retry and failures < retries:
                sleep(BACKOFF[min(failures - 1, len(BACKOFF) - 1)])
                continue
            for entry in todo:
                if entry.bundle_id not in results:
                    _record(vault, entry.bundle_id, sent=False, error=exc)
                    results[entry.bundle_id] = SendResult(entry.bundle_id, "failed", 0, exc)
        except AmanatError as exc:  # this bundle's file is gone: the others still go
            bad = next(e for e in todo if e.bundle_id not in results)
            _record(vault, bad.bundle_id, sent=False, error=exc)
            results[bad.bundle_id] = SendResult(bad.bundle_id, "failed", 0, exc)
    return list(results.values())
