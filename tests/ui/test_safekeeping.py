"""The desktop app's backup (progress, the reminder), the panic wipe (one confirmation, the
chord from any screen) and locking on sleep or screen lock."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def test_locking_stops_a_running_backup_and_leaves_nothing(
    qtbot: QtBot, volunteer_shell: AppShell, tmp_path: Path
) -> None:
    import io

    from intake.testimonies.attachments import AttachmentStore

    session = volunteer_shell.session
    tid = TestimonyStore(session.vault).create_draft(one_victim({"latin": "Big File"}))
    AttachmentStore(session.vault).add(tid, io.BytesIO(os.urandom(4 << 20)), "video.mp4")
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = BackupDialog(session)
    dialog.set_folder(usb)
    dialog.start()
    session.lock()  # the lock waits for the job, which stops at its next step
    qtbot.waitUntil(lambda: not session.is_unlocked, timeout=20_000)
    assert dialog.result_info is None
    assert "locked" in dialog.message.text()
    assert list(usb.iterdir()) == []


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


def test_wipe_while_a_job_runs_erases_the_key_at_once(
    volunteer_shell: AppShell, recorder: DialogRecorder
) -> None:
    window, session = volunteer_shell.window, volunteer_shell.session
    folder = session.path
    session.job_started()  # a background job (an import, say) still uses the vault
    window.wipe_action.trigger()
    assert not (folder / "vault.json").exists()  # the key is gone now
    assert bool(session.is_unlocked)  # the lock waits for the job
    session.job_finished()
    assert not bool(session.is_unlocked)
    assert not folder.exists() or not any(folder.iterdir())
    assert window.first_run is not None


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


# ---- the paper key in the app -----------------------------------------------------------------


def test_print_paper_key_asks_the_passphrase_again(
    qtbot: QtBot, volunteer_shell: AppShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import key_shares_dialogs
    from ui.key_shares_dialogs import PrintSharesDialog

    pdf = tmp_path / "key.pdf"
    monkeypatch.setattr(key_shares_dialogs, "choose_pdf_path", lambda _parent: pdf)
    window = volunteer_shell.window
    assert window.paper_key_action.isEnabled()
    dialog = PrintSharesDialog(volunteer_shell.session.path)
    dialog.passphrase.setText("not the passphrase")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert "Wrong passphrase" in dialog.message.text()
    assert not pdf.exists()
    dialog.shares.setValue(5)
    dialog.threshold.setValue(3)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert dialog.written == pdf, dialog.message.text()
    assert dialog.passphrase.text() == ""  # not kept in the widget
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert text.count("Vault ID:") == 5
    assert "3 of 5" in text


def test_open_with_key_shares_from_the_unlock_screen(
    qtbot: QtBot, make_vault: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qrcode

    from intake.safekeeping.paper_key import key_shares
    from intake.vault import Vault
    from ui import key_shares_dialogs
    from ui.key_shares_dialogs import RestoreSharesDialog

    vault = make_vault(name="Aigul Test", folder="forgotten")
    folder = vault.path
    vault.close()
    shares = key_shares(folder, PASSPHRASE, 2, 3)
    photo = tmp_path / "share.png"
    qrcode.make(shares[2]).save(photo)
    monkeypatch.setattr(key_shares_dialogs, "choose_share_image", lambda _parent: photo)
    new = "seven quiet rivers under an old bridge"

    dialog = RestoreSharesDialog(folder)
    dialog.words.setPlainText(shares[0].upper())
    dialog.add_image()
    assert dialog.shares() == [shares[0].upper(), shares[2]]
    dialog.new_passphrase.setText(new)
    dialog.repeat.setText(new + "x")
    dialog.restore()
    assert "differ" in dialog.message.text()
    dialog.words.setPlainText(shares[0] + "\n" + shares[0])
    dialog.repeat.setText(new)
    dialog.restore()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert "repeats a share" in dialog.message.text()
    dialog.words.setPlainText(shares[0] + "\n" + shares[2])
    dialog.restore()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert dialog.restored, dialog.message.text()
    assert dialog.words.toPlainText() == ""  # forgotten when the dialog closed
    Vault.open(folder, new).close()


def test_unlock_screen_offers_key_shares(
    volunteer_shell: AppShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import dialogs
    from ui.key_shares_dialogs import RestoreSharesDialog

    shown: list[object] = []

    def accept(dialog: object) -> int:
        shown.append(dialog)
        return int(RestoreSharesDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(dialogs, "run_and_destroy", accept)
    volunteer_shell.session.lock()
    page = volunteer_shell.window.unlock_page
    assert page is not None
    assert not page.shares_button.isHidden()
    page.shares_button.click()
    assert isinstance(shown[0], RestoreSharesDialog)
    assert "new passphrase" in page.notice.text()


def test_settings_dialog_keeps_the_backup_reminder(volunteer_shell: AppShell) -> None:
    from intake.core.safekeeping import remind_every
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(volunteer_shell.session)
    assert dialog.remind_box.value() == 5  # the default
    dialog.remind_box.setValue(0)
    assert dialog.remind_box.text() == "never"
    dialog.save()
    assert remind_every(volunteer_shell.session.vault) == 0
