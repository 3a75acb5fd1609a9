"""The desktop app's backup (progress, the reminder), the panic wipe (one confirmation, the
chord from any screen) and locking on sleep or screen lock."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtDBus import QDBusConnection
from pytestqt.qtbot import QtBot

from intake.core.safekeeping import not_backed_up, set_remind_every
from intake.safekeeping.backup import check_backup
from intake.testimonies.store import TestimonyStore
from tests.conftest import PASSPHRASE
from tests.intake.testimony_fixtures import one_victim
from tests.ui.conftest import DialogRecorder
from ui.backup_dialog import BackupDialog
from ui.panic_wipe import WIPE_SHORTCUT
from ui.session_watch import SessionWatch
from ui.shell import AppShell


def test_backup_dialog_writes_a_backup_with_progress(
    qtbot: QtBot, volunteer_shell: AppShell, tmp_path: Path
) -> None:
    session = volunteer_shell.session
    TestimonyStore(session.vault).create_draft(one_victim({"latin": "Backed Up"}))
    assert volunteer_shell.window.backup_action.isEnabled()
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = BackupDialog(session)
    assert not dialog.backup_button.isEnabled()  # no folder yet
    dialog.set_folder(usb)
    values: list[int] = []
    dialog.progress.valueChanged.connect(values.append)
    dialog.start()
    assert not dialog.close_button.isEnabled()  # while it runs
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert dialog.result_info is not None, dialog.message.text()
    (backup,) = usb.iterdir()
    assert str(backup) in dialog.message.text()
    assert values
    assert values[-1] == 100
    assert check_backup(backup, PASSPHRASE)[1] == 1
    assert not_backed_up(session.vault) == 0  # the time of the backup was kept


def test_backup_into_the_vault_is_refused_in_the_dialog(
    qtbot: QtBot, volunteer_shell: AppShell
) -> None:
    dialog = BackupDialog(volunteer_shell.session)
    dialog.set_folder(volunteer_shell.session.path)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert dialog.result_info is None
    assert "own folder" in dialog.message.text()


def test_reminder_after_n_changed_testimonies(volunteer_shell: AppShell, tmp_path: Path) -> None:
    window, vault = volunteer_shell.window, volunteer_shell.session.vault
    set_remind_every(vault, 2)
    store = TestimonyStore(vault)
    store.create_draft(one_victim({"latin": "One"}))
    window.check_backup_reminder()
    assert window.backup_hint.isHidden()
    store.create_draft(one_victim({"latin": "Two"}))
    window.check_backup_reminder()
    assert not window.backup_hint.isHidden()
    assert "2 testimonies are not in any backup" in window.backup_hint.text()
    set_remind_every(vault, 0)  # never
    window.check_backup_reminder()
    assert window.backup_hint.isHidden()


def test_wipe_asks_once_then_erases(volunteer_shell: AppShell, recorder: DialogRecorder) -> None:
    window, session = volunteer_shell.window, volunteer_shell.session
    folder = session.path
    recorder.answer = False
    window.wipe_action.trigger()
    assert len(recorder.confirms) == 1
    assert "for good" in recorder.confirms[0]
    assert bool(session.is_unlocked)
    assert (folder / "vault.json").exists()
    recorder.answer = True
    window.wipe_action.trigger()
    assert len(recorder.confirms) == 2
    assert not (folder / "vault.json").exists()
    assert not (folder / "vault.db").exists()
    assert not bool(session.is_unlocked)
    assert window.first_run is not None  # as on a computer that never had a vault
    assert not window.wipe_action.isEnabled()


def test_wipe_chord_works_on_the_unlock_screen(
    qtbot: QtBot, volunteer_shell: AppShell, recorder: DialogRecorder
) -> None:
    window, session = volunteer_shell.window, volunteer_shell.session
    session.lock()
    assert window.unlock_page is not None
    assert window.wipe_action.shortcut().toString() == WIPE_SHORTCUT
    assert window.wipe_action.shortcutContext() == Qt.ShortcutContext.ApplicationShortcut
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    modifiers = (
        Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.ShiftModifier
        | Qt.KeyboardModifier.AltModifier
    )
    # to the window, as the system delivers keys: through Qt's shortcut map first
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_W, modifiers)  # type: ignore[no-untyped-call]
    qtbot.waitUntil(lambda: len(recorder.confirms) == 1, timeout=5_000)
    assert not (session.path / "vault.json").exists()


def test_lock_on_suspend_but_not_on_focus_loss(volunteer_shell: AppShell) -> None:
    session = volunteer_shell.session
    watch = volunteer_shell.watch
    assert "qt" in watch.sources
    watch.application_state(Qt.ApplicationState.ApplicationInactive)  # another window
    assert session.is_unlocked
    watch.application_state(Qt.ApplicationState.ApplicationSuspended)
    assert not session.is_unlocked


@pytest.fixture
def private_bus() -> Iterator[tuple[str, QDBusConnection]]:
    """A D-Bus daemon of this test's own (Debian package dbus, in .ci/run and ./dev)."""
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    bus = QDBusConnection.connectToBus(address, f"amanat-test-{time.monotonic_ns()}")
    assert bus.isConnected()
    yield address, bus
    QDBusConnection.disconnectFromBus(bus.name())
    daemon.terminate()
    daemon.wait(5)


@pytest.mark.parametrize(
    ("path", "signal", "argument"),
    [
        ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged",
         "boolean:true"),
        ("/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForSleep",
         "boolean:true"),
        ("/org/freedesktop/login1/session/auto", "org.freedesktop.login1.Session.Lock", None),
    ],
)  # fmt: skip
def test_lock_on_screen_lock_and_sleep_signals(
    qtbot: QtBot,
    volunteer_shell: AppShell,
    private_bus: tuple[str, QDBusConnection],
    path: str,
    signal: str,
    argument: str | None,
) -> None:
    address, bus = private_bus
    session = volunteer_shell.session
    watch = SessionWatch(session, system_bus=bus, session_bus=bus)
    assert len(watch.sources) == 5
    send = ["dbus-send", f"--bus={address}", "--type=signal", path, signal]
    if argument and argument.endswith("true"):  # "false" (waking up, unlocking) does nothing
        subprocess.run([*send, argument.replace("true", "false")], check=True)
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            QCoreApplication.processEvents()
        assert session.is_unlocked
    subprocess.run([*send, *([argument] if argument else [])], check=True)
    qtbot.waitUntil(lambda: not session.is_unlocked, timeout=5_000)
    assert shutil.which("dbus-daemon")
