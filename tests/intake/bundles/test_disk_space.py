"""Importing onto a real small disk (a tmpfs mounted for the test): a small bundle imports with
a few MB free, a bundle that cannot fit is refused at once with numbers, and a disk that fills
up during the import ends in StorageFull with nothing changed (intake/bundles/space.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake.bundles.errors import NotEnoughSpace
from intake.bundles.export import export_bundle
from intake.bundles.importer import import_bundle
from intake.cards.registry import own_card
from intake.errors import StorageFull
from intake.i18n import format_size
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.bundles.cli import amanat
from tests.intake.bundles.vaults import add_final, exchange_cards, logical_dump, photo

DISK = 12 << 20


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A real 12 MiB file system (tmpfs), unmounted at the end."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _leave_free(disk: Path, free: int) -> None:
    """Fill the disk with zeros until about ``free`` bytes are left."""
    fill = shutil.disk_usage(disk).free - free
    with open(disk / "filler", "wb") as f:
        f.write(bytes(fill))
    assert abs(shutil.disk_usage(disk).free - free) < (256 << 10)


def _setup(tmp_path: Path, disk: Path, photos: tuple[bytes, ...]) -> tuple[Vault, Path]:
    """A coordinator vault on ``disk`` and a bundle for it (made on the big disk)."""
    volunteer = Vault.create(tmp_path / "v", PASSPHRASE, "volunteer", "V", FAST_KDF)
    coordinator = Vault.create(disk / "c", PASSPHRASE, "coordinator", "C", FAST_KDF)
    exchange_cards(volunteer, coordinator)
    add_final(volunteer, photos)
    bundle = export_bundle(
        volunteer, [own_card(coordinator).fingerprint], tmp_path / "b.age", selection="new"
    ).path
    volunteer.close()
    return coordinator, bundle


def test_a_small_bundle_imports_with_a_few_mb_free(tmp_path: Path, disk: Path) -> None:
    # Refused before ("the disk is full"): a fixed 64 MiB margin was asked for any bundle.
    coordinator, bundle = _setup(tmp_path, disk, ())
    assert bundle.stat().st_size < 40_000
    _leave_free(disk, 6 << 20)
    with coordinator:
        report = import_bundle(coordinator, bundle)
        assert report.outcomes == {"new": 1}


def test_a_bundle_that_cannot_fit_is_refused_with_numbers(tmp_path: Path, disk: Path) -> None:
    coordinator, bundle = _setup(tmp_path, disk, (photo(3, 4_000_000),))
    _leave_free(disk, 4 << 20)
    with coordinator:
        before = logical_dump(coordinator)
        with pytest.raises(NotEnoughSpace) as caught:
            import_bundle(coordinator, bundle)
        assert logical_dump(coordinator) == before
    text = caught.value.message("en")
    assert "MB are needed" in text and "MB are free" in text
    result = amanat("import", "--vault", disk / "c", bundle, check=False)
    assert result.returncode == 11  # disk full, in the README's table
    assert "There is not enough free disk space for this: about 1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_disk_that_fills_during_the_import_loses_nothing(
    tmp_path: Path, disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator, bundle = _setup(tmp_path, disk, (photo(4, 4_000_000),))
    _leave_free(disk, 3 << 20)
    real = shutil.disk_usage
    # the estimate is told there is plenty (a fake), so the real disk fills up mid-import
    monkeypatch.setattr(
        "intake.bundles.space.shutil.disk_usage", lambda p: real(p)._replace(free=1 << 40)
    )
    with coordinator:
        before = logical_dump(coordinator)
        with pytest.raises(StorageFull):
            import_bundle(coordinator, bundle)
        assert logical_dump(coordinator) == before
        os.unlink(disk / "filler")
        report = import_bundle(coordinator, bundle)
        assert report.outcomes == {"new": 1} and report.attachments_new == 1


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (999, "999 bytes"),
        (21_000, "21\u00a0kB"),
        (3_400_000, "3.4\u00a0MB"),
        (12 << 30, "13\u00a0GB"),
    ],
)
def test_sizes_read_as_a_person_reads_them(size: int, text: str) -> None:
    assert format_size(size, "en") == text


def test_bulk_is_possible_only_while_no_other_thread_holds_a_connection(
    tmp_path: Path,
) -> None:
    # A bulk transaction writes pages once only while no other connection is open (the
    # desktop app always has one): then the write-ahead log's copy must be counted too.
    import threading

    vault = Vault.create(tmp_path / "c", PASSPHRASE, "coordinator", "C", FAST_KDF)
    with vault:
        assert vault.bulk_possible
        other = threading.Thread(target=lambda: vault.conn.execute("SELECT 1").fetchone())
        other.start()
        other.join()
        assert not vault.bulk_possible
