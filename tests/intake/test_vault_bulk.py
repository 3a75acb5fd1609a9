"""Bulk transactions (docs/vault-format.md, "Large imports"): a rollback journal instead of
write-ahead logging for one large transaction, all-or-nothing even when the process dies."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from intake.vault import Vault, db
from tests.conftest import PASSPHRASE, VaultFactory

ROWS, ROW_SIZE = 120, 64 << 10  # ~7.5 MiB: far beyond the page cache, so pages spill to disk


def _mode(vault: Vault) -> str:
    return str(vault.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()


def _synchronous(vault: Vault) -> int:
    return int(vault.conn.execute("PRAGMA synchronous").fetchone()[0])


def _fill(conn: db.Connection, prefix: str) -> None:
    for i in range(ROWS):
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)", (f"{prefix}{i}", f"{i:x}" * ROW_SIZE)
        )


def _count(vault: Vault, prefix: str) -> int:
    row = vault.conn.execute(
        "SELECT count(*) FROM settings WHERE key LIKE ?", (prefix + "%",)
    ).fetchone()
    return int(row[0])


def test_bulk_transaction_commits_and_returns_to_wal(make_vault: VaultFactory) -> None:
    vault = make_vault()
    seen: list[tuple[str, int]] = []
    with vault.transaction(bulk=True) as conn:
        seen.append((_mode(vault), _synchronous(vault)))
        _fill(conn, "bulk-")
    assert seen == [("delete", 3)]  # EXTRA
    assert (_mode(vault), _synchronous(vault)) == ("wal", 2)  # FULL
    assert _count(vault, "bulk-") == ROWS
    assert not (vault.path / "vault.db-journal").exists()
    path = vault.path
    vault.close()
    with Vault.open(path, PASSPHRASE) as again:
        assert _count(again, "bulk-") == ROWS
        assert _mode(again) == "wal"


def test_bulk_transaction_rolls_back_on_error(make_vault: VaultFactory) -> None:
    vault = make_vault()

    def fail() -> None:
        with vault.transaction(bulk=True) as conn:
            _fill(conn, "bulk-")
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        fail()
    assert _count(vault, "bulk-") == 0
    assert _mode(vault) == "wal"
    assert not (vault.path / "vault.db-journal").exists()
    assert vault.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_bulk_falls_back_to_wal_while_a_statement_reads(make_vault: VaultFactory) -> None:
    vault = make_vault()
    for i in range(3):
        vault.set_setting(f"open-{i}", "x")
    reading = vault.conn.execute("SELECT key FROM settings")
    assert reading.fetchone() is not None  # a statement left half-read
    with vault.transaction(bulk=True) as conn:
        assert _mode(vault) == "wal"  # the switch was refused; the transaction runs anyway
        conn.execute("INSERT INTO settings (key, value) VALUES ('after', 'y')")
    reading.close()
    assert _count(vault, "after") == 1
    assert _mode(vault) == "wal"


_DIES_INSIDE = """
import os, signal, sys
from intake.vault import Vault
from tests.intake.test_vault_bulk import _fill
with Vault.open(sys.argv[1], sys.argv[2]) as vault:
    with vault.transaction(bulk=True) as conn:
        _fill(conn, "bulk-")
        assert (vault.path / "vault.db-journal").exists()
        os.kill(os.getpid(), signal.SIGKILL)
"""


def test_killed_inside_a_bulk_transaction_leaves_the_vault_as_it_was(
    make_vault: VaultFactory,
) -> None:
    vault = make_vault()
    vault.set_setting("before", "kept")
    path = vault.path
    vault.close()
    size = (path / "vault.db").stat().st_size
    done = subprocess.run(
        [sys.executable, "-c", _DIES_INSIDE, str(path), PASSPHRASE],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert (path / "vault.db-journal").exists()  # a hot journal
    assert (path / "vault.db").stat().st_size > size  # pages were written to the database
    with Vault.open(path, PASSPHRASE) as again:
        assert _count(again, "bulk-") == 0
        assert again.get_setting("before") == "kept"
        assert _mode(again) == "wal"
        assert again.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert not (path / "vault.db-journal").exists()
