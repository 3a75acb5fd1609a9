"""Possible duplicates: pairs of victims that may be the same person, with score and reasons.

Candidates are computed on a worker thread (intake.duplicates.finder.DuplicateFinder: names
compared across scripts through transliteration, birth year, hometown, equal PRC ID numbers).
Below the table, the selected pair is explained (intake.duplicates.explain): both spellings,
the name parts that matched, and which facts agree and which differ. The coordinator links a
pair as the same person (both testimonies are kept; nothing is deleted) or dismisses it;
decisions are stored and audited by the finder, and decided pairs are not proposed again.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intake.core.app import AmanatCore
from intake.duplicates.explain import explain
from intake.duplicates.finder import Candidate
from intake.i18n import ntr, tr
from ui import dialogs
from ui.coordinator.common import help_label, ltr, start_job, title_label
from ui.session import VaultSession
from ui.workers import Progress


class DuplicatesPage(QWidget):
    """Candidate pairs, best first; link or dismiss the selected pair."""

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.candidates: list[Candidate] = []
        self.loading = False
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(tr("Possible duplicates")))
        layout.addWidget(
            help_label(
                tr(
                    "The same person is often reported by several relatives, in different "
                    "scripts. Linking keeps both testimonies and groups them as one person."
                )
            )
        )
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [tr("Score"), tr("Victim"), tr("Victim"), tr("Reasons")]
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table, 1)
        self.details = QLabel()  # why the selected pair was proposed
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.details)
        self.table.itemSelectionChanged.connect(self._show_details)
        self.status = QLabel()
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.link_button = QPushButton(tr("Same person: link"))
        self.link_button.clicked.connect(self.link)
        self.dismiss_button = QPushButton(tr("Not the same: dismiss"))
        self.dismiss_button.clicked.connect(self.dismiss)
        self.refresh_button = QPushButton(tr("Look again"))
        self.refresh_button.clicked.connect(self.reload)
        for button in (self.link_button, self.dismiss_button, self.refresh_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)

    def reload(self) -> None:
        if self.loading or not self.session.is_unlocked:
            return
        self.loading = True
        self.status.setText(tr("Comparing victims…"))
        vault = self.session.vault

        def job(_progress: Progress) -> list[Candidate]:
            return AmanatCore(vault).duplicates.candidates()

        start_job(self.session, job, self._show, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.loading = False
        self.status.clear()
        dialogs.show_error(self, exc)

    def _show(self, candidates: list[Candidate]) -> None:
        self.loading = False
        self.candidates = candidates
        self.table.setRowCount(len(candidates))
        for r, c in enumerate(candidates):
            values = (
                ltr(f"{round(100 * c.score)} %"),
                c.label_a,
                c.label_b,
                "\n".join(c.reason_texts()),
            )
            for col, value in enumerate(values):
                self.table.setItem(r, col, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        if candidates:
            self.table.selectRow(0)
        self.status.setText(
            ntr("{n} possible duplicate.", "{n} possible duplicates.", len(candidates))
            if candidates
            else tr("No possible duplicates.")
        )

    def _show_details(self) -> None:
        pair = self.selected()
        if pair is None:
            self.details.clear()
            return
        why = explain(pair)
        lines = [
            f"<b>{escape(why.spelling_a)}</b> &nbsp;⇄&nbsp; <b>{escape(why.spelling_b)}</b>",
        ]
        if why.matched:
            lines.append(escape(tr("Name parts that matched: {name}", name=why.matched)))
        groups = (
            (tr("Name"), why.names),
            (tr("Agrees"), why.agreed),
            (tr("Differs"), why.differs),
        )
        for title, items in groups:
            if items:
                lines.append(f"<b>{escape(title)}:</b> " + "; ".join(escape(i) for i in items))
        self.details.setText("<br>".join(lines))

    def selected(self) -> Candidate | None:
        row = self.table.currentRow()
        return self.candidates[row] if 0 <= row < len(self.candidates) else None

    def link(self) -> None:
        self._decide("link")

    def dismiss(self) -> None:
        self._decide("dismiss")

    def _decide(self, decision: str) -> None:
        pair = self.selected()
        if pair is None:
            return
        finder = self.session.core.duplicates
        try:
            if decision == "link":
                finder.link(pair.a, pair.b, pair.score)
            else:
                finder.dismiss(pair.a, pair.b, pair.score)
        except Exception as exc:
            dialogs.show_error(self, exc)
            return
        row = self.candidates.index(pair)
        del self.candidates[row]
        self.table.removeRow(row)
        self.status.setText(
            ntr("{n} possible duplicate.", "{n} possible duplicates.", len(self.candidates))
        )

    def clear(self) -> None:
        self.candidates = []
        self.table.setRowCount(0)
        self.details.clear()
