"""The paper key backup: SLIP-39 shares of the data key (published vectors), M-of-N restores
of a vault whose passphrase is forgotten, and every kind of bad share refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shamir_mnemonic

from intake.safekeeping.errors import (
    ShareCountInvalid,
    ShareDuplicate,
    ShareInvalid,
    SharesMixed,
    SharesTooFew,
    SharesWrongVault,
)
from intake.safekeeping.paper_key import (
    key_shares,
    normalize_share,
    recover_data_key,
    restore_with_shares,
    split_data_key,
)
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from intake.vault.errors import VaultInUse, WrongPassphrase
from intake.vault.header import HEADER_NAME
from tests.conftest import FAST_KDF, PASSPHRASE, REPO
from tests.intake.testimony_fixtures import one_victim

VECTORS = json.loads((REPO / "tests/vectors/slip39/vectors.json").read_text(encoding="utf-8"))
NEW_PASSPHRASE = "a brand new passphrase for the old vault"


@pytest.mark.parametrize("vector", VECTORS, ids=[v[0] for v in VECTORS])
def test_published_slip39_vectors(vector: list[object]) -> None:
    """The library we rely on, on SLIP-39's own vectors (passphrase "TREZOR")."""
    _description, mnemonics, secret_hex, _xprv = vector
    assert isinstance(mnemonics, list)
    if secret_hex:
        assert shamir_mnemonic.combine_mnemonics(mnemonics, b"TREZOR").hex() == secret_hex
    else:
        with pytest.raises(shamir_mnemonic.MnemonicError):
            shamir_mnemonic.combine_mnemonics(mnemonics)


def test_our_recovery_on_the_single_group_vectors() -> None:
    """Our parser and checks accept every valid one-group vector without a SLIP-39
    passphrase (we use none) and give the same key as the library."""
    checked = 0
    for _d, mnemonics, secret_hex, _x in VECTORS:
        if not secret_hex:
            continue
        shares = [shamir_mnemonic.Share.from_mnemonic(m) for m in mnemonics]
        if any(s.group_count != 1 for s in shares):
            continue
        assert recover_data_key(mnemonics) == shamir_mnemonic.combine_mnemonics(mnemonics)
        checked += 1
    assert checked >= 6


def test_split_and_recover_any_m_of_n() -> None:
    key = bytes(range(32))
    shares = split_data_key(key, 3, 5)
    assert len(shares) == 5
    assert all(len(s.split()) == 33 for s in shares)
    assert recover_data_key([shares[4], shares[0], shares[2]]) == key
    assert recover_data_key(shares) == key  # more than M is fine
    with pytest.raises(SharesTooFew, match="needed: 3, given: 2"):
        recover_data_key(shares[:2])


@pytest.mark.parametrize(("threshold", "count"), [(1, 3), (4, 3), (2, 1), (2, 17)])
def test_share_counts_out_of_range(threshold: int, count: int) -> None:
    with pytest.raises(ShareCountInvalid):
        split_data_key(bytes(32), threshold, count)


def forgotten_vault(folder: Path) -> str:
    with Vault.create(folder, PASSPHRASE, "volunteer", "Aigul Test", FAST_KDF) as vault:
        return TestimonyStore(vault).create_draft(one_victim({"latin": "Kept Person"}))


@pytest.mark.parametrize(("threshold", "count", "used"), [(2, 3, (2, 0)), (3, 5, (4, 1, 3))])
def test_forgotten_passphrase_restored_with_shares(
    tmp_path: Path, threshold: int, count: int, used: tuple[int, ...]
) -> None:
    tid = forgotten_vault(tmp_path / "v")
    shares = key_shares(tmp_path / "v", PASSPHRASE, threshold, count)
    # ... the passphrase is forgotten; the holders bring their shares
    restore_with_shares(tmp_path / "v", [shares[i] for i in used], NEW_PASSPHRASE, kdf=FAST_KDF)
    with pytest.raises(WrongPassphrase):
        Vault.open(tmp_path / "v", PASSPHRASE)
    with Vault.open(tmp_path / "v", NEW_PASSPHRASE) as vault:
        content = TestimonyStore(vault).get(tid).content
        assert content["victims"][0]["names"]["latin"] == "Kept Person"


def test_shares_rebuild_a_lost_header(tmp_path: Path) -> None:
    tid = forgotten_vault(tmp_path / "v")
    shares = key_shares(tmp_path / "v", PASSPHRASE, 2, 3)
    (tmp_path / "v" / HEADER_NAME).unlink()
    restore_with_shares(tmp_path / "v", shares[1:], NEW_PASSPHRASE, kdf=FAST_KDF)
    with Vault.open(tmp_path / "v", NEW_PASSPHRASE) as vault:
        assert TestimonyStore(vault).get(tid).id == tid


def test_bad_shares_are_refused_and_nothing_changes(tmp_path: Path) -> None:
    forgotten_vault(tmp_path / "v")
    header_before = (tmp_path / "v" / HEADER_NAME).read_bytes()
    shares = key_shares(tmp_path / "v", PASSPHRASE, 2, 3)
    other = split_data_key(bytes(32), 2, 3)  # another vault's (or printing's) shares
    words = shares[1].split()
    misspelt = " ".join([*words[:5], "zzzz", *words[6:]])
    swapped = " ".join([*words[:5], words[6], words[5], *words[7:]])
    cases: list[tuple[list[str], type[Exception], str]] = [
        ([shares[0], misspelt], ShareInvalid, "Share 2 "),
        ([swapped, shares[0]], ShareInvalid, "Share 1 "),
        ([shares[0], shares[0]], ShareDuplicate, "Share 2 "),
        ([shares[0], other[1]], SharesMixed, "different sets"),
        ([shares[2]], SharesTooFew, "needed: 2, given: 1"),
        ([], SharesTooFew, "given: 0"),
        (other[:2], SharesWrongVault, "do not belong"),
    ]
    for given, error, message in cases:
        with pytest.raises(error, match=message):
            restore_with_shares(tmp_path / "v", given, NEW_PASSPHRASE, kdf=FAST_KDF)
    assert (tmp_path / "v" / HEADER_NAME).read_bytes() == header_before
    Vault.open(tmp_path / "v", PASSPHRASE).close()


def test_typed_shares_with_prefixes_and_odd_spacing(tmp_path: Path) -> None:
    key = bytes(range(32, 64))
    shares = split_data_key(key, 2, 3)
    typed = "\n ".join(w[:4].upper() for w in shares[2].split())  # as read off the paper
    assert normalize_share(typed) == shares[2]
    assert recover_data_key([shares[0] + " ", typed]) == key


def test_restore_refused_while_the_vault_is_open(tmp_path: Path) -> None:
    forgotten_vault(tmp_path / "v")
    shares = key_shares(tmp_path / "v", PASSPHRASE, 2, 3)
    with (
        Vault.open(tmp_path / "v", PASSPHRASE),
        pytest.raises(VaultInUse),
    ):
        restore_with_shares(tmp_path / "v", shares[:2], NEW_PASSPHRASE, kdf=FAST_KDF)


def test_mixed_sets_are_caught_before_combining(monkeypatch: pytest.MonkeyPatch) -> None:
    """The set check itself names the problem (not a failure deep in the combination)."""
    from intake.safekeeping import paper_key

    def must_not_run(_mnemonics: object) -> bytes:
        raise AssertionError("combined shares of two sets")

    monkeypatch.setattr(paper_key, "combine_mnemonics", must_not_run)
    mine, other = split_data_key(bytes(32), 2, 3), split_data_key(bytes(32), 2, 3)
    with pytest.raises(SharesMixed):
        recover_data_key([mine[0], other[1]])


def png_header_only(path: Path, width: int, height: int) -> None:
    """A small PNG file whose header claims ``width`` x ``height`` pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_share_images_that_are_not_shares_or_too_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image, ImageFile

    from intake.safekeeping.errors import ShareImageUnreadable
    from intake.safekeeping.paper_key import share_from_image

    blank = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    for path in (blank, text, tmp_path / "missing.png"):
        with pytest.raises(ShareImageUnreadable):
            share_from_image(path)

    # decompression bombs: refused from the header, before any pixel is decoded
    def never_decode(self: object) -> None:
        raise AssertionError("decoded a bomb")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never_decode)
    for side in (9_000, 100_000):  # 81 megapixels (PIL only warns), 10 gigapixels
        bomb = tmp_path / f"bomb{side}.png"
        png_header_only(bomb, side, side)
        with pytest.raises(ShareImageUnreadable):
            share_from_image(bomb)
