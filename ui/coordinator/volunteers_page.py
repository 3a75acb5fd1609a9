"""The volunteer registry: enrolled volunteers, their bundles and missing bundle numbers.

Enrolling reads a card file and shows its name and fingerprint; the coordinator must state
that the fingerprint was compared with the volunteer before the card is stored as verified.
Revoking asks first; a revoked volunteer's bundles are refused from then on. Each volunteer's
received bundles (number, made, imported, records) and gaps in their numbers are listed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crypto import card as cardfmt
from intake.cards.cardfile import report_lines
from intake.cards.registry import KnownCard
from intake.core.cards import card_from_bytes, read_card_data
from intake.i18n import format_number, format_timestamp, tr
from ui import dialogs
from ui.coordinator.common import fingerprint_label, help_label, ltr, title_label
from ui.session import VaultSession
from ui.setup.card_page import choose_card_path


class EnrollDialog(QDialog):
    """Shows a card's name and fingerprint; Enroll is enabled once the comparison is ticked."""

    def __init__(self, card: cardfmt.Card, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card = card
        self.setWindowTitle(tr("Enroll volunteer"))
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(card.name))
        layout.addWidget(
            help_label(
                tr(
                    "Ask the volunteer to read the fingerprint shown in their Amanat, in person "
                    "or by phone, and compare every group:"
                )
            )
        )
        layout.addWidget(fingerprint_label(card.fingerprint))
        self.compared = QCheckBox(tr("The fingerprint is exactly the same."))
        layout.addWidget(self.compared)
        buttons = QDialogButtonBox()
        self.enroll_button = buttons.addButton(tr("Enroll"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.enroll_button.setEnabled(False)
        self.compared.toggled.connect(self.enroll_button.setEnabled)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def status_text(known: KnownCard) -> str:
    if known.revoked:
        return tr("Revoked")
    return tr("Enrolled") if known.verified else tr("Not verified")


class VolunteersPage(QWidget):
    """Table of known cards, details of the selected one."""

    COLUMNS = 5

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._cards: list[KnownCard] = []
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(tr("Volunteers")))
        row = QHBoxLayout()
        self.enroll_button = QPushButton(tr("Enroll from card file or QR picture…"))
        self.enroll_button.clicked.connect(self.choose_card)
        self.revoke_button = QPushButton(tr("Revoke…"))
        self.revoke_button.clicked.connect(self.revoke)
        row.addWidget(self.enroll_button)
        row.addWidget(self.revoke_button)
        row.addStretch(1)
        layout.addLayout(row)
        splitter = QSplitter()
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels(
            [tr("Name"), tr("Fingerprint"), tr("Status"), tr("Bundles"), tr("Missing bundles")]
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda *_a: self._selected())
        splitter.addWidget(self.table)
        details = QWidget()
        box = QVBoxLayout(details)
        self.details_title = QLabel()
        self.details_title.setObjectName("pageTitle")
        box.addWidget(self.details_title)
        self.gaps_label = QLabel()
        self.gaps_label.setWordWrap(True)
        box.addWidget(self.gaps_label)
        self.bundles = QTableWidget(0, 4)
        self.bundles.setHorizontalHeaderLabels(
            [tr("Number"), tr("Made"), tr("Imported"), tr("Records")]
        )
        self.bundles.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.bundles.horizontalHeader().setStretchLastSection(True)
        box.addWidget(self.bundles, 1)
        splitter.addWidget(details)
        splitter.setSizes([620, 380])
        layout.addWidget(splitter, 1)
        self.reload()

    def reload(self) -> None:
        core = self.session.core
        self._cards = [k for k in core.cards.all() if k.card.role == "volunteer"]
        self.table.setRowCount(len(self._cards))
        for row, known in enumerate(self._cards):
            received = core.received_bundles(known.fingerprint)
            missing = core.missing_sequences(known.fingerprint)
            values = (
                known.card.name,
                ltr(known.fingerprint),
                status_text(known),
                format_number(len(received)),
                ", ".join(ltr(f"{a}–{b}" if a != b else str(a)) for a, b in missing),
            )
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        if self._cards:
            self.table.setCurrentCell(0, 0)
        self._selected()

    def selected(self) -> KnownCard | None:
        row = self.table.currentRow()
        return self._cards[row] if 0 <= row < len(self._cards) else None

    def _selected(self) -> None:
        known = self.selected()
        self.revoke_button.setEnabled(known is not None and not known.revoked)
        self.bundles.setRowCount(0)
        if known is None:
            self.details_title.setText(tr("No volunteer enrolled yet."))
            self.gaps_label.clear()
            return
        core = self.session.core
        self.details_title.setText(known.card.name)
        missing = core.missing_sequences(known.fingerprint)
        self.gaps_label.setText(
            tr(
                "Missing bundle numbers: {ranges}. Ask the volunteer to send them again.",
                ranges=", ".join(ltr(f"{a}–{b}" if a != b else str(a)) for a, b in missing),
            )
            if missing
            else tr("No bundle is missing.")
        )
        received = core.received_bundles(known.fingerprint)
        self.bundles.setRowCount(len(received))
        for row, bundle in enumerate(received):
            values = (
                str(bundle.sequence),
                format_timestamp(bundle.created),
                format_timestamp(bundle.imported_at),
                format_number(bundle.records),
            )
            for col, value in enumerate(values):
                self.bundles.setItem(row, col, QTableWidgetItem(value))
        self.bundles.resizeColumnsToContents()

    def choose_card(self) -> None:
        path = choose_card_path(self, tr("Choose a volunteer's card"))
        if path is not None:
            self.enroll_file(path)

    def enroll_file(self, path: Path) -> bool:
        """Read a card file (or a picture of its QR code) and enroll it once the fingerprint
        comparison was confirmed."""
        try:
            data = read_card_data(path)  # a card file, or what a picture's QR code holds
            card = card_from_bytes(data)
        except Exception as exc:
            dialogs.show_error(self, exc)
            return False
        if not self.ask_comparison(card):
            return False
        try:
            result = self.session.core.import_card_file(data, verified=True)
        except Exception as exc:
            dialogs.show_error(self, exc)
            return False
        lines = report_lines(result)  # key statements the card file carried (§8.6)
        if lines:
            dialogs.show_info(self, tr("Key statements"), "\n\n".join(lines))
        self.reload()
        return True

    def ask_comparison(self, card: cardfmt.Card) -> bool:
        dialog = EnrollDialog(card, self)
        return dialog.exec() == QDialog.DialogCode.Accepted and dialog.compared.isChecked()

    def revoke(self) -> None:
        known = self.selected()
        if known is None or not dialogs.confirm(
            self,
            tr("Revoke"),
            tr(
                "Revoke {name}? Bundles signed by this card will be refused from now on. "
                "Testimonies already imported stay in the archive.",
                name=known.card.name,
            ),
            tr("Revoke"),
            dangerous=True,
        ):
            return
        self.session.core.cards.revoke(known.fingerprint)
        self.reload()

    def clear(self) -> None:
        self.table.setRowCount(0)
        self.bundles.setRowCount(0)
        self._cards = []
        self.details_title.clear()
