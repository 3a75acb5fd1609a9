"""The testimony list as a Qt table model (status, interview date, victims, last change).

Rows are ``TestimonySummary`` values from intake.testimonies.store; the model never queries the
vault itself, the list page hands it rows. ``DisplayRole`` gives translated, readable text;
``SORT_ROLE`` gives raw values so sorting by date works on ISO strings, and ``ID_ROLE`` the
testimony id. ``clear()`` drops every row: the lock path calls it so no decrypted name stays in
a model after the vault is closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from intake.i18n import current_language, format_timestamp, tr
from intake.testimonies.store import TestimonySummary

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3

COLUMNS = ("status", "date", "victims", "updated")
ModelIndex = QModelIndex | QPersistentModelIndex


def display_status(summary: TestimonySummary) -> str:
    """draft / final / exported / sealed, the furthest state the record reached."""
    if getattr(summary, "sealed", False):
        return "sealed"
    if getattr(summary, "exported", False):
        return "exported"
    return "final" if summary.status == "final" else "draft"


def status_label(status: str) -> str:
    return {
        "draft": tr("Draft"),
        "final": tr("Final"),
        "exported": tr("Exported"),
        "sealed": tr("Sealed"),
    }.get(status, status)


def left_to_right(text: str) -> str:
    """Isolate ``text`` as left-to-right, so "2024-05-01 10:20" keeps its order in Uyghur."""
    return f"\u2066{text}\u2069" if text else ""


def short_time(stamp: str) -> str:
    """'2024-05-01T10:20:30Z' → 'May 1, 2024, 12:20 PM' in the interface language and local
    time (intake.i18n.format_timestamp); the table sorts on the stored value."""
    return format_timestamp(stamp)


class TestimonyTableModel(QAbstractTableModel):
    """One row per testimony (latest version)."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[TestimonySummary] = []

    def set_rows(self, rows: Sequence[TestimonySummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def summary(self, row: int) -> TestimonySummary:
        return self._rows[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (tr("Status"), tr("Interview date"), tr("Victims"), tr("Last change"))[section]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        summary = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == ID_ROLE:
            return summary.id
        if role == STATUS_ROLE:
            return display_status(summary)
        if role == SORT_ROLE:
            return {
                "status": display_status(summary),
                "date": summary.interview_date or "",
                "victims": " ".join(summary.victim_names_in(current_language())).casefold(),
                "updated": summary.updated or "",
            }[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                "status": status_label(display_status(summary)),
                "date": left_to_right(summary.interview_date or ""),
                "victims": ", ".join(summary.victim_names_in(current_language()))
                or tr("(no name yet)"),
                "updated": short_time(summary.updated or ""),
            }[column]
        return None


def make_proxy(model: TestimonyTableModel) -> QSortFilterProxyModel:
    """Sorting on raw values, newest change first by default."""
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    proxy.sort(COLUMNS.index("updated"), Qt.SortOrder.DescendingOrder)
    return proxy
