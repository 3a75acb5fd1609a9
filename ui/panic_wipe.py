"""The panic wipe in the desktop app: one confirmation, then the vault is crypto-erased.

Reached from the File menu or, on any screen of the window (unlock screen and dialogs
included), with the chord Ctrl+Alt+Shift+W (``WIPE_SHORTCUT``: the main window's wipe action
is an application-wide shortcut). It asks once; on yes it locks the session (drafts are saved
into the vault that is about to go, open dialogs close) and erases the vault
(intake/safekeeping/wipe.py): the header is overwritten and deleted at once, so the data is
unreadable even if a background job delays the rest. The window then shows the first-run
screen, as on a computer that never had a vault.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from intake.core import safekeeping
from intake.errors import AmanatError
from intake.i18n import tr
from ui import dialogs
from ui.session import VaultSession

WIPE_SHORTCUT = "Ctrl+Alt+Shift+W"


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
    """Lock, then erase. While a background job delays the lock, the header is erased at
    once (nothing can be decrypted from then on) and the rest is removed again when the lock
    has happened, once: files a closing connection may have left are deleted then."""
    if session.is_unlocked:
        session.lock()
    delayed = session.is_unlocked
    try:
        safekeeping.wipe_vault(session.path)
    except (AmanatError, OSError) as exc:
        dialogs.show_error(parent, exc)
        return False
    if delayed:
        folder = session.path  # not a later vault made at the same place
        session.locked.connect(lambda: _tidy(folder), Qt.ConnectionType.SingleShotConnection)
    return True


def _tidy(folder: Path) -> None:
    """Remove what is left of a wiped vault, never a vault (a header means one was made)."""
    if (folder / "vault.json").exists():
        return
    try:
        safekeeping.wipe_vault(folder)
    except (AmanatError, OSError):
        return
