"""The unlock page offers a rescue when the vault's database is damaged, and a vault on a
read-only medium opens in the app. Real widgets offscreen, real vaults, real damage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from intake.testimonies.store import TestimonyStore
from intake.vault import Vault, db
from intake.vault import vault as vault_module
from tests.conftest import PASSPHRASE
from tests.intake.rescue_fixtures import build_vault, file_hashes, flip_bit, page_offset
from tests.ui.conftest import DialogRecorder, type_text
from ui import unlock_page
from ui.unlock_page import RESCUE_FOLDER, UnlockPage


def _damaged_vault(folder: Path) -> Path:
    vault = build_vault(folder, testimonies=4)
    vault.close()
    size = (folder / db.DB_NAME).stat().st_size
    flip_bit(folder / db.DB_NAME, page_offset(size // db.PAGE_SIZE))  # the last page
    return folder


def test_damaged_vault_offers_rescue_and_opens_the_rescued_one(
    qtbot: QtBot,
    make_shell: Any,
    tmp_path: Path,
    recorder: DialogRecorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    damaged = _damaged_vault(tmp_path / "damaged")
    hashes = file_hashes(damaged)
    chosen = tmp_path / "usb"
    chosen.mkdir()
    (chosen / "other file.txt").write_text("not empty")
    monkeypatch.setattr(unlock_page, "choose_rescue_folder", lambda parent: chosen)
    shell = make_shell(damaged)
    page = shell.window.unlock_page
    assert isinstance(page, UnlockPage)
    assert page.rescue_button.isHidden()  # not offered before anything failed
    type_text(page.passphrase, PASSPHRASE)
    page.unlock()
    qtbot.waitUntil(lambda: page.job is None, timeout=10_000)
    assert "damaged" in page.message.text()
    assert not page.rescue_button.isHidden()
    shell.window.resize(1100, 700)
    shell.window.show()
    qtbot.waitUntil(  # the whole three-line message shows: none of it cut off
        lambda: page.message.height() >= page.message.heightForWidth(page.message.width()),
        timeout=2_000,
    )

    page.rescue()  # no passphrase typed yet: asks for it, does nothing else
    assert "Type your passphrase" in page.message.text() and page.job is None
    type_text(page.passphrase, PASSPHRASE)
    page.rescue_button.click()
    qtbot.waitUntil(lambda: page.job is None, timeout=60_000)
    target = chosen / RESCUE_FOLDER  # the chosen folder was not empty
    assert recorder.infos and "Rescued into" in recorder.infos[-1]
    assert "was not changed" in recorder.infos[-1]
    assert file_hashes(damaged) == hashes
    assert shell.session.path == target and target.name in page.notice.text()

    type_text(page.passphrase, PASSPHRASE)  # the rescued vault opens with the same passphrase
    page.unlock()
    qtbot.waitUntil(lambda: shell.window.workspace is not None, timeout=10_000)
    assert len(TestimonyStore(shell.session.vault).list()) >= 1


def test_wrong_passphrase_on_rescue(
    qtbot: QtBot, make_shell: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    damaged = _damaged_vault(tmp_path / "damaged")
    monkeypatch.setattr(unlock_page, "choose_rescue_folder", lambda parent: tmp_path / "new")
    (tmp_path / "new").mkdir()
    shell = make_shell(damaged)
    page = shell.window.unlock_page
    assert isinstance(page, UnlockPage)
    type_text(page.passphrase, "not the passphrase at all")
    page.rescue()
    qtbot.waitUntil(lambda: page.job is None, timeout=10_000)
    assert page.message.text() == "Wrong passphrase."
    assert shell.session.path == damaged and not any((tmp_path / "new").iterdir())


def test_a_read_only_vault_opens_in_the_app(
    qtbot: QtBot, make_shell: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock file cannot be made (as on a write-protected stick): the app still opens it
    for reading. (tests/intake/test_read_only_vault.py uses a real read-only mount.)"""
    vault = build_vault(tmp_path / "stick", testimonies=2)
    vault.close()
    hashes = file_hashes(tmp_path / "stick")
    monkeypatch.setattr(vault_module, "take_lock", lambda folder: None)
    shell = make_shell(tmp_path / "stick")
    page = shell.window.unlock_page
    assert isinstance(page, UnlockPage)
    type_text(page.passphrase, PASSPHRASE)
    page.unlock()
    qtbot.waitUntil(lambda: shell.window.workspace is not None, timeout=10_000)
    opened: Vault = shell.session.vault
    assert opened.read_only and len(TestimonyStore(opened).list()) == 2
    shell.session.lock()
    assert file_hashes(tmp_path / "stick") == hashes
