"""The unlocked volunteer workspace: the testimony list and the editor, one at a time.

Created when the vault unlocks and destroyed when it locks; ``clear`` empties the list model
and the editor first, so no decrypted text survives in a widget waiting for deletion.
"""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QWidget

from ui import dialogs
from ui.editor.editor_page import TestimonyEditor
from ui.session import VaultSession
from ui.workspace.list_page import ListPage


class Workspace(QStackedWidget):
    """List ↔ editor."""

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.list_page = ListPage(session)
        self.editor = TestimonyEditor(session)
        self.addWidget(self.list_page)
        self.addWidget(self.editor)
        self.list_page.new_requested.connect(self.new_testimony)
        self.list_page.open_requested.connect(self.open_testimony)
        self.editor.closed.connect(self.show_list)
        self.list_page.reload()

    @property
    def editing(self) -> bool:
        return self.currentWidget() is self.editor

    def new_testimony(self) -> None:
        if self.editing and not self.editor.save_now():
            return
        self.editor.new()
        self.setCurrentWidget(self.editor)

    def open_testimony(self, testimony_id: str) -> None:
        if self.editing and not self.editor.save_now():
            return
        try:
            self.editor.open(testimony_id)
        except Exception as exc:
            self.editor.clear()
            dialogs.show_error(self, exc)
            return
        self.setCurrentWidget(self.editor)

    def show_list(self) -> None:
        if self.editing:
            self.editor.save_now()
        self.setCurrentWidget(self.list_page)
        self.list_page.reload()
        if self.editor.testimony_id:
            self.list_page.select_id(self.editor.testimony_id)

    def open_selected(self) -> None:
        if not self.editing:
            self.list_page.open_selected()

    def delete_selected(self) -> None:
        if not self.editing:
            self.list_page.delete_selected()

    def save(self) -> bool:
        return self.editor.save_now() if self.editing else True

    def clear(self) -> None:
        """Drop every decrypted value held by this workspace's widgets and models."""
        self.editor.clear()
        self.list_page.clear()
