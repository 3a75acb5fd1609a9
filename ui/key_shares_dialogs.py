"""The paper key in the desktop app: print the shares, and open a vault with them.

``PrintSharesDialog`` (File → "Print paper key…") asks for N, M and the passphrase again, warns
that the PDF is the key, and writes it where the user chooses (intake/core/safekeeping.py,
on a worker thread). ``RestoreSharesDialog`` (the unlock screen's "Forgot the passphrase?")
takes M shares typed or read from photos of their QR codes and a new passphrase; afterwards
the vault unlocks with the new passphrase. Neither keeps the words: the fields are cleared
when the dialog closes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from intake.core import safekeeping
from intake.errors import AmanatError, InvalidInput
from intake.i18n import tr
from ui.dialogs import error_text
from ui.workers import Progress, WorkerHandle, run_in_thread


def choose_pdf_path(parent: QWidget) -> Path | None:
    """Where the shares PDF goes (a module function, so tests can answer it)."""
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, tr("Save the paper key"), "amanat-paper-key.pdf", "PDF (*.pdf)"
    )
    return Path(chosen) if chosen else None


def choose_share_image(parent: QWidget) -> Path | None:
    chosen, _filter = QFileDialog.getOpenFileName(
        parent, tr("Photo of a share's QR code"), "", "Images (*.png *.jpg *.jpeg)"
    )
    return Path(chosen) if chosen else None


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class PrintSharesDialog(QDialog):
    """N shares, M needed, the passphrase again → a PDF, one page per share."""

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.job: WorkerHandle | None = None
        self.written: Path | None = None
        self.setWindowTitle(tr("Print paper key"))
        layout = QVBoxLayout(self)
        warning = QLabel(
            tr(
                "The PDF is your vault's key: the number of pages you choose below opens the"
                " vault and its backups without the passphrase. Print it, check the pages, give"
                " each to a different person you trust, then delete the file and empty the"
                " trash. One page alone opens nothing."
            )
        )
        warning.setWordWrap(True)
        layout.addWidget(warning)
        form = QFormLayout()
        self.shares = QSpinBox()
        self.shares.setRange(2, 16)
        self.shares.setValue(3)
        self.threshold = QSpinBox()
        self.threshold.setRange(2, 3)
        self.threshold.setValue(2)
        self.shares.valueChanged.connect(lambda n: self.threshold.setMaximum(n))
        self.passphrase = _password_field()
        form.addRow(tr("Pages (shares)"), self.shares)
        form.addRow(tr("Pages needed to open the vault"), self.threshold)
        form.addRow(tr("Passphrase"), self.passphrase)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.close_button = QPushButton(tr("Close"))
        self.close_button.clicked.connect(self.reject)
        self.save_button = QPushButton(tr("Save PDF…"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.finished.connect(lambda _r: self.passphrase.clear())

    def save(self) -> None:
        if self.job is not None:
            return
        path = choose_pdf_path(self)
        if path is None:
            return
        folder, passphrase = self.folder, self.passphrase.text()
        threshold, shares = self.threshold.value(), self.shares.value()

        def job(_progress: Progress) -> Path:
            # the save dialog already asked whether to replace an existing file
            safekeeping.write_key_shares(
                folder, passphrase, threshold, shares, path, overwrite=True
            )
            return path

        self.message.setText(tr("Writing the paper key…"))
        self.save_button.setEnabled(False)
        self.job = run_in_thread(job, self._done, self._failed)

    def _done(self, path: object) -> None:
        self.job = None
        self.save_button.setEnabled(True)
        self.passphrase.clear()
        if isinstance(path, Path):
            self.written = path
            self.message.setText(
                tr("The paper key was written to:")
                + f"\n{path}\n"
                + tr("Print it now, then delete the file and empty the trash.")
            )

    def _failed(self, exc: Exception) -> None:
        self.job = None
        self.save_button.setEnabled(True)
        self.message.setText(error_text(exc))


class RestoreSharesDialog(QDialog):
    """M shares (typed, or from QR photos) and a new passphrase → the vault's new header."""

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.job: WorkerHandle | None = None
        self.restored = False
        self.setWindowTitle(tr("Open with key shares"))
        self.resize(620, 460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "Type the words of each share on its own line (the first four letters of each"
                " word are enough), or add photos of their QR codes. Then choose a new"
                " passphrase."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.words = QPlainTextEdit()
        layout.addWidget(self.words, 1)
        add = QPushButton(tr("Add a QR photo…"))
        add.clicked.connect(self.add_image)
        layout.addWidget(add)
        form = QFormLayout()
        self.new_passphrase = _password_field()
        self.repeat = _password_field()
        form.addRow(tr("New passphrase"), self.new_passphrase)
        form.addRow(tr("Repeat the passphrase"), self.repeat)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton(tr("Cancel"))
        cancel.clicked.connect(self.reject)
        self.restore_button = QPushButton(tr("Open the vault"))
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self.restore)
        buttons.addWidget(cancel)
        buttons.addWidget(self.restore_button)
        layout.addLayout(buttons)
        self.finished.connect(lambda _r: self._forget())

    def _forget(self) -> None:
        self.words.clear()
        self.new_passphrase.clear()
        self.repeat.clear()

    def add_image(self) -> None:
        path = choose_share_image(self)
        if path is None:
            return
        try:
            share = safekeeping.share_from_image(path)
        except AmanatError as exc:
            self.message.setText(exc.message())
            return
        text = self.words.toPlainText().rstrip("\n")
        self.words.setPlainText((text + "\n" if text else "") + share)

    def shares(self) -> list[str]:
        return [line for line in self.words.toPlainText().splitlines() if line.strip()]

    def restore(self) -> None:
        if self.job is not None:
            return
        if self.new_passphrase.text() != self.repeat.text():
            self.message.setText(InvalidInput(reason=tr("the two passphrases differ")).message())
            return
        folder, shares, new = self.folder, self.shares(), self.new_passphrase.text()

        def job(_progress: Progress) -> bool:
            safekeeping.restore_with_shares(folder, shares, new)
            return True

        self.message.setText(tr("Checking the shares…"))
        self.restore_button.setEnabled(False)
        self.job = run_in_thread(job, self._done, self._failed)

    def _done(self, _result: object) -> None:
        self.job = None
        self.restored = True
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.job = None
        self.restore_button.setEnabled(True)
        self.message.setText(error_text(exc))
