"""Export finalized testimonies to verified coordinators as one signed, encrypted bundle.

The volunteer picks the coordinators (only cards whose fingerprint was compared are offered),
which testimonies (new since the last export, all final ones, or the one selected in the list)
and a destination folder, e.g. a USB stick. ``intake.bundles.export.export_bundle`` writes
``*.part`` and renames it only when complete, on a worker thread with a progress bar;
Cancel (or a lock) stops it and leaves no file. The seal option is explained in plain words and
stored in the vault. A summary says what was written where.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from intake.bundles.export import ExportResult, Selection
from intake.i18n import format_size, ntr, tr
from ui.dialogs import error_text
from ui.errors import ExportCancelled
from ui.session import VaultSession
from ui.workers import Progress, WorkerHandle, run_in_thread


class ExportDialog(QDialog):
    """Choose recipients, records and a folder; export on a worker thread."""

    def __init__(
        self,
        session: VaultSession,
        selected_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.selected_id = selected_id
        self.job: WorkerHandle | None = None
        self.cancel_requested = False
        self.result_info: ExportResult | None = None
        self.setWindowTitle(tr("Export to coordinator"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)

        people = QGroupBox(tr("Coordinators"))
        people_layout = QVBoxLayout(people)
        self.recipients: dict[str, QCheckBox] = {}
        for known in session.core.cards.usable_coordinators():
            check = QCheckBox(f"{known.card.name}   {known.fingerprint}")
            check.setChecked(True)
            check.toggled.connect(lambda _c=False: self._refresh())
            self.recipients[known.fingerprint] = check
            people_layout.addWidget(check)
        if not self.recipients:
            none = QLabel(
                tr(
                    "No coordinator can receive bundles yet. Add your coordinator's card and "
                    "compare the fingerprint first (File › Add coordinator card…)."
                )
            )
            none.setWordWrap(True)
            people_layout.addWidget(none)
        layout.addWidget(people)

        what = QGroupBox(tr("Testimonies"))
        what_layout = QVBoxLayout(what)
        self.new_only = QRadioButton(tr("New final testimonies (not exported yet)"))
        self.all_final = QRadioButton(tr("All final testimonies"))
        self.selected = QRadioButton(tr("Only the testimony selected in the list"))
        self.selected.setEnabled(selected_id is not None)
        self.new_only.setChecked(True)
        self.choice = QButtonGroup(self)
        for button in (self.new_only, self.all_final, self.selected):
            self.choice.addButton(button)
            what_layout.addWidget(button)
        layout.addWidget(what)

        where = QGroupBox(tr("Destination folder"))
        where_layout = QHBoxLayout(where)
        self.folder = QLineEdit()  # typed or chosen; must name an existing folder
        self.folder.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # a path
        self.folder.setPlaceholderText(tr("Type a folder or choose one, e.g. a USB stick"))
        self.folder.textChanged.connect(lambda _t: self._refresh())
        choose = QPushButton(tr("Choose folder…"))
        choose.clicked.connect(self.choose_folder)
        where_layout.addWidget(self.folder, 1)
        where_layout.addWidget(choose)
        layout.addWidget(where)

        self.seal = QCheckBox(tr("Seal what I export on this computer"))
        self.seal.setChecked(session.core.seal_is_on())
        layout.addWidget(self.seal)
        explain = QLabel(
            tr(
                "When sealing is on, the testimonies you export are removed from this computer "
                "right after the export. Only the encrypted bundle is kept, and only the "
                "coordinators can open it. If someone forces you to unlock Amanat, what you "
                "already sent cannot be shown. Keep it off if you still need to read or print "
                "what you exported."
            )
        )
        explain.setWordWrap(True)
        explain.setObjectName("helpText")
        layout.addWidget(explain)
        self.classic = QCheckBox(
            tr("Classic encryption, for a partner whose age is older than 1.3")
        )
        self.classic.setToolTip(
            tr(
                "Bundles are post-quantum when every coordinator's card allows it. Choose this "
                "only if a partner must open the bundle with an age older than 1.3."
            )
        )
        layout.addWidget(self.classic)

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.export_button = QPushButton(tr("Export"))
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        layout.addLayout(buttons)
        self._refresh()

    def say(self, text: str) -> None:
        """Show ``text`` under the choices. The dialog grows to the height everything needs
        at its width (wrapped lines included), so the choices above are never squeezed."""
        self.message.setText(text)
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = (
            layout.totalHeightForWidth(self.width())
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        if needed > self.minimumHeight():
            self.setMinimumHeight(needed)

    # ---- choices --------------------------------------------------------------------------

    def chosen_recipients(self) -> list[str]:
        return [fp for fp, check in self.recipients.items() if check.isChecked()]

    def selection(self) -> Selection:
        if self.selected.isChecked():
            return "ids"
        return "all-final" if self.all_final.isChecked() else "new"

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Destination folder"))
        if folder:
            self.set_folder(Path(folder))

    def set_folder(self, folder: Path) -> None:
        self.folder.setText(str(folder))
        self._refresh()

    def destination(self) -> Path | None:
        """The folder typed or chosen (``~`` expanded), or None while the box is empty."""
        text = self.folder.text().strip()
        return Path(text).expanduser() if text else None

    def _refresh(self) -> None:
        ready = bool(self.chosen_recipients() and self.destination()) and self.job is None
        self.export_button.setEnabled(ready and self.result_info is None)

    # ---- export ---------------------------------------------------------------------------

    def start(self) -> None:
        recipients, folder = self.chosen_recipients(), self.destination()
        if not recipients or folder is None or self.job is not None:
            return
        if not folder.is_dir():  # a typo must not become a file name beside the folder
            self.say(tr("The folder {path} does not exist. Check it or choose one.", path=folder))
            return
        core, selection, classic = self.session.core, self.selection(), self.classic.isChecked()
        ids = [self.selected_id] if selection == "ids" and self.selected_id else []
        core.set_seal(self.seal.isChecked())
        self.cancel_requested = False
        session = self.session

        def job(progress: Progress) -> ExportResult:
            def step(done: int, total: int) -> None:
                if self.cancel_requested:
                    raise ExportCancelled
                session.check_cancel()
                progress(done * 100 // total if total else 0)

            return core.export_bundle(
                recipients, folder, selection=selection, ids=ids, progress=step, classic=classic
            )

        self.say(tr("Writing the bundle…"))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.session.job_started()
        self.job = run_in_thread(job, self._done, self._failed, self.progress.setValue)
        self._refresh()

    def cancel(self) -> None:
        if self.job is not None:
            self.cancel_requested = True
            self.say(tr("Stopping…"))
        else:
            self.reject()

    def _over(self) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.session.job_finished()

    def _done(self, result: object) -> None:
        self._over()
        if not isinstance(result, ExportResult):
            return
        self.result_info = result
        lines = [
            tr("The bundle was written to:"),
            str(result.path),
            tr(
                "{versions}, {attachments}, {size}.",
                versions=ntr("{n} testimony version", "{n} testimony versions", result.records),
                attachments=ntr("{n} attachment", "{n} attachments", result.attachments),
                size=format_size(result.size),
            ),
        ]
        if result.post_quantum:
            lines.append(tr("Encrypted with post-quantum protection."))
        if result.sealed:
            lines.append(tr("The exported testimonies are now sealed on this computer."))
        self.say("\n".join(lines))
        self.cancel_button.setText(tr("Close"))
        self._refresh()

    def _failed(self, exc: Exception) -> None:
        self._over()
        self.say(error_text(exc))
        self._refresh()
