"""The coordinator's "Forward to another coordinator…" entry (docs/bundle-format.md §7.13):
the archive page's button asks the workspace to forward the selected testimonies; the dialog
lists only verified coordinator cards, writes the bundle through the core on a worker thread,
and the second coordinator's real vault imports it with the volunteer as author.

Real vaults (cheap KDF), real bundles and real Qt widgets offscreen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from intake.bundles.forwarding import origins
from intake.bundles.importer import import_bundle
from intake.cards.registry import CardRegistry, own_card
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from tests.intake.coordinator_fixtures import finalized, send, victim_testimony
from tests.ui.test_coordinator import coordinator_shell, import_and_wait, workspace_of
from ui import dialogs
from ui.coordinator.forward_dialog import ForwardDialog
from ui.coordinator.record_view import RecordDialog
from ui.shell import AppShell

__all__ = ["coordinator_shell"]  # the fixture, used by name below


def test_forward_entry_writes_a_bundle_the_second_coordinator_imports(
    qtbot: QtBot,
    coordinator_shell: AppShell,
    make_shell: Any,
    make_vault: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a: Vault = coordinator_shell.session.vault
    volunteer = make_vault(name="Айгүл", folder="v1")
    b = make_vault(name="Second Coordinator", role="coordinator", folder="coord-b")
    unverified = make_vault(name="Not Yet Verified", role="coordinator", folder="coord-c")
    (tid,) = finalized(volunteer, victim_testimony({"latin": "Tursun Ablimit"}, True))
    workspace = workspace_of(coordinator_shell)
    import_and_wait(qtbot, workspace, send(volunteer, a, tmp_path / "usb"))
    CardRegistry(a).add(own_card(b), verified=True)
    CardRegistry(a).add(own_card(unverified), verified=False)
    CardRegistry(b).add(own_card(a), verified=True)

    # the archive's button hands the selected ids to the workspace, which opens the dialog
    opened: list[ForwardDialog] = []

    def record(dialog: ForwardDialog) -> int:
        opened.append(dialog)
        return 0

    monkeypatch.setattr(dialogs, "run_and_destroy", record)
    page = workspace.archive_page
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    page.table.selectRow(0)
    page.forward_button.click()
    (dialog,) = opened
    assert dialog.ids == [tid]
    assert dialog.selected.isChecked() and dialog.selected.isEnabled()
    # only the verified coordinator is offered
    assert dialog.recipient.count() == 1
    assert dialog.recipient.currentData() == own_card(b).fingerprint

    out = tmp_path / "forward.age"
    assert dialog.save(out)
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=20_000)
    assert "1 testimony version" in dialog.message.text()
    assert out.exists()

    report = import_bundle(b, out)
    assert report.outcomes == {"new": 1}
    assert report.authors == (own_card(volunteer).fingerprint,)
    assert TestimonyStore(b).verify_version(tid, 1)
    (arrival,) = origins(b, tid)
    assert arrival.line("en").startswith("Version 1: received from coordinator Dana")
    assert "originally from Айгүл" in arrival.line("en")

    # the second coordinator's record view says who sent it and who wrote it
    shell_b = make_shell(b.path)
    shell_b.session.attach(b)
    view = RecordDialog(shell_b.session, tid)
    text = view.origins.text()
    assert "received from coordinator Dana" in text and "originally from Айгүл" in text
    assert "\u2066" in text  # fingerprints kept left to right (Uyghur layout)
    author_cell = view.signatures.item(0, 1)
    assert author_cell is not None and author_cell.text() == "Айгүл"  # not "unknown author"
    view.close()


def test_forward_dialog_without_a_verified_coordinator_says_what_to_do(
    coordinator_shell: AppShell, tmp_path: Path
) -> None:
    dialog = ForwardDialog(coordinator_shell.session, [])
    assert dialog.recipient.count() == 0
    assert not dialog.save_button.isEnabled()
    assert "compare the fingerprint" in dialog.message.text()
    assert dialog.everything.isChecked() and not dialog.selected.isEnabled()
    assert not dialog.save(tmp_path / "nothing.age")
    assert not (tmp_path / "nothing.age").exists()
