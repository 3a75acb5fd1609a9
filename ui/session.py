"""The vault session: which vault this window works on, whether it is unlocked, and locking.

``VaultSession`` is the controller that owns the open ``Vault`` (the dangerzone/securedrop
pattern): widgets receive it, ask it for intake services and listen to its signals; they never
open or close the vault themselves. Locking is one path for Ctrl+L, auto-lock and quitting:
``locking`` is emitted first so every view saves its draft and drops decrypted content, then the
vault is closed, text the app put on the clipboard is cleared, and ``locked`` is emitted.
While a background job uses the vault, a lock request asks the job to stop and is carried out
as soon as the job ends, so the database is never closed under a running job.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QGuiApplication

from intake.core.app import AmanatCore
from intake.core.vaults import is_vault
from intake.i18n import tr
from intake.vault.errors import VaultLocked
from ui.errors import OperationCancelled

if TYPE_CHECKING:
    from intake.vault import Vault


class VaultSession(QObject):
    """Owns the open vault of one window; emits ``unlocked``, ``locking`` and ``locked``."""

    unlocked = Signal()
    locking = Signal()
    locked = Signal()

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._vault: Vault | None = None
        self._jobs = 0
        self._lock_pending = False
        self.locked_by_idle = False

    # ---- state ---------------------------------------------------------------------------

    def vault_exists(self) -> bool:
        return is_vault(self.path)

    @property
    def is_unlocked(self) -> bool:
        return self._vault is not None and self._vault.is_open

    @property
    def vault(self) -> Vault:
        if self._vault is None or not self._vault.is_open:
            raise VaultLocked
        return self._vault

    @property
    def core(self) -> AmanatCore:
        """The use cases on the open vault (intake/core/app.py); VaultLocked when locked."""
        return AmanatCore(self.vault)

    @property
    def role(self) -> str:
        return self.vault.identity.role

    def attach(self, vault: Vault) -> None:
        """Take over a vault that a worker created or opened; announces ``unlocked``."""
        if self._vault is not None and self._vault is not vault:
            self._vault.close()
        self._vault = vault
        self.locked_by_idle = False
        self.unlocked.emit()

    def switch_to(self, path: Path) -> None:
        """Work on the vault in ``path`` from now on (e.g. a rescued vault); only while
        locked."""
        if self._vault is not None:
            raise RuntimeError("switch vaults only while locked")
        self.path = path

    # ---- locking -------------------------------------------------------------------------

    def lock(self, *, by_idle: bool = False) -> None:
        """Save, clear and close; deferred while a background job still uses the vault."""
        if self._vault is None:
            return
        if self._jobs:
            self._lock_pending = True
            self.locked_by_idle = by_idle
            return
        self.locked_by_idle = by_idle
        self.locking.emit()
        vault, self._vault = self._vault, None
        vault.close()
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None and clipboard.ownsClipboard():
            clipboard.clear()
        forget_file_dialog_history()
        self.locked.emit()

    @property
    def cancel_requested(self) -> bool:
        """True once a lock waits for the running job; jobs check it between chunks."""
        return self._lock_pending

    def check_cancel(self) -> None:
        """Raise OperationCancelled when a lock is waiting (call from a job's progress)."""
        if self._lock_pending:
            raise OperationCancelled

    def job_started(self) -> None:
        self._jobs += 1

    def job_finished(self) -> None:
        self._jobs = max(0, self._jobs - 1)
        if not self._jobs and self._lock_pending:
            self._lock_pending = False
            self.lock(by_idle=self.locked_by_idle)

    @property
    def busy(self) -> bool:
        return self._jobs > 0

    def fingerprint(self) -> str:
        """This vault's own fingerprint (public: people read it aloud to compare cards)."""
        return self.core.my_card().fingerprint

    def describe(self) -> str:
        """A short, content-free description of the session for the status bar."""
        if not self.is_unlocked:
            return tr("Locked")
        identity = self.vault.identity
        role = tr("Coordinator") if identity.role == "coordinator" else tr("Volunteer")
        return tr("{name} · {role}", name=identity.name, role=role)


def forget_file_dialog_history() -> None:
    """Qt's own file dialog remembers visited folders in QtProject.conf; drop that history.

    Folder names such as ``Interviews/Tursun`` could say whom the volunteer met.
    """
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    settings.remove("FileDialog")
    settings.sync()
