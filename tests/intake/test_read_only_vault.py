"""A vault on a read-only medium, and ``amanat rescue`` on the command line.

The read-only medium is a real read-only bind mount (the tests run as root, for whom file
modes do not stop writes); where mounting is impossible those tests are skipped with the
reason. The decision itself (a lock file that cannot be created means read-only) is also
tested without a mount.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake.testimonies.store import TestimonyStore
from intake.vault import Vault, db
from intake.vault import lock as lock_module
from intake.vault import vault as vault_module
from intake.vault.errors import VaultReadOnly
from intake.vault.rescue import rescue_vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.rescue_fixtures import build_vault, file_hashes, flip_bit, page_offset


def amanat(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AMANAT_PASSPHRASE": PASSPHRASE}
    return subprocess.run(
        [sys.executable, "-m", "intake.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def _mount_read_only(source: Path, target: Path) -> None:
    target.mkdir()
    done = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(source), str(target)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot make a read-only bind mount here: {done.stderr.decode().strip()}")
    if os.access(target, os.W_OK) and not _is_read_only(target):  # pragma: no cover
        subprocess.run(["umount", str(target)], check=False)
        pytest.skip("this system made the bind mount writable")


def _is_read_only(folder: Path) -> bool:
    return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A vault with testimonies, closed, seen through a read-only bind mount."""
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("read-only bind mounts need root and mount(8)")
    vault = build_vault(tmp_path / "stick", testimonies=4)
    vault.close()
    mounted = tmp_path / "mounted"
    _mount_read_only(tmp_path / "stick", mounted)
    try:
        yield mounted
    finally:
        subprocess.run(["umount", str(mounted)], check=False)


def test_read_only_medium_opens_for_reading(read_only: Path) -> None:
    hashes = file_hashes(read_only)
    with Vault.open(read_only, PASSPHRASE) as vault:  # was: OSError on vault.lock
        assert vault.read_only
        store = TestimonyStore(vault)
        summaries = store.list()
        assert len(summaries) == 4
        assert store.search("Number1")
        first = store.get(summaries[0].id)
        with pytest.raises(VaultReadOnly):
            store.create_draft(first.content)
        with pytest.raises(VaultReadOnly):
            vault.set_setting("language", "kk")
        with pytest.raises(VaultReadOnly):
            vault.change_passphrase(PASSPHRASE, "another long passphrase for this")
        with pytest.raises(db.OperationalError) as refused:
            vault.conn.execute("INSERT INTO settings VALUES ('x', 'y')")
        # SQLite's own refusal maps to the same typed error
        assert isinstance(db.translate_error(refused.value), VaultReadOnly)
    assert file_hashes(read_only) == hashes


def test_read_only_cli_reads_prints_and_refuses_changes_in_one_line(
    read_only: Path, tmp_path: Path
) -> None:
    info = amanat("info", "--vault", str(read_only), "--json")
    assert info.returncode == 0, info.stderr
    assert json.loads(info.stdout)["read_only"] is True
    listed = amanat("testimony", "list", "--vault", str(read_only))
    assert listed.returncode == 0, listed.stderr
    found = amanat("search", "Number2", "--vault", str(read_only))
    assert found.returncode == 0 and found.stdout.strip(), found.stderr
    with Vault.open(read_only, PASSPHRASE) as vault:
        tid = TestimonyStore(vault).list()[0].id
    pdf = tmp_path / "t.pdf"
    printed = amanat("pdf", "testimony", tid, "-o", str(pdf), "--vault", str(read_only))
    assert printed.returncode == 0, printed.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    example = str(Path(__file__).parents[2] / "docs" / "examples" / "testimony.json")
    changed = amanat("testimony", "add", "--json", example, "--vault", str(read_only))
    assert changed.returncode == VaultReadOnly.exit_code
    assert changed.stderr.count("\n") == 1 and "read-only medium" in changed.stderr
    assert "Traceback" not in changed.stderr


def test_rescue_from_a_read_only_medium(tmp_path: Path) -> None:
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("read-only bind mounts need root and mount(8)")
    vault = build_vault(tmp_path / "stick", testimonies=4)
    vault.close()
    size = (tmp_path / "stick" / db.DB_NAME).stat().st_size
    flip_bit(tmp_path / "stick" / db.DB_NAME, page_offset(size // db.PAGE_SIZE - 1))
    mounted = tmp_path / "mounted"
    _mount_read_only(tmp_path / "stick", mounted)
    try:
        done = amanat("rescue", "--vault", str(mounted), "--to", str(tmp_path / "new"), "--json")
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["copied"]["testimonies"] >= 1
    finally:
        subprocess.run(["umount", str(mounted)], check=False)
    with Vault.open(tmp_path / "new", PASSPHRASE) as rescued:
        assert not rescued.read_only


def test_a_pending_log_on_a_read_only_medium_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unmerged changes cannot be merged without writing; reading without them would show an
    older state silently. The decision is tested without a mount: the lock cannot be made."""
    vault = build_vault(tmp_path / "live", testimonies=2)
    store = TestimonyStore(vault)
    store.create_draft(store.get(store.list()[0].id).content)  # only in the log so far
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for name in ("vault.json", "vault.db", "vault.db-wal"):
        shutil.copyfile(vault.path / name, crashed / name)
    vault.close()
    hashes = file_hashes(crashed)
    monkeypatch.setattr(vault_module, "take_lock", lambda folder: None)
    with pytest.raises(VaultReadOnly):
        Vault.open(crashed, PASSPHRASE)
    assert file_hashes(crashed) == hashes


def test_a_lock_that_cannot_be_created_means_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Vault.create(tmp_path / "v", PASSPHRASE, "volunteer", "Aigul Test", FAST_KDF).close()
    hashes = file_hashes(tmp_path / "v")

    def refuse(self: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(lock_module.VaultLock, "acquire", refuse)
    assert vault_module.take_lock(tmp_path / "v") is None
    with Vault.open(tmp_path / "v", PASSPHRASE) as vault:
        assert vault.read_only and vault.identity.name == "Aigul Test"
        with pytest.raises(VaultReadOnly):
            vault.set_setting("language", "kk")
    assert file_hashes(tmp_path / "v") == hashes  # immutable: no -wal, -shm, nothing written

    def other_error(self: object) -> None:
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(lock_module.VaultLock, "acquire", other_error)
    with pytest.raises(OSError, match="I/O error"):
        Vault.open(tmp_path / "v", PASSPHRASE)


def test_cli_rescue_reports_and_wrong_passphrase(tmp_path: Path) -> None:
    vault = build_vault(tmp_path / "v", testimonies=4)
    vault.close()
    size = (tmp_path / "v" / db.DB_NAME).stat().st_size
    (tmp_path / "v" / db.DB_NAME).write_bytes((tmp_path / "v" / db.DB_NAME).read_bytes()[:-900])
    damaged = amanat("info", "--vault", str(tmp_path / "v"))
    assert damaged.returncode == 6 and "damaged" in damaged.stderr
    command = ["rescue", "--vault", str(tmp_path / "v"), "--to", str(tmp_path / "new")]
    wrong = subprocess.run(
        [sys.executable, "-m", "intake.cli.main", *command],
        capture_output=True,
        text=True,
        env={**os.environ, "AMANAT_PASSPHRASE": "wrong passphrase entirely"},
        timeout=120,
        check=False,
    )
    assert wrong.returncode == 3 and wrong.stderr.strip() == "amanat: Wrong passphrase."
    done = amanat(*command)
    assert done.returncode == 0, done.stderr
    assert "Could not be read:" in done.stdout and "was not changed" in done.stdout
    assert size > 0
    again = amanat(*command)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_rescued_vault_keeps_the_passphrase(tmp_path: Path) -> None:
    vault = build_vault(tmp_path / "v", testimonies=1)
    vault.close()
    rescue_vault(tmp_path / "v", tmp_path / "new", PASSPHRASE)
    with Vault.open(tmp_path / "new", PASSPHRASE) as rescued:
        assert rescued.identity.role == "volunteer"


def test_no_vault_is_created_on_a_read_only_medium(read_only: Path) -> None:
    # It was a traceback: OSError: [Errno 30] Read-only file system.
    result = amanat("init", "--vault", str(read_only / "new"), "--role", "volunteer", "--name", "A")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"amanat: A vault cannot be created in {read_only / 'new'}: the disk is read-only or the"
        " folder cannot be written. Choose another folder."
    ]
