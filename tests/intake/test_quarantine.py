"""The quarantine: unknown senders wait inside the vault; enroll, then import; tamper = nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake import quarantine
from intake.bundles.errors import BundleError
from intake.testimonies import TestimonyStore
from tests.conftest import VaultFactory
from tests.ui.coordinator_fixtures import finalized, send, tampered_copy, victim_testimony


def test_unknown_sender_waits_then_is_enrolled_and_imported(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    coordinator = make_vault(name="Dana", role="coordinator")
    volunteer = make_vault(name="Айгүл")
    (tid,) = finalized(volunteer, victim_testimony({"latin": "Tursun Ablimit"}, True))
    bundle = send(volunteer, coordinator, tmp_path / "usb", enroll=False)

    receipt = quarantine.receive_bundle(coordinator, bundle)
    assert receipt.outcome == "quarantined"
    assert TestimonyStore(coordinator).list() == []
    (waiting,) = quarantine.waiting_bundles(coordinator)
    assert waiting.sender_name == "Айгүл" and waiting.records == 1
    bundle.unlink()  # the vault holds its own copy

    with pytest.raises(quarantine.FingerprintNotCompared):
        quarantine.enroll_sender(coordinator, waiting.bundle_id, fingerprint_compared=False)
    card = quarantine.enroll_sender(coordinator, waiting.bundle_id, fingerprint_compared=True)
    assert card.usable and card.fingerprint == waiting.sender_fingerprint
    report = quarantine.import_quarantined(coordinator, waiting.bundle_id)
    assert report.outcomes == {"new": 1}
    assert [s.id for s in TestimonyStore(coordinator).list()] == [tid]
    assert quarantine.waiting_bundles(coordinator) == []


def test_tampered_bundle_from_unknown_sender_is_not_kept(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    coordinator = make_vault(name="Dana", role="coordinator")
    volunteer = make_vault(name="Aigul")
    finalized(volunteer, victim_testimony({"latin": "Tursun Ablimit"}, True))
    bundle = send(volunteer, coordinator, tmp_path / "usb", enroll=False)
    bad = tampered_copy(bundle, tmp_path / "bad.amanat")
    with pytest.raises(BundleError):
        quarantine.receive_bundle(coordinator, bad)
    assert quarantine.waiting_bundles(coordinator) == []
    count = coordinator.conn.execute("SELECT count(*) FROM quarantine_chunks").fetchone()[0]
    assert count == 0
