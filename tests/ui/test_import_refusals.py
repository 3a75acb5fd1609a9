"""The coordinator's import screen names every record refused for adding to another author's
testimony: the reason, the sender's enrolled name and fingerprint (SECURITY.md, "Insiders").

Real vaults (cheap KDF), a real hostile bundle signed by a real enrolled insider, and the real
import page offscreen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from intake.testimonies.store import TestimonyStore
from tests.intake.bundles.insiders import hostile_record, make_world, signed_bundle
from tests.ui.test_coordinator import coordinator_shell, import_and_wait, workspace_of
from ui.shell import AppShell

__all__ = ["coordinator_shell"]  # the fixture, used by name


def test_a_refused_record_is_shown_with_its_sender(
    qtbot: QtBot, coordinator_shell: AppShell, make_vault: Any, tmp_path: Path
) -> None:
    world = make_world(make_vault, tmp_path, coordinator=coordinator_shell.session.vault)
    record = hostile_record(world, world.a_record(), version=2, previous=world.a_v1_hash)
    path = world.send(signed_bundle(world, [record]))
    (report,) = import_and_wait(qtbot, workspace_of(coordinator_shell), path)
    refused = next(line for line in report.splitlines() if line.startswith("REFUSED"))
    assert world.a_tid in refused and "Mallory Insider" in refused and world.m_fp in refused
    assert "only its author can add versions" in refused
    assert "1 record was refused" in report  # one record: the singular (ntr)
    page = workspace_of(coordinator_shell).import_page
    assert page.reports.item(0).foreground().color().name() == "#b3261e"
    assert TestimonyStore(world.c).get(world.a_tid).version_no == 1
