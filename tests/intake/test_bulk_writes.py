"""Large writes run as bulk transactions (docs/vault-format.md, "Large imports"): adding a big
attachment from a file, and keeping or importing a big bundle in the quarantine."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from intake.bundles import quarantine
from intake.testimonies import attachments
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from tests.conftest import VaultFactory
from tests.intake.coordinator_fixtures import finalized, send, victim_testimony


def _modes(vault: Vault, seen: list[str]) -> Callable[..., None]:
    def progress(*_: int) -> None:
        seen.append(str(vault.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower())

    return progress


def test_a_large_file_is_added_in_one_bulk_transaction(
    make_vault: VaultFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault()
    tid = TestimonyStore(vault).create_draft({})
    data = os.urandom(3 << 20)
    (tmp_path / "video.mp4").write_bytes(data)
    monkeypatch.setattr(attachments, "BULK_BYTES", 2 << 20)
    big: list[str] = []
    with (tmp_path / "video.mp4").open("rb") as f:
        info = AttachmentStore(vault).add(tid, f, "video.mp4", _modes(vault, big))
    small: list[str] = []
    AttachmentStore(vault).add(tid, io.BytesIO(b"small"), "note.txt", _modes(vault, small))
    assert set(big) == {"delete"} and set(small) == {"wal"}
    assert str(vault.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
    with AttachmentStore(vault).open(info.sha256) as src:
        assert src.readall() == data


def test_a_large_bundle_waits_and_is_imported_in_bulk_transactions(
    make_vault: VaultFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator = make_vault(name="Dana", role="coordinator")
    volunteer = make_vault(name="Айгүл")
    (tid,) = finalized(volunteer, victim_testimony({"latin": "Tursun Ablimit"}, True))
    bundle = send(volunteer, coordinator, tmp_path / "usb", enroll=False)
    monkeypatch.setattr(quarantine, "BULK_BYTES", 0)
    kept: list[str] = []
    receipt = quarantine.receive_bundle(coordinator, bundle, _modes(coordinator, kept))
    assert receipt.outcome == "quarantined"
    (waiting,) = quarantine.waiting_bundles(coordinator)
    quarantine.enroll_sender(coordinator, waiting.bundle_id, fingerprint_compared=True)
    imported: list[str] = []
    report = quarantine.import_quarantined(
        coordinator,
        waiting.bundle_id,
        _modes(coordinator, imported),
    )
    assert report.outcomes == {"new": 1}
    assert [s.id for s in TestimonyStore(coordinator).list()] == [tid]
    assert "delete" in kept and set(imported) == {"delete"}
    assert str(coordinator.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
