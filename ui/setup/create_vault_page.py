"""First-run step 2: create the vault (display name, role, passphrase twice).

Weak passphrases are refused by the same policy as the CLI (intake.vault.passphrase); the Create
button stays disabled until the passphrase is accepted, both entries match and a name is
given. Key derivation (Argon2id, about a second) runs on a worker thread while a busy bar
shows; the passphrase fields are cleared as soon as the vault exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from crypto.kdf import Argon2Params
from intake.core.vaults import create_vault
from intake.i18n import tr
from ui.dialogs import error_text
from ui.session import VaultSession
from ui.setup.strength_meter import StrengthMeter
from ui.workers import Progress, WorkerHandle, run_in_thread

if TYPE_CHECKING:
    from intake.vault import Vault

MAX_NAME = 64  # what fits on a card (crypto/card.py)
ADVICE_LINES = 4  # "too short", zxcvbn's warning and up to two suggestions


class CreateVaultPage(QWidget):
    """Collects name, role and passphrase and creates the vault on a worker thread."""

    created = Signal()

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job: WorkerHandle | None = None
        self.kdf: Argon2Params | None = None  # None: calibrated here; tests pass a cheap cost
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        title = QLabel(tr("Create your vault"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        intro = QLabel(
            tr(
                "Your vault keeps testimonies encrypted on this computer. Only your "
                "passphrase opens it. If you forget the passphrase, nobody can recover the "
                "testimonies — not even the coordinator."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setMaxLength(MAX_NAME)
        self.name.setPlaceholderText(tr("Shown to your coordinator; a pseudonym is fine"))
        form.addRow(tr("Your name"), self.name)

        role_box = QWidget()
        role_layout = QVBoxLayout(role_box)
        role_layout.setContentsMargins(0, 0, 0, 0)
        self.volunteer = QRadioButton(tr("Volunteer — I record testimonies"))
        self.coordinator = QRadioButton(tr("Coordinator — I receive testimonies from volunteers"))
        self.volunteer.setChecked(True)
        self.roles = QButtonGroup(self)
        self.roles.addButton(self.volunteer)
        self.roles.addButton(self.coordinator)
        role_layout.addWidget(self.volunteer)
        role_layout.addWidget(self.coordinator)
        form.addRow(tr("Role"), role_box)

        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setObjectName("newPassphrase")
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setObjectName("repeatPassphrase")
        form.addRow(tr("Passphrase"), self.passphrase)
        form.addRow(tr("Repeat the passphrase"), self.repeat)
        self.show_text = QCheckBox(tr("Show the passphrase"))
        self.show_text.toggled.connect(self._toggle_echo)
        form.addRow("", self.show_text)
        # The meter comes after every field, and reserves room for its advice: its text
        # changes with each key, and it must never push the next field away from the pointer.
        self.meter = StrengthMeter(reserve_lines=ADVICE_LINES)
        form.addRow("", self.meter)
        layout.addLayout(form)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("errorText")
        layout.addWidget(self.message)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.create_button = QPushButton(tr("Create the vault"))
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create_vault)
        buttons.addWidget(self.create_button)
        layout.addLayout(buttons)

        for edit in (self.name, self.passphrase, self.repeat):
            edit.textChanged.connect(self._refresh)
        self._refresh()

    def role(self) -> str:
        return "coordinator" if self.coordinator.isChecked() else "volunteer"

    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.passphrase.setEchoMode(mode)
        self.repeat.setEchoMode(mode)

    def problem(self) -> str:
        """Why the vault cannot be created yet ("" when it can)."""
        if not self.name.text().strip():
            return tr("Enter your name.")
        if not self.meter.strength.acceptable:
            return tr("Choose a stronger passphrase.")
        if self.repeat.text() != self.passphrase.text():
            return tr("The two passphrases differ.")
        return ""

    def _refresh(self) -> None:
        name = self.name.text().strip()
        self.meter.update_for(self.passphrase.text(), (name,) if name else ())
        problem = self.problem()
        self.create_button.setEnabled(not problem and self.job is None)
        typed = bool(self.passphrase.text() and self.repeat.text())
        self.message.setText(problem if typed else "")

    def create_vault(self) -> None:
        """Start key derivation and vault creation on a worker thread."""
        if self.problem() or self.job is not None:
            return
        path: Path = self.session.path
        passphrase, role, name = self.passphrase.text(), self.role(), self.name.text().strip()
        kdf = self.kdf

        def job(_progress: Progress) -> Vault:
            return create_vault(path, passphrase, role, name, kdf=kdf)

        self._set_busy(True)
        self.message.setText(tr("Creating the vault. This takes a few seconds…"))
        self.job = run_in_thread(job, self._done, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (self.name, self.passphrase, self.repeat, self.volunteer, self.coordinator):
            widget.setEnabled(not busy)
        self.create_button.setEnabled(not busy)

    def _done(self, vault: object) -> None:
        self.job = None
        self._set_busy(False)
        self.passphrase.clear()
        self.repeat.clear()
        self.message.setText("")
        if vault is not None:
            self.session.attach(cast("Vault", vault))
            self.created.emit()

    def _failed(self, exc: Exception) -> None:
        self.job = None
        self._set_busy(False)
        self.message.setText(error_text(exc))
        self._refresh_button_only()

    def _refresh_button_only(self) -> None:
        self.create_button.setEnabled(not self.problem())

    def clear(self) -> None:
        for edit in (self.passphrase, self.repeat):
            edit.clear()

    def focus_first(self) -> None:
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)
