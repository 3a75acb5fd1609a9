"""``amanat backup``, ``backup key``, ``restore``, ``restore key`` and ``wipe``, run as a
volunteer would (a real subprocess), including the shares PDF's words and QR codes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from intake.safekeeping.paper_key import share_from_image
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.test_cli_vault import amanat
from tests.intake.testimony_fixtures import one_victim

NEW = "quiet river under seven old bridges"


def make_vault(folder: Path) -> str:
    with Vault.create(folder, PASSPHRASE, "volunteer", "Aigul Test", FAST_KDF) as vault:
        return TestimonyStore(vault).create_draft(one_victim({"latin": "Kept Person"}))


def test_backup_and_restore(tmp_path: Path) -> None:
    tid = make_vault(tmp_path / "v")
    usb = tmp_path / "usb"
    usb.mkdir()
    r = amanat("backup", "--vault", str(tmp_path / "v"), "--to", str(usb))
    assert r.returncode == 0, r.stderr
    (backup,) = usb.iterdir()
    r = amanat("backup", "--vault", str(tmp_path / "v"), "--to", str(tmp_path / "v"))
    assert r.returncode == 2
    assert "own folder" in r.stderr
    r = amanat("restore", str(backup), "--to", str(tmp_path / "v"))
    assert r.returncode == 2  # an existing vault is never replaced
    assert "already exists" in r.stderr
    r = amanat("restore", str(backup), "--to", str(tmp_path / "new"))
    assert r.returncode == 0, r.stderr
    with Vault.open(tmp_path / "new", PASSPHRASE) as vault:
        assert TestimonyStore(vault).get(tid).id == tid


def pdf_pages_as_png(pdf: Path, folder: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", "110", str(pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


def test_paper_key_to_pdf_then_restore_from_two_qr_codes(tmp_path: Path) -> None:
    tid = make_vault(tmp_path / "v")
    pdf = tmp_path / "shares.pdf"
    r = amanat(
        "backup", "key", "--vault", str(tmp_path / "v"), "--shares", "3", "--threshold", "2",
        "-o", str(pdf),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "any 2 of its pages open the vault" in r.stderr
    assert pdf.stat().st_mode & 0o077 == 0  # owner-only
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert text.count("Vault ID:") == 3
    pages = pdf_pages_as_png(pdf, tmp_path)
    assert len(pages) == 3
    shares = [share_from_image(page) for page in pages]
    assert len(set(shares)) == 3
    assert all(len(s.split()) == 33 and s.split()[0] in text for s in shares)
    # the passphrase is forgotten: two sheets, scanned, open the vault
    r = amanat(
        "restore", "key", "--vault", str(tmp_path / "v"), "--qr", str(pages[2]),
        "--qr", str(pages[0]), passphrase=None, env={"AMANAT_NEW_PASSPHRASE": NEW},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    with Vault.open(tmp_path / "v", NEW) as vault:
        assert TestimonyStore(vault).get(tid).id == tid


def test_restore_key_typed_and_refused(tmp_path: Path) -> None:
    make_vault(tmp_path / "v")
    from intake.safekeeping.paper_key import key_shares

    shares = key_shares(tmp_path / "v", PASSPHRASE, 3, 5)
    env = {"AMANAT_NEW_PASSPHRASE": NEW}
    args = ("restore", "key", "--vault", str(tmp_path / "v"))
    r = amanat(*args, passphrase=None, env=env, stdin=f"{shares[0]}\n{shares[0]}\n{shares[1]}\n")
    assert r.returncode == 8
    assert "repeats a share" in r.stderr
    r = amanat(*args, passphrase=None, env=env, stdin=f"{shares[0]}\n\n{shares[1]}\n")
    assert r.returncode == 8
    assert "needed: 3, given: 2" in r.stderr
    typed = "\n".join([shares[4], shares[1], shares[3]]) + "\n"
    r = amanat(*args, passphrase=None, env=env, stdin=typed)
    assert r.returncode == 0, r.stderr
    Vault.open(tmp_path / "v", NEW).close()


def test_wipe(tmp_path: Path) -> None:
    make_vault(tmp_path / "v")
    r = amanat("wipe", "--vault", str(tmp_path / "v"), passphrase=None)
    assert r.returncode == 2  # no terminal to type the word: refused, nothing erased
    assert (tmp_path / "v" / "vault.json").exists()
    r = amanat("wipe", "--vault", str(tmp_path / "v"), "--yes", passphrase=None)
    assert r.returncode == 0, r.stderr
    assert "erased" in r.stdout
    assert not (tmp_path / "v").exists()
    r = amanat("wipe", "--vault", str(tmp_path / "v"), "--yes", passphrase=None)
    assert r.returncode == 5


@pytest.mark.parametrize("missing", ["--to"])
def test_backup_needs_a_target(tmp_path: Path, missing: str) -> None:
    make_vault(tmp_path / "v")
    r = amanat("backup", "--vault", str(tmp_path / "v"))
    assert r.returncode == 2
    assert missing in r.stderr


def wipe_at_a_terminal(folder: Path, typed: str) -> subprocess.CompletedProcess[str]:
    """``amanat wipe`` with a terminal as its input, answering the prompt with ``typed``."""
    import os
    import sys

    main, terminal = os.openpty()
    try:
        env = {k: v for k, v in os.environ.items() if k != "AMANAT_PASSPHRASE"}
        process = subprocess.Popen(
            [sys.executable, "-m", "intake.cli.main", "wipe", "--vault", str(folder)],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        os.write(main, typed.encode() + b"\n")
        out, err = process.communicate(timeout=60)
    finally:
        os.close(main)
        os.close(terminal)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_wipe_asks_for_the_word_at_a_terminal(tmp_path: Path) -> None:
    make_vault(tmp_path / "v")
    r = wipe_at_a_terminal(tmp_path / "v", "wipe please")
    assert r.returncode == 2, r.stderr
    assert "Type WIPE" in r.stdout
    assert "Nothing was wiped" in r.stderr
    assert (tmp_path / "v" / "vault.json").exists()
    r = wipe_at_a_terminal(tmp_path / "v", "WIPE")
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "v").exists()
