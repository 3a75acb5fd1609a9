"""Bundle files on disk: names that reveal nothing, and writes that are atomic.

One rule for every file Amanat writes (bundles, PDFs, shared data): it is written as
``FILE.part`` (created exclusively), flushed to stable storage, and only then renamed to
``FILE``; the folder is flushed too, so a pulled USB stick or a crash leaves either the whole
file or no ``FILE``. An existing ``FILE`` is never replaced unless the user asked for it
(``--overwrite``, or "Replace" in the desktop app's save dialog). While a ``.part`` file is
written, its writer holds an exclusive lock on it (``flock``); a ``.part`` file that nobody
holds was left by a killed or crashed run, and the next write to the same ``FILE`` removes it
(where locks are not available, on Windows, it stays and is reported as existing).
A folder given as output gets a random 128-bit name: nothing about the sender, the recipients,
the contents or the time. A write that fails (a full disk, a pulled USB stick) is the typed
``OutputFailed``, never a bare system error.

How a large file reaches the disk (``PartFile``): where the system allows it (Linux, most
file systems), with direct I/O: the bytes are gathered in a few 4 MiB memory buffers and a
helper thread writes each full buffer straight to the disk, bypassing the system's cache,
while the next one fills. On the development machine that writes 1–2 GB/s, where writing
through the cache and then flushing it managed 300–500 MB/s (docs/performance.md). Elsewhere
the file is written through the cache and a helper thread flushes what it holds every 32 MiB,
so the final flush waits for the last few megabytes instead of the whole file.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import mmap
import os
import queue
import stat
import sys
import threading
from pathlib import Path
from typing import Any

from crypto.primitives import Random

if sys.platform != "win32":  # Windows: no flock; an abandoned .part file stays (see above)
    import fcntl
from intake.bundles.errors import OutputExists, OutputFailed

BUNDLE_SUFFIX = ".age"  # it is an age file; the name says nothing else
PART_SUFFIX = ".part"
WRITE_BUFFER = 1 << 20
WRITEBACK = 32 << 20  # bytes written between two background flushes to the disk
DIRECT_IO = sys.platform.startswith("linux") and hasattr(os, "O_DIRECT")
DIRECT_BLOCK = 4 << 20  # bytes per direct write: a multiple of any disk's block size
DIRECT_BUFFERS = 3  # one filling while up to two are written

_holders: dict[str, int] = {}  # .part path -> descriptor holding its lock, until published


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


def _set_direct(fd: int, on: bool) -> bool:
    """Turn direct I/O on or off for ``fd``; False when that is not possible here."""
    if not DIRECT_IO:
        return False
    import fcntl  # only on Linux (DIRECT_IO)

    try:
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags | os.O_DIRECT if on else flags & ~os.O_DIRECT)
    except OSError:  # e.g. a file system without direct I/O
        return False
    return True


def _write_all(fd: int, view: memoryview) -> None:
    """Write all of ``view``. A file system that accepted direct I/O but refuses a direct
    write (EINVAL) gets the rest through the system's cache."""
    while view:
        try:
            n = os.write(fd, view)
        except OSError as exc:
            if exc.errno == errno.EINVAL and _set_direct(fd, False):
                continue
            raise
        view = view[n:]


class _Direct:
    """Direct writes of full ``DIRECT_BLOCK`` buffers in a helper thread, which also hashes
    them into ``digest`` (in order: one thread takes them in turn); the last, partial buffer is
    written through the cache when the file is synced (direct writes must be whole blocks). A
    failed write is kept and raised to the writing thread."""

    def __init__(self, fd: int, digest: Any) -> None:
        self._fd = fd
        self._digest = digest
        self._free: queue.Queue[mmap.mmap] = queue.Queue()
        self._buffers = [mmap.mmap(-1, DIRECT_BLOCK) for _ in range(DIRECT_BUFFERS)]
        for buffer in self._buffers[1:]:
            self._free.put(buffer)
        self._full: queue.Queue[mmap.mmap | None] = queue.Queue()
        self._buf, self._used = self._buffers[0], 0
        self.error: OSError | None = None
        self._thread: threading.Thread | None = threading.Thread(
            target=self._run, name="amanat-writer", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        while (buffer := self._full.get()) is not None:
            if self.error is None:  # after a failure, buffers are only handed back
                self._digest.update(buffer)
                try:
                    with memoryview(buffer) as view:
                        _write_all(self._fd, view)
                except OSError as exc:  # kept without its frames, which hold the buffer
                    self.error = exc.with_traceback(None)
                except Exception:  # never expected; the writing thread must not wait forever
                    self.error = OSError(errno.EIO, "the write failed")
            self._free.put(buffer)

    def write(self, data: bytes | memoryview) -> None:
        view = memoryview(data).cast("B")
        while view:
            take = min(len(view), DIRECT_BLOCK - self._used)
            self._buf[self._used : self._used + take] = view[:take]
            self._used += take
            view = view[take:]
            if self._used == DIRECT_BLOCK:
                self._full.put(self._buf)
                self._buf, self._used = self._free.get(), 0  # waits while all are written
                if self.error is not None:
                    raise self.error

    def _stop(self) -> None:
        if self._thread is not None:
            self._full.put(None)
            self._thread.join()
            self._thread = None

    def finish(self) -> None:
        """Write what is queued, then the partial last buffer through the cache."""
        self._stop()
        if self.error is not None:
            raise self.error
        _set_direct(self._fd, False)
        tail = self._buf[: self._used]  # a copy: an error's frames never hold the buffer
        self._used = 0
        self._digest.update(tail)
        _write_all(self._fd, memoryview(tail))

    def close(self) -> None:
        self._stop()
        for buffer in self._buffers:
            with contextlib.suppress(BufferError):  # a view still held: freed with it
                buffer.close()


class PartFile:
    """A ``.part`` file open for writing (see the module's docstring for how it reaches the
    disk). ``write`` and ``sync`` raise OutputFailed when the system refuses a write. After
    ``sync``, ``size`` and ``sha256()`` describe the whole file (with direct I/O, the helper
    thread hashes it, off the writing thread)."""

    def __init__(self, fd: int, path: Path) -> None:
        self._fd = fd
        self._path = path
        self._digest = hashlib.sha256()
        self.size = 0
        self._direct = _Direct(fd, self._digest) if _set_direct(fd, True) else None
        self._f = None if self._direct else os.fdopen(fd, "wb", buffering=WRITE_BUFFER)
        self._unsynced = 0
        self._sync: threading.Thread | None = None
        self._closed = False

    def _failed(self) -> OutputFailed:
        return OutputFailed(path=str(self._path))

    def write(self, data: bytes) -> int:
        try:
            if self._direct is not None:
                self._direct.write(data)
                self.size += len(data)
                return len(data)
            assert self._f is not None
            written = self._f.write(data)
        except OSError:
            raise self._failed() from None
        self._digest.update(data)
        self.size += len(data)
        self._unsynced += len(data)
        if self._unsynced >= WRITEBACK and (self._sync is None or not self._sync.is_alive()):
            self._unsynced = 0
            self._sync = threading.Thread(
                target=_sync_quietly, args=(self._fd,), name="amanat-writeback"
            )
            self._sync.start()
        return written

    def sha256(self) -> str:
        """SHA-256 (hex) of everything written; call after ``sync``."""
        return self._digest.hexdigest()

    def _wait(self) -> None:
        if self._sync is not None:
            self._sync.join()
            self._sync = None

    def close(self) -> None:
        """Close the file (never under a running write or flush of a helper thread)."""
        if self._closed:
            return
        self._closed = True
        self._wait()
        if self._direct is not None:
            self._direct.close()
            os.close(self._fd)
        else:
            assert self._f is not None
            self._f.close()

    def sync(self) -> None:
        """Write out and fsync everything written; OutputFailed when that fails."""
        try:
            self._wait()
            if self._direct is not None:
                self._direct.finish()
            else:
                assert self._f is not None
                self._f.flush()
            os.fsync(self._fd)
        except OSError:
            raise self._failed() from None


def open_part(path: Path, *, private: bool = False, overwrite: bool = False) -> PartFile:
    """Create ``path.part`` exclusively for writing, and lock it; refuses when ``path`` already
    exists, unless ``overwrite`` (the user asked to replace it: ``publish`` then replaces it
    atomically). A ``path.part`` left by a dead writer is removed first.

    ``private`` is for plaintext (shared data, PDFs): the file is readable by the owner only
    and never opened through a planted link. Bundles are age-encrypted and may be readable.
    """
    if not overwrite and path.exists():
        raise OutputExists(path=str(path))
    part = part_path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    if private:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    for attempt in (1, 2):
        try:
            fd = os.open(part, flags, 0o600 if private else 0o644)
            break
        except FileExistsError:
            if attempt == 2 or not _remove_abandoned(part):
                raise OutputExists(path=str(part)) from None
        except OSError:
            raise OutputFailed(path=str(path)) from None
    _hold(part, fd)
    return PartFile(fd, path)


def _lock(fd: int) -> bool:
    """Take the exclusive lock on ``fd``'s file without waiting; False when another holds it."""
    if sys.platform == "win32":
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _hold(part: Path, fd: int) -> None:
    """Lock the new ``part`` for as long as this writer needs it (until ``publish`` or
    ``discard``): through a second descriptor, so closing the data descriptor keeps it."""
    if sys.platform == "win32":
        return
    holder = os.dup(fd)
    if not _lock(holder):  # a dead writer's cleanup could race us; the rename will tell
        os.close(holder)
        return
    _holders[str(part)] = holder


def _release(part: Path) -> None:
    holder = _holders.pop(str(part), None)
    if holder is not None:
        os.close(holder)


def _remove_abandoned(part: Path) -> bool:
    """Remove ``part`` if no live writer holds it (it was left by a killed run); True when it
    is gone. Never follows a link and never removes anything but a regular file."""
    if sys.platform == "win32":
        return False
    try:
        fd = os.open(part, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode) or not _lock(fd):
            return False
        if os.stat(part, follow_symlinks=False).st_ino != os.fstat(fd).st_ino:
            return False  # replaced meanwhile: not ours to judge
        part.unlink()
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


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
    _release(part_path(path))


def write_file(path: Path, data: bytes, *, private: bool = False, overwrite: bool = False) -> None:
    """Write a small file whole, the way every Amanat file is written: ``path``.part (owner-only
    when ``private``: plaintext such as a PDF), flushed, renamed; removed if anything fails; an
    existing ``path`` only replaced with ``overwrite``."""
    part = open_part(path, private=private, overwrite=overwrite)
    try:
        part.write(data)
        flush(part, path)
        publish(path)
    except BaseException:
        discard(part, path)
        raise


def publish(path: Path) -> None:
    """Rename the finished ``path.part`` to ``path`` and flush the folder."""
    try:
        os.replace(part_path(path), path)
    except OSError:
        raise OutputFailed(path=str(path)) from None
    finally:
        _release(part_path(path))
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
