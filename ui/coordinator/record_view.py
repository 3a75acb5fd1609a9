"""The record view and the victim view (dialogs opened from the archive and duplicates).

``RecordDialog`` shows one testimony for people: its content rendered from the form
definition (intake/testimonies/render.py: the editor's labels and value names, victims
numbered, names per script), the coordinator's review (review_panel.py), its attachments
(attachments_panel.py), its provenance (who recorded it, when, which bundle brought which
version, whether the signature over the stored bytes still holds) and its versions, each
beside the one before it with the fields that changed. ``VictimDialog`` gathers every
testimony about one person (the victim and everyone linked to them as the same person,
intake.duplicates.finder).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QListWidget,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from intake.i18n import format_number, format_timestamp, isolate_numbers, ntr, tr
from intake.testimonies.content import form_for
from intake.testimonies.render import changed_fields, display_name, render_content
from ui.coordinator.attachments_panel import RecordAttachments
from ui.coordinator.common import help_label, ltr, title_label
from ui.coordinator.record_content import sections_widget
from ui.coordinator.review_panel import ReviewPanel
from ui.session import VaultSession


def _table(headers: list[str], rows: list[tuple[str, ...]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class RecordDialog(QDialog):
    """Content · Review · Attachments · Provenance · Versions of one testimony."""

    def __init__(self, session: VaultSession, testimony_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Testimony {id}", id=testimony_id[:8]))
        self.resize(960, 700)
        self.store = session.core.testimonies
        self.testimony_id = testimony_id
        self.changed = False
        record = self.store.get(testimony_id)
        self.form = form_for(record.form_ref)
        victims = record.content.get("victims")
        self.victims: list[object] = list(victims) if isinstance(victims, list) else []
        layout = QVBoxLayout(self)
        names = [display_name(v.get("names")) for v in self.victims if isinstance(v, dict)]
        layout.addWidget(title_label(" · ".join(n for n in names if n) or tr("Testimony")))
        tabs = QTabWidget()
        self.sections = render_content(self.form, record.content)
        self.content = sections_widget(self.sections)
        tabs.addTab(self.content, tr("Content"))
        self.review = ReviewPanel(session, testimony_id, self.form, self.victims)
        self.review.changed.connect(self._review_changed)
        review_area = QScrollArea()
        review_area.setWidgetResizable(True)
        review_area.setWidget(self.review)
        tabs.addTab(review_area, tr("Review"))
        self.attachments = RecordAttachments(session, testimony_id)
        tabs.addTab(
            self.attachments,
            tr("Attachments ({count})", count=format_number(len(self.attachments.rows))),
        )
        tabs.addTab(self._provenance(session, testimony_id), tr("Provenance"))
        tabs.addTab(self._versions(), tr("Versions"))
        self.tabs = tabs
        layout.addWidget(tabs, 1)

    def _review_changed(self) -> None:
        self.changed = True

    def _provenance(self, session: VaultSession, testimony_id: str) -> QWidget:
        names = {k.fingerprint: k.card.name for k in session.core.cards.all()}
        arrivals = session.core.origins(testimony_id)  # who sent, who wrote (§7.13)
        names.update({o.author.fingerprint: o.author.name for o in arrivals if o.author.name})
        rows: list[tuple[str, ...]] = []
        for info in self.store.versions(testimony_id):
            signed = ""
            if info.status == "final":
                signed = (
                    tr("valid")
                    if self.store.verify_version(testimony_id, info.version_no)
                    else tr("INVALID: changed after signing")
                )
            author = names.get(info.author_fingerprint or "", "") or tr("unknown author")
            rows.append(
                (
                    str(info.version_no),
                    author,
                    ltr(info.author_fingerprint or ""),
                    format_timestamp(info.finalized or info.updated),
                    signed,
                )
            )
        signatures = _table(
            [tr("Version"), tr("Recorded by"), tr("Fingerprint"), tr("Signed"), tr("Signature")],
            rows,
        )
        bundles = _table(
            [tr("Version"), tr("Bundle"), tr("Sent by"), tr("Imported"), tr("Outcome")],
            [
                (
                    str(p.version_no),
                    ltr(p.bundle_id),
                    names.get(p.sender_fingerprint, ltr(p.sender_fingerprint)),
                    format_timestamp(p.imported_at),
                    outcome_text(p.outcome),
                )
                for p in session.core.provenance(testimony_id)
            ],
        )
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.origins = QLabel("\n".join(o.line(mark=ltr) for o in arrivals))
        self.origins.setWordWrap(True)
        splitter.addWidget(self.origins)
        splitter.addWidget(signatures)
        splitter.addWidget(bundles)
        self.signatures, self.bundles = signatures, bundles
        return splitter

    def _versions(self) -> QWidget:
        self.version_list = QListWidget()
        self._infos = self.store.versions(self.testimony_id)
        for info in self._infos:
            self.version_list.addItem(
                tr(
                    "Version {number} ({status}), {when}",
                    number=info.version_no,
                    status=tr("final") if info.status == "final" else tr("draft"),
                    when=format_timestamp(info.finalized or info.updated),
                )
            )
        self.diff = _table([tr("Field"), tr("Before"), tr("After")], [])
        self.diff.setWordWrap(True)
        header = self.diff.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.diff_note = help_label("")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.diff_note)
        right_layout.addWidget(self.diff, 1)
        self.version_list.currentRowChanged.connect(self.show_differences)
        splitter = QSplitter()
        splitter.addWidget(self.version_list)
        splitter.addWidget(right)
        splitter.setSizes([290, 640])
        self.version_list.setCurrentRow(len(self._infos) - 1)
        return splitter

    def show_differences(self, row: int) -> None:
        """Version ``row`` beside the one before it: the fields that changed, as readers see
        them (every filled field for version 1)."""
        if not 0 <= row < len(self._infos):
            return
        info = self._infos[row]
        after = self.store.get_version(self.testimony_id, info.version_no).content
        previous = info.version_no - 1
        before = self.store.get_version(self.testimony_id, previous).content if previous else {}
        found = changed_fields(self.form, before, after)
        self.diff.setHorizontalHeaderLabels(
            [
                tr("Field"),
                tr("Version {number}", number=previous) if previous else tr("Before"),
                tr("Version {number}", number=info.version_no),
            ]
        )
        self.diff_note.setText(
            ntr(
                "{n} field changed from version {before} to {after}.",
                "{n} fields changed from version {before} to {after}.",
                len(found),
                before=previous,
                after=info.version_no,
            )
            if previous
            else tr("The first version: every field it filled in.")
        )
        self.diff.setRowCount(len(found))
        for r, change in enumerate(found):
            for c, value in enumerate((change.label, change.before or "—", change.after or "—")):
                self.diff.setItem(r, c, QTableWidgetItem(isolate_numbers(value)))
        self.diff.resizeColumnToContents(0)
        self.diff.setColumnWidth(0, min(self.diff.columnWidth(0), 320))
        self.diff.resizeRowsToContents()


def outcome_text(outcome: str) -> str:
    """What a bundle did to the record, in words (intake/bundles/history.py codes)."""
    words = {
        "new": tr("new testimony"),
        "updated": tr("newer version"),
        "unchanged": tr("already here"),
        "older": tr("older version (kept, not shown as newest)"),
    }
    return words.get(outcome, outcome)


class VictimDialog(QDialog):
    """Every testimony about the person of one victim of ``testimony_id``."""

    def __init__(self, session: VaultSession, testimony_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Every testimony about this person"))
        self.resize(820, 460)
        finder = session.core.duplicates
        finder.refresh()
        entries = finder.person_testimonies(f"{testimony_id}#1")
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(entries[0].label if entries else tr("Unknown person")))
        self.table = _table(
            [tr("Name as written"), tr("Testimony"), tr("Victim"), tr("Version")],
            [(e.label, ltr(e.testimony_id), str(e.position), str(e.version_no)) for e in entries],
        )
        layout.addWidget(self.table, 1)
        self.entries = entries
