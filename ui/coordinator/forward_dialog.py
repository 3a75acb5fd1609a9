"""Forwarding testimonies to another coordinator (docs/bundle-format.md §7.13).

So that the archive survives this laptop being seized, or its coordinator having to leave, a
coordinator passes the selected testimonies (or all of them) on to a second coordinator whose
card is enrolled and verified here. The bundle carries every version as its author signed it;
the other coordinator checks this vault's signature and each author's. The work is the core's
``export_bundle(..., forward=True)``, run on a worker thread; this dialog only asks whom to,
what, and where to save.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from intake.bundles.export import ExportResult
from intake.i18n import ntr, tr
from ui import dialogs
from ui.coordinator.common import help_label, ltr, start_job
from ui.session import VaultSession
from ui.workers import Progress


class ForwardDialog(QDialog):
    """Which coordinator, which testimonies, then the file."""

    def __init__(self, session: VaultSession, ids: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.ids = ids
        self.result_: ExportResult | None = None
        self.setWindowTitle(tr("Forward to another coordinator"))
        self.setMinimumWidth(600)  # the help text wraps into a few lines, never cut
        layout = QVBoxLayout(self)
        layout.addWidget(
            help_label(
                tr(
                    "Pass testimonies on to a second coordinator, so that the archive survives "
                    "if this laptop is lost or seized. Every version goes exactly as its author "
                    "signed it, with its attachments; the other coordinator checks this vault's "
                    "signature and every author's."
                )
            )
        )
        self.recipient = QComboBox()
        for known in session.core.forward_recipients():
            self.recipient.addItem(
                f"{known.card.name} ({ltr(known.fingerprint)})", known.fingerprint
            )
        layout.addWidget(QLabel(tr("Coordinator")))
        layout.addWidget(self.recipient)
        self.selected = QRadioButton(
            ntr("The {n} selected testimony", "The {n} selected testimonies", len(ids))
        )
        self.everything = QRadioButton(tr("Every testimony with a final version"))
        group = QButtonGroup(self)
        group.addButton(self.selected)
        group.addButton(self.everything)
        self.selected.setEnabled(bool(ids))
        (self.selected if ids else self.everything).setChecked(True)
        layout.addWidget(self.selected)
        layout.addWidget(self.everything)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            tr("Save bundle…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.choose_file)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if self.recipient.count() == 0:
            self.save_button.setEnabled(False)
            self.message.setText(
                tr(
                    "No other coordinator's card is verified in this vault. Import their card "
                    "and compare the fingerprint with them in person or by phone first."
                )
            )

    def choose_file(self) -> None:
        name, _f = QFileDialog.getSaveFileName(
            self, tr("Save bundle"), "amanat-forward.age", tr("Amanat bundle (*.age)")
        )
        if name:
            self.save(Path(name))

    def save(self, path: Path) -> bool:
        """Write the forwarded bundle to ``path`` on a worker thread; False when there is no
        coordinator to forward to."""
        fingerprint = self.recipient.currentData()
        if fingerprint is None:
            return False
        core = self.session.core
        chosen = list(self.ids) if self.selected.isChecked() else []
        self.save_button.setEnabled(False)
        self.progress.setVisible(True)
        self.message.clear()

        def job(progress: Progress) -> ExportResult:
            def step(done: int, total: int) -> None:
                self.session.check_cancel()
                progress(int(100 * done / max(total, 1)))

            return core.export_bundle(
                [str(fingerprint)],
                path,
                selection="ids" if chosen else "all-final",
                ids=chosen,
                progress=step,
                forward=True,
            )

        self.job = start_job(self.session, job, self._done, self._failed, self.progress.setValue)
        return True

    def _done(self, result: ExportResult) -> None:
        self.result_ = result
        self.progress.setVisible(False)
        self.save_button.setEnabled(True)
        self.message.setText(
            tr(
                "Forwarded {versions} and {attachments} to {path}. Only the chosen coordinator "
                "can open it.",
                versions=ntr("{n} testimony version", "{n} testimony versions", result.records),
                attachments=ntr("{n} attachment", "{n} attachments", result.attachments),
                path=ltr(str(result.path)),
            )
        )

    def _failed(self, exc: Exception) -> None:
        self.progress.setVisible(False)
        self.save_button.setEnabled(True)
        self.message.setText(dialogs.error_text(exc))
