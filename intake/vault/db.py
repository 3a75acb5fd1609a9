"""Opening the SQLCipher database with the raw data key, and running migrations.

Every SQLite error that means "this file is not a healthy vault" becomes ``VaultDamaged``; "disk
full" becomes ``StorageFull``; a write to a read-only database ``VaultReadOnly``. SQLCipher's
own logging is silenced before the key is set, so a wrong key never prints noise on stderr.
``connect`` opens, checks and migrates the database for the first thread; ``connect_more`` opens
the same database for each further thread. ``connect_read_only`` opens a vault on a read-only
medium, and the damaged vault a rescue reads, without writing anything (docs/vault-format.md,
"Read-only media").
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from intake.errors import StorageFull, UnsupportedFormat
from intake.vault.errors import VaultBusy, VaultDamaged, VaultReadOnly
from intake.vault.migrations import all_migrations

DB_NAME = "vault.db"
PAGE_SIZE = 16384  # cipher_page_size of new databases: faster attachments and open check
LEGACY_PAGE_SIZE = 4096  # SQLCipher 4's default, which vaults made before used
HMAC = "HMAC_SHA256"  # cipher_hmac_algorithm of new databases (hardware SHA-256)
LEGACY_HMAC = "HMAC_SHA512"  # SQLCipher 4's default, which vaults made before used
# (page size, page HMAC) of new databases first, then of older ones, in the order tried.
LAYOUTS = ((PAGE_SIZE, HMAC), (PAGE_SIZE, LEGACY_HMAC), (LEGACY_PAGE_SIZE, LEGACY_HMAC))
WAL_SIZE_LIMIT = 64 << 20  # bytes of write-ahead log left on disk after a large transaction
# milliseconds SQLite retries when another connection of this process holds the lock it needs
# (a writer waiting for a writer; a reader while a bulk transaction writes the database file)
BUSY_TIMEOUT_MS = 2000
Connection = Any  # sqlcipher3's Connection has no type stubs

DatabaseError = sqlcipher.DatabaseError
IntegrityError = sqlcipher.IntegrityError
OperationalError = sqlcipher.OperationalError
ProgrammingError = sqlcipher.ProgrammingError
Row = sqlcipher.Row


def _keyed(
    path: Path,
    data_key: bytes,
    layout: tuple[int, str],
    *,
    read_only: bool = False,
    salvage: bool = False,
    snapshot: bool = False,
) -> Connection:
    """A connection with the key, page size and page HMAC set; the first page authenticated
    unless the file is new (raises DatabaseError when it does not). ``read_only``: through
    the URI ``mode=ro&immutable=1``, which creates no file, takes no lock and writes nothing.
    ``snapshot``: through ``mode=ro`` alone, which reads what is committed, write-ahead log
    included, while another process may write (backups: docs/vault-format.md, "Backups").
    ``salvage``: a file shorter than its header says is read anyway (SQLite refuses it as
    corrupt unless ``writable_schema`` is on; nothing is written through this connection)."""
    page_size, hmac = layout
    if read_only:
        target, uri = path.resolve().as_uri() + "?mode=ro&immutable=1", True
    elif snapshot:
        target, uri = path.resolve().as_uri() + "?mode=ro", True
    else:
        target, uri = str(path), False
    conn = sqlcipher.connect(target, isolation_level=None, check_same_thread=False, uri=uri)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        conn.execute(f"PRAGMA cipher_page_size = {int(page_size)}")
        conn.execute(f"PRAGMA cipher_hmac_algorithm = {hmac}")
        if salvage:
            conn.execute("PRAGMA writable_schema = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


def open_existing(
    path: Path, data_key: bytes, *, read_only: bool, salvage: bool = False
) -> Connection:
    """The first of LAYOUTS under which the existing ``path`` authenticates."""
    for i, layout in enumerate(LAYOUTS):
        try:
            return _keyed(path, data_key, layout, read_only=read_only, salvage=salvage)
        except DatabaseError as exc:
            if i == len(LAYOUTS) - 1:
                raise translate_error(exc) from None
    raise VaultDamaged(part="database")  # pragma: no cover - LAYOUTS is not empty


def has_pending_log(folder: Path) -> bool:
    """True when a non-empty write-ahead log waits beside ``vault.db`` (left by a crash or
    an unplugged medium): committed changes not yet merged into the database file."""
    wal = folder / (DB_NAME + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


@contextlib.contextmanager
def _closed_on_error(conn: Connection) -> Iterator[None]:
    """Set up ``conn`` inside: on any failure it is closed, and SQLite's errors are typed."""
    try:
        yield
    except DatabaseError as exc:
        conn.close()
        raise translate_error(exc) from None
    except BaseException:
        conn.close()
        raise


def connect_read_only(folder: Path, data_key: bytes, *, check: bool = True) -> Connection:
    """A connection to ``folder/vault.db`` that writes nothing anywhere (read-only media, the
    damaged vault of a rescue). ``check``: run ``quick_check`` and require the current schema
    (a read-only vault cannot be migrated); a rescue reads without either."""
    path = folder / DB_NAME
    if not path.is_file():
        raise VaultDamaged(part="database")
    conn = open_existing(path, data_key, read_only=True, salvage=not check)
    with _closed_on_error(conn):
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")  # no temporary files on disk
        if check:
            if conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                raise VaultDamaged(part="database")
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current > len(all_migrations()):
                raise UnsupportedFormat
            if current < len(all_migrations()):
                raise VaultReadOnly
        conn.row_factory = sqlcipher.Row
    return conn


def connect(folder: Path, data_key: bytes) -> Connection:
    """A configured connection to ``folder/vault.db`` (created if missing), schema migrated.

    A new database gets the first of LAYOUTS; an existing one is tried with each in turn
    (docs/vault-format.md, "Database").
    """
    path = folder / DB_NAME
    if path.is_file() and path.stat().st_size > 0:
        conn = open_existing(path, data_key, read_only=False)
    else:
        try:
            conn = _keyed(path, data_key, LAYOUTS[0])
        except DatabaseError as exc:
            raise translate_error(exc) from None
    with _closed_on_error(conn):
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")  # no temporary files on disk
        conn.execute("PRAGMA secure_delete = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise VaultDamaged(part="database")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        check = conn.execute("PRAGMA quick_check").fetchall()
        if check != [("ok",)]:
            raise VaultDamaged(part="database")
        conn.row_factory = sqlcipher.Row
        migrate(conn)
    return conn


def connect_more(folder: Path, data_key: bytes, *, read_only: bool) -> Connection:
    """One more connection to a vault that ``connect`` (or ``connect_read_only``) has already
    opened, checked and migrated in this process: for another thread (docs/vault-format.md,
    "Threads"). Settings are per connection, so they are set again; nothing is checked twice."""
    path = folder / DB_NAME
    conn = open_existing(path, data_key, read_only=read_only)
    with _closed_on_error(conn):
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")  # no temporary files on disk
        if not read_only:
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.row_factory = sqlcipher.Row
    return conn


def enter_bulk(conn: Connection) -> bool:
    """Switch from write-ahead logging to a rollback journal for one large transaction
    (docs/vault-format.md, "Large imports"); False (and nothing changed) when not possible,
    e.g. while another statement of this connection is still reading."""
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except DatabaseError:
        return False
    if str(mode).lower() != "delete":
        return False
    # EXTRA: the journal's deletion (the commit) is made durable with its folder.
    conn.execute("PRAGMA synchronous = EXTRA")
    return True


def leave_bulk(conn: Connection) -> None:
    """Back to write-ahead logging after ``enter_bulk``. Should that fail, the database stays
    correct in rollback-journal mode, and the next ``connect`` switches back."""
    with contextlib.suppress(DatabaseError):
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA journal_mode = WAL").fetchone()


def migrate(conn: Connection) -> None:
    """Apply every migration newer than the DB's ``user_version``, one transaction each."""
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    migrations = all_migrations()
    if current > len(migrations):
        raise UnsupportedFormat
    for migration in migrations[current:]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            migration.upgrade(conn)
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def translate_error(exc: BaseException) -> Exception:
    """Map a SQLite/SQLCipher error to the typed error a user should see."""
    name = str(getattr(exc, "sqlite_errorname", ""))
    if name == "SQLITE_FULL" or "disk is full" in str(exc):
        return StorageFull()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):  # another thread's transaction
        return VaultBusy()
    if name.startswith("SQLITE_READONLY"):
        return VaultReadOnly()
    if name in {"SQLITE_NOTADB", "SQLITE_CORRUPT", "SQLITE_IOERR"} or isinstance(
        exc, DatabaseError
    ):
        return VaultDamaged(part="database")
    return exc if isinstance(exc, Exception) else RuntimeError("interrupted")


def schema_of(conn: Connection) -> list[tuple[str, str, str]]:
    """(type, name, sql) of every schema object, for the migration-equals-fresh test."""
    rows = conn.execute(
        "SELECT type, name, coalesce(sql, '') FROM sqlite_master "
        "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    return [(str(r[0]), str(r[1]), " ".join(str(r[2]).split())) for r in rows]


def connect_snapshot(folder: Path, data_key: bytes) -> Connection:
    """A reading connection to ``folder/vault.db`` that takes no vault lock and writes nothing
    to the database (it may create ``-shm``/``-wal`` as any reader does): for a backup while
    the vault is open elsewhere (docs/vault-format.md, "Backups"). No check, no migration."""
    path = folder / DB_NAME
    if not path.is_file():
        raise VaultDamaged(part="database")
    for i, layout in enumerate(LAYOUTS):
        try:
            conn = _keyed(path, data_key, layout, snapshot=True)
            break
        except DatabaseError as exc:
            if i == len(LAYOUTS) - 1:
                raise translate_error(exc) from None
    with _closed_on_error(conn):
        conn.execute("PRAGMA temp_store = MEMORY")  # no temporary files on disk
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def create_keyed(path: Path, data_key: bytes, layout: tuple[int, str]) -> Connection:
    """A new, empty database file at ``path`` under ``data_key`` with ``layout`` (the target
    of a backup, which takes the layout of its source)."""
    try:
        return _keyed(path, data_key, layout)
    except DatabaseError as exc:
        raise translate_error(exc) from None


def layout_of(conn: Connection) -> tuple[int, str]:
    """The (page size, page HMAC) a keyed connection uses, as in LAYOUTS."""
    size = int(conn.execute("PRAGMA cipher_page_size").fetchone()[0])
    hmac = str(conn.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0])
    return size, hmac
