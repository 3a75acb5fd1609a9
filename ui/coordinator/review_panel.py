"""The record view's review tab: the verification level and the victims' external references.

The coordinator sets the level (unverified, corroborated, verified), a note and the sources it
rests on, and links victims to entries in outside sources (e.g. an XJVD entry number); all
through the core (``session.core.reviews``, intake/review/store.py), which audits each
change. The review is shown with the same rendering as ``amanat review`` and the PDF.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intake.forms.definitions import FormDefinition
from intake.i18n import tr
from intake.review.store import LEVELS, level_label
from intake.review.view import review_section
from intake.testimonies.render import display_name, item_heading
from ui import dialogs
from ui.coordinator.common import help_label, ltr
from ui.coordinator.record_content import sections_widget
from ui.session import VaultSession


class ReviewPanel(QWidget):
    """Current review on top; the form to change it and the references below."""

    changed = Signal()

    def __init__(
        self,
        session: VaultSession,
        testimony_id: str,
        form: FormDefinition,
        victims: list[object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.testimony_id, self.form = session, testimony_id, form
        self.victims = victims
        self.reviews = session.core.reviews
        layout = QVBoxLayout(self)
        self.summary_box = QVBoxLayout()
        layout.addLayout(self.summary_box)

        edit = QGroupBox(tr("Change the review"))
        form_layout = QFormLayout(edit)
        self.level = QComboBox()
        for level in LEVELS:
            self.level.addItem(level_label(level), level)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(tr("What the judgement rests on, for other coordinators"))
        self.note.setMaximumHeight(70)
        self.sources = QPlainTextEdit()
        self.sources.setPlaceholderText(tr("One source per line"))
        self.sources.setMaximumHeight(60)
        self.save_button = QPushButton(tr("Save review"))
        self.save_button.clicked.connect(self.save_review)
        form_layout.addRow(tr("Verification level"), self.level)
        form_layout.addRow(tr("Note"), self.note)
        form_layout.addRow(tr("Sources"), self.sources)
        form_layout.addRow("", self.save_button)
        layout.addWidget(edit)

        refs = QGroupBox(tr("External references"))
        refs_layout = QVBoxLayout(refs)
        refs_layout.addWidget(
            help_label(tr("Entries about a victim in other sources, e.g. XJVD and its number."))
        )
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("Victim"), tr("Source"), tr("Entry"), "URL"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        refs_layout.addWidget(self.table)
        row = QHBoxLayout()
        self.victim = QComboBox()
        section = form.section("victims")
        for n, victim in enumerate(victims, start=1):
            names = victim.get("names") if isinstance(victim, dict) else None
            heading = item_heading(section, n, len(victims)) if section else str(n)
            name = display_name(names)
            self.victim.addItem(f"{heading}: {name}" if name else heading, n)
        self.source = QLineEdit("XJVD")
        self.source.setPlaceholderText(tr("Source"))
        self.entry = QLineEdit()
        self.entry.setPlaceholderText(tr("Entry number"))
        self.url = QLineEdit()
        self.url.setPlaceholderText(tr("Address (optional)"))
        self.add_button = QPushButton(tr("Add reference"))
        self.add_button.clicked.connect(self.add_reference)
        self.add_button.setEnabled(bool(victims))
        self.remove_button = QPushButton(tr("Remove selected"))
        self.remove_button.clicked.connect(self.remove_reference)
        for widget in (self.victim, self.source, self.entry, self.url, self.add_button):
            row.addWidget(widget)
        refs_layout.addLayout(row)
        refs_layout.addWidget(self.remove_button)
        layout.addWidget(refs, 1)
        self.refresh()

    def refresh(self) -> None:
        """Show the stored review and references again (after a change)."""
        review = self.reviews.get(self.testimony_id)
        self.references = self.reviews.references(self.testimony_id)
        while self.summary_box.count():
            item = self.summary_box.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.deleteLater()
        section = review_section(self.form, review, self.references, len(self.victims))
        self.summary = sections_widget([section], scroll=False)
        self.summary_box.addWidget(self.summary)
        if review is not None:
            self.level.setCurrentIndex(LEVELS.index(review.level))
            self.note.setPlainText(review.note)
            self.sources.setPlainText("\n".join(review.sources))
        form_section = self.form.section("victims")
        self.table.setRowCount(len(self.references))
        for r, ref in enumerate(self.references):
            who = (
                item_heading(form_section, ref.position, len(self.victims))
                if form_section
                else str(ref.position)
            )
            for c, value in enumerate((who, ref.source, ltr(ref.entry), ltr(ref.url))):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

    def save_review(self) -> None:
        sources = [s for s in self.sources.toPlainText().splitlines() if s.strip()]
        try:
            self.reviews.set_level(
                self.testimony_id, str(self.level.currentData()), self.note.toPlainText(), sources
            )
        except Exception as exc:
            dialogs.show_error(self, exc)
            return
        self.refresh()
        self.changed.emit()

    def add_reference(self) -> None:
        try:
            self.reviews.add_reference(
                self.testimony_id,
                int(self.victim.currentData()),
                self.source.text().strip(),
                self.entry.text().strip(),
                self.url.text().strip(),
            )
        except Exception as exc:
            dialogs.show_error(self, exc)
            return
        self.entry.clear()
        self.url.clear()
        self.refresh()
        self.changed.emit()

    def remove_reference(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.references):
            return
        ref = self.references[row]
        try:
            self.reviews.remove_reference(self.testimony_id, ref.position, ref.source, ref.entry)
        except Exception as exc:
            dialogs.show_error(self, exc)
            return
        self.refresh()
        self.changed.emit()
