"""Locking (Ctrl+L, idle, closing) saves drafts and leaves no decrypted text in any widget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from intake.testimonies import store as testimonies
from intake.vault import Vault
from tests.conftest import PASSPHRASE
from tests.ui.conftest import type_text
from ui.shell import AppShell
from ui.unlock_page import UnlockPage

SECRET_NAME = "ئەركىن تۇرسۇن"
SECRET_PLACE = "Ürümqi, 7-kent"


def _model_text(model: QAbstractItemModel, parent: QModelIndex) -> list[str]:
    """Every cell's display text and tool tip, tree rows included."""
    out: list[str] = []
    try:
        columns = max(model.columnCount(parent), 1)
    except TypeError:  # list models keep columnCount private: one column
        columns = 1
    for row in range(model.rowCount(parent)):
        for column in range(columns):
            index = model.index(row, column, parent)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(index, role)
                if value is not None:
                    out.append(str(value))
        out += _model_text(model, model.index(row, 0, parent))
    return out


def _all_text(root: QWidget) -> str:
    """What every widget under ``root`` can show: edits, labels, buttons, combo boxes, group
    and tab titles, text views, and every row of every list, table and tree."""
    parts = [root.windowTitle()]
    for w in root.findChildren(QWidget):
        parts += [w.toolTip(), w.windowTitle()]
        if isinstance(w, QLineEdit | QLabel | QAbstractButton):
            parts.append(w.text())
        elif isinstance(w, (QPlainTextEdit, QTextEdit)):
            parts.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            parts += [w.itemText(i) for i in range(w.count())] + [w.currentText()]
        elif isinstance(w, QGroupBox):
            parts.append(w.title())
        elif isinstance(w, QTabWidget):
            parts += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            parts += _model_text(w.model(), QModelIndex())
    return "\n".join(parts)


def _type_secret(shell: AppShell) -> Any:
    workspace = shell.window.workspace
    assert workspace is not None
    workspace.new_testimony()
    editor = workspace.editor
    fields: dict[str, Any] = dict(editor.field_editors())
    type_text(fields["/victims/0/names"].parts["arabic"], SECRET_NAME)
    type_text(fields["/interview/place"].edit, SECRET_PLACE)
    workspace.show_list()  # saves
    return workspace


def test_ctrl_l_locks_saves_and_clears_every_widget(
    qtbot: QtBot, volunteer_shell: AppShell, tmp_path: Path
) -> None:
    window = volunteer_shell.window
    workspace = _type_secret(volunteer_shell)
    editor, model = workspace.editor, workspace.list_page.model
    workspace.show_list()
    assert model.rowCount() == 1
    workspace.open_testimony(model.summary(0).id)
    assert SECRET_NAME in _all_text(window)
    narrative = editor.field_editors()["/narrative/text"]
    type_text(narrative.edit, "unsaved narrative")  # not saved yet: the lock must save it
    assert editor.dirty
    vault_path = volunteer_shell.session.path

    assert window.lock_action.shortcut() == QKeySequence("Ctrl+L")
    window.lock_action.trigger()

    assert not volunteer_shell.session.is_unlocked
    assert isinstance(window.unlock_page, UnlockPage) and window.workspace is None
    # The old workspace is only scheduled for deletion: it must already be empty.
    assert model.rowCount() == 0
    assert editor.testimony_id is None and editor.content() == {}
    for text in (_all_text(window), _all_text(editor), _all_text(workspace)):
        assert SECRET_NAME not in text and SECRET_PLACE not in text
    assert not any(a.isEnabled() for a in (window.new_action, window.open_action))

    with Vault.open(vault_path, PASSPHRASE) as vault:  # the unsaved narrative was saved
        (summary,) = testimonies.TestimonyStore(vault).list()
        content = testimonies.TestimonyStore(vault).get(summary.id).content
        assert content["narrative"]["text"] == "unsaved narrative"


def test_idle_time_locks_and_says_so(qtbot: QtBot, volunteer_shell: AppShell) -> None:
    assert volunteer_shell.idle.interval_ms == 5 * 60_000  # default: five minutes
    volunteer_shell.idle.set_interval_ms(100)
    qtbot.waitUntil(lambda: not volunteer_shell.session.is_unlocked, timeout=3000)
    page = volunteer_shell.window.unlock_page
    assert page is not None and "locked because nobody used Amanat" in page.notice.text()


def test_user_activity_postpones_the_idle_lock(qtbot: QtBot, volunteer_shell: AppShell) -> None:
    idle = volunteer_shell.idle
    idle.set_interval_ms(400)
    search = volunteer_shell.window.findChild(QLineEdit, "search")
    assert search is not None
    for _ in range(4):
        qtbot.wait(200)
        type_text(search, "a")
    assert volunteer_shell.session.is_unlocked
    qtbot.waitUntil(lambda: not volunteer_shell.session.is_unlocked, timeout=3000)


def test_unlock_wrong_then_right_passphrase(qtbot: QtBot, make_vault: Any, make_shell: Any) -> None:
    vault = make_vault(folder="v")
    path = vault.path
    vault.close()
    shell = make_shell(path)
    page = shell.window.unlock_page
    assert isinstance(page, UnlockPage)
    type_text(page.passphrase, "not the passphrase at all")
    page.unlock()
    qtbot.waitUntil(lambda: page.job is None, timeout=10_000)
    assert page.message.text() == "Wrong passphrase."
    assert page.passphrase.text() == ""
    type_text(page.passphrase, PASSPHRASE)
    page.unlock()
    qtbot.waitUntil(lambda: shell.window.workspace is not None, timeout=10_000)


def test_vault_in_use_is_explained(qtbot: QtBot, make_vault: Any, make_shell: Any) -> None:
    vault = make_vault(folder="busy")  # stays open: the OS lock is held
    shell = make_shell(vault.path)
    page = shell.window.unlock_page
    assert isinstance(page, UnlockPage)
    type_text(page.passphrase, PASSPHRASE)
    page.unlock()
    qtbot.waitUntil(lambda: page.job is None, timeout=10_000)
    assert "already open in another Amanat window" in page.message.text()
    assert not shell.session.is_unlocked


def test_locking_closes_open_dialogs(qtbot: QtBot, volunteer_shell: AppShell) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialog

    from ui.export_dialog import ExportDialog

    window = volunteer_shell.window
    dialog = ExportDialog(volunteer_shell.session, None, window)
    QTimer.singleShot(50, volunteer_shell.session.lock)  # e.g. the idle timer, while modal
    result = dialog.exec()
    assert result == QDialog.DialogCode.Rejected
    assert not volunteer_shell.session.is_unlocked and not dialog.isVisible()


def test_lock_forgets_qt_file_dialog_history(
    volunteer_shell: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    qt = QSettings(QSettings.Scope.UserScope, "QtProject")
    qt.setValue("FileDialog/history", ["/home/v/Interviews/Tursun"])
    qt.sync()
    volunteer_shell.session.lock()
    assert not QSettings(QSettings.Scope.UserScope, "QtProject").contains("FileDialog/history")
    assert "Tursun" not in "".join(p.read_text() for p in tmp_path.rglob("*.conf"))


def test_locking_the_coordinator_clears_the_archive_and_an_open_record(
    qtbot: QtBot, make_shell: Any, make_vault: Any, tmp_path: Path
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tests.intake.coordinator_fixtures import finalized, send, victim_testimony
    from ui.coordinator.workspace import CoordinatorWorkspace

    vault = make_vault(name="Dana", role="coordinator", folder="coordinator")
    volunteer = make_vault(name="Aigul", folder="volunteer")
    (tid,) = finalized(volunteer, victim_testimony({"arabic": SECRET_NAME}, True))
    bundle = send(volunteer, vault, tmp_path / "usb")
    shell: AppShell = make_shell(vault.path)
    shell.session.attach(vault)
    workspace = shell.window.coordinator
    assert isinstance(workspace, CoordinatorWorkspace)
    workspace.import_page.import_files([bundle])
    qtbot.waitUntil(lambda: not workspace.import_page.running, timeout=20_000)
    archive = workspace.archive_page
    qtbot.waitUntil(lambda: archive.model.rowCount() == 1, timeout=10_000)
    seen: list[str] = []

    def look_then_lock() -> None:
        try:
            seen.extend(_all_text(w) for w in QApplication.topLevelWidgets())
        finally:
            shell.session.lock()

    QTimer.singleShot(300, look_then_lock)
    workspace.open_record(tid)  # modal, until the lock closes it
    assert any(SECRET_NAME in text for text in seen)  # the record was on screen
    assert not shell.session.is_unlocked
    for widget in QApplication.topLevelWidgets():
        assert SECRET_NAME not in _all_text(widget), widget
