"""The vault's threads: no thread ever sees another thread's uncommitted rows.

Real SQLCipher vaults (cheap KDF). Each test holds one thread's transaction open on an event
while another thread reads, so the order of events is forced, never left to timing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from intake.testimonies.store import TestimonyStore
from intake.vault import Vault, db
from intake.vault.errors import VaultLocked
from tests.conftest import PASSPHRASE
from tests.intake.rescue_fixtures import build_vault, file_hashes
from tests.intake.test_read_only_vault import _mount_read_only

WAIT = 20.0  # seconds any step may take before the test gives up (never reached when green)


class Rollback(Exception):
    """Raised inside a transaction to roll it back."""


def _hold_transaction(vault: Vault, opened: threading.Event, release: threading.Event) -> None:
    """Write a setting inside a transaction, wait for ``release``, then roll back."""
    try:
        with vault.transaction() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES ('dirty', 'uncommitted')")
            opened.set()
            release.wait(WAIT)
            raise Rollback
    except Rollback:
        pass


def test_a_thread_never_reads_another_threads_uncommitted_rows(vault: Vault) -> None:
    opened, release = threading.Event(), threading.Event()
    writer = threading.Thread(target=_hold_transaction, args=(vault, opened, release))
    writer.start()
    try:
        assert opened.wait(WAIT)
        seen = vault.get_setting("dirty")  # the writer's row exists only in its transaction
    finally:
        release.set()
        writer.join(WAIT)
    assert seen is None
    assert vault.get_setting("dirty") is None  # rolled back: it never existed


def test_a_committed_row_is_seen_by_every_thread(vault: Vault) -> None:
    vault.set_setting("shared", "yes")
    seen: list[str | None] = []
    reader = threading.Thread(target=lambda: seen.append(vault.get_setting("shared")))
    reader.start()
    reader.join(WAIT)
    assert seen == ["yes"]


@pytest.mark.parametrize("order", ["reader first", "writer first"])
def test_a_reader_is_not_blocked_by_an_open_write(vault: Vault, order: str) -> None:
    if order == "reader first":
        assert vault.get_setting("absent") is None  # this thread's connection exists already
    opened, release = threading.Event(), threading.Event()
    writer = threading.Thread(target=_hold_transaction, args=(vault, opened, release))
    writer.start()
    try:
        assert opened.wait(WAIT)
        count = vault.conn.execute("SELECT count(*) FROM testimonies").fetchone()[0]
    finally:
        release.set()
        writer.join(WAIT)
    assert count == 0


def test_closing_closes_every_threads_connection(vault: Vault) -> None:
    opened: list[db.Connection] = []
    reader = threading.Thread(target=lambda: opened.append(vault.conn))
    reader.start()
    reader.join(WAIT)
    assert opened and opened[0] is not vault.conn  # a connection of its own
    vault.close()
    assert not vault.is_open
    with pytest.raises(db.ProgrammingError):  # closed by the vault, not left behind
        opened[0].execute("SELECT 1")
    late: list[BaseException] = []

    def use_late() -> None:
        try:
            vault.get_setting("x")
        except VaultLocked as exc:
            late.append(exc)

    thread = threading.Thread(target=use_late)
    thread.start()
    thread.join(WAIT)
    assert len(late) == 1  # a thread that comes too late finds the vault locked


def test_read_only_vault_serves_every_thread(tmp_path: Path) -> None:
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("read-only bind mounts need root and mount(8)")
    build_vault(tmp_path / "stick", testimonies=3).close()
    mounted = tmp_path / "mounted"
    _mount_read_only(tmp_path / "stick", mounted)
    try:
        hashes = file_hashes(mounted)
        with Vault.open(mounted, PASSPHRASE) as vault:
            counts: list[int] = []
            reader = threading.Thread(
                target=lambda: counts.append(len(TestimonyStore(vault).list()))
            )
            reader.start()
            reader.join(WAIT)
            assert counts == [3]
            assert len(vault._conns) == 2  # its own read-only connection (mode=ro&immutable=1)
        assert file_hashes(mounted) == hashes
    finally:
        subprocess.run(["umount", str(mounted)], check=False)
