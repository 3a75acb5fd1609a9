"""The record view's attachments: a list, images shown from memory, other files saved on request.

The list gives each file's name, type, size (the UI language's number format), SHA-256 and the
testimony and version it arrived with. "Show" reads an image whole into memory through the
core (at most ``VIEW_MAX_BYTES``, checked against its hash) and decodes it there
(ui/image_decoding.py: the size in the header is checked first, so a decompression bomb is
refused with a message instead of exhausting memory). No external
viewer, no temporary file: the decoded picture exists only in this widget and goes with it.
"Save a copy…" writes any file where the person chooses, after a warning that the copy is
not encrypted (audio, PDF, anything Amanat does not show).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intake.core.app import VIEW_MAX_BYTES, AttachmentRow
from intake.i18n import tr
from intake.testimonies.render import size_text
from ui import dialogs
from ui.coordinator.common import help_label, ltr
from ui.fonts import monospace_font
from ui.image_decoding import decode_image
from ui.session import VaultSession
from ui.table_rows import select_row

SHOWN_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"})


class RecordAttachments(QWidget):
    """The list on top, the picture (or a message) below."""

    def __init__(
        self, session: VaultSession, testimony_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.rows: list[AttachmentRow] = session.core.attachment_rows(testimony_id)
        layout = QVBoxLayout(self)
        headers = [
            tr("File name"),
            tr("Type"),
            tr("Size"),
            tr("Version"),
            tr("Testimony"),
            "SHA-256",
        ]
        self.table = QTableWidget(len(self.rows), len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        for r, row in enumerate(self.rows):
            values = (
                row.filename,
                row.media_type,
                size_text(row.size),
                str(row.version) if row.version is not None else "—",
                ltr(row.testimony_id[:8] + "…"),
                ltr(row.sha256),
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 4:
                    item.setToolTip(row.testimony_id)
                if c == 5:
                    item.setFont(monospace_font(9))
                    item.setToolTip(row.sha256)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda *_a: self._selection_changed())
        self.table.doubleClicked.connect(lambda _i: self.show_current())

        buttons = QHBoxLayout()
        self.show_button = QPushButton(tr("Show"))
        self.show_button.clicked.connect(self.show_current)
        self.save_button = QPushButton(tr("Save a copy…"))
        self.save_button.clicked.connect(self.save_current)
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)

        self.message = help_label(
            tr("No files are attached to this testimony.")
            if not self.rows
            else tr("Images are shown here; save a copy of other files to open them elsewhere.")
        )
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture_area = QScrollArea()
        self.picture_area.setWidgetResizable(True)
        self.picture_area.setWidget(self.picture)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.message)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.picture_area)
        splitter.setSizes([220, 400])
        layout.addWidget(splitter)
        select_row(self.table, 0)
        self._selection_changed()

    def current(self) -> AttachmentRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _selection_changed(self) -> None:
        row = self.current()
        self.show_button.setEnabled(row is not None and row.media_type in SHOWN_TYPES)
        self.save_button.setEnabled(row is not None)

    def show_current(self) -> None:
        """Decode the selected image from memory and show it, or say why not."""
        row = self.current()
        self.picture.clear()
        if row is None or row.media_type not in SHOWN_TYPES:
            return
        try:
            data = self.session.core.read_attachment(row.sha256, VIEW_MAX_BYTES)
            image = decode_image(data)
            del data
        except Exception as exc:
            self.message.setText(dialogs.error_text(exc))
            return
        width = max(200, self.picture_area.viewport().width() - 8)
        pixmap = QPixmap.fromImage(image)
        if pixmap.width() > width:
            pixmap = pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self.picture.setPixmap(pixmap)
        self.message.setText(
            tr(
                "{name}: {width} × {height} pixels.",
                name=row.filename,
                width=image.width(),
                height=image.height(),
            )
        )

    def save_current(self) -> None:
        """After a warning, write the selected file where the person chooses."""
        row = self.current()
        if row is None:
            return
        if not dialogs.confirm(
            self,
            tr("Save a copy"),
            tr(
                "The copy will NOT be encrypted: anyone who gets this computer or the disk you"
                " save it to can open it. Save it only where it is safe, and delete it when"
                " you no longer need it."
            ),
            tr("Save a copy"),
            dangerous=True,
        ):
            return
        name, _filter = QFileDialog.getSaveFileName(self, tr("Save a copy"), row.filename)
        if not name:
            return
        try:
            self.session.core.save_attachment(row.sha256, Path(name))
        except Exception as exc:
            dialogs.show_error(self, exc)
            return
        self.message.setText(tr("Saved an unencrypted copy of {name}.", name=row.filename))

    def clear(self) -> None:
        self.picture.clear()
        self.table.clearContents()
