"""The panic wipe: after it, nothing left (not even a copy of the database kept aside)
opens with the passphrase."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from crypto.kdf import derive_key
from intake.safekeeping.wipe import wipe_vault
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault, db, header
from intake.vault.errors import VaultDamaged, VaultNotFound
from intake.vault.rescue import rescue_vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.testimony_fixtures import one_victim


def test_wipe_leaves_nothing_decryptable(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    vault = Vault.create(folder, PASSPHRASE, "volunteer", "Aigul Test", FAST_KDF)
    TestimonyStore(vault).create_draft(one_victim({"latin": "Wiped Person"}))
    vault.close()
    hdr_doc = json.loads((folder / "vault.json").read_text())
    wrapped = base64.b64decode(hdr_doc["wrap"]["wrapped_key"])
    # the seized copy: what a forensic image taken before the wipe minus the header holds
    kept = tmp_path / "kept"
    kept.mkdir()
    shutil.copy2(folder / "vault.db", kept / "vault.db")

    report = wipe_vault(folder)

    assert report.erased
    assert report.left == ()
    assert not folder.exists()
    # the leftover bytes: the database copy. The passphrase gives no way in:
    with pytest.raises(VaultNotFound):
        Vault.open(kept, PASSPHRASE)
    with pytest.raises(VaultNotFound):
        rescue_vault(kept, tmp_path / "rescued", PASSPHRASE)
    # the passphrase used directly as a SQLCipher key, and the key it would derive with the
    # old header's salt (were that salt still known): neither authenticates a page
    salt = base64.b64decode(hdr_doc["kdf"]["salt"])
    candidates = [
        derive_key(header.normalize_passphrase(PASSPHRASE), salt, FAST_KDF),
        PASSPHRASE.encode().ljust(32, b"\0")[:32],
    ]
    for key in candidates:
        with pytest.raises(VaultDamaged):
            db.open_existing(kept / "vault.db", key, read_only=True)
    # and neither the wrapped key nor the header is anywhere in what is left
    leftover = (kept / "vault.db").read_bytes()
    assert wrapped not in leftover
    assert hdr_doc["wrap"]["wrapped_key"].encode() not in leftover


def test_header_is_overwritten_in_place_before_deletion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "v"
    Vault.create(folder, PASSPHRASE, "volunteer", "Aigul Test", FAST_KDF).close()
    original = (folder / "vault.json").read_bytes()
    seen: dict[str, bytes] = {}
    real_unlink = Path.unlink

    def spy(self: Path, missing_ok: bool = False) -> None:
        if self.name == "vault.json":
            seen["before_delete"] = self.read_bytes()
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", spy)
    wipe_vault(folder)
    assert len(seen["before_delete"]) == len(original)
    assert seen["before_delete"] != original
    assert b"argon2id" not in seen["before_delete"]


def test_wipe_while_the_vault_is_open(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    vault = Vault.create(folder, PASSPHRASE, "volunteer", "Aigul Test", FAST_KDF)
    try:
        report = wipe_vault(folder)
    finally:
        vault.close()
    assert report.erased
    assert not (folder / "vault.json").exists()
    with pytest.raises(VaultNotFound):
        Vault.open(folder, PASSPHRASE)


def test_wipe_keeps_other_files_and_refuses_non_vaults(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    Vault.create(folder, PASSPHRASE, "volunteer", "Aigul Test", FAST_KDF).close()
    (folder / "notes.txt").write_text("not ours")
    wipe_vault(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    with pytest.raises(VaultNotFound):
        wipe_vault(folder)
    with pytest.raises(VaultNotFound):
        wipe_vault(tmp_path / "missing")


def test_wipe_removes_bundles_downloaded_from_the_drop(tmp_path: Path) -> None:
    """incoming/ holds ciphertext only, but it shows this laptop received bundles: the wipe
    leaves the folder as if no vault had ever been there (and keeps a file not Amanat's)."""
    folder = tmp_path / "v"
    Vault.create(folder, PASSPHRASE, "coordinator", "Coordinator Test", FAST_KDF).close()
    incoming = folder / "incoming"
    incoming.mkdir()
    (incoming / "0f3c.amanat.part").write_bytes(b"age-encryption.org/v1 partial")
    (incoming / "1a2b.amanat").write_bytes(b"age-encryption.org/v1 whole")
    report = wipe_vault(folder)
    assert report.erased and report.left == ()
    assert not folder.exists()

    Vault.create(folder, PASSPHRASE, "coordinator", "Coordinator Test", FAST_KDF).close()
    incoming.mkdir()
    (incoming / "mine.txt").write_text("not ours")
    wipe_vault(folder)
    assert [p.name for p in incoming.iterdir()] == ["mine.txt"]


def test_a_share_photo_is_read_only_from_photo_formats(tmp_path: Path) -> None:
    """Pillow opens many formats (EPS through Ghostscript among them); a "photo" of a share is
    opened only as PNG, JPEG or WebP: the same readable QR code is refused as a BMP."""
    import qrcode

    from intake.safekeeping.errors import ShareImageUnreadable
    from intake.safekeeping.paper_key import share_from_image

    words = " ".join(["academic"] * 33)
    picture = qrcode.make(words).get_image().convert("L")
    picture.save(tmp_path / "share.png")
    assert share_from_image(tmp_path / "share.png") == words  # readable as a PNG
    picture.save(tmp_path / "share.bmp")
    with pytest.raises(ShareImageUnreadable):
        share_from_image(tmp_path / "share.bmp")
