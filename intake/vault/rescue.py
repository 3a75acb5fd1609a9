"""Rescue: copy every row that can still be read from a damaged vault into a new vault.

``rescue_vault(source, target, passphrase)`` unwraps the damaged vault's data key, opens its
``vault.db`` without writing anything (``mode=ro&immutable=1``; a leftover write-ahead log is
merged into a copy inside the new folder, never into the original), makes a new vault with the
same identity, passphrase and KDF cost but a new data key, and copies table by table with
``intake/vault/salvage.py``, which skips only the rows on pages that no longer authenticate.
Attachments are copied whole or not at all; the search index is rebuilt; every copied final
version is verified again; the audit trail keeps its hashes and gets one ``rescue`` entry.
The ``RescueReport`` names what could not be read. See docs/vault-format.md, "Rescue".
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from intake.vault import Vault, db, header, is_vault
from intake.vault.errors import VaultDamaged, VaultExists, VaultInUse, VaultNotFound
from intake.vault.lock import LOCK_NAME
from intake.vault.rescue_copy import Progress, RescueCopier
from intake.vault.rescue_report import LostAttachment, RescueReport, report_lines
from intake.vault.salvage import SalvageReader

SCRATCH = ".rescue-source"  # inside the new folder: a copy of a damaged vault with a log
__all__ = ["LostAttachment", "RescueReport", "report_lines", "rescue_vault"]


@contextlib.contextmanager
def _not_in_use(folder: Path) -> Iterator[None]:
    """Refuse (VaultInUse) while another process holds the damaged vault's lock; never
    creates or writes the lock file (it may be on a read-only medium)."""
    fd = None
    with contextlib.suppress(OSError):
        fd = os.open(folder / LOCK_NAME, os.O_RDONLY)
    try:
        if fd is not None and sys.platform != "win32":
            import fcntl

            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise VaultInUse from None
        yield
    finally:
        if fd is not None:
            os.close(fd)


def _open_source(source: Path, target: Path, data_key: bytes) -> SalvageReader:
    """A reader of the damaged database, opened so that nothing in ``source`` is written."""
    if db.has_pending_log(source):
        scratch = target / SCRATCH
        scratch.mkdir(mode=0o700)
        for name in (db.DB_NAME, db.DB_NAME + "-wal"):  # ciphertext only
            shutil.copyfile(source / name, scratch / name)

        def connect() -> db.Connection:
            conn = db.open_existing(scratch / db.DB_NAME, data_key, read_only=False, salvage=True)
            conn.execute("PRAGMA temp_store = MEMORY")
            return conn

    else:

        def connect() -> db.Connection:
            conn = db.connect_read_only(source, data_key, check=False)
            conn.row_factory = None
            return conn

    return SalvageReader(connect(), connect)


def _check_target(target: Path) -> bool:
    """True when ``target`` had to be made (it must not exist, or be an empty folder)."""
    if target.exists():
        if not target.is_dir() or any(target.iterdir()):
            raise VaultExists(path=str(target))
        return False
    target.mkdir(parents=True, mode=0o700)
    return True


def _remove_started(target: Path, made: bool) -> None:
    """Undo a rescue that failed part-way: the header first (a crypto-erase), then the rest."""
    for name in (header.HEADER_NAME, db.DB_NAME, db.DB_NAME + "-wal", db.DB_NAME + "-shm"):
        with contextlib.suppress(OSError):
            (target / name).unlink()
    for name in (db.DB_NAME + "-journal", LOCK_NAME, header.HEADER_NAME + ".tmp"):
        with contextlib.suppress(OSError):
            (target / name).unlink()
    shutil.rmtree(target / SCRATCH, ignore_errors=True)
    if made:
        with contextlib.suppress(OSError):
            target.rmdir()


def rescue_vault(
    source: Path | str, target: Path | str, passphrase: str, progress: Progress | None = None
) -> RescueReport:
    """Copy what can be read of the vault in ``source`` into a new vault in ``target``."""
    source, target = Path(source), Path(target)
    if not is_vault(source):
        raise VaultNotFound(path=str(source))
    hdr = header.read_header(source)
    if not (source / db.DB_NAME).is_file():
        raise VaultDamaged(part="database")
    data_key = header.unwrap(hdr, passphrase)
    with _not_in_use(source):
        made = _check_target(target)
        new: Vault | None = None
        try:
            reader = _open_source(source, target, data_key)
            try:
                copier = RescueCopier(reader, RescueReport(str(source), str(target)))
                new = copier.start(target, passphrase, hdr.kdf)
                copier.run(hdr.vault_id, progress)
            finally:
                reader.close()
            new.close()
            shutil.rmtree(target / SCRATCH, ignore_errors=True)
        except BaseException:
            if new is not None:
                new.close()
            _remove_started(target, made)
            raise
    return copier.report
