"""The application core: the use cases the CLI and the GUI share (intake/core/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crypto.kdf import MIN_MEMORY_KIB
from intake.bundles.errors import BundleError
from intake.core.app import AmanatCore
from intake.core.vaults import check_new_passphrase, create_vault, unlock_vault
from intake.errors import InvalidInput
from intake.vault.errors import WrongPassphrase
from tests.conftest import FAST_KDF, PASSPHRASE, VaultFactory
from tests.intake.coordinator_fixtures import finalized, send, tampered_copy, victim_testimony


def test_receive_several_bundles_each_on_its_own(make_vault: VaultFactory, tmp_path: Path) -> None:
    coordinator = make_vault(name="Dana", role="coordinator")
    known, stranger = make_vault(name="Айгүл"), make_vault(name="Stranger")
    (tid,) = finalized(known, victim_testimony({"latin": "Tursun Ablimit"}, True))
    finalized(stranger, victim_testimony({"latin": "Mihrigul Tursun"}, True))
    good = send(known, coordinator, tmp_path / "usb")
    unknown = send(stranger, coordinator, tmp_path / "usb2", enroll=False)
    bad = tampered_copy(good, tmp_path / "bad.amanat")
    seen: list[int] = []

    core = AmanatCore(coordinator)
    results = core.receive_bundles([bad, good, unknown, good], seen.append)

    assert [r.name for r in results] == [bad.name, good.name, unknown.name, good.name]
    assert isinstance(results[0].error, BundleError) and results[0].receipt is None
    outcomes = [r.receipt.outcome for r in results[1:] if r.receipt is not None]
    assert outcomes == ["imported", "quarantined", "already"]
    assert [s.id for s in core.testimonies.list()] == [tid]
    assert seen == sorted(seen) and seen[0] >= 0 and seen[-1] <= 100


def test_a_progress_error_stops_every_remaining_bundle(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    coordinator = make_vault(name="Dana", role="coordinator")
    volunteer = make_vault(name="Айгүл")
    finalized(volunteer, victim_testimony({"latin": "Tursun Ablimit"}, True))
    bundle = send(volunteer, coordinator, tmp_path / "usb")

    class Locking(InvalidInput):
        pass

    def stop(_percent: int) -> None:
        raise Locking(reason="locking")

    results = AmanatCore(coordinator).receive_bundles([bundle, bundle], stop)
    assert all(isinstance(r.error, Locking) for r in results)
    assert AmanatCore(coordinator).testimonies.list() == []


def test_vaults_are_created_with_the_cost_the_caller_passes(tmp_path: Path) -> None:
    with create_vault(tmp_path / "v", PASSPHRASE, "volunteer", "A", kdf=FAST_KDF) as vault:
        assert vault.kdf_params == FAST_KDF
    with pytest.raises(WrongPassphrase):
        unlock_vault(tmp_path / "v", "not the passphrase at all")
    with unlock_vault(tmp_path / "v", PASSPHRASE) as vault:
        assert vault.identity.name == "A"


def test_the_demo_uses_the_minimum_cost_on_purpose(tmp_path: Path) -> None:
    from intake.core.vaults import create_demo

    demo = create_demo(tmp_path / "demo")
    with unlock_vault(demo.volunteer, demo.passphrase) as vault:
        assert vault.kdf_params.memory_kib == MIN_MEMORY_KIB


def test_weak_passphrases_are_refused() -> None:
    with pytest.raises(InvalidInput):
        check_new_passphrase("password1")
    check_new_passphrase("juniper lantern orbit pebble", "Aigul")
