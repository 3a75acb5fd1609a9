"""First run: language → vault (weak passphrase refused) → coordinator card → workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from crypto.card import serialize_card
from intake.cards.registry import CardRegistry, own_card
from intake.vault import is_vault
from tests.conftest import FAST_KDF
from tests.ui.conftest import DialogRecorder, type_text
from ui.setup.create_vault_page import CreateVaultPage
from ui.setup.first_run import FirstRunFlow

STRONG = "juniper lantern orbit pebble"


def _flow(shell: Any) -> FirstRunFlow:
    flow = shell.window.first_run
    assert isinstance(flow, FirstRunFlow)
    return flow


def test_first_run_creates_vault_then_adds_verified_coordinator_card(
    qtbot: QtBot, tmp_path: Path, make_shell: Any, make_vault: Any
) -> None:
    folder = tmp_path / "new-vault"
    shell = make_shell(folder)
    flow = _flow(shell)
    assert flow.step == "language"
    assert set(flow.language_page.buttons) == {"en", "kk", "ug", "ru", "zh", "tr"}
    flow.language_page.next_button.click()
    assert flow.step == "vault"

    page = flow.vault_page
    page.kdf = FAST_KDF  # tests pass a cheap cost; the app calibrates
    type_text(page.name, "Айгүл")  # a Kazakh display name, typed key by key
    type_text(page.passphrase, STRONG)
    type_text(page.repeat, STRONG)
    assert page.create_button.isEnabled()
    page.create_button.click()
    qtbot.waitUntil(lambda: shell.session.is_unlocked, timeout=10_000)
    assert is_vault(folder)
    assert shell.session.vault.identity.name == "Айгүл"
    assert shell.session.role == "volunteer"
    assert page.passphrase.text() == "" and page.repeat.text() == ""  # not kept in widgets
    assert flow.step == "card"

    coordinator = make_vault(name="Coordinator Test", role="coordinator", folder="coord")
    card = own_card(coordinator)
    card_page = flow.card_page
    assert card_page is not None
    card_page.load(serialize_card(card))
    assert card_page.fingerprint.text() == card.fingerprint
    assert card_page.name.text() == "Coordinator Test"
    assert not card_page.add_button.isEnabled()  # the comparison step is explicit
    card_page.compared.setChecked(True)
    assert card_page.add_button.isEnabled()
    card_page.add_button.click()
    assert shell.window.workspace is not None
    known = CardRegistry(shell.session.vault).usable_coordinators()
    assert [k.fingerprint for k in known] == [card.fingerprint]


def test_changed_card_is_refused_with_a_message(
    qtbot: QtBot, make_shell: Any, make_vault: Any
) -> None:
    volunteer = make_vault(folder="vol")
    shell = make_shell(volunteer.path)
    shell.session.attach(volunteer)
    shell.window.show_first_run("card")
    page = _flow(shell).card_page
    assert page is not None
    data = bytearray(serialize_card(own_card(make_vault(role="coordinator", folder="c"))))
    data[data.index(b'"name":"') + 8] ^= 0x01  # one changed byte in the name
    page.load(bytes(data))
    assert page.card is None and page.details.isHidden()
    assert page.message.text()
    assert not page.add_button.isEnabled()


def test_a_rotated_coordinators_card_file_revokes_its_old_card(
    qtbot: QtBot, make_shell: Any, make_vault: Any, recorder: DialogRecorder
) -> None:
    """The coordinator rotated: its new card file carries the old key's revocation, which the
    card page applies after adding the card (bundle-format §8.6), so exports stop going to the
    old card."""
    from intake.cards.cardfile import card_file_bytes
    from intake.cards.statements import KeyStatements

    volunteer = make_vault(folder="vol")
    coordinator = make_vault(name="Coordinator Test", role="coordinator", folder="c")
    old = own_card(coordinator)
    CardRegistry(volunteer).add(old, verified=True)
    KeyStatements(coordinator).rotate()
    shell = make_shell(volunteer.path)
    shell.session.attach(volunteer)
    shell.window.show_first_run("card")
    page = _flow(shell).card_page
    assert page is not None
    page.load(card_file_bytes(coordinator))
    assert page.fingerprint.text() == own_card(coordinator).fingerprint
    page.compared.setChecked(True)
    page.add_button.click()
    assert recorder.infos == [
        "1 key statement (revocation or succession) from this card file was accepted."
    ]
    known = CardRegistry(volunteer).usable_coordinators()
    assert [k.fingerprint for k in known] == [own_card(coordinator).fingerprint]


def test_weak_passphrase_is_refused(qtbot: QtBot, tmp_path: Path, make_shell: Any) -> None:
    shell = make_shell(tmp_path / "v")
    flow = _flow(shell)
    flow.go("vault")
    page: CreateVaultPage = flow.vault_page
    page.kdf = FAST_KDF  # tests pass a cheap cost; the app calibrates
    type_text(page.name, "Aigul")
    for weak in ("password123", "Tashkent2019", "qwertyuiop"):
        page.passphrase.clear()
        page.repeat.clear()
        type_text(page.passphrase, weak)
        type_text(page.repeat, weak)
        assert not page.meter.strength.acceptable
        assert not page.create_button.isEnabled()
        assert page.message.text() == "Choose a stronger passphrase."
        assert "not accepted" in page.meter.verdict.text()
        page.create_vault()  # even a direct call does nothing
    assert not is_vault(tmp_path / "v")
    assert not shell.session.is_unlocked


def test_mismatched_passphrases_block_creation(tmp_path: Path, make_shell: Any) -> None:
    flow = _flow(make_shell(tmp_path / "v"))
    flow.go("vault")
    page = flow.vault_page
    page.kdf = FAST_KDF  # tests pass a cheap cost; the app calibrates
    type_text(page.name, "Aigul")
    type_text(page.passphrase, STRONG)
    type_text(page.repeat, STRONG + "x")
    assert not page.create_button.isEnabled()
    assert page.message.text() == "The two passphrases differ."


def test_strength_advice_is_translated(tmp_path: Path, make_shell: Any) -> None:
    shell = make_shell(tmp_path / "v", "ru")
    flow = _flow(shell)
    flow.go("vault")
    page = flow.vault_page
    page.kdf = FAST_KDF  # tests pass a cheap cost; the app calibrates
    type_text(page.passphrase, "password")
    advice = page.meter.advice.text()
    assert advice and "password" not in advice.lower()
    assert any("\u0400" <= c <= "\u04ff" for c in advice)  # Cyrillic


def test_coordinator_skips_the_card_step(qtbot: QtBot, tmp_path: Path, make_shell: Any) -> None:
    shell = make_shell(tmp_path / "c")
    flow = _flow(shell)
    flow.go("vault")
    page = flow.vault_page
    page.kdf = FAST_KDF  # tests pass a cheap cost; the app calibrates
    type_text(page.name, "Coordinator")
    page.coordinator.setChecked(True)
    type_text(page.passphrase, STRONG)
    type_text(page.repeat, STRONG)
    page.create_button.click()
    qtbot.waitUntil(lambda: shell.session.is_unlocked, timeout=10_000)
    assert shell.session.role == "coordinator"
    assert shell.window.first_run is None and shell.window.workspace is None  # no card step


def test_a_passphrase_of_ten_thousand_characters(
    qtbot: QtBot, tmp_path: Path, make_shell: Any
) -> None:
    # zxcvbn raised beyond 72 characters: the meter crashed while the passphrase was typed.
    long = ("ئالتە juniper lantern orbit pebble " * 400)[:10_000]
    shell = make_shell(tmp_path / "v")
    flow = _flow(shell)
    flow.go("vault")
    page: CreateVaultPage = flow.vault_page
    page.kdf = FAST_KDF  # tests pass a cheap cost; the app calibrates
    type_text(page.name, "Aigul")
    page.passphrase.setText(long)  # pasted, as a long passphrase would be
    page.repeat.setText(long)
    assert page.passphrase.text() == long  # not cut by the field's length limit
    assert page.meter.strength.acceptable
    assert page.create_button.isEnabled()
    page.create_button.click()
    qtbot.waitUntil(lambda: shell.session.is_unlocked, timeout=20_000)
    assert is_vault(tmp_path / "v")
