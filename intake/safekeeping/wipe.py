"""The panic wipe: a crypto-erase of a vault (docs/vault-format.md, "Wipe").

``vault.json`` is the only place the wrapped data key lives, so destroying it makes the
database ciphertext under a random 256-bit key that nobody holds: no passphrase can open
what is left. The header (and a leftover ``vault.json.tmp`` from an interrupted passphrase
change) is overwritten in place with random bytes, flushed to the medium, then deleted; then
the database and its log, shared-memory and journal files and the lock file are deleted and
the folder removed when empty. It is fast (a header is about 500 bytes; the database is not
rewritten) and takes no vault lock, so it also works while another process has the vault open.
What it cannot reach (copies left by an SSD's wear levelling or by earlier headers, backups,
printed key shares) is said in SECURITY.md.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from intake.vault import db, header
from intake.vault.errors import VaultNotFound
from intake.vault.lock import LOCK_NAME

HEADER_FILES = (header.HEADER_NAME, header.HEADER_NAME + ".tmp")
DATABASE_FILES = (
    db.DB_NAME,
    db.DB_NAME + "-wal",
    db.DB_NAME + "-shm",
    db.DB_NAME + "-journal",
    LOCK_NAME,
)
# folders the vault itself writes beside its database: downloads from the drop (ciphertext,
# intake/transport/fetch.py). Only files Amanat names are removed, never anything else.
VAULT_FOLDERS = ("incoming",)
VAULT_FOLDER_SUFFIXES = (".amanat", ".part")


@dataclass(frozen=True)
class WipeReport:
    erased: bool  # the header was overwritten and deleted: the vault is unreadable
    left: tuple[str, ...]  # names of files that could not be deleted (e.g. held on Windows)


def _overwrite(path: Path) -> None:
    """Overwrite ``path`` in place with random bytes of its size and flush it to the medium."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    try:
        size = os.fstat(fd).st_size
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, os.urandom(max(size, 1)))
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_downloads(sub: Path) -> list[str]:
    """Delete the bundles (and partial downloads) Amanat kept in ``sub``, then ``sub`` when
    empty; returns what could not be deleted. Ciphertext, but it shows a vault received
    bundles."""
    if not sub.is_dir() or sub.is_symlink():
        return []
    left: list[str] = []
    for path in sub.iterdir():
        if path.is_file() and not path.is_symlink() and path.name.endswith(VAULT_FOLDER_SUFFIXES):
            try:
                path.unlink()
            except OSError:
                left.append(f"{sub.name}/{path.name}")
    with contextlib.suppress(OSError):
        sub.rmdir()
    return left


def wipe_vault(folder: Path) -> WipeReport:
    """Crypto-erase the vault in ``folder``. Raises VaultNotFound when it holds no vault file."""
    names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    if not names & {*HEADER_FILES, db.DB_NAME}:
        raise VaultNotFound(path=str(folder))
    erased = False
    for name in HEADER_FILES:
        path = folder / name
        if path.is_file() and not path.is_symlink():
            _overwrite(path)
            path.unlink()
            erased = erased or name == header.HEADER_NAME
    header.fsync_dir(folder)
    left: list[str] = []
    for name in DATABASE_FILES:
        path = folder / name
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            left.append(name)
    for sub in VAULT_FOLDERS:
        left += _remove_downloads(folder / sub)
    header.fsync_dir(folder)
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when empty: nothing of the user's is removed
    return WipeReport(erased, tuple(left))
