"""The volunteer's outbox: every exported bundle, whether it reached the drop, and "Send now".

Nothing is sent in the background: the volunteer presses "Send now" (intake/core/drop.py,
AmanatCore.drop.send on a worker thread); the progress bar follows the bundle being sent and
"Cancel" stops it (what arrived stays on the drop and the next send resumes from there). Each
row shows a bundle's state: waiting, sent, or the last problem in plain words.
"""

from __future__ import annotations

import threading

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intake.i18n import format_size, format_timestamp, tr
from intake.transport.errors import Cancelled
from intake.transport.outbox import SendResult
from ui.coordinator.common import help_label, ltr, start_job, title_label
from ui.dialogs import error_text
from ui.session import VaultSession
from ui.workers import Progress, WorkerHandle


class OutboxDialog(QDialog):
    """A table of the outbox, a progress bar, Send now / Cancel / Close."""

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job: WorkerHandle | None = None
        self._stop = threading.Event()
        self.setWindowTitle(tr("Outbox"))
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(tr("Outbox")))
        layout.addWidget(
            help_label(
                tr(
                    "Every exported bundle waits here until it has reached your coordinator's "
                    "drop. Bundles are encrypted: the drop sees only their size. Nothing is sent "
                    "until you press Send now."
                )
            )
        )
        self.drop_label = QLabel()
        layout.addWidget(self.drop_label)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([tr("Bundle"), tr("Size"), tr("State")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.send_button = QPushButton(tr("Send now"))
        self.send_button.clicked.connect(self.send)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.reject)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.reload()

    def reload(self, errors: dict[str, str] | None = None) -> None:
        core = self.session.core
        desc = core.drop.current()
        self.drop_label.setText(
            tr("Drop: {url}", url=ltr(desc.url))
            if desc
            else tr(
                "No drop is set in this vault. Import the drop description from your coordinator."
            )
        )
        entries = core.drop.outbox()
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            if entry.state == "sent":
                state = tr("Sent {time}", time=format_timestamp(entry.sent_at or ""))
            elif errors and entry.bundle_id in errors:
                state = tr("Waiting: {problem}", problem=errors[entry.bundle_id])
            elif entry.last_error:
                state = tr("Waiting (last try failed)")
            else:
                state = tr("Waiting")
            values = (ltr(entry.bundle_id[:8]), format_size(entry.size), state)
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        pending = sum(1 for e in entries if e.state == "pending")
        self.send_button.setEnabled(bool(pending and desc) and self.job is None)

    def send(self) -> None:
        if self.job is not None:
            return
        self._stop.clear()
        session = self.session
        stop = self._stop

        def job(progress: Progress) -> list[SendResult]:
            def step(bundle: str, done: int, total: int) -> None:
                if stop.is_set():
                    raise Cancelled()
                session.check_cancel()
                progress(int(100 * done / max(total, 1)))

            return session.core.drop.send(step)

        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText(tr("Sending…"))
        self.send_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.job = start_job(session, job, self._finished, self._failed, self.progress.setValue)

    def cancel(self) -> None:
        self._stop.set()
        self.cancel_button.setEnabled(False)

    def _done(self) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.cancel_button.setEnabled(False)

    def _finished(self, results: list[SendResult]) -> None:
        self._done()
        errors = {r.bundle_id: error_text(r.error) for r in results if r.error is not None}
        sent = sum(1 for r in results if r.error is None)
        self.status.setText(tr("Sent: {sent}. Not sent: {failed}.", sent=sent, failed=len(errors)))
        if self.session.is_unlocked:
            self.reload(errors)

    def _failed(self, exc: Exception) -> None:
        self._done()
        self.status.setText(error_text(exc))
        if self.session.is_unlocked:
            self.reload()

    def reject(self) -> None:
        if self.job is not None:  # closing stops the send; what arrived is kept
            self._stop.set()
            self.job.wait()
        super().reject()
