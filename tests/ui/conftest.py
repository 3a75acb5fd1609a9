"""Fixtures for the desktop app tests: an app shell on a throwaway vault, typing helpers.

Qt runs offscreen (tests/conftest.py). Non-ASCII text is typed with QKeyEvents that carry the
text, or with a QInputMethodEvent commit (what an input method sends); pytest-qt's keyClicks
aborts on non-ASCII. Modal message boxes are replaced by recorders so tests never block.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent, QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from intake.i18n import set_language
from ui import dialogs
from ui.app import build_shell
from ui.preferences import Preferences
from ui.shell import AppShell, apply_language
from ui.workers import wait_for_all


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key: each QKeyEvent carries one character as its text."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def commit_text(widget: QWidget, text: str) -> None:
    """Insert ``text`` the way an input method does (one commit string)."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def leave(widget: QWidget) -> None:
    """Deliver a focus-out to ``widget`` (as when the volunteer tabs to the next field)."""
    QApplication.sendEvent(widget, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason))


class DialogRecorder:
    """Stands in for message boxes: records them and answers ``confirm`` with ``answer``."""

    def __init__(self) -> None:
        self.answer = True
        self.confirms: list[str] = []
        self.infos: list[str] = []
        self.errors: list[str] = []

    def confirm(self, _parent: Any, title: str, text: str, *_a: Any, **_k: Any) -> bool:
        self.confirms.append(text)
        return self.answer

    def show_info(self, _parent: Any, title: str, text: str) -> None:
        self.infos.append(text)

    def show_error(self, _parent: Any, exc: BaseException, title: str | None = None) -> None:
        self.errors.append(dialogs.error_text(exc))


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> DialogRecorder:
    rec = DialogRecorder()
    monkeypatch.setattr(dialogs, "confirm", rec.confirm)
    monkeypatch.setattr(dialogs, "show_info", rec.show_info)
    monkeypatch.setattr(dialogs, "show_error", rec.show_error)
    return rec


@pytest.fixture(autouse=True)
def english_afterwards(qapp: QApplication) -> Iterator[None]:
    """Language and layout direction are process-wide: reset them after every test."""
    yield
    apply_language("en")
    set_language("en")


@pytest.fixture
def prefs(tmp_path: Path) -> Preferences:
    return Preferences(tmp_path / "prefs.ini")


@pytest.fixture
def make_shell(qapp: QApplication, prefs: Preferences, recorder: DialogRecorder) -> Iterator[Any]:
    """Build app shells on a vault folder; every window is closed (vault locked) at the end."""
    shells: list[AppShell] = []

    def factory(vault: Path, lang: str | None = "en") -> AppShell:
        shell = build_shell(vault, lang, prefs)
        shells.append(shell)
        return shell

    yield factory
    wait_for_all()  # no background job may outlive the vault it reads
    for shell in shells:
        shell.window.close()
        shell.shutdown()
        shell.window.deleteLater()
        shell.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def volunteer_shell(make_shell: Any, make_vault: Any) -> AppShell:
    """A shell whose session holds an unlocked volunteer vault (workspace showing)."""
    vault = make_vault(name="Aigul Test", folder="volunteer")
    shell: AppShell = make_shell(vault.path)
    shell.session.attach(vault)
    assert shell.window.workspace is not None
    return shell
