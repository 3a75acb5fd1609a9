"""Application shell: right-to-left Uyghur, language switching, fonts, preferences, About."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from intake.i18n import current_language, tr
from ui.about import COMPONENTS, AboutDialog
from ui.fonts import register_bundled_fonts
from ui.preferences import ALLOWED_KEYS, Preferences
from ui.setup.first_run import FirstRunFlow


def test_uyghur_turns_the_interface_right_to_left(tmp_path: Path, make_shell: Any) -> None:
    shell = make_shell(tmp_path / "v", "ug")
    assert current_language() == "ug"
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert shell.window.isRightToLeft()
    flow = shell.window.first_run
    assert isinstance(flow, FirstRunFlow)
    assert flow.language_page.next_button.text() == tr("Continue", lang="ug") != "Continue"
    assert shell.window.menuBar().actions()[0].text() == tr("&File", lang="ug")


def test_choosing_a_language_on_first_run_rebuilds_the_window(
    tmp_path: Path, make_shell: Any, prefs: Preferences
) -> None:
    shell = make_shell(tmp_path / "v", None)
    flow = shell.window.first_run
    assert isinstance(flow, FirstRunFlow)
    flow.language_page.buttons["ug"].click()
    assert current_language() == "ug" and prefs.language() == "ug"
    assert shell.window.isRightToLeft()
    flow = shell.window.first_run
    assert isinstance(flow, FirstRunFlow) and flow.step == "language"
    flow.language_page.buttons["kk"].click()
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert shell.window.first_run is not None


def test_language_switch_keeps_the_vault_unlocked(volunteer_shell: Any) -> None:
    volunteer_shell.change_language("zh")
    assert volunteer_shell.session.is_unlocked
    assert volunteer_shell.window.workspace is not None
    assert volunteer_shell.window.new_action.text() == tr("&New testimony", lang="zh")


def test_bundled_fonts_cover_uyghur_and_chinese(qapp: QApplication) -> None:
    families = register_bundled_fonts()
    assert {"Noto Sans", "Noto Naskh Arabic"} <= set(families)
    assert any("Amanat Subset" in f for f in families)
    assert QFontDatabase.hasFamily("Noto Naskh Arabic")
    assert "Noto Naskh Arabic" in QApplication.font().families()


def test_preferences_hold_only_language_and_geometry(
    volunteer_shell: Any, prefs: Preferences
) -> None:
    volunteer_shell.window.close()
    assert set(prefs.keys()) <= ALLOWED_KEYS
    assert prefs.geometry() is not None
    assert not volunteer_shell.session.is_unlocked  # closing the window locked the vault


def test_about_box_shows_the_licences(qapp: QApplication) -> None:
    dialog = AboutDialog()
    names = [dialog.components.item(i).text() for i in range(dialog.components.count())]
    assert len(names) == len(COMPONENTS)
    for needle, text in (
        ("SQLCipher", "ZETETIC LLC"),
        ("OpenSSL", "Apache License"),
        ("Qt 6", "GNU LESSER GENERAL PUBLIC LICENSE"),
        ("Noto Naskh", "SIL OPEN FONT LICENSE"),
    ):
        row = next(i for i, n in enumerate(names) if needle in n)
        dialog.components.setCurrentRow(row)
        assert text in dialog.text.toPlainText()


def test_export_is_a_disabled_hook_until_bundles_exist(volunteer_shell: Any) -> None:
    from ui.main_window import bundles_available

    action = volunteer_shell.window.export_action
    assert action.isEnabled() == bundles_available()


def test_uncaught_typed_error_is_shown_not_silent(
    qapp: QApplication, recorder: Any, capsys: Any
) -> None:
    """An expected failure no screen caught (e.g. the vault is busy) reaches the person as
    its message; anything else only as its type on stderr, never its text."""
    from intake.vault.errors import VaultBusy
    from ui.app import _quiet_excepthook

    _quiet_excepthook(VaultBusy, VaultBusy(), None)
    assert recorder.errors == [VaultBusy().message()]
    _quiet_excepthook(ValueError, ValueError("Tursun Ablikim, secret"), None)
    assert len(recorder.errors) == 1
    err = capsys.readouterr().err
    assert "ValueError" in err and "Tursun" not in err
