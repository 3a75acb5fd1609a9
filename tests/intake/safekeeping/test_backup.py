"""Backups and restores: a consistent encrypted copy, while the vault is open (in this process
and in another one), atomic, never inside the vault; restore checks before it writes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from intake.safekeeping.backup import (
    PART_SUFFIX,
    backup_open_vault,
    backup_vault_folder,
    check_backup,
    restore_backup,
)
from intake.safekeeping.errors import (
    BackupDamaged,
    BackupIntoVault,
    BackupTargetMissing,
    NotABackup,
)
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from intake.vault.db import DB_NAME
from intake.vault.errors import VaultExists, WrongPassphrase
from tests.conftest import FAST_KDF, PASSPHRASE, REPO
from tests.intake.testimony_fixtures import one_victim

SECRET_NAME = "Zulpiya Backuptestova"
ATTACHMENT = os.urandom(3 * 1024 * 1024 + 17)  # several chunks, not a whole number of them


def filled_vault(folder: Path) -> tuple[Vault, str]:
    vault = Vault.create(folder, PASSPHRASE, "volunteer", "Aigul Test", FAST_KDF)
    store = TestimonyStore(vault)
    tid = store.create_draft(one_victim({"latin": SECRET_NAME}))
    AttachmentStore(vault).add(tid, io.BytesIO(ATTACHMENT), "photo.jpg")
    return vault, tid


def read_attachment(vault: Vault, tid: str) -> bytes:
    attachments = AttachmentStore(vault)
    (info,) = attachments.list(tid)
    with attachments.open(info.sha256) as f:
        return f.read()


def test_round_trip_with_attachments_while_open(tmp_path: Path) -> None:
    vault, tid = filled_vault(tmp_path / "v")
    usb = tmp_path / "usb"
    usb.mkdir()
    seen: list[tuple[int, int]] = []
    try:
        result = backup_open_vault(vault, usb, lambda done, total: seen.append((done, total)))
        # the vault stays open and usable during and after the backup
        TestimonyStore(vault).create_draft(one_victim({"latin": "Later Person"}))
    finally:
        vault.close()
    assert result.path.parent == usb
    assert sorted(p.name for p in result.path.iterdir()) == ["vault.db", "vault.json"]
    assert not list(usb.glob("*" + PART_SUFFIX))
    assert seen
    assert seen[-1][0] == seen[-1][1]
    raw = (result.path / DB_NAME).read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    assert SECRET_NAME.encode() not in raw
    assert ATTACHMENT[:64] not in raw

    restored = restore_backup(result.path, tmp_path / "restored", PASSPHRASE)
    assert restored.testimonies == 1
    assert restored.audit_entries >= 2
    with Vault.open(restored.path, PASSPHRASE) as copy:
        testimony = TestimonyStore(copy).get(tid)
        assert testimony.content["victims"][0]["names"]["latin"] == SECRET_NAME
        assert read_attachment(copy, tid) == ATTACHMENT
        assert len(TestimonyStore(copy).list()) == 1  # the later draft is not in the backup


HOLDER = """
import sys
from pathlib import Path
from intake.vault import Vault
from intake.testimonies.store import TestimonyStore
from tests.intake.testimony_fixtures import one_victim
vault = Vault.open(Path(sys.argv[1]), sys.argv[2])
store = TestimonyStore(vault)
print("open", flush=True)
n = 0
while sys.stdin.readline().strip() == "write":
    store.create_draft(one_victim({"latin": f"Writer {n}"}))
    n += 1
    print("wrote", flush=True)
vault.close()
"""


def test_backup_while_another_process_holds_the_vault(tmp_path: Path) -> None:
    vault, tid = filled_vault(tmp_path / "v")
    vault.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "v"), PASSPHRASE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert holder.stdin is not None
    assert holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "open"
        holder.stdin.write("write\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "wrote"  # committed, still in the log
        usb = tmp_path / "usb"
        usb.mkdir()
        progress: list[int] = []

        def write_meanwhile(done: int, total: int) -> None:
            if not progress:  # a writer commits while the copy runs: the copy starts over
                holder.stdin.write("write\n")  # type: ignore[union-attr]
                holder.stdin.flush()  # type: ignore[union-attr]
                holder.stdout.readline()  # type: ignore[union-attr]
            progress.append(done)

        result = backup_vault_folder(tmp_path / "v", PASSPHRASE, usb, write_meanwhile)
        with pytest.raises(WrongPassphrase):
            backup_vault_folder(tmp_path / "v", "not the passphrase", usb)
    finally:
        holder.stdin.write("stop\n")
        holder.stdin.flush()
        holder.wait(10)
    _hdr, count, _entries = check_backup(result.path, PASSPHRASE)
    assert count in (2, 3)  # the first write always; the second if it came before the copy
    restored = restore_backup(result.path, tmp_path / "r", PASSPHRASE)
    with Vault.open(restored.path, PASSPHRASE) as copy:
        assert read_attachment(copy, tid) == ATTACHMENT


def test_backup_refuses_the_vault_folder_and_missing_targets(vault: Vault, tmp_path: Path) -> None:
    with pytest.raises(BackupIntoVault):
        backup_open_vault(vault, vault.path)
    inner = vault.path / "inner"
    inner.mkdir()
    with pytest.raises(BackupIntoVault):
        backup_open_vault(vault, inner)
    with pytest.raises(BackupTargetMissing):
        backup_open_vault(vault, tmp_path / "nowhere")
    assert sorted(p.name for p in inner.iterdir()) == []


def test_failed_backup_leaves_nothing_that_looks_complete(vault: Vault, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()

    def pull_the_stick(done: int, total: int) -> None:
        raise OSError(5, "unplugged")

    with pytest.raises(Exception, match="could not be written"):
        backup_open_vault(vault, usb, pull_the_stick)
    assert list(usb.iterdir()) == []


def test_restore_checks_before_it_writes(tmp_path: Path) -> None:
    vault, _tid = filled_vault(tmp_path / "v")
    usb = tmp_path / "usb"
    usb.mkdir()
    try:
        backup = backup_open_vault(vault, usb).path
    finally:
        vault.close()
    with pytest.raises(WrongPassphrase):
        restore_backup(backup, tmp_path / "r1", "wrong passphrase here")
    with pytest.raises(NotABackup):
        restore_backup(usb, tmp_path / "r2", PASSPHRASE)
    with pytest.raises(VaultExists):  # an existing vault is never replaced
        restore_backup(backup, tmp_path / "v", PASSPHRASE)
    # one flipped byte in the middle of the copy: refused, nothing written
    db = backup / DB_NAME
    data = bytearray(db.read_bytes())
    data[len(data) // 2] ^= 0x01
    db.write_bytes(bytes(data))
    with pytest.raises(BackupDamaged):
        restore_backup(backup, tmp_path / "r3", PASSPHRASE)
    assert not (tmp_path / "r1").exists()
    assert not (tmp_path / "r3").exists()
    assert not (tmp_path / "r3.part").exists()


def test_restore_refuses_a_broken_audit_chain(tmp_path: Path) -> None:
    vault, _tid = filled_vault(tmp_path / "v")
    with vault.transaction() as conn:  # damage the chain the way a bug or an edit would
        conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'"
        ).fetchall():
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute("UPDATE audit SET subject = 'changed' WHERE seq = 1")
    usb = tmp_path / "usb"
    usb.mkdir()
    try:
        backup = backup_open_vault(vault, usb).path
    finally:
        vault.close()
    with pytest.raises(BackupDamaged, match="audit"):
        restore_backup(backup, tmp_path / "r", PASSPHRASE)
    assert not (tmp_path / "r").exists()


def test_backup_from_a_write_protected_stick(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the vault's folder cannot be written (simulated: the tests run as any user, and
    root may write everywhere), the copy reads vault.db as it is and creates nothing there."""
    from intake.vault.errors import VaultReadOnly

    vault, tid = filled_vault(tmp_path / "v")
    vault.close()
    before = sorted(p.name for p in (tmp_path / "v").iterdir())
    monkeypatch.setattr("intake.safekeeping.backup.os.access", lambda _path, _mode: False)
    usb = tmp_path / "usb"
    usb.mkdir()
    result = backup_vault_folder(tmp_path / "v", PASSPHRASE, usb)
    assert sorted(p.name for p in (tmp_path / "v").iterdir()) == before
    restored = restore_backup(result.path, tmp_path / "r", PASSPHRASE)
    with Vault.open(restored.path, PASSPHRASE) as copy:
        assert read_attachment(copy, tid) == ATTACHMENT
    (tmp_path / "v" / "vault.db-wal").write_bytes(b"x" * 100)  # unmerged changes
    with pytest.raises(VaultReadOnly):
        backup_vault_folder(tmp_path / "v", PASSPHRASE, usb)
