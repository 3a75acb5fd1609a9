"""The coordinator's fetch: take new bundles from the drop, import each, tidy the drop.

For every finished bundle in the drop folder (docs/drop-format.md §4): download it into the
vault folder's ``incoming/`` (ciphertext only; resumed from what is already there after a cut),
receive it with the usual rules (intake/bundles/quarantine.py: imported all or nothing, kept in
the quarantine when the sender is not enrolled, or refused with a reason), remember the file
in ``drop_fetched`` and move it on the drop to ``done/`` or to ``refused/`` beside a
``NAME.reason.txt``. A file already fetched is never imported again, only moved; the importer
itself also treats a bundle it has seen as a no-op, so a crash between import and move is
harmless.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast

from intake.bundles.errors import AuthorRevoked, BundleError, QuarantineFull
from intake.bundles.quarantine import Receipt, receive_bundle
from intake.errors import AmanatError, StorageFull
from intake.transport.base import DONE, PART, REFUSED, Drop, DropSettings
from intake.transport.errors import ConnectionLost, OversizedDownload, TransportError
from intake.vault import Vault

ROOM_MARGIN = 64 * 1024 * 1024  # free bytes kept beyond a bundle's download and its import
INCOMING = "incoming"  # folder beside vault.db for downloaded (encrypted) bundles
REASON_SUFFIX = ".reason.txt"

FetchProgress = Callable[[str, int, int], None]  # (name, bytes done, size)


@dataclass(frozen=True)
class Fetched:
    """One file of the drop and what became of it."""

    name: str
    outcome: str  # "imported", "already", "quarantined", "refused", "known" (fetched before),
    # "waiting" (left on the drop: no room on this disk; fetched next time)
    receipt: Receipt | None = None
    error: Exception | None = None


def _incoming(vault: Vault) -> Path:
    folder = Path(vault.path) / INCOMING
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


# Failures that may pass (room made, quarantine emptied): the file stays on the drop, unremembered.
TEMPORARY = (QuarantineFull, StorageFull)
# The only reason written on the drop, which the drop's operator and every holder of a shared
# login can read: a short code that never names the sender (the full reason stays in the vault).
SENDER_CODES = frozenset(
    {"unknown-sender", "sender-revoked", "sender-unverified", "not-forwarder", "id-reused"}
)


def drop_reason(exc: Exception) -> str:
    """The generic code written to refused/NAME.reason.txt (docs/drop-format.md §4)."""
    if isinstance(exc, AuthorRevoked) or (
        isinstance(exc, BundleError) and exc.code in SENDER_CODES
    ):
        return "refused: sender"
    if isinstance(exc, BundleError) and exc.code == "not-addressed":
        return "refused: not-for-this-vault"
    return "refused: damaged"


def _known(vault: Vault, name: str, sha256: str) -> str | None:
    """The outcome of this very file (same name and same SHA-256) if it was fetched before."""
    row = vault.conn.execute(
        "SELECT outcome FROM drop_fetched WHERE name = ? AND sha256 = ?", (name, sha256)
    ).fetchone()
    return str(row[0]) if row else None


class _CappedSink:
    """Writes at most ``limit`` bytes; a server sending more is refused before the disk fills."""

    def __init__(self, sink: BinaryIO, limit: int) -> None:
        self._sink = sink
        self._left = limit

    def write(self, data: bytes) -> int:
        if len(data) > self._left:
            raise OversizedDownload()
        self._left -= len(data)
        return self._sink.write(data)


def _remember(
    vault: Vault, name: str, size: int, sha256: str, outcome: str, reason: str | None
) -> None:
    with vault.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO drop_fetched (name, size, sha256, outcome, reason, fetched_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (name, size, sha256, outcome, reason, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
        )


def download(
    drop: Drop, vault: Vault, name: str, size: int, progress: FetchProgress | None
) -> Path:
    """The whole file in incoming/, resumed from a previous partial download."""
    folder = _incoming(vault)
    part = folder / (name + PART)
    offset = part.stat().st_size if part.exists() else 0
    if offset > size:
        part.unlink()
        offset = 0

    def step(done: int) -> None:
        if progress is not None:
            progress(name, offset + done, size)

    try:
        with part.open("ab") as sink:
            try:
                drop.download(name, cast(BinaryIO, _CappedSink(sink, size - offset)), offset, step)
            except OversizedDownload:
                sink.close()
                part.unlink()
                raise
            sink.flush()
            os.fsync(sink.fileno())
    except OSError as exc:  # the local disk (the drop's errors are TransportErrors)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull() from None
        raise
    if part.stat().st_size != size:
        raise ConnectionLost()
    final = folder / name
    os.replace(part, final)
    return final


def fetch_one(
    vault: Vault, drop: Drop, name: str, size: int, progress: FetchProgress | None = None
) -> Fetched:
    part = _incoming(vault) / (name + PART)
    have = part.stat().st_size if part.exists() else 0
    # the rest of the download, and as much again for the import into the vault (attachments)
    if shutil.disk_usage(part.parent).free < 2 * size - have + ROOM_MARGIN:
        return Fetched(name, "waiting", None, StorageFull())
    path = download(drop, vault, name, size, progress)
    sha256 = _sha256(path)
    known = _known(vault, name, sha256)
    if known is not None:  # fetched before (a crash before the move): only tidy the drop
        path.unlink()
        drop.move(name, DONE if known != "refused" else REFUSED)
        return Fetched(name, "known")

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress(name, size, size)

    try:
        receipt = receive_bundle(vault, path, step)
    except TransportError:
        raise
    except TEMPORARY as exc:  # may pass: left on the drop, not remembered, tried next time
        path.unlink()
        return Fetched(name, "waiting", None, exc)
    except Exception as exc:  # refused: reported per bundle; the others still run
        reason = exc.message("en") if isinstance(exc, AmanatError) else "the bundle is unreadable"
        _remember(vault, name, size, sha256, "refused", reason)
        drop.put_small(name + REASON_SUFFIX, REFUSED, (drop_reason(exc) + "\n").encode("utf-8"))
        drop.move(name, REFUSED)
        path.unlink()
        return Fetched(name, "refused", None, exc)
    _remember(vault, name, size, sha256, receipt.outcome, None)
    drop.move(name, DONE)
    path.unlink()
    return Fetched(name, receipt.outcome, receipt)


def fetch(
    vault: Vault,
    settings: DropSettings,
    progress: FetchProgress | None = None,
    *,
    connect: Callable[[DropSettings], Drop] | None = None,
) -> list[Fetched]:
    """Fetch, import and tidy every finished bundle on the drop; a lost connection ends the
    fetch (what was downloaded is kept and resumed next time)."""
    if connect is None:
        from intake.transport.connect import open_drop

        connect = open_drop
    results: list[Fetched] = []
    drop = connect(settings)
    try:
        for entry in drop.list():
            results.append(fetch_one(vault, drop, entry.name, entry.size, progress))
    finally:
        with contextlib.suppress(TransportError):
            drop.close()
    return results
