""" "Back up to a USB stick…": an encrypted copy of the open vault into a chosen folder.

The copy runs on one of the long-lived worker threads (ui/workers.py) through the core
(intake/core/safekeeping.py) with a progress bar; it reads through its own connection, so the
window stays usable. Locking while it runs stops it (the half-written ``.part`` folder is
removed). The dialog also says what a backup is: encrypted, opened with today's passphrase,
untouched by a wipe of this computer.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake.core import safekeeping
from intake.i18n import tr
from intake.safekeeping.backup import BackupResult
from ui.dialogs import error_text
from ui.session import VaultSession
from ui.workers import Progress, WorkerHandle, run_in_thread


class BackupDialog(QDialog):
    """Choose a folder, back up with progress, show where the backup is."""

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job: WorkerHandle | None = None
        self.result_info: BackupResult | None = None
        self.setWindowTitle(tr("Back up the vault"))
        self.resize(560, 300)
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "The backup is a copy of the whole vault, encrypted like the vault itself. It"
                " opens with the passphrase you use today, also after you change it. Keep the"
                " USB stick somewhere else than this computer: a wipe of this computer does not"
                " erase it."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        where = QGroupBox(tr("Destination folder"))
        where_layout = QHBoxLayout(where)
        self.folder = QLineEdit()
        self.folder.setReadOnly(True)
        self.folder.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # a path
        self.folder.setPlaceholderText(tr("For example a USB stick"))
        choose = QPushButton(tr("Choose folder…"))
        choose.clicked.connect(self.choose_folder)
        where_layout.addWidget(self.folder, 1)
        where_layout.addWidget(choose)
        layout.addWidget(where)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.close_button = QPushButton(tr("Close"))
        self.close_button.clicked.connect(self.reject)
        self.backup_button = QPushButton(tr("Back up"))
        self.backup_button.setDefault(True)
        self.backup_button.clicked.connect(self.start)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.backup_button)
        layout.addLayout(buttons)
        self._refresh()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Destination folder"))
        if folder:
            self.set_folder(Path(folder))

    def set_folder(self, folder: Path) -> None:
        self.folder.setText(str(folder))
        self._refresh()

    def _refresh(self) -> None:
        self.backup_button.setEnabled(bool(self.folder.text()) and self.job is None)
        self.close_button.setEnabled(self.job is None)

    def start(self) -> None:
        if not self.folder.text() or self.job is not None:
            return
        vault, folder, session = self.session.vault, Path(self.folder.text()), self.session

        def job(progress: Progress) -> BackupResult:
            def step(done: int, total: int) -> None:
                session.check_cancel()
                progress(done * 100 // total if total else 0)

            return safekeeping.backup_open_vault(vault, folder, step)

        self.message.setText(tr("Writing the backup…"))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.session.job_started()
        self.job = run_in_thread(job, self._done, self._failed, self.progress.setValue)
        self._refresh()

    def _over(self) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.session.job_finished()
        self._refresh()

    def _done(self, result: object) -> None:
        self._over()
        if isinstance(result, BackupResult):
            self.result_info = result
            self.message.setText(tr("The backup was written to:") + "\n" + str(result.path))

    def _failed(self, exc: Exception) -> None:
        self._over()
        self.message.setText(error_text(exc))
