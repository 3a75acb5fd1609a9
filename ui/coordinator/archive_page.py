"""The archive browser: search in any script, filters, the lazily filled table, actions.

Typing in the search box or changing a filter restarts the query after a short pause; the
model runs it on a worker thread (ui/coordinator/archive_model.py). Filters: testimony
status, victims' ethnicity and status (the form's vocabularies), hometown (any spelling),
interview dates from/to (fuzzy: 2018, 2018-03, 2018-03-05), the volunteer who sent it and the
coordinator's verification level; the list can be sorted with verified testimonies first.
Actions on the selection: the record view, the victim view, CSV/JSON sharing and PDF.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intake.forms.definitions import builtin_form
from intake.i18n import ntr, tr
from intake.review.store import LEVELS, level_label
from intake.testimonies.archive import ArchiveQuery
from ui import dialogs
from ui.coordinator.archive_model import ID_ROLE, VICTIMS_COLUMN, ArchiveModel
from ui.coordinator.common import title_label
from ui.coordinator.matched_delegate import MatchedNameDelegate
from ui.session import VaultSession

SEARCH_PAUSE_MS = 250  # wait for a pause in typing before searching


class ArchivePage(QWidget):
    """Filters on top, the table below, actions at the bottom."""

    open_requested = Signal(str)
    victims_requested = Signal(str)
    share_requested = Signal(list)
    forward_requested = Signal(list)  # to another coordinator (docs/bundle-format.md §7.13)
    pdf_requested = Signal(str)

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        form = builtin_form()
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(tr("Archive")))
        grid = QGridLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search names in any script, places, narrative…"))
        self.search.setClearButtonEnabled(True)
        grid.addWidget(self.search, 0, 0, 1, 4)
        self.status = self._combo(
            [("", tr("Any status")), ("final", tr("Final")), ("draft", tr("Draft"))]
        )
        self.ethnicity = self._combo(
            [("", tr("Any ethnicity"))]
            + [(c, form.choice_label("ethnicity", c)) for c in form.codes("ethnicity")]
        )
        self.victim_status = self._combo(
            [("", tr("Any victim status"))]
            + [(c, form.choice_label("status", c)) for c in form.codes("status")]
        )
        self.volunteer = self._combo(
            [("", tr("Any volunteer"))]
            + [
                (k.fingerprint, k.card.name)
                for k in session.core.cards.all()
                if k.card.role == "volunteer"
            ]
        )
        for col, combo in enumerate(
            (self.status, self.ethnicity, self.victim_status, self.volunteer)
        ):
            grid.addWidget(combo, 1, col)
        self.hometown = QLineEdit()
        self.hometown.setPlaceholderText(tr("Hometown"))
        self.date_from = QLineEdit()
        self.date_from.setPlaceholderText(tr("Interviewed from (2018-03)"))
        self.date_to = QLineEdit()
        self.date_to.setPlaceholderText(tr("Interviewed until (2019)"))
        grid.addWidget(self.hometown, 2, 0, 1, 2)
        grid.addWidget(self.date_from, 2, 2)
        grid.addWidget(self.date_to, 2, 3)
        self.level = self._combo(
            [("", tr("Any verification level"))] + [(lv, level_label(lv)) for lv in LEVELS]
        )
        self.sort = self._combo(
            [("", tr("Newest or best match first")), ("level", tr("Verified first"))]
        )
        grid.addWidget(self.level, 3, 0, 1, 2)
        grid.addWidget(self.sort, 3, 2, 1, 2)
        layout.addLayout(grid)

        self.model = ArchiveModel(session)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(lambda exc: dialogs.show_error(self, exc))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(VICTIMS_COLUMN, MatchedNameDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.table.horizontalHeader()
        for column in (0, 1, 2, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.doubleClicked.connect(lambda _i: self._emit_current(self.open_requested))
        layout.addWidget(self.table, 1)
        self.count_label = QLabel()
        layout.addWidget(self.count_label)

        row = QHBoxLayout()
        self.open_button = QPushButton(tr("Open record"))
        self.open_button.clicked.connect(lambda: self._emit_current(self.open_requested))
        self.victims_button = QPushButton(tr("Every testimony about this person"))
        self.victims_button.clicked.connect(lambda: self._emit_current(self.victims_requested))
        self.share_button = QPushButton(tr("Share selected as CSV/JSON…"))
        self.share_button.clicked.connect(lambda: self.share_requested.emit(self.selected_ids()))
        self.pdf_button = QPushButton(tr("Save PDF…"))
        self.pdf_button.clicked.connect(lambda: self._emit_current(self.pdf_requested))
        self.forward_button = QPushButton(tr("Forward to another coordinator…"))
        self.forward_button.clicked.connect(
            lambda: self.forward_requested.emit(self.selected_ids())
        )
        for button in (self.open_button, self.victims_button, self.share_button, self.pdf_button):
            row.addWidget(button)
        row.addWidget(self.forward_button)
        row.addStretch(1)
        layout.addLayout(row)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_PAUSE_MS)
        self.timer.timeout.connect(self.run_query)
        for edit in (self.search, self.hometown, self.date_from, self.date_to):
            edit.textChanged.connect(lambda _t: self.timer.start())
        for combo in (
            self.status,
            self.ethnicity,
            self.victim_status,
            self.volunteer,
            self.level,
            self.sort,
        ):
            combo.currentIndexChanged.connect(lambda _i: self.run_query())
        self.run_query()

    @staticmethod
    def _combo(items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        for code, label in items:
            combo.addItem(label, code)
        return combo

    def current_query(self) -> ArchiveQuery:
        def text(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        return ArchiveQuery(
            text=self.search.text().strip(),
            status=self.status.currentData() or None,
            ethnicity=self.ethnicity.currentData() or None,
            victim_status=self.victim_status.currentData() or None,
            hometown=text(self.hometown),
            date_from=text(self.date_from),
            date_to=text(self.date_to),
            volunteer=self.volunteer.currentData() or None,
            level=self.level.currentData() or None,
            by_level=self.sort.currentData() == "level",
        )

    def run_query(self) -> None:
        self.timer.stop()
        if self.session.is_unlocked:
            self.count_label.setText(tr("Searching…"))
            self.model.set_query(self.current_query())

    def _loaded(self) -> None:
        for column in (0, 1, 2, 4):  # the header sized them before any row had arrived
            self.table.resizeColumnToContents(column)
        shown = self.model.rowCount()
        more = self.model.canFetchMore()
        self.count_label.setText(
            ntr(
                "{n} testimony shown; more load as you scroll.",
                "{n} testimonies shown; more load as you scroll.",
                shown,
            )
            if more
            else ntr("{n} testimony.", "{n} testimonies.", shown)
        )

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return self.model.ids(rows)

    def _emit_current(self, signal: SignalInstance) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            signal.emit(str(self.model.data(index.siblingAtColumn(0), ID_ROLE)))

    def reload(self) -> None:
        self.model.reload()

    def clear(self) -> None:
        self.timer.stop()
        self.model.clear()
        self.search.clear()
        self.hometown.clear()
