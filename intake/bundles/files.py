"""Bundle files on disk: names that reveal nothing, and writes that are atomic.

A bundle is written as ``FILE.part`` (created exclusively: an existing file is never
overwritten), flushed to stable storage, and only then renamed to ``FILE``; the folder is
flushed too, so a pulled USB stick or a crash leaves either the whole bundle or no ``FILE``.
A folder given as output gets a random 128-bit name: nothing about the sender, the recipients,
the contents or the time.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import BinaryIO

from crypto.primitives import Random
from intake.bundles.errors import OutputExists, OutputFailed

BUNDLE_SUFFIX = ".age"  # it is an age file; the name says nothing else
PART_SUFFIX = ".part"
WRITE_BUFFER = 1 << 20


def output_path(output: Path, random: Random) -> Path:
    """``output`` itself, or a random name in it when it is a folder."""
    if output.is_dir():
        return output / (random(16).hex() + BUNDLE_SUFFIX)
    return output


def part_path(path: Path) -> Path:
    return path.with_name(path.name + PART_SUFFIX)


def open_part(path: Path, *, private: bool = False) -> BinaryIO:
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
    return os.fdopen(fd, "wb", buffering=WRITE_BUFFER)


def flush(f: BinaryIO, path: Path) -> None:
    """Flush and fsync the part file, then close it."""
    try:
        f.flush()
        os.fsync(f.fileno())
        f.close()
    except OSError:
        raise OutputFailed(path=str(path)) from None


def discard(f: BinaryIO, path: Path) -> None:
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
