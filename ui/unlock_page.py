"""The unlock screen: one passphrase field; key derivation runs on a worker thread.

Errors are the typed ones from the vault ("Wrong passphrase.", "This vault is already open in
another Amanat window…"), shown in plain words under the field. After an automatic lock the
screen says so, so a volunteer coming back to the laptop knows nothing was lost. When the
database is damaged, "Rescue what can be read…" asks for a folder, copies every readable row
into a new vault there on a worker thread (intake/vault/rescue.py), shows the report, and switches
this window to the rescued vault, which opens with the same passphrase. "Forgot the
passphrase? Use key shares…" opens the vault's paper key dialog (ui/key_shares_dialogs.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake.core.vaults import demo_passphrase_for, other_demo_vault, rescue_vault, unlock_vault
from intake.i18n import tr
from intake.vault.errors import VaultDamaged
from intake.vault.rescue import RescueReport, report_lines
from ui import dialogs
from ui.dialogs import error_text
from ui.session import VaultSession
from ui.workers import Progress, WorkerHandle, run_in_thread

if TYPE_CHECKING:
    from intake.vault import Vault

RESCUE_FOLDER = "Amanat rescued vault"  # made inside a chosen folder that is not empty


def choose_rescue_folder(parent: QWidget) -> Path | None:
    """Ask where the rescued vault goes (a module function, so tests can answer it)."""
    chosen = QFileDialog.getExistingDirectory(parent, tr("Folder for the rescued vault"))
    return Path(chosen) if chosen else None


def rescue_target(chosen: Path) -> Path:
    """``chosen`` when it is empty, else a new folder inside it."""
    if not any(chosen.iterdir()):
        return chosen
    target, n = chosen / RESCUE_FOLDER, 2
    while target.exists():
        target, n = chosen / f"{RESCUE_FOLDER} {n}", n + 1
    return target


class UnlockPage(QWidget):
    """Passphrase → ``Vault.open`` in the background → ``session.attach``."""

    NOTICE_WIDTH = 530  # the fixed box width minus its layout margins

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job: WorkerHandle | None = None
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QWidget()
        box.setFixedWidth(560)  # a fixed width lets wrapped labels get their full height
        layout = QVBoxLayout(box)
        title = QLabel(tr("Amanat is locked"))
        title.setObjectName("pageTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.notice)
        layout.addWidget(QLabel(tr("Passphrase")))
        row = QHBoxLayout()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setObjectName("unlockPassphrase")
        self.passphrase.returnPressed.connect(self.unlock)
        row.addWidget(self.passphrase, 1)
        self.unlock_button = QPushButton(tr("Unlock"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock)
        row.addWidget(self.unlock_button)
        layout.addLayout(row)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        layout.addWidget(self.busy)
        self.message = QLabel()
        self.message.setObjectName("errorText")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.rescue_button = QPushButton(tr("Rescue what can be read…"))
        self.rescue_button.setVisible(False)  # offered only when the database is damaged
        self.rescue_button.clicked.connect(self.rescue)
        layout.addWidget(self.rescue_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.switch_demo_button = QPushButton()  # only on a demo vault: try the other role
        self.switch_demo_button.setVisible(False)
        self.switch_demo_button.clicked.connect(self.switch_demo)
        layout.addWidget(self.switch_demo_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.shares_button = QPushButton(tr("Forgot the passphrase? Use key shares…"))
        self.shares_button.setFlat(True)
        self.shares_button.clicked.connect(self.open_with_shares)
        layout.addWidget(self.shares_button, 0, Qt.AlignmentFlag.AlignLeft)
        centred = QHBoxLayout()  # stretches, not an alignment: an aligned widget gets its size
        centred.addStretch(1)  # hint, not the height its wrapped labels need (text was cut off)
        centred.addWidget(box)
        centred.addStretch(1)
        outer.addLayout(centred)
        outer.addStretch(2)
        self.refresh_notice()

    def refresh_notice(self) -> None:
        if self.session.locked_by_idle:
            self.notice.setText(
                tr(
                    "The vault was locked because nobody used Amanat for a while. "
                    "Drafts were saved."
                )
            )
        else:
            self.notice.setText(tr("Enter your passphrase to open your testimonies."))
        demo = demo_passphrase_for(self.session.path)
        if demo:
            self.notice.setText(
                tr(
                    "This is a demo vault with fictional people. Its passphrase is: {passphrase}",
                    # one left-to-right unit that never wraps, also inside Uyghur text
                    passphrase="\u2066" + demo.replace(" ", "\u00a0") + "\u2069",
                )
            )
        other = other_demo_vault(self.session.path)
        self.switch_demo_button.setVisible(other is not None)
        if other is not None:
            self.switch_demo_button.setText(
                tr("Open the demo coordinator instead")
                if other[0] == "coordinator"
                else tr("Open the demo volunteer instead")
            )
        # wrapped text set after layout: reserve its full height so no line is clipped
        self.notice.setMinimumHeight(self.notice.heightForWidth(self.NOTICE_WIDTH))

    def switch_demo(self) -> None:
        """Work on the other demo vault (volunteer ↔ coordinator); only while locked."""
        other = other_demo_vault(self.session.path)
        if other is None or self.job is not None or self.session.is_unlocked:
            return
        self.session.switch_to(other[1])
        self.message.setText("")
        self.refresh_notice()
        self.focus_passphrase()

    def focus_passphrase(self) -> None:
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        """The passphrase field has the focus whenever this screen appears (at start-up too,
        where the window is shown after the page was built), so typing goes straight in."""
        super().showEvent(event)
        if self.job is None:
            self.focus_passphrase()
            QTimer.singleShot(0, self._focus_if_shown)

    def _focus_if_shown(self) -> None:
        if self.isVisible() and self.job is None:
            self.focus_passphrase()

    def unlock(self) -> None:
        passphrase = self.passphrase.text()
        if not passphrase or self.job is not None:
            return
        path = self.session.path

        def job(_progress: Progress) -> Vault:
            return unlock_vault(path, passphrase)

        self.passphrase.clear()
        self.message.setText("")
        self._set_busy(True)
        self.job = run_in_thread(job, self._done, self._failed)

    def open_with_shares(self) -> None:
        """The paper key (ui/key_shares_dialogs.py); afterwards the new passphrase unlocks."""
        from ui.key_shares_dialogs import RestoreSharesDialog

        dialog = RestoreSharesDialog(self.session.path, self)
        if dialogs.run_and_destroy(dialog) == RestoreSharesDialog.DialogCode.Accepted.value:
            self.message.setText("")
            self.notice.setText(tr("The vault opens with the new passphrase now."))
            self.focus_passphrase()

    def rescue(self) -> None:
        """Copy what can be read of the damaged vault into a new one (asks for a folder)."""
        passphrase = self.passphrase.text()
        if self.job is not None:
            return
        if not passphrase:
            self.message.setText(tr("Type your passphrase, then choose Rescue again."))
            self.focus_passphrase()
            return
        chosen = choose_rescue_folder(self)
        if chosen is None:
            return
        source, target = self.session.path, rescue_target(chosen)

        def job(progress: Progress) -> RescueReport:
            return rescue_vault(source, target, passphrase, progress)

        self.passphrase.clear()
        self.message.setText(tr("Rescuing what can be read. The damaged vault is not changed."))
        self._set_busy(True)
        self.job = run_in_thread(job, self._rescued, self._failed)

    def _rescued(self, report: object) -> None:
        self.job = None
        self._set_busy(False)
        if not isinstance(report, RescueReport):
            return
        self.rescue_button.setVisible(False)
        self.message.setText("")
        dialogs.show_info(self, tr("Rescue"), "\n".join(report_lines(report)))
        self.session.switch_to(Path(report.target))
        self.notice.setText(
            tr(
                "This is the rescued vault in {path}. Unlock it with the same passphrase.",
                path=report.target,
            )
        )
        self.notice.setMinimumHeight(self.notice.heightForWidth(self.NOTICE_WIDTH))

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.passphrase.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)
        self.rescue_button.setEnabled(not busy)

    def _done(self, vault: object) -> None:
        self.job = None
        self._set_busy(False)
        if vault is not None:
            self.session.attach(cast("Vault", vault))

    def _failed(self, exc: Exception) -> None:
        self.job = None
        self._set_busy(False)
        damaged = isinstance(exc, VaultDamaged) and exc.part == "database"
        text = error_text(exc)
        if damaged:
            text += " " + tr(
                "What can still be read can be copied into a new vault: type your passphrase"
                " again and choose Rescue what can be read."
            )
        self.message.setText(text)
        self.rescue_button.setVisible(damaged or self.rescue_button.isVisible())
        self.focus_passphrase()
