"""The quarantine: unknown senders wait inside the vault; enroll, then import; tamper = nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from intake.bundles import bundle_report, errors, quarantine
from intake.bundles.errors import BundleError, BundleNotAddressed
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from tests.conftest import VaultFactory
from tests.intake.coordinator_fixtures import finalized, send, tampered_copy, victim_testimony


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

    with pytest.raises(errors.FingerprintNotCompared):
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


def _unknown_bundle(make_vault: VaultFactory, coordinator: Vault, folder: Path, name: str) -> Path:
    volunteer = make_vault(name=name)
    finalized(volunteer, victim_testimony({"latin": "Tursun Ablimit"}, True))
    return send(volunteer, coordinator, folder, enroll=False)


def _nothing_kept(coordinator: Vault) -> bool:
    chunks = coordinator.conn.execute("SELECT count(*) FROM quarantine_chunks").fetchone()[0]
    return quarantine.waiting_bundles(coordinator) == [] and chunks == 0


def test_bundle_above_the_cap_is_refused_before_copying(
    make_vault: VaultFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator = make_vault(name="Dana", role="coordinator")
    bundle = _unknown_bundle(make_vault, coordinator, tmp_path / "usb", "Aigul")
    monkeypatch.setattr(quarantine, "MAX_BUNDLE", bundle.stat().st_size - 1)
    with pytest.raises(errors.QuarantineBundleTooLarge) as caught:
        quarantine.receive_bundle(coordinator, bundle)
    assert caught.value.message("kk") != caught.value.message("en")
    assert _nothing_kept(coordinator)


def test_quarantine_total_is_limited(
    make_vault: VaultFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator = make_vault(name="Dana", role="coordinator")
    first = _unknown_bundle(make_vault, coordinator, tmp_path / "a", "Aigul")
    second = _unknown_bundle(make_vault, coordinator, tmp_path / "b", "Gulnar")
    total = first.stat().st_size + second.stat().st_size
    monkeypatch.setattr(quarantine, "MAX_TOTAL", total - 1)
    assert quarantine.receive_bundle(coordinator, first).outcome == "quarantined"
    assert quarantine.receive_bundle(coordinator, first).outcome == "quarantined"  # same again
    with pytest.raises(errors.QuarantineFull) as caught:
        quarantine.receive_bundle(coordinator, second)
    assert caught.value.message("zh") != caught.value.message("en")
    assert len(quarantine.waiting_bundles(coordinator)) == 1


def test_bundle_not_addressed_to_this_vault_is_not_kept(
    make_vault: VaultFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator = make_vault(name="Dana", role="coordinator")
    bundle = _unknown_bundle(make_vault, coordinator, tmp_path / "usb", "Aigul")
    # the signed recipient list names another coordinator (age still lets this vault read it)
    monkeypatch.setattr(bundle_report, "own_fingerprint", lambda identity: "0" * 64)
    with pytest.raises(BundleNotAddressed):
        quarantine.receive_bundle(coordinator, bundle)
    assert _nothing_kept(coordinator)


def test_file_that_grows_while_copied_is_refused(
    make_vault: VaultFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator = make_vault(name="Dana", role="coordinator")
    bundle = _unknown_bundle(make_vault, coordinator, tmp_path / "usb", "Aigul")

    class Growing(io.FileIO):
        grown = False

        def seek(self, pos: int, whence: int = 0, /) -> int:
            if not self.grown:  # after the size was taken and the head read, before the copy
                self.grown = True
                with open(bundle, "ab") as f:
                    f.write(b"\0" * 4096)
            return super().seek(pos, whence)

    monkeypatch.setattr(quarantine, "_open", lambda path: Growing(path, "rb"))
    with pytest.raises(errors.BundleChanged):
        quarantine.receive_bundle(coordinator, bundle)
    assert _nothing_kept(coordinator)


def test_write_ahead_log_is_bounded(make_vault: VaultFactory) -> None:
    coordinator = make_vault(name="Dana", role="coordinator")
    limit = int(coordinator.conn.execute("PRAGMA journal_size_limit").fetchone()[0])
    assert 0 <= limit <= 64 << 20
