"""The unlock screen: one passphrase field; key derivation runs on a worker thread.

Errors are the typed ones from the vault ("Wrong passphrase.", "This vault is already open in
another Amanat window…"), shown in plain words under the field. After an automatic lock the
screen says so, so a volunteer coming back to the laptop knows nothing was lost.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake.demo import demo_passphrase_for
from intake.i18n import tr
from intake.vault import Vault
from ui.dialogs import error_text
from ui.session import VaultSession
from ui.workers import Progress, WorkerHandle, run_in_thread


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
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
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
        # wrapped text set after layout: reserve its full height so no line is clipped
        self.notice.setMinimumHeight(self.notice.heightForWidth(self.NOTICE_WIDTH))

    def focus_passphrase(self) -> None:
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)

    def unlock(self) -> None:
        passphrase = self.passphrase.text()
        if not passphrase or self.job is not None:
            return
        path = self.session.path

        def job(_progress: Progress) -> Vault:
            return Vault.open(path, passphrase)

        self.passphrase.clear()
        self.message.setText("")
        self._set_busy(True)
        self.job = run_in_thread(job, self._done, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.passphrase.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)

    def _done(self, vault: object) -> None:
        self.job = None
        self._set_busy(False)
        if isinstance(vault, Vault):
            self.session.attach(vault)

    def _failed(self, exc: Exception) -> None:
        self.job = None
        self._set_busy(False)
        self.message.setText(error_text(exc))
        self.focus_passphrase()
