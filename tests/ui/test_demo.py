"""The demo from the first screen: built in the window with named steps and a progress bar,
both roles offered, the coordinator's vault already holding the volunteer's testimonies, and
the other role one click away on the unlock screen. The real vault folder is never touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from intake.vault import is_vault
from ui import dialogs
from ui.setup import demo_dialog
from ui.setup.demo_dialog import DemoDialog
from ui.shell import AppShell


def start_demo(
    shell: AppShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[DemoDialog, list[int], list[str]]:
    """Press the first screen's demo button; return the dialog and what it showed."""
    monkeypatch.setattr(demo_dialog, "new_demo_folder", lambda: tmp_path / "demo")
    seen: list[QDialog] = []

    def record(dialog: QDialog) -> int:
        seen.append(dialog)
        return 0

    monkeypatch.setattr(dialogs, "run_and_destroy", record)
    flow = shell.window.first_run
    assert flow is not None
    flow.language_page.demo_button.click()
    assert len(seen) == 1 and isinstance(seen[0], DemoDialog)
    dialog = seen[0]
    percents: list[int] = []
    steps: list[str] = []

    def shown(value: int) -> None:
        percents.append(value)
        steps.append(dialog.step_label.text())

    dialog.progress.valueChanged.connect(shown)
    return dialog, percents, steps


def test_demo_opens_the_coordinator_with_the_volunteers_testimonies(
    qtbot: QtBot, tmp_path: Path, make_shell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real-vault"
    shell: AppShell = make_shell(real)
    dialog, percents, steps = start_demo(shell, tmp_path, monkeypatch)
    assert not dialog.coordinator_button.isEnabled()  # no choice before the vaults exist
    qtbot.waitUntil(dialog.coordinator_button.isEnabled, timeout=30_000)
    assert dialog.volunteer_button.isEnabled() and dialog.choice_label.isVisibleTo(dialog)
    assert any(0 < p < 100 for p in percents) and dialog.progress.value() == 100
    assert len({s for s in steps if s}) >= 3  # the steps are named while they run
    dialog.coordinator_button.click()
    qtbot.waitUntil(lambda: shell.session.is_unlocked, timeout=10_000)
    assert shell.session.role == "coordinator"
    assert shell.window.coordinator is not None and shell.window.first_run is None
    assert len(shell.session.core.testimonies.list()) == 2  # received from the volunteer
    assert shell.session.path == tmp_path / "demo" / "coordinator"
    assert not is_vault(real)  # the real vault's place stays untouched

    shell.session.lock()
    qtbot.waitUntil(lambda: shell.window.unlock_page is not None, timeout=10_000)
    page = shell.window.unlock_page
    assert page is not None
    assert "demo only apricot lantern river" in page.notice.text().replace("\u00a0", " ")
    assert page.switch_demo_button.isVisibleTo(page)
    assert page.switch_demo_button.text() == "Open the demo volunteer instead"
    page.switch_demo_button.click()
    assert shell.session.path == tmp_path / "demo" / "volunteer"
    assert page.switch_demo_button.text() == "Open the demo coordinator instead"


def test_demo_opens_the_volunteer_too(
    qtbot: QtBot, tmp_path: Path, make_shell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shell: AppShell = make_shell(tmp_path / "real-vault")
    dialog, _percents, _steps = start_demo(shell, tmp_path, monkeypatch)
    qtbot.waitUntil(dialog.volunteer_button.isEnabled, timeout=30_000)
    dialog.volunteer_button.click()
    qtbot.waitUntil(lambda: shell.session.is_unlocked, timeout=10_000)
    assert shell.session.role == "volunteer"
    assert shell.window.workspace is not None
    assert shell.window.workspace.list_page.model.rowCount() == 3  # two finals and a draft


def test_unlock_page_of_a_real_vault_offers_no_demo_switch(
    tmp_path: Path, make_shell: Any, make_vault: Any
) -> None:
    vault = make_vault(folder="volunteer")
    vault.close()
    shell: AppShell = make_shell(vault.path)
    page = shell.window.unlock_page
    assert page is not None and not page.switch_demo_button.isVisibleTo(page)
