"""Sharing selected testimonies as CSV or JSON, and printing one testimony as a PDF.

By default the export leaves out sensitive fields and the names (and narratives) of people
who did not consent to publication (intake.sharing.export). Ticking either "include" box shows the
service's risk warnings in a confirmation dialog whose safe answer is the default; only then
is the file written (on a worker thread, atomically). The PDF is rendered by intake.pdf from
the vault's record and written atomically as well.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from intake.i18n import current_language, ntr, tr
from intake.sharing.export import ShareOptions, ShareReport, risk_warnings
from ui import dialogs
from ui.coordinator.common import help_label, start_job
from ui.session import VaultSession
from ui.workers import Progress


class ShareDialog(QDialog):
    """Format, what to include, file name; warnings before anything risky."""

    def __init__(self, session: VaultSession, ids: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.ids = ids
        self.report: ShareReport | None = None
        self.setWindowTitle(tr("Share testimonies"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            help_label(
                tr(
                    "{count} selected testimonies. Drafts are never shared. By default "
                    "sensitive fields and the names of people who did not consent to "
                    "publication are left out.",
                    count=len(ids),
                )
            )
        )
        self.format = QComboBox()
        self.format.addItem("CSV", "csv")
        self.format.addItem("JSON", "json")
        layout.addWidget(self.format)
        self.sensitive = QCheckBox(tr("Also include fields marked sensitive"))
        self.unconsented = QCheckBox(tr("Also include names without consent to publish"))
        layout.addWidget(self.sensitive)
        layout.addWidget(self.unconsented)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(tr("Save…"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.choose_file)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def options(self) -> ShareOptions:
        return ShareOptions(
            include_sensitive=self.sensitive.isChecked(),
            include_unconsented_names=self.unconsented.isChecked(),
        )

    def choose_file(self) -> None:
        fmt = str(self.format.currentData())
        name, _f = QFileDialog.getSaveFileName(self, tr("Save shared data"), f"amanat-shared.{fmt}")
        if name:
            self.save(Path(name))

    def save(self, path: Path) -> bool:
        """Export to ``path`` after the warnings were accepted; False when cancelled."""
        options = self.options()
        warnings = risk_warnings(options)
        if warnings and not dialogs.confirm(
            self,
            tr("Include more than the safe default?"),
            "\n\n".join(warnings),
            tr("Include and save"),
            tr("Cancel"),
            dangerous=True,
        ):
            return False
        fmt = str(self.format.currentData())
        core, ids = self.session.core, list(self.ids)
        self.save_button.setEnabled(False)
        self.progress.setVisible(True)

        def job(progress: Progress) -> ShareReport:
            def step(done: int, total: int) -> None:
                self.session.check_cancel()
                progress(int(100 * done / max(total, 1)))

            return core.share(  # the save dialog asked before replacing a file
                path,
                fmt,  # type: ignore[arg-type]
                ids,
                options,
                step,
                overwrite=True,
            )

        self.job = start_job(self.session, job, self._done, self._failed, self.progress.setValue)
        return True

    def _done(self, report: ShareReport) -> None:
        self.report = report
        self.progress.setVisible(False)
        self.save_button.setEnabled(True)
        self.message.setText(
            tr(
                "Saved {records} testimonies ({victims} victims). Names left out: {withheld}. "
                "Drafts skipped: {drafts}.",
                records=report.records,
                victims=report.victims,
                withheld=report.names_withheld,
                drafts=report.skipped_drafts,
            )
        )

    def _failed(self, exc: Exception) -> None:
        self.progress.setVisible(False)
        self.save_button.setEnabled(True)
        self.message.setText(dialogs.error_text(exc))


def save_pdf(session: VaultSession, testimony_id: str, path: Path, redacted: bool) -> int:
    """Render the testimony's newest version to ``path`` atomically; returns the page count."""
    # plaintext: owner only, no planted link; the save dialog asked before replacing a file
    return session.core.save_testimony_pdf(
        testimony_id, current_language(), path, redacted=redacted, overwrite=True
    )


def ask_pdf(session: VaultSession, testimony_id: str, parent: QWidget) -> Path | None:
    """Ask what to print (the shareable version is the default) and where; say where it went."""
    full = dialogs.confirm(
        parent,
        tr("Save PDF"),
        tr(
            "Print the full record, with sensitive fields and names without consent to publish? "
            "Choose this only for your own files: the PDF is not encrypted."
        ),
        tr("Full record"),
        tr("Leave them out (for sharing)"),
        dangerous=True,
    )
    suggested = "testimony.pdf" if full else "testimony-redacted.pdf"
    name, _f = QFileDialog.getSaveFileName(parent, tr("Save PDF"), suggested)
    if not name:
        return None
    try:
        pages = save_pdf(session, testimony_id, Path(name), redacted=not full)
    except Exception as exc:
        dialogs.show_error(parent, exc)
        return None
    dialogs.show_info(
        parent,
        tr("Save PDF"),
        tr(
            "{pages} saved to {path}. It is not encrypted: keep it safe or delete it after use.",
            pages=ntr("{n} page", "{n} pages", pages),
            path=name,
        ),
    )
    return Path(name)
