"""The archive as a lazily fetching Qt table model; every query runs off the GUI thread.

``ArchiveModel.set_query`` starts a search for the first ``PAGE`` rows on a worker thread
(intake.testimonies.archive.fetch_page) and shows them when they arrive. ``canFetchMore`` is
true while the last page was full; ``fetchMore`` (called by the view as the user scrolls) asks
for twice as many rows in the background and appends the new ones, so 100,000 testimonies never
load at once and the GUI thread never waits for SQLite. A newer query makes older answers stale:
each answer carries its generation and late ones are dropped. ``clear`` drops every row
(locking). For a name search, ``MATCH_ROLE`` of the victims column gives the victim name that
matched best; ``ui.coordinator.matched_delegate`` shows it in bold.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from intake.i18n import current_language, format_timestamp, tr
from intake.review.store import DEFAULT_LEVEL, level_label
from intake.testimonies.archive import ArchiveQuery, Page
from intake.testimonies.store import TestimonySummary
from ui.coordinator.common import ltr, start_job
from ui.session import VaultSession
from ui.workers import Progress

PAGE = 200
ID_ROLE = Qt.ItemDataRole.UserRole + 1
MATCH_ROLE = Qt.ItemDataRole.UserRole + 2  # victims column: the name a search matched best
VICTIMS_COLUMN = 2
ModelIndex = QModelIndex | QPersistentModelIndex


class ArchiveModel(QAbstractTableModel):
    """Rows: testimony summaries; columns: status, verification level, interview date,
    victims, last change."""

    loaded = Signal()  # rows arrived (first page or more)
    failed = Signal(object)

    def __init__(self, session: VaultSession) -> None:
        super().__init__()
        self.session = session
        self.query = ArchiveQuery()
        self._rows: list[TestimonySummary] = []
        self._levels: dict[str, str] = {}
        self._complete = True
        self._generation = 0
        self._pending = False
        self.loading = False

    # ---- queries --------------------------------------------------------------------------

    def set_query(self, query: ArchiveQuery) -> None:
        """Forget the rows and fetch the first page of ``query`` in the background."""
        self.query = query
        self._generation += 1
        self.beginResetModel()
        self._rows, self._complete = [], False
        self._levels = {}
        self.endResetModel()
        self._fetch(PAGE)

    def reload(self) -> None:
        self.set_query(self.query)

    def _fetch(self, count: int) -> None:
        generation, query, core = self._generation, self.query, self.session.core
        self.loading = True
        self._pending = True

        def job(_progress: Progress) -> tuple[int, Page]:
            return generation, core.archive_page(query, count)

        start_job(self.session, job, self._arrived, self._failed)

    def _arrived(self, result: tuple[int, Page]) -> None:
        generation, page = result
        if generation != self._generation:
            return  # a newer query replaced this one
        self._pending = False
        self.loading = False
        known = len(self._rows)
        new = page.rows[known:]
        self._levels.update(page.levels)
        if new:
            self.beginInsertRows(QModelIndex(), known, known + len(new) - 1)
            self._rows.extend(new)
            self.endInsertRows()
        self._complete = page.complete
        self.loaded.emit()

    def _failed(self, exc: Exception) -> None:
        self._pending = False
        self.loading = False
        self._complete = True
        self.failed.emit(exc)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._complete and not self._pending

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetch(max(PAGE, 2 * len(self._rows)))

    # ---- the table ------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            tr("Status"),
            tr("Review"),
            tr("Interview date"),
            tr("Victims"),
            tr("Last change"),
        )[section]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ID_ROLE:
            return row.id
        if role == MATCH_ROLE:
            return row.matched if index.column() == VICTIMS_COLUMN else None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == VICTIMS_COLUMN:
            return tr("Matched: {name}", name=row.matched) if row.matched else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == 0:
            return tr("Final") if row.status == "final" else tr("Draft")
        if column == 1:
            return level_label(self._levels.get(row.id, DEFAULT_LEVEL))
        if column == 2:
            return ltr(row.interview_date or "")
        if column == 3:
            return " · ".join(row.victim_names_in(current_language()))
        return format_timestamp(row.updated)

    def summary(self, row: int) -> TestimonySummary:
        return self._rows[row]

    def ids(self, rows: list[int]) -> list[str]:
        return [self._rows[r].id for r in rows if 0 <= r < len(self._rows)]

    def clear(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self._rows, self._complete = [], True
        self._levels = {}
        self.endResetModel()
