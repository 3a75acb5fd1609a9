"""One rule for every file Amanat writes (intake/bundles/files.py): FILE.part, locked while it is
written; a FILE.part left by a killed run is removed by the next write, one that a live run is
writing is left alone; an existing FILE is replaced only with --overwrite. Real processes are
killed with SIGKILL; the commands are the real ``amanat``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from intake.cards.registry import own_card
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE, REPO
from tests.intake.bundles.cli import amanat
from tests.intake.bundles.vaults import add_final, exchange_cards

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows")

# A writer that creates FILE.part through the real code, writes to it, says so, then waits
# for a line on stdin (alive) or kills itself (dead, with the .part left behind).
WRITER = """
import os, sys
from pathlib import Path
from intake.bundles import files
part = files.open_part(Path(sys.argv[1]), private=True)
part.write(b"half a file " * 1000)
print("writing", flush=True)
if sys.argv[2] == "die":
    os.kill(os.getpid(), 9)
sys.stdin.readline()
"""


def _writer(path: Path, how: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    return proc


@pytest.fixture
def volunteer(tmp_path: Path) -> tuple[Path, str]:
    """A closed volunteer vault with one final testimony, and its coordinator's fingerprint."""
    v = Vault.create(tmp_path / "v", PASSPHRASE, "volunteer", "V", FAST_KDF)
    c = Vault.create(tmp_path / "c", PASSPHRASE, "coordinator", "C", FAST_KDF)
    exchange_cards(v, c)
    add_final(v)
    fingerprint = own_card(c).fingerprint
    v.close()
    c.close()
    return tmp_path / "v", fingerprint


def test_a_part_left_by_a_killed_export_does_not_block_the_next(
    tmp_path: Path, volunteer: tuple[Path, str]
) -> None:
    vault, coordinator = volunteer
    target = tmp_path / "usb" / "b.age"
    target.parent.mkdir()
    dead = _writer(target, "die")
    assert dead.wait(30) == -signal.SIGKILL
    assert (tmp_path / "usb" / "b.age.part").exists()
    amanat("export", "--vault", vault, "--to", coordinator, "--new", "-o", target)
    assert target.stat().st_size > 0
    assert sorted(p.name for p in target.parent.iterdir()) == ["b.age"]


def test_a_part_that_a_live_run_writes_is_left_alone(
    tmp_path: Path, volunteer: tuple[Path, str]
) -> None:
    vault, coordinator = volunteer
    target = tmp_path / "b.age"
    alive = _writer(target, "wait")
    inode = (tmp_path / "b.age.part").stat().st_ino
    try:
        result = amanat(
            "export", "--vault", vault, "--to", coordinator, "--new", "-o", target, check=False
        )
        assert result.returncode == 8 and "already exists" in result.stderr
        assert (tmp_path / "b.age.part").stat().st_ino == inode  # the live writer's file
    finally:
        alive.kill()
        alive.wait()
    amanat("export", "--vault", vault, "--to", coordinator, "--new", "-o", target)
    assert not (tmp_path / "b.age.part").exists()


def test_a_stale_plaintext_pdf_part_is_removed_by_the_next_print(tmp_path: Path) -> None:
    target = tmp_path / "form.pdf"
    _writer(target, "die").wait(30)
    assert (tmp_path / "form.pdf.part").exists()
    amanat("pdf", "blank", "--lang", "en", "-o", target)
    assert target.read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "form.pdf.part").exists()


@pytest.mark.parametrize("command", ["pdf-blank", "pdf-testimony", "export-data"])
def test_no_writer_replaces_a_file_unless_asked(
    tmp_path: Path, volunteer: tuple[Path, str], command: str
) -> None:
    # pdf testimony -o EXISTING overwrote silently while export-data refused: one rule now.
    vault, _ = volunteer
    tid = amanat("testimony", "list", "--vault", vault, "--json").stdout
    testimony = tid.split('"id": "', 1)[1].split('"', 1)[0]
    args = {
        "pdf-blank": ("pdf", "blank", "--lang", "en"),
        "pdf-testimony": ("pdf", "testimony", "--vault", str(vault), testimony, "--lang", "en"),
        "export-data": ("export-data", "--vault", str(vault), "--format", "csv", "--all"),
    }[command] + (("--yes",) if command == "export-data" else ())
    existing = tmp_path / "existing.out"
    existing.write_bytes(b"keep me")
    refused = amanat(*args, "-o", existing, check=False)
    assert refused.returncode == 8 and "already exists" in refused.stderr
    assert existing.read_bytes() == b"keep me"
    amanat(*args, "-o", existing, "--overwrite")
    assert existing.read_bytes() != b"keep me" and existing.stat().st_size > 100
    assert oct(existing.stat().st_mode & 0o777) == oct(0o600)  # plaintext: owner only
    assert not (tmp_path / "existing.out.part").exists()
    os.unlink(existing)
