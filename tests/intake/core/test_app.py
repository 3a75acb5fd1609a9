"""The application core: the use cases the CLI and the GUI share (intake/core/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crypto.kdf import MIN_MEMORY_KIB
from intake.bundles.errors import (
    BundleError,
    FingerprintNotCompared,
    NotInQuarantine,
    OutputExists,
)
from intake.core.app import AmanatCore
from intake.core.vaults import check_new_passphrase, create_vault, unlock_vault
from intake.errors import InvalidInput
from intake.testimonies.archive import ArchiveQuery
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


def test_the_quarantine_history_and_provenance_through_the_core(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    """What the coordinator's screens do, through the core only: a bundle from an unknown
    sender waits, its sender is enrolled once the fingerprint was compared, it is imported, and
    the history and provenance show where the testimony came from."""
    coordinator = make_vault(name="Dana", role="coordinator")
    volunteer, other = make_vault(name="Айгүл"), make_vault(name="Other")
    (tid,) = finalized(volunteer, victim_testimony({"latin": "Tursun Ablimit"}, True))
    finalized(other, victim_testimony({"latin": "Mihrigul Tursun"}, True))
    core = AmanatCore(coordinator)
    core.receive_bundles([send(volunteer, coordinator, tmp_path / "a", enroll=False)])
    core.receive_bundles([send(other, coordinator, tmp_path / "b", enroll=False)])
    by_sender = {w.sender_name: w for w in core.waiting_bundles()}
    assert sorted(by_sender) == ["Other", "Айгүл"]
    waiting, dropped = by_sender["Айгүл"], by_sender["Other"]

    with pytest.raises(FingerprintNotCompared):
        core.enroll_quarantined_sender(waiting.bundle_id, fingerprint_compared=False)
    known = core.enroll_quarantined_sender(waiting.bundle_id, fingerprint_compared=True)
    received = core.import_quarantined(waiting.bundle_id, "bundle 1")
    assert received.error is None and received.receipt is not None
    core.discard_quarantined(dropped.bundle_id)
    with pytest.raises(NotInQuarantine):
        core.discard_quarantined(dropped.bundle_id)

    assert core.waiting_bundles() == []
    assert [b.sequence for b in core.received_bundles(known.fingerprint)] == [1]
    assert core.missing_sequences(known.fingerprint) == []
    assert [(p.testimony_id, p.outcome) for p in core.provenance(tid)] == [(tid, "new")]
    page = core.archive_page(ArchiveQuery(volunteer=known.fingerprint), 10)
    assert [s.id for s in page.rows] == [tid] and page.complete


def test_seal_settings_and_printing_through_the_core(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(name="Айгүл")
    (tid,) = finalized(vault, victim_testimony({"latin": "Tursun Ablimit"}, True))
    core = AmanatCore(vault)
    assert not core.seal_is_on()
    core.set_seal(True)
    assert core.seal_is_on() and core.seal_status().on
    core.set_seal(False)
    assert not core.seal_status().on

    core.set_autolock_minutes(17)
    assert core.autolock_minutes() == 17
    with pytest.raises(InvalidInput):
        core.set_autolock_minutes(0)
    assert core.autolock_minutes() == 17

    pdf = tmp_path / "t.pdf"
    assert core.save_testimony_pdf(tid, "ug", pdf) >= 1
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_mode & 0o077 == 0
    with pytest.raises(OutputExists):  # replaced only when asked
        core.save_testimony_pdf(tid, "en", pdf)
    assert not list(tmp_path.glob("*.part"))
