"""The vault: create/open/lock, passphrases, damaged headers and databases, migrations."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from crypto.kdf import Argon2Params
from intake.errors import UnsupportedFormat
from intake.vault import Vault, db
from intake.vault import vault as vault_module
from intake.vault.errors import (
    VaultBusy,
    VaultDamaged,
    VaultExists,
    VaultInUse,
    VaultLocked,
    VaultNotFound,
    WrongPassphrase,
)
from intake.vault.migrations import all_migrations
from tests.conftest import FAST_KDF, PASSPHRASE, VaultFactory


def _closed_vault(make_vault: VaultFactory) -> Path:
    v = make_vault()
    path = v.path
    v.close()
    return path


def test_create_open_lock_roundtrip(make_vault: VaultFactory) -> None:
    v = make_vault(name="Айгүл", role="coordinator")
    ident = v.identity
    assert (ident.role, ident.name) == ("coordinator", "Айгүл")
    assert len(ident.signing_seed) == 32 and len(ident.x25519_private) == 32
    v.set_setting("language", "kk")
    path = v.path
    v.close()
    assert not v.is_open
    with pytest.raises(VaultLocked):
        _ = v.conn
    with Vault.open(path, PASSPHRASE) as again:
        assert again.identity.signing_seed == ident.signing_seed
        assert again.get_setting("language") == "kk"
    # the keys are secret: repr never shows them
    assert ident.signing_seed.hex() not in repr(ident)


def test_wrong_passphrase(make_vault: VaultFactory) -> None:
    path = _closed_vault(make_vault)
    with pytest.raises(WrongPassphrase) as info:
        Vault.open(path, PASSPHRASE + "x")
    assert info.value.exit_code == 3
    assert "Wrong passphrase" in info.value.message("en")


def test_unicode_passphrase_is_normalized(tmp_path: Path) -> None:
    composed, decomposed = "Қазақ\u00e9 тілі ұзын сөз", "Қазақe\u0301 тілі ұзын сөз"
    Vault.create(tmp_path / "v", composed, "volunteer", "A", FAST_KDF).close()
    Vault.open(tmp_path / "v", decomposed).close()


def test_vault_not_found_and_exists(tmp_path: Path, make_vault: VaultFactory) -> None:
    with pytest.raises(VaultNotFound):
        Vault.open(tmp_path / "nothing", PASSPHRASE)
    v = make_vault()
    with pytest.raises(VaultExists):
        Vault.create(v.path, PASSPHRASE, "volunteer", "B", FAST_KDF)


def test_change_passphrase_rewraps_without_rewriting_db(make_vault: VaultFactory) -> None:
    v = make_vault()
    path = v.path
    v.close()
    db_hash = hashlib.sha256((path / "vault.db").read_bytes()).hexdigest()
    v = Vault.open(path, PASSPHRASE)
    new = "another long passphrase here"
    with pytest.raises(WrongPassphrase):
        v.change_passphrase("not the old one", new)
    v.change_passphrase(PASSPHRASE, new)
    for conn in v._conns.values():
        conn.close()  # close without checkpoint to compare the DB bytes honestly
    v._conns.clear()
    assert v._lock is not None
    v._lock.release()
    assert hashlib.sha256((path / "vault.db").read_bytes()).hexdigest() == db_hash
    with pytest.raises(WrongPassphrase):
        Vault.open(path, PASSPHRASE)
    Vault.open(path, new).close()


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["kdf"].__setitem__("iterations", d["kdf"]["iterations"] + 1), VaultDamaged),
        (lambda d: d["kdf"].__setitem__("memory_kib", 1024), VaultDamaged),
        (lambda d: d.__setitem__("vault_id", "00000000-0000-0000-0000-000000000000"), VaultDamaged),
        (lambda d: d["wrap"].__setitem__("wrapped_key", "AAAA"), VaultDamaged),
        (lambda d: d.__setitem__("version", 99), UnsupportedFormat),
        (lambda d: d.pop("checksum"), VaultDamaged),
    ],
)
def test_tampered_header_is_detected(
    make_vault: VaultFactory, mutate: object, expected: type[Exception]
) -> None:
    path = _closed_vault(make_vault)
    doc = json.loads((path / "vault.json").read_text())
    mutate(doc)  # type: ignore[operator]
    (path / "vault.json").write_text(json.dumps(doc))
    with pytest.raises(expected):
        Vault.open(path, PASSPHRASE)


def test_changed_parameter_with_recomputed_checksum_never_opens(make_vault: VaultFactory) -> None:
    from intake.vault import header as hdr

    path = _closed_vault(make_vault)
    h = hdr.read_header(path)
    forged = hdr.Header(
        h.vault_id, h.created, Argon2Params(h.kdf.memory_kib, 3), h.salt, h.wrapped_key
    )
    hdr.write_header(path, forged)  # checksum recomputed: looks intact, but the binding changed
    with pytest.raises(WrongPassphrase):
        Vault.open(path, PASSPHRASE)


@pytest.mark.parametrize("garbage", [b"", b"{", b"\xff\xfe not utf8", b"[]", b"x" * 100_000])
def test_garbage_header(make_vault: VaultFactory, garbage: bytes) -> None:
    path = _closed_vault(make_vault)
    (path / "vault.json").write_bytes(garbage)
    with pytest.raises(VaultDamaged):
        Vault.open(path, PASSPHRASE)


def test_truncated_or_garbled_db(make_vault: VaultFactory) -> None:
    v = make_vault()
    with v.transaction() as conn:
        for i in range(200):
            conn.execute("INSERT INTO settings VALUES (?, ?)", (f"k{i}", "v" * 500))
    path = v.path
    v.close()
    data = (path / "vault.db").read_bytes()
    assert len(data) > 3 * 4096
    (path / "vault.db").write_bytes(data[: len(data) // 2 + 100])
    with pytest.raises(VaultDamaged):
        Vault.open(path, PASSPHRASE)
    garbled = bytearray(data)
    garbled[len(data) // 2] ^= 0x01
    (path / "vault.db").write_bytes(bytes(garbled))
    with pytest.raises(VaultDamaged):
        Vault.open(path, PASSPHRASE)
    (path / "vault.db").unlink()
    with pytest.raises(VaultDamaged):
        Vault.open(path, PASSPHRASE)


def _try_open(path: str, queue: multiprocessing.Queue[str]) -> None:
    try:
        Vault.open(path, PASSPHRASE).close()
        queue.put("opened")
    except VaultInUse:
        queue.put("in use")


def test_second_process_is_refused(vault: Vault) -> None:
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[str] = ctx.Queue()
    proc = ctx.Process(target=_try_open, args=(str(vault.path), queue))
    proc.start()
    proc.join(60)
    assert queue.get(timeout=5) == "in use"
    with pytest.raises(VaultInUse):
        Vault.open(vault.path, PASSPHRASE)  # a second open in the same process too


def test_newer_schema_is_refused(make_vault: VaultFactory) -> None:
    v = make_vault()
    v.conn.execute("PRAGMA user_version = 999")
    path = v.path
    v.close()
    with pytest.raises(UnsupportedFormat):
        Vault.open(path, PASSPHRASE)


def test_migrated_schema_equals_fresh(vault: Vault, tmp_path: Path) -> None:
    """Apply migrations one by one (reopening between steps) and compare with a fresh DB."""
    key = os.urandom(32)
    folder = tmp_path / "stepwise"
    folder.mkdir()
    for migration in all_migrations():  # each step on a reopened, older database
        raw = sqlcipher.connect(str(folder / "vault.db"), isolation_level=None)
        raw.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        assert raw.execute("PRAGMA user_version").fetchone()[0] == migration.version - 1
        raw.execute("BEGIN")
        migration.upgrade(raw)
        raw.execute(f"PRAGMA user_version = {migration.version}")
        raw.execute("COMMIT")
        raw.close()
    conn = db.connect(folder, key)
    assert db.schema_of(conn) == db.schema_of(vault.conn)
    search_config = "SELECT k, v FROM testimony_search_config ORDER BY k"
    assert conn.execute(search_config).fetchall() == vault.conn.execute(search_config).fetchall()
    assert ("hashsize", 16 << 20) in [tuple(r) for r in conn.execute(search_config)]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(all_migrations())
    conn.close()


def test_canary_never_in_plaintext(make_vault: VaultFactory) -> None:
    canary = "CANARY-Турсун-تۇرسۇن-吐尔逊-8c1f7e"
    v = make_vault(name=canary)
    v.set_setting("note", canary * 20)
    path = v.path
    files_while_open = {p: p.read_bytes() for p in path.iterdir() if p.is_file()}
    v.close()
    files_after = {p: p.read_bytes() for p in path.iterdir() if p.is_file()}
    needles = [canary.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    for blob in [*files_while_open.values(), *files_after.values()]:
        for needle in needles:
            assert needle not in blob
    db_bytes = (path / "vault.db").read_bytes()
    assert not db_bytes.startswith(b"SQLite format 3\x00")
    assert {p.name for p in files_after} <= {"vault.json", "vault.db", "vault.lock"}


_LEGACY_WRITER = """
import os, sys
from sqlcipher3 import dbapi2 as sqlcipher
conn = sqlcipher.connect(sys.argv[1], isolation_level=None)
conn.execute(f"PRAGMA key = \\"x'{sys.argv[2]}'\\"")
for pragma in sys.argv[3:]:  # none: SQLCipher's defaults (4096-byte pages, HMAC-SHA512)
    conn.execute(f"PRAGMA {pragma}")
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("CREATE TABLE old (x TEXT)")
conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
for i in range(40):
    conn.execute("INSERT INTO old VALUES (?)", (f"row {i}" * 50,))
os._exit(0)  # a crash: the rows are only in the write-ahead log
"""


def _layout(conn: db.Connection) -> tuple[int, str]:
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    return page_size, str(conn.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0])


def test_new_databases_use_large_pages_and_sha256(tmp_path: Path) -> None:
    key = os.urandom(32)
    conn = db.connect(tmp_path, key)
    assert _layout(conn) == db.LAYOUTS[0] == (16384, "HMAC_SHA256")
    conn.close()
    conn = db.connect(tmp_path, key)
    assert _layout(conn) == db.LAYOUTS[0]
    conn.close()
    raw = sqlcipher.connect(str(tmp_path / "vault.db"), isolation_level=None)
    raw.execute(f"PRAGMA key = \"x'{key.hex()}'\"")  # SQLCipher's defaults cannot read it
    with pytest.raises(sqlcipher.DatabaseError):
        raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
    raw.close()


@pytest.mark.parametrize(
    "pragmas",
    [
        ["cipher_page_size = 16384"],  # the layout of vaults made before HMAC-SHA256
        [],  # SQLCipher's defaults, the first layout of all
    ],
)
def test_older_layouts_still_open(tmp_path: Path, pragmas: list[str]) -> None:
    key = os.urandom(32)
    subprocess.run(
        [sys.executable, "-c", _LEGACY_WRITER, str(tmp_path / "vault.db"), key.hex(), *pragmas],
        check=True,
    )
    assert (tmp_path / "vault.db-wal").stat().st_size > 40 * 4096
    expected = (16384 if pragmas else 4096, "HMAC_SHA512")
    assert expected in db.LAYOUTS[1:]
    for _ in range(2):  # the log is kept through the failed tries with other layouts
        conn = db.connect(tmp_path, key)
        assert _layout(conn) == expected
        assert conn.execute("SELECT count(*) FROM old").fetchone()[0] == 40
        conn.close()
    with pytest.raises(VaultDamaged):
        db.connect(tmp_path, os.urandom(32))


def test_lock_forgets_cached_names(vault: Vault) -> None:
    from intake.names import keys as names

    names.search_keys("Tursun Ablimit")
    assert names._keys_of.cache_info().currsize > 0
    vault.close()
    assert names._keys_of.cache_info().currsize == 0


def _hold_transaction(vault: Vault, inside: threading.Event, release: threading.Event) -> None:
    with vault.transaction() as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('held', 'by the job')")
        inside.set()
        release.wait(10)


def test_a_second_threads_transaction_waits_then_says_busy(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One connection serves the window and its background jobs: a transaction from another
    thread while one is open is refused as busy (not "damaged"), and the open one is intact."""
    monkeypatch.setattr(vault_module, "BUSY_WAIT", 0.2)
    inside, release = threading.Event(), threading.Event()
    job = threading.Thread(target=_hold_transaction, args=(vault, inside, release))
    job.start()
    try:
        assert inside.wait(10)
        with pytest.raises(VaultBusy) as caught, vault.transaction() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES ('window', 'x')")
        assert "Try again" in caught.value.message("en")
    finally:
        release.set()
        job.join()
    rows = dict(vault.conn.execute("SELECT key, value FROM settings").fetchall())
    assert rows["held"] == "by the job" and "window" not in rows
    with vault.transaction() as conn:  # free again
        conn.execute("INSERT INTO settings (key, value) VALUES ('window', 'later')")
    assert vault.conn.execute("SELECT value FROM settings WHERE key = 'window'").fetchone()[0]


def test_a_short_transaction_is_waited_for(vault: Vault) -> None:
    inside, release = threading.Event(), threading.Event()
    job = threading.Thread(target=_hold_transaction, args=(vault, inside, release))
    job.start()
    assert inside.wait(10)
    threading.Timer(0.1, release.set).start()
    with vault.transaction() as conn:  # waits for the job's commit, well within BUSY_WAIT
        conn.execute("INSERT INTO settings (key, value) VALUES ('after', 'job')")
    job.join()
    keys = {r[0] for r in vault.conn.execute("SELECT key FROM settings").fetchall()}
    assert {"held", "after"} <= keys
