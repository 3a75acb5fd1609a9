"""The testimony list: search box, sortable table, New / Open / Delete draft.

Search text goes to ``TestimonyStore.search`` (which matches names across scripts); an empty box
lists everything. Deleting asks first and is offered only for drafts that were never
finalized (the store refuses anything else). The page keeps no content of its own: ``clear``
empties the model and the search box when the vault locks.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intake.i18n import ntr, tr
from ui import dialogs
from ui.session import VaultSession
from ui.table_rows import select_row
from ui.workspace.testimony_model import (
    ID_ROLE,
    STATUS_ROLE,
    TestimonyTableModel,
    make_proxy,
)

SEARCH_DELAY_MS = 250
# Window shortcuts that a line edit would otherwise keep for itself (Ctrl+E moves the cursor
# to the end of the line there): in the search box they still reach the window's menus.
WINDOW_SHORTCUTS = (QKeySequence("Ctrl+E"),)


class WindowShortcutsFirst(QObject):
    """An event filter that lets ``WINDOW_SHORTCUTS`` reach the window from a text field."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            if any(
                pressed.matches(s) == QKeySequence.SequenceMatch.ExactMatch
                for s in WINDOW_SHORTCUTS
            ):
                event.ignore()  # not overridden: the window's shortcut runs
                return True
        return False


class ListPage(QWidget):
    """Lists the vault's testimonies; emits ``open_requested(id)`` and ``new_requested``."""

    open_requested = Signal(str)
    new_requested = Signal()

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = TestimonyTableModel()
        self.proxy = make_proxy(self.model)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel(tr("Testimonies"))
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addStretch(1)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(tr("Search names, places, text…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        self._shortcuts_first = WindowShortcutsFirst(self)
        self.search.installEventFilter(self._shortcuts_first)
        top.addWidget(self.search)
        layout.addLayout(top)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)
        layout.addWidget(self.table, 1)
        self.empty = QLabel(tr("No testimonies yet. Press “New testimony” to record one."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty)

        buttons = QHBoxLayout()
        self.new_button = QPushButton(tr("New testimony"))
        self.new_button.clicked.connect(self.new_requested.emit)
        self.open_button = QPushButton(tr("Open"))
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button = QPushButton(tr("Delete draft"))
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.new_button, self.open_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.count = QLabel()
        buttons.addWidget(self.count)
        layout.addLayout(buttons)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._search_timer.start)
        selection = self.table.selectionModel()
        selection.selectionChanged.connect(self._refresh_buttons)
        self._refresh_buttons()

    # ---- data ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Fetch the rows again (after a search change, a save, or unlocking)."""
        if not self.session.is_unlocked:
            self.clear()
            return
        store = self.session.core.testimonies
        text = self.search.text().strip()
        rows = store.search(text) if text else store.list()
        self.model.set_rows(rows)
        self.empty.setVisible(not rows and not text)
        self.count.setText(ntr("{n} testimony", "{n} testimonies", len(rows)))
        self._refresh_buttons()

    def clear(self) -> None:
        self._search_timer.stop()
        self.model.clear()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.count.clear()

    # ---- selection and actions -------------------------------------------------------------

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return str(rows[0].data(ID_ROLE)) if rows else None

    def selected_status(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return str(rows[0].data(STATUS_ROLE)) if rows else None

    def select_id(self, testimony_id: str) -> None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ID_ROLE) == testimony_id:
                select_row(self.table, row)
                return

    def _refresh_buttons(self) -> None:
        chosen = self.selected_id() is not None
        self.open_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen and self.selected_status() == "draft")

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(str(index.data(ID_ROLE)))

    def open_selected(self) -> None:
        testimony_id = self.selected_id()
        if testimony_id:
            self.open_requested.emit(testimony_id)

    def delete_selected(self) -> None:
        testimony_id = self.selected_id()
        if not testimony_id or self.selected_status() != "draft":
            return
        if not dialogs.confirm(
            self,
            tr("Delete draft"),
            tr("Delete this draft for good? It was never finalized, so no copy exists elsewhere."),
            tr("Delete"),
            dangerous=True,
        ):
            return
        try:
            self.session.core.testimonies.delete_draft(testimony_id)
        except Exception as exc:
            dialogs.show_error(self, exc)
        self.reload()
