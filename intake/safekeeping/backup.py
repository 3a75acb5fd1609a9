"""Backups of a vault and their restore (docs/vault-format.md, "Backups").

A backup is a folder ``amanat-backup-YYYYMMDD-HHMMSS`` holding a copy of ``vault.json`` and a
copy of ``vault.db`` made with SQLite's online backup API under the same data key and page
layout: ciphertext only, never plaintext, and consistent even while the vault is open and
written (in this process or another one: the copy reads what is committed, and starts over
when a writer changes a page it has copied). It is written as ``NAME.part``, checked
(``quick_check`` authenticates every page), flushed and only then renamed, so a backup folder
without ``.part`` is always complete. A backup is itself a closed vault: ``restore_backup``
checks it (header, passphrase, integrity, schema, audit chain) before it copies it anywhere.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from intake.errors import StorageFull
from intake.i18n import tr
from intake.safekeeping.errors import (
    BackupDamaged,
    BackupFailed,
    BackupIntoVault,
    BackupTargetMissing,
    NotABackup,
)
from intake.vault import Vault, db, header
from intake.vault.errors import VaultExists, VaultReadOnly
from intake.vault.migrations import all_migrations

Progress = Callable[[int, int], None]  # (pages copied, pages in all)
# opens a database file under the vault's key: a new one with a layout, or (None) read-only
OpenCopy = Callable[[Path, "tuple[int, str] | None"], db.Connection]

BACKUP_PREFIX = "amanat-backup-"
PART_SUFFIX = ".part"
STEP_PAGES = 64  # pages per backup step: 1 MiB with 16 KiB pages, so progress moves often
COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class BackupResult:
    path: Path  # the finished backup folder
    size: int  # bytes of its vault.db


def backup_open_vault(
    vault: Vault, to: Path, progress: Progress | None = None, *, now: datetime | None = None
) -> BackupResult:
    """Back up ``vault`` (open in this process) into a new folder inside ``to``."""
    hdr = header.read_header(vault.path)
    return _write_backup(vault.conn, vault.open_copy, hdr, vault.path, to, progress, now)


def backup_vault_folder(
    folder: Path,
    passphrase: str,
    to: Path,
    progress: Progress | None = None,
    *,
    now: datetime | None = None,
) -> BackupResult:
    """Back up the vault in ``folder`` with ``passphrase``, whether or not another process has
    it open: the copy takes no vault lock and never writes the vault's database."""
    if not (folder / header.HEADER_NAME).is_file():
        from intake.vault.errors import VaultNotFound

        raise VaultNotFound(path=str(folder))
    hdr = header.read_header(folder)
    data_key = header.unwrap(hdr, passphrase)
    if os.access(folder, os.W_OK):
        conn = db.connect_snapshot(folder, data_key)
    else:  # a write-protected stick: nothing writes it; read vault.db as it is, create nothing
        if db.has_pending_log(folder):
            raise VaultReadOnly
        conn = db.open_existing(folder / db.DB_NAME, data_key, read_only=True)

    def open_copy(path: Path, layout: tuple[int, str] | None) -> db.Connection:
        if layout is None:
            return db.open_existing(path, data_key, read_only=True)
        return db.create_keyed(path, data_key, layout)

    try:
        return _write_backup(conn, open_copy, hdr, folder, to, progress, now)
    finally:
        conn.close()


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _backup_name(to: Path, now: datetime) -> str:
    base = BACKUP_PREFIX + now.strftime("%Y%m%d-%H%M%S")
    name, n = base, 1
    while (to / name).exists() or (to / (name + PART_SUFFIX)).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _write_backup(
    source: db.Connection,
    open_copy: OpenCopy,
    hdr: header.Header,
    vault_folder: Path,
    to: Path,
    progress: Progress | None,
    now: datetime | None,
) -> BackupResult:
    if not to.is_dir():
        raise BackupTargetMissing(path=str(to))
    if _inside(to, vault_folder):
        raise BackupIntoVault
    name = _backup_name(to, now or datetime.now(UTC))
    part, final = to / (name + PART_SUFFIX), to / name
    try:
        part.mkdir(mode=0o700)
    except OSError as exc:
        raise _failure(exc, to) from None
    try:
        size = _copy_database(source, open_copy, part, progress)
        _write_file(part / header.HEADER_NAME, hdr.to_json())
        header.fsync_dir(part)
        os.rename(part, final)
        header.fsync_dir(to)
    except BaseException as exc:
        shutil.rmtree(part, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _failure(exc, to) from None
        raise
    return BackupResult(final, size)


def _failure(exc: OSError, to: Path) -> Exception:
    if exc.errno == errno.ENOSPC:
        return StorageFull()
    return BackupFailed(path=str(to))


def _copy_database(
    source: db.Connection, open_copy: OpenCopy, part: Path, progress: Progress | None
) -> int:
    """Copy ``source`` page by page into ``part/vault.db`` under the same key and layout,
    then check the copy and flush it to the medium."""
    target_path = part / db.DB_NAME
    target = open_copy(target_path, db.layout_of(source))
    try:

        def step(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        try:
            source.backup(target, pages=STEP_PAGES, progress=step)
        except db.DatabaseError as exc:
            error = db.translate_error(exc)
            if isinstance(error, StorageFull):
                raise error from None
            raise OSError(errno.EIO, "backup") from None
    finally:
        target.close()
    check = open_copy(target_path, None)
    try:
        if check.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            raise OSError(errno.EIO, "backup check")
    finally:
        check.close()
    fd = os.open(target_path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return target_path.stat().st_size


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


# ---- restore ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    path: Path  # the restored vault folder
    testimonies: int
    audit_entries: int


def check_backup(source: Path, passphrase: str) -> tuple[header.Header, int, int]:
    """Open the backup in ``source`` read-only (nothing in it is written) and check it: the
    header, the passphrase, every page, the schema and the audit chain. Returns the header
    and the number of testimonies and audit entries; raises before anything is copied."""
    if not (source / header.HEADER_NAME).is_file() or not (source / db.DB_NAME).is_file():
        raise NotABackup(path=str(source))
    hdr = header.read_header(source)
    data_key = header.unwrap(hdr, passphrase)
    if db.has_pending_log(source):  # an open or crashed vault, not a finished backup
        raise BackupDamaged(reason=tr("it has an unmerged write-ahead log"))
    conn = db.open_existing(source / db.DB_NAME, data_key, read_only=True)
    vault = Vault(source, conn, None, hdr, data_key)  # read-only: no lock, nothing written
    try:
        if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            raise BackupDamaged(reason=tr("the integrity check failed"))
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > len(all_migrations()):
            from intake.errors import UnsupportedFormat

            raise UnsupportedFormat
        if version < len(all_migrations()):  # older schema: migrated when first opened
            return hdr, 0, 0
        from intake.vault.audit import AuditLog

        report = AuditLog(vault).verify()
        if not report.ok:
            raise BackupDamaged(reason=tr("the audit trail is broken"))
        count = int(conn.execute("SELECT count(*) FROM testimonies").fetchone()[0])
        return hdr, count, report.checked
    except db.DatabaseError:
        raise BackupDamaged(reason=tr("a page cannot be read")) from None
    finally:
        vault.close()


def restore_backup(source: Path, target: Path, passphrase: str) -> RestoreResult:
    """Check the backup in ``source``, then copy it to ``target`` (which must not exist or be
    an empty folder: an existing vault is never replaced). Written as ``target.part`` and
    renamed when complete; the restored vault opens with the backup's passphrase."""
    hdr, count, entries = check_backup(source, passphrase)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise VaultExists(path=str(target))
    if _inside(target, source):
        raise BackupIntoVault
    part = target.parent / (target.name + PART_SUFFIX)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        part.mkdir(mode=0o700)
    except FileExistsError:
        raise VaultExists(path=str(part)) from None
    except OSError as exc:
        raise _failure(exc, target.parent) from None
    try:
        _copy_file(source / db.DB_NAME, part / db.DB_NAME)
        _write_file(part / header.HEADER_NAME, hdr.to_json())
        header.fsync_dir(part)
        if target.exists():
            target.rmdir()  # empty (checked above)
        os.rename(part, target)
        header.fsync_dir(target.parent)
    except BaseException as exc:
        shutil.rmtree(part, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _failure(exc, target.parent) from None
        raise
    return RestoreResult(target, count, entries)


def _copy_file(source: Path, target: Path) -> None:
    """Copy ciphertext ``source`` to a new ``target`` and flush it."""
    with open(source, "rb") as src, open(target, "xb") as dst:
        while chunk := src.read(COPY_CHUNK):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())


__all__ = [
    "BackupResult",
    "RestoreResult",
    "backup_open_vault",
    "backup_vault_folder",
    "check_backup",
    "restore_backup",
]
