"""File › My card… in both apps, the own fingerprint in the status bar, and importing a card
from a picture of its QR code in the volunteer's and the coordinator's screens.

Real vaults, the real CLI for the fingerprint it prints, zxing-cpp to read the saved QR back.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from crypto.card import serialize_card
from intake.cards.registry import own_card
from intake.vault import Vault
from tests.conftest import PASSPHRASE, create_closed_vault
from tests.intake.test_card_files import photo_of
from tests.intake.test_cli_vault import amanat
from tests.ui.conftest import DialogRecorder
from ui import dialogs, my_card_dialog
from ui.main_window import MainWindow
from ui.my_card_dialog import MyCardDialog
from ui.setup.card_page import CardPage
from ui.shell import AppShell

GROUPS = 7


def cli_fingerprint(folder: Path) -> str:
    r = amanat("info", "--vault", str(folder), "--json")
    assert r.returncode == 0, r.stderr
    return str(json.loads(r.stdout)["fingerprint"])


def open_shell(make_shell: Any, folder: Path, lang: str = "en") -> AppShell:
    shell: AppShell = make_shell(folder, lang)
    shell.session.attach(Vault.open(folder, PASSPHRASE))
    return shell


def shown_dialog(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> MyCardDialog:
    """Trigger File › My card… and return the dialog it would have shown."""
    seen: list[QDialog] = []

    def record(dialog: QDialog) -> int:
        seen.append(dialog)
        return 0

    monkeypatch.setattr(dialogs, "run_and_destroy", record)
    assert window.my_card_action.isEnabled()
    window.my_card_action.trigger()
    assert len(seen) == 1 and isinstance(seen[0], MyCardDialog)
    return seen[0]


def grabbed(widget: QWidget) -> Image.Image:
    """What ``widget`` paints, as a PIL image (through PNG bytes in memory)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    widget.grab().save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(data.data())))


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


@pytest.mark.parametrize("role", ["volunteer", "coordinator"])
def test_my_card_shows_the_fingerprint_the_cli_prints(
    role: str, qtbot: QtBot, tmp_path: Path, make_shell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = create_closed_vault(tmp_path / role, role, "Aigul Test")
    expected = cli_fingerprint(folder)
    shell = open_shell(make_shell, folder)
    dialog = shown_dialog(shell.window, monkeypatch)
    assert digits(dialog.fingerprint.text()) == digits(expected)
    assert len(dialog.fingerprint.text().split()) == GROUPS  # grouped, as read aloud
    assert dialog.fingerprint.font().pointSizeF() >= 20  # large
    assert not dialog.qr.pixmap().isNull()
    # what the screen shows scans back to this vault's card (nothing of the QR is clipped)
    dialog.adjustSize()
    assert dialog.qr.size() == dialog.qr.pixmap().size()
    found = zxingcpp.read_barcodes(grabbed(dialog.qr))
    assert [bytes(code.bytes) for code in found] == [dialog.mine.data]
    # the fingerprint is also always visible in the window's status bar
    assert digits(shell.window.own_fingerprint.text()) == digits(expected)
    assert shell.window.own_fingerprint.isVisibleTo(shell.window)
    shell.session.lock()  # the archive may still be loading: the lock waits for it
    qtbot.waitUntil(lambda: shell.window.unlock_page is not None, timeout=10_000)
    assert shell.window.own_fingerprint.text() == ""
    assert not shell.window.my_card_action.isEnabled()


def test_saved_card_and_qr_png_decode_back_to_the_same_card(
    tmp_path: Path, make_shell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = create_closed_vault(tmp_path / "coord", "coordinator", "Dana")
    shell = open_shell(make_shell, folder)
    dialog = MyCardDialog(shell.session, shell.window)
    answers = iter([tmp_path / "out" / "dana.card", tmp_path / "out" / "dana.png"])
    (tmp_path / "out").mkdir()
    monkeypatch.setattr(my_card_dialog, "choose_save_path", lambda *_a: next(answers))
    dialog.save_card_button.click()
    assert "dana.card" in dialog.message.text()
    dialog.save_qr_button.click()
    assert "dana.png" in dialog.message.text()
    card_bytes = (tmp_path / "out" / "dana.card").read_bytes()
    assert card_bytes == serialize_card(own_card(shell.session.vault))
    image = Image.open(io.BytesIO((tmp_path / "out" / "dana.png").read_bytes()))
    found = zxingcpp.read_barcodes(image)
    assert [bytes(code.bytes) for code in found] == [card_bytes]
    assert not list((tmp_path / "out").glob("*.part"))


def test_a_failed_save_says_why(
    tmp_path: Path, make_shell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shell = open_shell(make_shell, create_closed_vault(tmp_path / "v", "volunteer", "Aigul"))
    dialog = MyCardDialog(shell.session, shell.window)
    missing = tmp_path / "no such folder" / "card.card"
    monkeypatch.setattr(my_card_dialog, "choose_save_path", lambda *_a: missing)
    dialog.save_card_button.click()
    assert "Cannot write" in dialog.message.text()
    assert not missing.exists()


def test_volunteer_adds_a_coordinator_from_a_photo_of_the_qr(
    tmp_path: Path, make_shell: Any, make_vault: Any
) -> None:
    coordinator = make_vault(name="Dana", role="coordinator", folder="c")
    from intake.core.app import AmanatCore

    mine = AmanatCore(coordinator).my_card()
    photo = tmp_path / "IMG_2231.jpg"
    photo.write_bytes(photo_of(mine.qr_png))
    shell = open_shell(make_shell, create_closed_vault(tmp_path / "v", "volunteer", "Aigul"))
    page = CardPage(shell.session, first_run=False)
    page.load_file(photo)
    assert page.card is not None and page.fingerprint.text() == mine.fingerprint
    assert not page.add_button.isEnabled()  # not before the comparison is ticked
    page.compared.setChecked(True)
    page.add_button.click()
    known = shell.session.core.cards.get(mine.fingerprint)
    assert known is not None and known.verified


def test_volunteer_sees_why_a_picture_is_not_a_card(tmp_path: Path, make_shell: Any) -> None:
    picture = tmp_path / "cat.png"
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), (200, 150, 100)).save(buffer, "PNG")
    picture.write_bytes(buffer.getvalue())
    shell = open_shell(make_shell, create_closed_vault(tmp_path / "v", "volunteer", "Aigul"))
    page = CardPage(shell.session, first_run=False)
    page.load_file(picture)
    assert page.card is None and not page.details.isVisibleTo(page)
    assert "No Amanat card was found in this picture" in page.message.text()


def test_coordinator_enrolls_a_volunteer_from_the_qr_png(
    tmp_path: Path,
    make_shell: Any,
    make_vault: Any,
    recorder: DialogRecorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    volunteer = make_vault(name="Berik", folder="berik")
    from intake.core.app import AmanatCore

    png = tmp_path / "berik.png"
    AmanatCore(volunteer).save_my_card(None, png)
    shell = open_shell(make_shell, create_closed_vault(tmp_path / "c", "coordinator", "Dana"))
    coordinator = shell.window.coordinator
    assert coordinator is not None
    page = coordinator.volunteers_page
    compared: list[str] = []

    def ask(card: Any) -> bool:
        compared.append(card.name)
        return True

    monkeypatch.setattr(page, "ask_comparison", ask)
    assert page.enroll_file(png)
    assert compared == ["Berik"]
    assert page.table.rowCount() == 1
    assert recorder.errors == []
