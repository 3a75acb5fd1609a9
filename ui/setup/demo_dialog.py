"""The demo, from the first screen: build the fictional vaults with progress, then pick a role.

``intake.core.vaults.create_demo`` runs on a worker thread in a new temporary folder (never the
real vault's): a volunteer's vault with fictional testimonies and a coordinator's vault that
already received them as a bundle. The dialog names each step as it runs, then offers both
roles; the chosen vault is unlocked with the demo passphrase (shown on the unlock screen later)
and handed to the window through ``opened``. From the unlock screen of a demo vault the other
role is one click away (ui/unlock_page.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake.core.vaults import create_demo, demo_passphrase, new_demo_folder, unlock_vault
from intake.i18n import tr
from ui.dialogs import error_text
from ui.workers import Progress, WorkerHandle, run_in_thread


class DemoDialog(QDialog):
    """Progress while the demo is built; then "Volunteer" or "Coordinator"."""

    opened = Signal(object)  # the unlocked demo Vault of the chosen role

    def __init__(self, parent: QWidget | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Demo with fictional people"))
        self.setMinimumWidth(560)
        self.demo: Any = None  # intake.demo.Demo once built
        self.job: WorkerHandle | None = None
        self._step = tr("Preparing the demo…")
        layout = QVBoxLayout(self)
        title = QLabel(tr("Preparing a demo with fictional people"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.step_label = QLabel(self._step)
        self.step_label.setWordWrap(True)
        layout.addWidget(self.step_label)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        layout.addWidget(self.progress)
        self.choice_label = QLabel(
            tr(
                "Both vaults use the passphrase “{passphrase}”. Which role do you want to try? "
                "You can switch from the unlock screen (File › Lock).",
                passphrase=demo_passphrase(),
            )
        )
        self.choice_label.setWordWrap(True)
        self.choice_label.setVisible(False)
        layout.addWidget(self.choice_label)
        roles = QHBoxLayout()
        self.volunteer_button = QPushButton(
            tr("Volunteer") + "\n" + tr("write testimonies and export them")
        )
        self.coordinator_button = QPushButton(
            tr("Coordinator") + "\n" + tr("review the testimonies already received")
        )
        for role, button in (
            ("volunteer", self.volunteer_button),
            ("coordinator", self.coordinator_button),
        ):
            button.setMinimumHeight(64)
            button.setEnabled(False)
            button.clicked.connect(lambda _c=False, r=role: self.choose(r))
            roles.addWidget(button)
        layout.addLayout(roles)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.close_button = QPushButton(tr("Cancel"))
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.start(folder or new_demo_folder())

    def start(self, folder: Path) -> None:
        def job(progress: Progress) -> object:
            def step(percent: int, text: str) -> None:
                if text:
                    self._step = text  # read by the GUI thread in _progress
                progress(percent)

            return create_demo(folder, step)

        self.job = run_in_thread(job, self._built, self._failed, self._progress)

    def _progress(self, percent: int) -> None:
        self.progress.setValue(percent)
        self.step_label.setText(self._step)

    def _built(self, demo: object) -> None:
        self.job = None
        if demo is None:
            return
        self.demo = demo
        self.progress.setValue(100)
        self.step_label.setText(tr("The demo is ready."))
        self.choice_label.setVisible(True)
        for button in (self.volunteer_button, self.coordinator_button):
            button.setEnabled(True)
        self.volunteer_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _failed(self, exc: Exception) -> None:
        self.job = None
        self.step_label.setObjectName("errorText")
        self.step_label.setText(error_text(exc))
        self.close_button.setText(tr("Close"))

    def choose(self, role: str) -> None:
        """Unlock the demo vault of ``role`` (on a worker thread) and hand it to the window."""
        if self.demo is None or self.job is not None:
            return
        path = self.demo.vault(role)
        for button in (self.volunteer_button, self.coordinator_button):
            button.setEnabled(False)
        self.step_label.setText(tr("Opening the demo vault…"))

        def job(_progress: Progress) -> object:
            return unlock_vault(path, demo_passphrase())

        self.job = run_in_thread(job, self._opened, self._failed)

    def _opened(self, vault: object) -> None:
        self.job = None
        if vault is not None:
            self.opened.emit(vault)
            self.accept()
