"""The unlocked coordinator workspace: tabs for import, volunteers, archive and duplicates.

Created when a coordinator vault unlocks, in place of the volunteer's list/editor workspace;
``clear`` empties every table and model before the vault closes, so no decrypted name stays
in a widget. Imports refresh the archive and the volunteer registry. While one runs, the other
tabs stay usable: they read only what is committed (each thread has its own connection to the
vault), and a change made there waits for the import or says that the vault is busy.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from intake.i18n import tr
from ui import dialogs
from ui.coordinator.archive_page import ArchivePage
from ui.coordinator.duplicates_page import DuplicatesPage
from ui.coordinator.forward_dialog import ForwardDialog
from ui.coordinator.import_page import ImportPage
from ui.coordinator.record_view import RecordDialog, VictimDialog
from ui.coordinator.share_dialog import ShareDialog, ask_pdf
from ui.coordinator.volunteers_page import VolunteersPage
from ui.session import VaultSession


class CoordinatorWorkspace(QTabWidget):
    """Import · Volunteers · Archive · Possible duplicates."""

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.import_page = ImportPage(session)
        self.volunteers_page = VolunteersPage(session)
        self.archive_page = ArchivePage(session)
        self.duplicates_page = DuplicatesPage(session)
        self.addTab(self.import_page, tr("Import"))
        self.addTab(self.volunteers_page, tr("Volunteers"))
        self.addTab(self.archive_page, tr("Archive"))
        self.addTab(self.duplicates_page, tr("Possible duplicates"))
        self.import_page.archive_changed.connect(self._imported)
        self.archive_page.open_requested.connect(self.open_record)
        self.archive_page.victims_requested.connect(self.open_victim)
        self.archive_page.share_requested.connect(self.share)
        self.archive_page.forward_requested.connect(self.forward)
        self.archive_page.pdf_requested.connect(lambda tid: ask_pdf(session, tid, self))
        self.currentChanged.connect(self._tab_changed)

    def _imported(self) -> None:
        self.volunteers_page.reload()
        self.archive_page.reload()

    def _tab_changed(self, _index: int) -> None:
        if self.currentWidget() is self.duplicates_page and not self.duplicates_page.candidates:
            self.duplicates_page.reload()

    def open_record(self, testimony_id: str) -> None:
        try:
            dialog = RecordDialog(self.session, testimony_id, self)
        except Exception as exc:
            dialogs.show_error(self, exc)
            return
        dialog.review.changed.connect(self.archive_page.reload)  # the level column and sort
        dialogs.run_and_destroy(dialog)

    def open_victim(self, testimony_id: str) -> None:
        try:
            dialogs.run_and_destroy(VictimDialog(self.session, testimony_id, self))
        except Exception as exc:
            dialogs.show_error(self, exc)

    def share(self, ids: list[str]) -> None:
        if not ids:
            dialogs.show_info(self, tr("Share testimonies"), tr("Select testimonies first."))
            return
        dialogs.run_and_destroy(ShareDialog(self.session, ids, self))

    def forward(self, ids: list[str]) -> None:
        """Pass the selected testimonies (or all) on to another coordinator."""
        dialogs.run_and_destroy(ForwardDialog(self.session, ids, self))

    def save(self) -> bool:
        return True

    def clear(self) -> None:
        """Drop every decrypted value held by the coordinator's widgets and models."""
        for page in (
            self.import_page,
            self.volunteers_page,
            self.archive_page,
            self.duplicates_page,
        ):
            page.clear()
