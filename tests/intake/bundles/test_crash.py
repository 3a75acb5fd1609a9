"""Crash safety: a process killed with SIGKILL halfway through an export leaves no bundle file
and the vault unchanged; killed halfway through an import, the vault is as it was, opens,
and the same bundle then imports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from intake.bundles.export import export_bundle
from intake.bundles.importer import import_bundle
from intake.cards.registry import own_card
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE, REPO
from tests.intake.bundles.vaults import add_final, exchange_cards, logical_dump, photo

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")


def _kill_halfway(*args: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.intake.bundles.crash_child", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "halfway", (line, child.stderr.read() if child.stderr else "")
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def _dump(folder: Path) -> dict[str, list[tuple[object, ...]]]:
    with Vault.open(folder, PASSPHRASE) as vault:
        return logical_dump(vault)


def _pair(tmp_path: Path) -> tuple[Path, Path, str]:
    volunteer = Vault.create(tmp_path / "v", PASSPHRASE, "volunteer", "V", FAST_KDF)
    coordinator = Vault.create(tmp_path / "c", PASSPHRASE, "coordinator", "C", FAST_KDF)
    with volunteer, coordinator:
        exchange_cards(volunteer, coordinator)
        add_final(volunteer, (photo(7, 12_000_000),))
        fingerprint = own_card(coordinator).fingerprint
    return tmp_path / "v", tmp_path / "c", fingerprint


def test_sigkill_during_export(tmp_path: Path) -> None:
    volunteer, _, fingerprint = _pair(tmp_path)
    before = _dump(volunteer)
    out = tmp_path / "bundle.age"
    _kill_halfway("export", str(volunteer), fingerprint, str(out))
    assert not out.exists()
    assert _dump(volunteer) == before
    with Vault.open(volunteer, PASSPHRASE) as vault:  # it still works; the .part is in the way
        (tmp_path / "bundle.age.part").unlink()
        result = export_bundle(vault, [fingerprint], out, selection="all-final")
    assert result.sequence == 1 and out.is_file()


@pytest.mark.parametrize("bulk", [False, True])
def test_sigkill_during_import(tmp_path: Path, bulk: bool) -> None:
    volunteer, coordinator, fingerprint = _pair(tmp_path)
    out = tmp_path / "bundle.age"
    with Vault.open(volunteer, PASSPHRASE) as vault:
        export_bundle(vault, [fingerprint], out, selection="all-final")
    before = _dump(coordinator)
    _kill_halfway("import", str(coordinator), str(out), *(["bulk"] if bulk else []))
    # A large bundle is written with a rollback journal: it is left behind, hot, and the
    # next open rolls the half-written pages back.
    assert (coordinator / "vault.db-journal").exists() == bulk
    assert _dump(coordinator) == before
    assert not (coordinator / "vault.db-journal").exists()
    with Vault.open(coordinator, PASSPHRASE) as vault:
        report = import_bundle(vault, out)
    assert report.outcomes == {"new": 1} and report.attachments_new == 1
