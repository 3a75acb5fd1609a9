"""Attachments of a testimony: add (dialog or drag and drop), list, preview, remove.

Files are streamed into the vault by ``AttachmentStore.add`` on a worker thread with a progress
bar; locking the vault stops the copy (the store rolls it back). The table shows name, type,
size and the SHA-256 that bundles and PDFs carry. Image previews are decoded from bytes read
out of the vault into memory (``QImage.fromData``): no temporary file, no thumbnail cache.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intake.errors import AmanatError
from intake.i18n import format_size, tr
from intake.testimonies.attachments import AttachmentInfo
from ui import dialogs
from ui.fonts import monospace_font
from ui.image_decoding import decode_image
from ui.session import VaultSession
from ui.workers import Progress, WorkerHandle, run_in_thread

PREVIEW_LIMIT = 32 * 1024 * 1024  # larger images are listed but not decoded for preview
SHA_ROLE = Qt.ItemDataRole.UserRole + 1


class AttachmentsPanel(QWidget):
    """The Attachments tab. ``ensure_saved`` returns the testimony id (saving a new draft)."""

    def __init__(
        self,
        session: VaultSession,
        ensure_saved: Callable[[], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.ensure_saved = ensure_saved
        self.testimony_id: str | None = None
        self.editable = True
        self.job: WorkerHandle | None = None
        self.queue: list[Path] = []
        self.infos: list[AttachmentInfo] = []
        self.setAcceptDrops(True)

        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "Photos, scans and documents are stored encrypted inside the vault. "
                "Drag files here or press “Add files…”."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        splitter = QSplitter()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("File"), tr("Type"), tr("Size"), tr("SHA-256")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self.show_preview)
        splitter.addWidget(self.table)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumWidth(220)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(tr("Add files…"))
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton(tr("Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.status = QLabel()
        buttons.addWidget(self.status)
        layout.addLayout(buttons)
        self._refresh_buttons()

    # ---- showing --------------------------------------------------------------------------

    def show_testimony(self, testimony_id: str, *, editable: bool) -> None:
        self.testimony_id = testimony_id
        self.editable = editable
        self.reload()

    def reload(self) -> None:
        self.infos = []
        if self.testimony_id is not None and self.session.is_unlocked:
            self.infos = self.session.core.attachments.list(self.testimony_id)
        self.table.setRowCount(len(self.infos))
        for row, info in enumerate(self.infos):
            cells = (info.filename, info.media_type, format_size(info.size), info.sha256)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(SHA_ROLE, info.sha256)
                if column == 3:
                    item.setFont(monospace_font(9))
                    item.setToolTip(info.sha256)
                self.table.setItem(row, column, item)
        self.preview.clear()
        self._refresh_buttons()

    def selected(self) -> AttachmentInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.infos[rows[0].row()] if rows else None

    def show_preview(self) -> None:
        """Decode the selected image from vault bytes in memory."""
        self.preview.clear()
        self._refresh_buttons()
        info = self.selected()
        if info is None or not self.session.is_unlocked:
            return
        if not info.media_type.startswith("image/") or info.size > PREVIEW_LIMIT:
            self.preview.setText(tr("No preview for this file."))
            return
        with self.session.core.attachments.open(info.sha256) as stream:
            data = stream.read(PREVIEW_LIMIT + 1)
        try:
            image = decode_image(data)  # refuses a decompression bomb before decoding it
        except AmanatError as exc:
            self.preview.setText(exc.message())
            return
        finally:
            del data
        pixmap = QPixmap.fromImage(image).scaled(
            max(self.preview.width(), 200),
            max(self.preview.height(), 200),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.preview.setPixmap(pixmap)

    def _refresh_buttons(self) -> None:
        idle = self.job is None
        self.add_button.setEnabled(self.editable and idle)
        self.remove_button.setEnabled(self.editable and idle and self.selected() is not None)

    # ---- adding ---------------------------------------------------------------------------

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, tr("Add files"))
        self.add_files([Path(n) for n in names])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.editable and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)

    def add_files(self, paths: list[Path]) -> None:
        """Queue regular files for import, one worker job at a time."""
        if not self.editable:
            return
        self.queue.extend(p for p in paths if p.is_file())
        if self.job is None:
            self._next()

    def _next(self) -> None:
        if not self.queue or not self.session.is_unlocked:
            self.queue.clear()
            return
        testimony_id = self.ensure_saved()
        if testimony_id is None:
            self.queue.clear()
            return
        self.testimony_id = testimony_id
        path = self.queue.pop(0)
        store = self.session.core.attachments
        session = self.session
        total = max(1, os.path.getsize(path))

        def job(progress: Progress) -> AttachmentInfo:
            def step(done: int) -> None:
                session.check_cancel()
                progress(min(100, done * 100 // total))

            with open(path, "rb") as source:
                return store.add(testimony_id, source, path.name, progress=step)

        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText(tr("Adding {name}…", name=path.name))
        self.session.job_started()
        self.job = run_in_thread(job, self._added, self._failed, self.progress.setValue)
        self._refresh_buttons()

    def _job_over(self) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.status.clear()
        self.session.job_finished()  # may lock the vault now, if a lock was waiting
        self._refresh_buttons()

    def _added(self, _info: object) -> None:
        self._job_over()
        if self.session.is_unlocked:
            self.reload()
            self._next()

    def _failed(self, exc: Exception) -> None:
        self._job_over()
        self.queue.clear()
        if self.session.is_unlocked:
            dialogs.show_error(self, exc)
            self.reload()

    # ---- removing -------------------------------------------------------------------------

    def remove_selected(self) -> None:
        info = self.selected()
        if info is None or self.testimony_id is None or not self.editable:
            return
        if not dialogs.confirm(
            self,
            tr("Remove attachment"),
            tr("Remove {name} from this testimony?", name=info.filename),
            tr("Remove"),
            dangerous=True,
        ):
            return
        try:
            self.session.core.attachments.remove(self.testimony_id, info.sha256)
        except Exception as exc:
            dialogs.show_error(self, exc)
        self.reload()

    def clear(self) -> None:
        self.testimony_id = None
        self.queue.clear()
        self.infos = []
        self.table.setRowCount(0)
        self.preview.clear()
        self.status.clear()
        self.editable = True
        self._refresh_buttons()
