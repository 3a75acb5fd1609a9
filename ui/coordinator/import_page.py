"""The coordinator's import screen: choose or drop bundles, one report per bundle, quarantine.

Bundles are received one after another on a worker thread by the core (AmanatCore.receive_bundles,
intake/core/app.py, which uses intake.bundles.quarantine.receive_bundle for each:
imported when the sender is enrolled, kept in the vault's quarantine when not, refused with a
plain reason when tampered, foreign or revoked — then nothing changed). Each bundle gets a
report: sender name and fingerprint, signature, records new / updated / unchanged, problems,
and each record refused for adding to another author's testimony (reason, sender, fingerprint).
Below, the quarantine lists bundles waiting for their sender to be enrolled: the coordinator
compares the fingerprint with the volunteer (an explicit checkbox), enrolls the card the bundle
carries and imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from intake.bundles.importer import BundleReport
from intake.bundles.quarantine import WaitingBundle
from intake.core.app import Received
from intake.i18n import format_timestamp, ntr, tr
from ui import dialogs
from ui.coordinator.common import fingerprint_label, help_label, ltr, start_job, title_label
from ui.session import VaultSession
from ui.workers import Progress

BundleOutcome = Received  # one file's result: a receipt, or the error that stopped it


def receive_all(
    session: VaultSession, paths: list[Path], progress: Progress
) -> list[BundleOutcome]:
    """Receive each bundle in turn (runs on the worker thread); a lock stops the batch."""

    def step(percent: int) -> None:
        session.check_cancel()
        progress(percent)

    results = session.core.receive_bundles(paths, step)
    progress(100)
    return results


def fetch_all(session: VaultSession, progress: Progress) -> list[BundleOutcome]:
    """Fetch from the drop (worker thread): one outcome per bundle file handled; files that
    were fetched before are only moved on the drop and not reported again."""

    def step(name: str, done: int, total: int) -> None:
        session.check_cancel()
        progress(int(100 * done / max(total, 1)))

    results = session.core.drop.fetch(step)
    progress(100)
    return [Received(f.name, f.receipt, f.error) for f in results if f.outcome != "known"]
    # "waiting" (no room on this disk) comes with its error and is shown as not imported


def _gaps_text(report: BundleReport) -> str:
    if not report.gaps:
        return ""
    ranges = ", ".join(ltr(f"{a}–{b}" if a != b else str(a)) for a, b in report.gaps)
    return tr("Bundles not received yet from this volunteer: {ranges}.", ranges=ranges)


def report_text(outcome: BundleOutcome) -> str:
    """The plain-words report of one bundle, several lines."""
    if outcome.error is not None or outcome.receipt is None:
        error = outcome.error or RuntimeError()
        return "\n".join(
            (tr("{file}: NOT imported", file=ltr(outcome.name)), dialogs.error_text(error))
        )
    report = outcome.receipt.report
    lines = [
        tr(
            "{file}: from {name} (fingerprint {fingerprint}), bundle number {sequence}",
            file=ltr(outcome.name),
            name=report.sender_name,
            fingerprint=ltr(report.sender_fingerprint),
            sequence=report.sequence,
        ),
        tr("Signature valid; every item matches the signed list."),
    ]
    if outcome.receipt.outcome == "quarantined":
        lines.append(
            tr(
                "The sender is not enrolled: the bundle waits in the quarantine below. Nothing "
                "was added to the archive."
            )
        )
    elif outcome.receipt.outcome == "already":
        lines.append(tr("This bundle was imported before; nothing changed."))
    else:
        counts = report.outcomes
        lines.append(
            tr(
                "Records: {new} new, {updated} updated, {unchanged} unchanged, {older} older "
                "(kept the newer); {attachments}.",
                new=counts.get("new", 0),
                updated=counts.get("updated", 0),
                unchanged=counts.get("unchanged", 0),
                older=counts.get("older", 0),
                attachments=ntr(
                    "{n} new attachment", "{n} new attachments", report.attachments_new
                ),
            )
        )
    for refused in report.refused:  # another author's testimony: this record only
        lines.append(refused.line())
    if report.refused:
        lines.append(
            ntr(
                "{n} record was refused and not stored; the rest was imported. The refusal is"
                " in the audit trail.",
                "{n} records were refused and not stored; the rest was imported. The refusals"
                " are in the audit trail.",
                len(report.refused),
            )
        )
    if report.reused_sequence:
        lines.append(tr("This volunteer already sent another bundle with the same number."))
    gaps = _gaps_text(report)
    if gaps:
        lines.append(gaps)
    return "\n".join(lines)


class ImportPage(QWidget):
    """Import reports on top, the quarantine below."""

    archive_changed = Signal()
    running_changed = Signal(bool)  # an import (or keep/import from quarantine) runs

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.running = False
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(tr("Import bundles")))
        layout.addWidget(
            help_label(
                tr(
                    "Choose bundle files, or drop them here. Each is checked completely before "
                    "anything is stored: a changed or foreign bundle imports nothing."
                )
            )
        )
        row = QHBoxLayout()
        self.choose_button = QPushButton(tr("Choose bundles…"))
        self.choose_button.clicked.connect(self.choose)
        self.choose_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        row.addWidget(self.choose_button)
        self.fetch_button = QPushButton(tr("Fetch from drop"))
        self.fetch_button.setToolTip(
            tr("Download new bundles from the drop you set, import them, and tidy the drop.")
        )
        self.fetch_button.clicked.connect(self.fetch_from_drop)
        self.fetch_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        row.addWidget(self.fetch_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        row.addWidget(self.progress, 1)
        row.addStretch(1)  # the buttons stay on the left while the progress bar is hidden
        layout.addLayout(row)
        splitter = QSplitter()
        splitter.setOrientation(splitter.orientation().Vertical)
        self.reports = QListWidget()
        self.reports.setWordWrap(True)
        self.reports.setAlternatingRowColors(True)
        splitter.addWidget(self.reports)
        splitter.addWidget(self._quarantine_box())
        splitter.setSizes([360, 300])
        layout.addWidget(splitter, 1)
        self.reload_quarantine()

    # ---- quarantine -----------------------------------------------------------------------

    def _quarantine_box(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title_label(tr("Quarantine: senders not enrolled")))
        self.waiting = QListWidget()
        self.waiting.currentRowChanged.connect(self._waiting_selected)
        layout.addWidget(self.waiting, 1)
        self.sender_text = QLabel()
        self.sender_text.setWordWrap(True)
        layout.addWidget(self.sender_text)
        self.fingerprint = fingerprint_label("")
        layout.addWidget(self.fingerprint)
        self.compared = QCheckBox(
            tr(
                "I read this fingerprint with the volunteer (in person or by phone) and it is "
                "exactly the same."
            )
        )
        self.compared.toggled.connect(self._refresh_buttons)
        layout.addWidget(self.compared)
        buttons = QHBoxLayout()
        self.enroll_button = QPushButton(tr("Enroll volunteer and import"))
        self.enroll_button.clicked.connect(self.enroll_and_import)
        self.discard_button = QPushButton(tr("Delete bundle"))
        self.discard_button.clicked.connect(self.discard)
        buttons.addWidget(self.enroll_button)
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return box

    def reload_quarantine(self) -> None:
        self.waiting.clear()
        self._waiting: list[WaitingBundle] = self.session.core.waiting_bundles()
        for item in self._waiting:
            self.waiting.addItem(
                ntr(
                    "{name} · bundle {sequence} · {n} record · received {when}",
                    "{name} · bundle {sequence} · {n} records · received {when}",
                    item.records,
                    name=item.sender_name,
                    sequence=item.sequence,
                    when=format_timestamp(item.received_at),
                )
            )
        if self._waiting:
            self.waiting.setCurrentRow(0)
        self._waiting_selected(self.waiting.currentRow())

    def selected_waiting(self) -> WaitingBundle | None:
        row = self.waiting.currentRow()
        return self._waiting[row] if 0 <= row < len(self._waiting) else None

    def _waiting_selected(self, _row: int) -> None:
        item = self.selected_waiting()
        self.compared.setChecked(False)
        if item is None:
            self.sender_text.setText(tr("No bundle is waiting."))
            self.fingerprint.clear()
        else:
            self.sender_text.setText(
                tr(
                    "Sent by {name}. Call or meet this volunteer and ask them to read the "
                    "fingerprint shown in their Amanat; compare every group:",
                    name=item.sender_name,
                )
            )
            self.fingerprint.setText(ltr(item.sender_fingerprint))
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        item = self.selected_waiting()
        self.compared.setEnabled(item is not None and not self.running)
        self.enroll_button.setEnabled(
            item is not None and self.compared.isChecked() and not self.running
        )
        self.discard_button.setEnabled(item is not None and not self.running)
        self.choose_button.setEnabled(not self.running)
        self.fetch_button.setEnabled(not self.running)

    def enroll_and_import(self) -> None:
        item = self.selected_waiting()
        if item is None or not self.compared.isChecked():
            return
        try:
            self.session.core.enroll_quarantined_sender(item.bundle_id, fingerprint_compared=True)
        except Exception as exc:
            dialogs.show_error(self, exc)
            return
        bundle_id, name = (
            item.bundle_id,
            tr("bundle {sequence} of {name}", sequence=item.sequence, name=item.sender_name),
        )

        def job(progress: Progress) -> list[BundleOutcome]:
            def step(percent: int) -> None:
                self.session.check_cancel()
                progress(percent)

            return [self.session.core.import_quarantined(bundle_id, name, step)]

        self._run(job)

    def discard(self) -> None:
        item = self.selected_waiting()
        if item is None:
            return
        if not dialogs.confirm(
            self,
            tr("Delete bundle"),
            tr("Delete this bundle from the quarantine without importing it?"),
            tr("Delete"),
            dangerous=True,
        ):
            return
        try:
            self.session.core.discard_quarantined(item.bundle_id)
        except Exception as exc:
            dialogs.show_error(self, exc)
        self.reload_quarantine()

    # ---- importing ------------------------------------------------------------------------

    def choose(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(
            self, tr("Choose bundles"), "", tr("Amanat bundles (*.age);;All files (*)")
        )
        if files:
            self.import_files([Path(f) for f in files])

    def fetch_from_drop(self) -> None:
        """Fetch every new bundle from the drop (intake/transport/fetch.py) on a worker."""
        if self.running:
            return
        self._run(lambda progress: fetch_all(self.session, progress))

    def import_files(self, paths: list[Path]) -> None:
        if self.running or not paths:
            return
        self._run(lambda progress: receive_all(self.session, paths, progress))

    def _run(self, job: Callable[[Progress], list[BundleOutcome]]) -> None:
        self.running = True
        self.running_changed.emit(True)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self._refresh_buttons()
        self.job = start_job(
            self.session, job, self._finished, self._failed, self.progress.setValue
        )

    def _finished(self, outcomes: list[BundleOutcome]) -> None:
        self.running = False
        self.running_changed.emit(False)
        self.progress.setVisible(False)
        for outcome in outcomes:
            item = QListWidgetItem(report_text(outcome))
            receipt = outcome.receipt
            if outcome.error is not None or (receipt is not None and receipt.report.refused):
                item.setForeground(QColor("#b3261e"))
            self.reports.insertItem(0, item)
        if self.session.is_unlocked:
            self.reload_quarantine()
            self.archive_changed.emit()
        self._refresh_buttons()

    def _failed(self, exc: Exception) -> None:
        self.running = False
        self.running_changed.emit(False)
        self.progress.setVisible(False)
        self._refresh_buttons()
        dialogs.show_error(self, exc)

    # ---- drag and drop --------------------------------------------------------------------

    @staticmethod
    def _paths(mime: QMimeData) -> list[Path]:
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._paths(event.mimeData()) and not self.running:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    def clear(self) -> None:
        self.reports.clear()
        self.waiting.clear()
        self._waiting = []
        self.sender_text.clear()
        self.fingerprint.clear()
