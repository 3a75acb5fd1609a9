"""The ``Vault`` service: create, open, lock (close) and change the passphrase of a vault.

A vault is a folder with ``vault.json`` (header) and ``vault.db`` (SQLCipher). Opening takes the
passphrase, unwraps the data key, takes the one-process lock and opens the database. Other
services (testimonies, cards, bundles) receive an open ``Vault`` and use ``conn`` and
``transaction()``; they never see the data key. Each thread gets its own connection, opened on
its first use with the data key the vault keeps while it is open; write-ahead logging lets it
read only committed rows while another thread writes (docs/vault-format.md, "Threads"). A vault
whose folder cannot be written (a write-protected USB stick) opens read-only: ``read_only`` is
True and every change raises ``VaultReadOnly`` (docs/vault-format.md, "Read-only media").
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crypto.kdf import Argon2Params
from crypto.keys import generate_hybrid_seed, generate_signing_key, generate_x25519_key
from intake import content_caches
from intake.errors import InvalidInput, StorageFull
from intake.i18n import tr
from intake.vault import db, header
from intake.vault.errors import (
    VaultBusy,
    VaultDamaged,
    VaultExists,
    VaultLocked,
    VaultNotCreated,
    VaultNotFound,
    VaultReadOnly,
)
from intake.vault.lock import VaultLock

ROLES = ("volunteer", "coordinator")
MAX_NAME_LEN = 64  # the card format's limit: names must fit a QR code
BUSY_WAIT = 2.0  # seconds a transaction waits for another thread's to end
BULK_BYTES = 64 << 20  # transactions expected to write more than this run as ``bulk``
# creating or opening vault.lock for writing fails with these on a read-only medium or folder
READ_ONLY_ERRORS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


@dataclass(frozen=True, repr=False)
class Identity:
    """The vault owner's identity. ``repr`` hides the private keys."""

    role: str
    name: str
    signing_seed: bytes
    x25519_private: bytes
    created: str
    hybrid_seed: bytes  # the post-quantum age key (crypto/hybrid.py), random, 32 bytes

    def __repr__(self) -> str:
        return f"Identity(role={self.role!r}, name=<{len(self.name)} chars>)"


def is_vault(folder: Path) -> bool:
    return (folder / header.HEADER_NAME).is_file()


def take_lock(folder: Path) -> VaultLock | None:
    """The held one-process lock of ``folder``, or None when the folder cannot be written
    (read-only medium or permissions): the vault then opens read-only."""
    lock = VaultLock(folder)
    try:
        lock.acquire()
    except OSError as exc:
        if exc.errno in READ_ONLY_ERRORS:
            return None
        raise
    return lock


class Vault:
    """An open vault. Use ``Vault.create`` or ``Vault.open``; ``close()`` locks it again."""

    def __init__(
        self,
        folder: Path,
        conn: db.Connection,
        lock: VaultLock | None,
        hdr: header.Header,
        data_key: bytes,
    ):
        self.path = folder
        self._lock = lock
        self.read_only = lock is None  # opened from a medium or folder that cannot be written
        self._header = hdr
        # Kept while the vault is open, to open one connection per thread; zeroed by close().
        self._data_key: bytearray | None = bytearray(data_key)
        # thread ident -> that thread's connection. An ident is reused only once its thread
        # has ended, so a connection is never used by two threads at the same time.
        self._conns: dict[int, db.Connection] = {threading.get_ident(): conn}
        self._conns_guard = threading.Lock()  # guards _conns and _data_key
        self._writer = threading.RLock()  # held by the thread whose transaction is open
        self._writer_thread: int | None = None

    # ---- lifecycle -------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        folder: Path | str,
        passphrase: str,
        role: str,
        name: str,
        kdf_params: Argon2Params | None = None,
    ) -> Vault:
        """Make a new vault in ``folder`` (created if missing, must hold no vault)."""
        folder = Path(folder)
        if role not in ROLES:
            raise InvalidInput(reason=tr("the role must be volunteer or coordinator"))
        name = unicodedata.normalize("NFC", name.strip())
        if not name or len(name) > MAX_NAME_LEN or not name.isprintable():
            raise InvalidInput(reason=tr("the name must be 1 to 64 visible characters"))
        if is_vault(folder) or (folder / db.DB_NAME).exists():
            raise VaultExists(path=str(folder))
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            lock = VaultLock(folder)
            lock.acquire()
        except OSError as exc:  # a write-protected stick, a folder that is not ours, a full disk
            if exc.errno == errno.ENOSPC:
                raise StorageFull from None
            raise VaultNotCreated(path=str(folder)) from None
        try:
            data_key = os.urandom(header.DATA_KEY_LEN)
            hdr = header.new_header(passphrase, data_key, kdf_params)
            conn = db.connect(folder, data_key)
        except BaseException:
            lock.release()
            raise
        try:
            created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            conn.execute(
                "INSERT INTO identity (id, role, name, signing_seed, x25519_private, created,"
                " hybrid_seed) VALUES (1, ?, ?, ?, ?, ?, ?)",
                (
                    role,
                    name,
                    generate_signing_key(),
                    generate_x25519_key(),
                    created,
                    generate_hybrid_seed(),
                ),
            )
            # The header is written last: a crash before this leaves no openable half-vault.
            header.write_header(folder, hdr)
        except BaseException:
            conn.close()
            lock.release()
            raise
        return cls(folder, conn, lock, hdr, data_key)

    @classmethod
    def open(cls, folder: Path | str, passphrase: str) -> Vault:
        """Unlock the vault in ``folder`` with ``passphrase``."""
        folder = Path(folder)
        if not is_vault(folder):
            raise VaultNotFound(path=str(folder))
        hdr = header.read_header(folder)
        if not (folder / db.DB_NAME).is_file():
            raise VaultDamaged(part="database")
        data_key = header.unwrap(hdr, passphrase)
        lock = take_lock(folder)
        try:
            if lock is None:
                if db.has_pending_log(folder):  # unmerged changes; merging needs writing
                    raise VaultReadOnly
                conn = db.connect_read_only(folder, data_key)
            else:
                conn = db.connect(folder, data_key)
            try:
                rows = conn.execute("SELECT count(*) FROM identity").fetchone()[0]
            except db.DatabaseError as exc:
                conn.close()
                raise db.translate_error(exc) from None
            if rows != 1:
                conn.close()
                raise VaultDamaged(part="database")
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return cls(folder, conn, lock, hdr, data_key)

    def close(self) -> None:
        """Lock the vault: close every thread's connection, forget the data key and release
        the process lock. Call it when no other thread uses the vault any more."""
        with self._conns_guard:
            conns = list(self._conns.values())
            self._conns.clear()
            if self._data_key is not None:
                self._data_key[:] = bytes(len(self._data_key))
                self._data_key = None
        if conns:
            for other in conns[1:]:  # the checkpoint needs the last connection alone
                other.close()
            if not self.read_only:
                with contextlib.suppress(db.DatabaseError):
                    conns[0].execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conns[0].close()
            content_caches.forget_all()
        if self._lock is not None:
            self._lock.release()

    lock = close

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        return self._data_key is not None

    # ---- database access ---------------------------------------------------------------

    @property
    def conn(self) -> db.Connection:
        """The calling thread's connection, opened on its first use."""
        me = threading.get_ident()
        conn = self._conns.get(me)
        if conn is not None:
            return conn
        with self._conns_guard:
            if self._data_key is None:
                raise VaultLocked
            conn = db.connect_more(self.path, bytes(self._data_key), read_only=self.read_only)
            self._conns[me] = conn
        return conn

    def open_copy(self, path: Path, layout: tuple[int, str] | None = None) -> db.Connection:
        """A connection under this vault's data key to another database file: a new one with
        ``layout``, or (None) an existing one, read-only. For backups (intake/safekeeping/):
        the key itself never leaves the vault."""
        with self._conns_guard:
            if self._data_key is None:
                raise VaultLocked
            key = bytes(self._data_key)
        if layout is None:
            return db.open_existing(path, key, read_only=True)
        return db.create_keyed(path, key, layout)

    @property
    def bulk_possible(self) -> bool:
        """Whether a ``bulk`` transaction would really write its pages once: only while no
        other thread of this process has a connection open (SQLite cannot leave write-ahead
        logging then); otherwise it runs as an ordinary transaction."""
        with self._conns_guard:
            return set(self._conns) <= {threading.get_ident()}

    @property
    def writing_elsewhere(self) -> bool:
        """True while another thread's transaction is open: a change made now would wait for
        it (the GUI keeps a draft's changes and saves them on its next tick instead)."""
        writer = self._writer_thread
        return writer is not None and writer != threading.get_ident()

    @contextlib.contextmanager
    def transaction(self, *, bulk: bool = False) -> Iterator[db.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; any exception rolls everything back. While
        another thread's transaction is open this one waits up to BUSY_WAIT seconds, then
        raises VaultBusy.

        ``bulk``: for one very large transaction (importing gigabytes of attachments), the
        database leaves write-ahead logging for a rollback journal until it ends, so the new
        pages are written to the disk once instead of twice (docs/vault-format.md, "Large
        imports"). When that switch is not possible, the transaction runs as usual.
        """
        conn = self.conn
        if self.read_only:
            raise VaultReadOnly
        # One writer at a time (SQLite's rule): a second thread's transaction waits for the
        # first one, a little, then says the vault is busy. Readers never wait for a writer.
        if not self._writer.acquire(timeout=BUSY_WAIT):
            raise VaultBusy
        outer, self._writer_thread = self._writer_thread, threading.get_ident()
        try:
            journal = bulk and db.enter_bulk(conn)
            try:
                with self._transaction(conn) as inside:
                    yield inside
            finally:
                if journal:
                    db.leave_bulk(conn)
        finally:
            self._writer_thread = outer
            self._writer.release()

    @contextlib.contextmanager
    def _transaction(self, conn: db.Connection) -> Iterator[db.Connection]:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except db.DatabaseError as exc:
            raise db.translate_error(exc) from None
        try:
            yield conn
            conn.execute("COMMIT")
        except db.DatabaseError as exc:
            with contextlib.suppress(db.DatabaseError):
                conn.execute("ROLLBACK")
            raise db.translate_error(exc) from None
        except BaseException:
            with contextlib.suppress(db.DatabaseError):
                conn.execute("ROLLBACK")
            raise

    # ---- identity, settings, passphrase -------------------------------------------------

    @property
    def identity(self) -> Identity:
        row = self.conn.execute(
            "SELECT role, name, signing_seed, x25519_private, created, hybrid_seed FROM identity"
        ).fetchone()
        return Identity(row[0], row[1], bytes(row[2]), bytes(row[3]), row[4], bytes(row[5]))

    @property
    def vault_id(self) -> str:
        return self._header.vault_id

    @property
    def kdf_params(self) -> Argon2Params:
        return self._header.kdf

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def delete_setting(self, key: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM settings WHERE key = ?", (key,))

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-wrap the data key under ``new``; ``old`` must be right. The DB is not rewritten."""
        if self.read_only:
            raise VaultReadOnly
        data_key = header.unwrap(header.read_header(self.path), old)
        self._header = header.rewrap(self._header, new, data_key)
        header.write_header(self.path, self._header)
