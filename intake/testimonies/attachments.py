"""Attachments: photos, scans, documents and recordings stored inside the encrypted vault.

A file is streamed in fixed 1 MiB chunks straight into the database (SQLCipher encrypts every
page) while SHA-256 is computed incrementally; it is never whole in memory and never written
anywhere as a plaintext file. The content is addressed by its SHA-256: the same file attached
twice, or to two testimonies, is stored once, and each testimony links to it under its own file
name. The media type comes from the first bytes (intake/testimonies/media_types.py). Storing is
one transaction: a too-large file (``AttachmentTooLarge``), a read error or an exception raised
by the progress callback (to cancel) leaves nothing behind. ``open`` returns a seekable,
read-only binary stream that reads one chunk at a time and, read to the end, checks the hash.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from intake.i18n import tr
from intake.testimonies.canonical import created_now
from intake.testimonies.errors import (
    AttachmentDamaged,
    AttachmentNotFound,
    AttachmentTooLarge,
    BadFilename,
    CannotReadFile,
    TestimonyNotFound,
)
from intake.testimonies.media_types import SNIFF_BYTES, detect_media_type
from intake.vault import BULK_BYTES, Vault
from intake.vault.audit import AuditLog

__all__ = [
    "AttachmentInfo",
    "AttachmentNotFound",
    "AttachmentReader",
    "AttachmentStore",
    "AttachmentTooLarge",
]

CHUNK_SIZE = 1 << 20  # 1 MiB: few rows per file, bounded memory per row, cheap seeks
DEFAULT_MAX_SIZE = 2 << 30  # 2 GiB: a long interview recording fits; a disk image does not
MAX_FILENAME = 255  # what common file systems allow
_HEX = frozenset("0123456789abcdef")

Progress = Callable[[int], None]


class Readable(Protocol):
    """What ``add`` reads from: any binary file-like object (file, pipe, BytesIO)."""

    def read(self, size: int = -1, /) -> bytes: ...


Infos = list["AttachmentInfo"]


@dataclass(frozen=True)
class AttachmentInfo:
    """A file attached to a testimony."""

    sha256: str
    size: int
    media_type: str
    filename: str = field(repr=False)  # a file name can name a person
    added: str = ""


def clean_filename(name: str) -> str:
    """The last path component, NFC, without control characters; BadFilename if unusable."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    base = "".join(c for c in base if unicodedata.category(c) not in ("Cc", "Cf", "Cs"))
    if not base or base in (".", ".."):
        raise BadFilename(reason=tr("it is empty."))
    if len(base) > MAX_FILENAME:
        raise BadFilename(reason=tr("it is longer than 255 characters."))
    return base


def _is_sha256(value: str) -> bool:
    return len(value) == 64 and set(value) <= _HEX


def _size_of(src: Readable) -> int:
    """The size of a file being added, when it is a file on disk (else 0: unknown)."""
    try:
        return os.fstat(src.fileno()).st_size  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return 0


def _read_chunk(src: Readable, size: int) -> bytes:
    """Up to ``size`` bytes; short only at the end of the stream (pipes return less)."""
    parts: list[bytes] = []
    got = 0
    while got < size:
        data = src.read(size - got)
        if not data:
            break
        parts.append(data)
        got += len(data)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def drop_orphans(conn: Any) -> int:
    """Delete stored files that no testimony links to any more (and unfinished ones)."""
    cur = conn.execute(
        "DELETE FROM attachments WHERE sha256 IS NULL"
        " OR sha256 NOT IN (SELECT sha256 FROM testimony_attachments)"
    )
    return int(cur.rowcount)


class AttachmentStore:
    """Add, list, read and remove the files attached to testimonies."""

    def __init__(
        self,
        vault: Vault,
        max_size: int = DEFAULT_MAX_SIZE,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.vault = vault
        self.max_size = max_size
        self._clock = clock
        self.audit = AuditLog(vault, clock)

    def _now(self) -> str:
        return created_now(self._clock() if self._clock else None)

    def add(
        self,
        testimony_id: str,
        src: Readable,
        filename: str,
        progress: Progress | None = None,
    ) -> AttachmentInfo:
        """Stream ``src`` into the vault and link it to the testimony under ``filename``.

        ``progress(bytes_so_far)`` is called after every chunk; raising from it cancels.
        """
        name = clean_filename(filename)
        now = self._now()
        with self.vault.transaction(bulk=_size_of(src) > BULK_BYTES) as conn:
            if not conn.execute(
                "SELECT 1 FROM testimonies WHERE id = ?", (testimony_id,)
            ).fetchone():
                raise TestimonyNotFound(id=testimony_id)
            pending = int(
                conn.execute(
                    "INSERT INTO attachments (sha256, size, media_type, chunk_size, created)"
                    " VALUES (NULL, 0, '', ?, ?)",
                    (CHUNK_SIZE, now),
                ).lastrowid
            )
            digest, size, media_type = self._store_chunks(conn, pending, src, name, progress)
            existing = conn.execute(
                "SELECT size, media_type FROM attachments WHERE sha256 = ?", (digest,)
            ).fetchone()
            if existing is not None:  # already stored: keep one copy
                conn.execute("DELETE FROM attachments WHERE id = ?", (pending,))
                media_type = str(existing[1])
            else:
                conn.execute(
                    "UPDATE attachments SET sha256 = ?, size = ?, media_type = ? WHERE id = ?",
                    (digest, size, media_type, pending),
                )
            conn.execute(
                "INSERT INTO testimony_attachments (testimony_id, sha256, filename, added)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (testimony_id, sha256)"
                " DO UPDATE SET filename = excluded.filename",
                (testimony_id, digest, name, now),
            )
            self.audit.append(
                conn,
                "attach",
                testimony_id,
                {"sha256": digest, "size": size, "media_type": media_type},
            )
        return AttachmentInfo(digest, size, media_type, name, now)

    def _store_chunks(
        self, conn: Any, pending: int, src: Readable, name: str, progress: Progress | None
    ) -> tuple[str, int, str]:
        hasher = hashlib.sha256()
        size = seq = 0
        media_type = ""
        while True:
            try:
                chunk = _read_chunk(src, CHUNK_SIZE)
            except OSError:
                raise CannotReadFile(filename=name) from None
            if not chunk:
                break
            size += len(chunk)
            if size > self.max_size:
                raise AttachmentTooLarge(limit_mib=self.max_size >> 20)
            if seq == 0:
                media_type = detect_media_type(chunk[:SNIFF_BYTES])
            hasher.update(chunk)
            conn.execute(
                "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?)",
                (pending, seq, chunk),
            )
            del chunk
            seq += 1
            if progress is not None:
                progress(size)
        return hasher.hexdigest(), size, media_type or detect_media_type(b"")

    def list(self, testimony_id: str) -> Infos:
        """The testimony's attachments, in the order they were added."""
        conn = self.vault.conn
        if not conn.execute("SELECT 1 FROM testimonies WHERE id = ?", (testimony_id,)).fetchone():
            raise TestimonyNotFound(id=testimony_id)
        rows = conn.execute(
            "SELECT a.sha256, a.size, a.media_type, l.filename, l.added"
            " FROM testimony_attachments l JOIN attachments a ON a.sha256 = l.sha256"
            " WHERE l.testimony_id = ? ORDER BY l.added, l.rowid",
            (testimony_id,),
        ).fetchall()
        return [AttachmentInfo(str(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows]

    def open(self, sha256: str, *, checked: bool = True) -> AttachmentReader:
        """A read-only binary stream of a stored file (``read``, ``seek``, ``readinto``).
        ``checked=False``: the caller hashes what it reads and checks the hash itself (e.g. on
        another thread); the reader then does not."""
        sha256 = sha256.lower()
        row = (
            self.vault.conn.execute(
                "SELECT id, size, chunk_size FROM attachments WHERE sha256 = ?", (sha256,)
            ).fetchone()
            if _is_sha256(sha256)
            else None
        )
        if row is None:
            raise AttachmentNotFound()
        return AttachmentReader(
            self.vault, int(row[0]), int(row[1]), int(row[2]), sha256, checked=checked
        )

    def remove(self, testimony_id: str, sha256: str) -> None:
        """Unlink a file from a testimony; the file is deleted when nothing links to it."""
        with self.vault.transaction() as conn:
            cur = conn.execute(
                "DELETE FROM testimony_attachments WHERE testimony_id = ? AND sha256 = ?",
                (testimony_id, sha256.lower()),
            )
            if cur.rowcount == 0:
                raise AttachmentNotFound()
            drop_orphans(conn)
            self.audit.append(conn, "detach", testimony_id, {"sha256": sha256.lower()})


class AttachmentReader(io.RawIOBase):
    """Reads a stored file chunk by chunk; at most one chunk (1 MiB) is held in memory.

    Reading sequentially to the end recomputes SHA-256 and raises AttachmentDamaged (before
    the last chunk is handed out) if it differs from the file's address (unless ``checked`` is
    False: the caller checks it).
    """

    def __init__(
        self,
        vault: Vault,
        attachment_id: int,
        size: int,
        chunk: int,
        sha256: str,
        *,
        checked: bool = True,
    ):
        super().__init__()
        self._vault = vault
        self._id = attachment_id
        self.size = size
        self._chunk_size = chunk
        self.sha256 = sha256
        self._pos = 0
        self._seq = -1
        self._data = b""
        self._hasher = hashlib.sha256()
        self._hashed = 0 if checked else -1  # bytes hashed so far, in order; -1: never

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def _load(self, seq: int) -> None:
        row = self._vault.conn.execute(
            "SELECT data FROM attachment_chunks WHERE attachment_id = ? AND seq = ?",
            (self._id, seq),
        ).fetchone()
        expected = min(self._chunk_size, self.size - seq * self._chunk_size)
        if row is None or len(row[0]) != expected:
            raise AttachmentDamaged()
        self._seq, self._data = seq, bytes(row[0])
        if seq * self._chunk_size == self._hashed:
            self._hasher.update(self._data)
            self._hashed += len(self._data)
            if self._hashed == self.size and self._hasher.hexdigest() != self.sha256:
                raise AttachmentDamaged()

    def read(self, size: int = -1, /) -> bytes:
        """As ``io.RawIOBase.read``; a read of a whole chunk from its start hands out the
        chunk itself, without copying it."""
        offset = self._pos % self._chunk_size
        if size >= self._chunk_size and offset == 0 and self._pos < self.size and not self.closed:
            seq = self._pos // self._chunk_size
            if seq != self._seq:
                self._load(seq)
            self._pos += len(self._data)
            return self._data
        return super().read(size) or b""

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` across chunk boundaries; short only at the end of the file."""
        if self.closed:
            raise ValueError("I/O operation on closed file")
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._pos < self.size:
            seq, offset = divmod(self._pos, self._chunk_size)
            if seq != self._seq:
                self._load(seq)
            count = min(len(view) - done, len(self._data) - offset)
            view[done : done + count] = self._data[offset : offset + count]
            self._pos += count
            done += count
        return done

    def close(self) -> None:
        self._data = b""
        super().close()
