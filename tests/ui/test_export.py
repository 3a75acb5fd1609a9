"""Export from the GUI: coordinators, selection, folder, progress, cancel, summary, seal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from intake.bundles import seal
from intake.bundles.importer import import_bundle, verify_bundle
from intake.cards.registry import CardRegistry, own_card
from intake.testimonies import store as testimonies
from intake.vault import Vault
from tests.conftest import REPO
from ui.export_dialog import ExportDialog
from ui.shell import AppShell


def _exchange_cards(volunteer: Vault, coordinator: Vault) -> None:
    CardRegistry(volunteer).add(own_card(coordinator), verified=True)
    CardRegistry(coordinator).add(own_card(volunteer), verified=True)


def _final_testimony(vault: Vault) -> str:
    example = json.loads((REPO / "docs/examples/testimony.json").read_text("utf-8"))
    store = testimonies.TestimonyStore(vault)
    testimony_id = store.create_draft(example["content"])
    store.finalize(testimony_id)
    return testimony_id


def test_export_writes_a_bundle_the_coordinator_verifies(
    qtbot: QtBot, volunteer_shell: AppShell, make_vault: Any, tmp_path: Path
) -> None:
    volunteer = volunteer_shell.session.vault
    coordinator = make_vault(name="Dana", role="coordinator", folder="coordinator")
    _exchange_cards(volunteer, coordinator)
    testimony_id = _final_testimony(volunteer)
    usb = tmp_path / "usb"
    usb.mkdir()

    dialog = ExportDialog(volunteer_shell.session, testimony_id)
    assert list(dialog.recipients) == [own_card(coordinator).fingerprint]
    assert not dialog.export_button.isEnabled()  # no folder yet
    dialog.set_folder(usb)
    assert dialog.export_button.isEnabled()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert dialog.result_info is not None, dialog.message.text()
    (bundle,) = usb.iterdir()
    assert bundle == dialog.result_info.path and not bundle.name.endswith(".part")
    assert str(bundle) in dialog.message.text()
    assert dialog.result_info.records == 1
    assert dialog.result_info.post_quantum  # the coordinator's card offers the hybrid key
    assert b"-> mlkem768x25519 " in bundle.read_bytes()[:4096]

    report = verify_bundle(coordinator, bundle)
    assert report.problem is None and report.sender_name == "Aigul Test"
    import_bundle(coordinator, bundle)
    assert [s.id for s in testimonies.TestimonyStore(coordinator).list()] == [testimony_id]


def test_cancel_leaves_no_file(
    qtbot: QtBot, volunteer_shell: AppShell, make_vault: Any, tmp_path: Path
) -> None:
    volunteer = volunteer_shell.session.vault
    _exchange_cards(volunteer, make_vault(role="coordinator", folder="c"))
    _final_testimony(volunteer)
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = ExportDialog(volunteer_shell.session)
    dialog.set_folder(usb)
    dialog.start()
    dialog.cancel()  # before the first chunk: the worker stops at its first progress report
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert dialog.result_info is None
    assert list(usb.iterdir()) == []
    assert "cancelled" in dialog.message.text()


def test_seal_option_is_stored_in_the_vault(
    qtbot: QtBot, volunteer_shell: AppShell, make_vault: Any, tmp_path: Path
) -> None:
    volunteer = volunteer_shell.session.vault
    _exchange_cards(volunteer, make_vault(role="coordinator", folder="c"))
    dialog = ExportDialog(volunteer_shell.session)
    assert not dialog.seal.isChecked() and not seal.is_on(volunteer)
    dialog.seal.setChecked(True)
    dialog.set_folder(tmp_path)
    dialog.start()  # nothing final to export: fails, but the policy was stored first
    assert seal.is_on(volunteer)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert (
        dialog.message.text() == "There is nothing to export: no finalized testimony was selected."
    )


def test_without_a_verified_coordinator_export_is_impossible(
    volunteer_shell: AppShell, tmp_path: Path
) -> None:
    dialog = ExportDialog(volunteer_shell.session)
    dialog.set_folder(tmp_path)
    assert not dialog.recipients and not dialog.export_button.isEnabled()


def test_classic_option_writes_an_x25519_bundle(
    qtbot: QtBot, volunteer_shell: AppShell, make_vault: Any, tmp_path: Path
) -> None:
    volunteer = volunteer_shell.session.vault
    coordinator = make_vault(role="coordinator", folder="c")
    _exchange_cards(volunteer, coordinator)
    _final_testimony(volunteer)
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = ExportDialog(volunteer_shell.session)
    dialog.set_folder(usb)
    assert not dialog.classic.isChecked()  # post-quantum unless asked
    dialog.classic.setChecked(True)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert dialog.result_info is not None and not dialog.result_info.post_quantum
    (bundle,) = usb.iterdir()
    head = bundle.read_bytes()[:4096]
    assert b"-> X25519 " in head and b"mlkem768x25519" not in head
    import_bundle(coordinator, bundle)
