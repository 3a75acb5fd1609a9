"""The panic wipe in the desktop app: one confirmation, then the vault is crypto-erased.

Reached from the File menu or, on any screen of the window (unlock screen and dialogs
included), with the chord Ctrl+Alt+Shift+W (``WIPE_SHORTCUT``). It asks once; on yes it locks
the session (drafts are saved into the vault that is about to go, open dialogs close) and
erases the vault (intake/safekeeping/wipe.py): the header is overwritten and deleted at once,
so the data is unreadable even if a background job delays the rest. The window then shows the
first-run screen, as on a computer that never had a vault.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from intake.core import safekeeping
from intake.errors import AmanatError
from intake.i18n import tr
from ui import dialogs
from ui.session import VaultSession

WIPE_SHORTCUT = "Ctrl+Alt+Shift+W"


def install_wipe_shortcut(window: QWidget, trigger: QObject) -> QShortcut:
    """The chord on ``window``, working from any of its screens and dialogs."""
    shortcut = QShortcut(QKeySequence(WIPE_SHORTCUT), window)
    shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
    shortcut.activated.connect(trigger)
    return shortcut


def confirm_and_wipe(parent: QWidget | None, session: VaultSession) -> bool:
    """Ask once, then wipe; True when the vault was erased."""
    if not session.vault_exists():
        return False
    sure = dialogs.confirm(
        parent,
        tr("Wipe the vault"),
        tr(
            "Erase every testimony, attachment and key in this vault for good? Nobody, not even"
            " with the passphrase, will be able to read it afterwards. Backups and printed key"
            " shares elsewhere are not erased."
        ),
        tr("Wipe now"),
        dangerous=True,
    )
    if not sure:
        return False
    return wipe_now(parent, session)


def wipe_now(parent: QWidget | None, session: VaultSession) -> bool:
    if session.is_unlocked:
        session.lock()
    try:
        report = safekeeping.wipe_vault(session.path)
    except (AmanatError, OSError) as exc:
        dialogs.show_error(parent, exc)
        return False
    if report.left:  # a job still held a file: the header is gone; tidy up after the lock
        session.locked.connect(lambda: _tidy(session))
    return True


def _tidy(session: VaultSession) -> None:
    try:
        safekeeping.wipe_vault(session.path)
    except (AmanatError, OSError):
        return
