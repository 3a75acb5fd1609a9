"""The version history of a testimony: every version with its state, time and record hash.

Final versions are signed and frozen; each names the hash of the one before, so the chain
shows when a testimony was changed after it was finalized. The hash is shown in full (as a
tooltip) and shortened in the table, in a fixed-width font.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intake.i18n import tr
from intake.testimonies.store import VersionInfo
from ui.workspace.testimony_model import left_to_right, short_time, status_label


class HistoryPanel(QWidget):
    """A read-only table of versions (newest first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "Every final version is signed and kept. Editing a final testimony makes a "
                "new version that names the one before it."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [tr("Version"), tr("Status"), tr("Date"), tr("Record hash")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

    def show_versions(self, versions: Sequence[VersionInfo]) -> None:
        ordered = sorted(versions, key=lambda v: v.version_no, reverse=True)
        self.table.setRowCount(len(ordered))
        for row, info in enumerate(ordered):
            status = str(getattr(info, "status", ""))
            when = str(getattr(info, "finalized", None) or getattr(info, "updated", "") or "")
            record_hash = str(getattr(info, "hash", None) or "")
            cells = (
                str(info.version_no),
                status_label(status),
                short_time(when),
                left_to_right(record_hash[:16] + "…") if record_hash else "—",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 3 and record_hash:
                    item.setToolTip(record_hash)
                self.table.setItem(row, column, item)

    def clear(self) -> None:
        self.table.setRowCount(0)
