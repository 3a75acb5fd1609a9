"""The outbox dialog (send now, cancel, per-bundle state) and "Fetch from drop" on the
coordinator's import page, against a real sshd on 127.0.0.1 (tests/intake/transport/servers.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from intake.cards.registry import CardRegistry, own_card
from intake.core.app import AmanatCore
from tests.intake.coordinator_fixtures import finalized, victim_testimony
from tests.intake.transport.servers import SshServer, sshd_server
from ui.coordinator.workspace import CoordinatorWorkspace
from ui.outbox_dialog import OutboxDialog
from ui.shell import AppShell


@pytest.fixture(scope="module")
def ssh() -> Iterator[SshServer]:
    with sshd_server() as server:
        yield server


def _prepare(ssh: SshServer, volunteer: Any, coordinator: Any, folder: Path) -> str:
    CardRegistry(volunteer).add(own_card(coordinator), verified=True)
    CardRegistry(coordinator).add(own_card(volunteer), verified=True)
    boss = AmanatCore(coordinator)
    boss.drop.set(ssh.url(), host_key=ssh.host_key, identity=ssh.client_key)
    core = AmanatCore(volunteer)
    core.drop.import_description(boss.drop.export_description(), identity=ssh.client_key)
    finalized(volunteer, victim_testimony({"latin": "Erkin Test"}, publish=False))
    folder.mkdir()
    return core.export_bundle([own_card(coordinator).fingerprint], folder).bundle_id


def _state(dialog: OutboxDialog) -> str:
    item = dialog.table.item(0, 2)
    assert item is not None
    return str(item.text())


def test_outbox_sends_on_request_and_can_cancel(
    qtbot: QtBot, volunteer_shell: AppShell, make_vault: Any, ssh: SshServer, tmp_path: Path
) -> None:
    volunteer = volunteer_shell.session.vault
    coordinator = make_vault(name="Dana", role="coordinator", folder="coordinator")
    bundle = _prepare(ssh, volunteer, coordinator, tmp_path / "usb")
    dialog = OutboxDialog(volunteer_shell.session)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and _state(dialog) == "Waiting"
    assert dialog.send_button.isEnabled() and not dialog.cancel_button.isEnabled()
    assert not (ssh.drop / f"{bundle}.amanat").exists()  # nothing goes without a request

    dialog.send()
    assert dialog.cancel_button.isEnabled()
    dialog.cancel()  # before the first progress report: the worker stops there
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert "Stopped" in dialog.status.text()
    assert _state(dialog).startswith("Waiting") and dialog.send_button.isEnabled()

    dialog.send()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert _state(dialog).startswith("Sent"), dialog.status.text()
    assert (ssh.drop / f"{bundle}.amanat").is_file()
    assert not dialog.send_button.isEnabled()  # nothing left to send
    for child in ssh.drop.iterdir():
        child.unlink()


def test_fetch_from_drop_on_the_import_page(
    qtbot: QtBot, make_shell: Any, make_vault: Any, ssh: SshServer, tmp_path: Path
) -> None:
    coordinator = make_vault(name="Dana", role="coordinator", folder="coordinator")
    volunteer = make_vault(name="Aigul Test", folder="volunteer")
    bundle = _prepare(ssh, volunteer, coordinator, tmp_path / "usb")
    assert [r.outcome for r in AmanatCore(volunteer).drop.send()] == ["sent"]
    shell: AppShell = make_shell(coordinator.path)
    shell.session.attach(coordinator)
    workspace = shell.window.coordinator
    assert isinstance(workspace, CoordinatorWorkspace)
    page = workspace.import_page
    assert page.fetch_button.isEnabled()
    page.fetch_from_drop()
    qtbot.waitUntil(lambda: not page.running, timeout=20_000)
    reports = [page.reports.item(i).text() for i in range(page.reports.count())]
    assert len(reports) == 1 and "Aigul Test" in reports[0], reports
    assert (ssh.drop / "done" / f"{bundle}.amanat").is_file()
    for child in (ssh.drop / "done").iterdir():
        child.unlink()
