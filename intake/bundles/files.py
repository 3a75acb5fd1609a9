"""Bundle files on disk: names that reveal nothing, and writes that are atomic.

A bundle is written as ``FILE.part`` (created exclusively: an existing file is never
overwritten), flushed to stable storage, and only then renamed to ``FILE``; the folder is
flushed too, so a pulled USB stick or a crash leaves either the whole bundle or no ``FILE``.
A folder given as output gets a random 128-bit name: nothing about the sender, the recipients,
the contents or the time. While a large file grows, what was written is handed to the disk in
the background (``PartFile``), so the final flush waits for the last few megabytes instead of
the whole file.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from crypto.primitives import Random
from intake.bundles.errors import OutputExists, OutputFailed

BUNDLE_SUFFIX = ".age"  # it is an age file; the name says nothing else
PART_SUFFIX = ".part"
WRITE_BUFFER = 1 << 20
WRITEBACK = 32 << 20  # bytes written between two background flushes to the disk


def output_path(output: Path, random: Random) -> Path:
    """``output`` itself, or a random name in it when it is a folder."""
    if output.is_dir():
        return output / (random(16).hex() + BUNDLE_SUFFIX)
    return output


def part_path(path: Path) -> Path:
    return path.with_name(path.name + PART_SUFFIX)


def _sync_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):  # the final fsync in ``flush`` reports any failure
        if hasattr(os, "fdatasync"):
            os.fdatasync(fd)
        else:  # Windows and macOS
            os.fsync(fd)


class PartFile:
    """A ``.part`` file open for writing. Every WRITEBACK bytes a helper thread flushes what
    the file holds so far to the disk, while writing goes on: otherwise the system would keep
    gigabytes in memory and write them all during the final fsync (the disk sits idle while
    the bundle is made, then everything waits for it)."""

    def __init__(self, fd: int) -> None:
        self._f = os.fdopen(fd, "wb", buffering=WRITE_BUFFER)
        self._unsynced = 0
        self._sync: threading.Thread | None = None

    def write(self, data: bytes) -> int:
        written = self._f.write(data)
        self._unsynced += len(data)
        if self._unsynced >= WRITEBACK and (self._sync is None or not self._sync.is_alive()):
            self._unsynced = 0
            self._sync = threading.Thread(
                target=_sync_quietly, args=(self._f.fileno(),), name="amanat-writeback"
            )
            self._sync.start()
        return written

    def _wait(self) -> None:
        if self._sync is not None:
            self._sync.join()
            self._sync = None

    def close(self) -> None:
        self._wait()  # never close the descriptor under a running fdatasync
        self._f.close()

    def sync(self) -> None:
        """Flush and fsync everything written."""
        self._wait()
        self._f.flush()
        os.fsync(self._f.fileno())


def open_part(path: Path, *, private: bool = False) -> PartFile:
    """Create ``path.part`` exclusively for writing; refuses when ``path`` already exists.

    ``private`` is for plaintext (shared data, PDFs): the file is readable by the owner only
    and never opened through a planted link. Bundles are age-encrypted and may be readable.
    """
    if path.exists():
        raise OutputExists(path=str(path))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    if private:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(part_path(path), flags, 0o600 if private else 0o644)
    except FileExistsError:
        raise OutputExists(path=str(part_path(path))) from None
    except OSError:
        raise OutputFailed(path=str(path)) from None
    return PartFile(fd)


def flush(f: PartFile, path: Path) -> None:
    """Flush and fsync the part file, then close it."""
    try:
        f.sync()
        f.close()
    except OSError:
        raise OutputFailed(path=str(path)) from None


def discard(f: PartFile, path: Path) -> None:
    """Close and delete an unfinished part file."""
    with contextlib.suppress(OSError):
        f.close()
    with contextlib.suppress(OSError):
        part_path(path).unlink()


def publish(path: Path) -> None:
    """Rename the finished ``path.part`` to ``path`` and flush the folder."""
    try:
        os.replace(part_path(path), path)
    except OSError:
        raise OutputFailed(path=str(path)) from None
    with contextlib.suppress(OSError):  # not possible on Windows; the rename is still atomic
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def unpublish(path: Path) -> None:
    """Remove a bundle published by an export that then failed to commit."""
    with contextlib.suppress(OSError):
        path.unlink()
