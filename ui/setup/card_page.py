"""Adding a coordinator's card, with the explicit fingerprint comparison step.

Used as first-run step 3 and from the File menu. The card file is parsed and its
self-signature checked by intake.cards.cardfile; the page shows the name, role and fingerprint and
stores the card as *verified* only after the volunteer ticks "I compared this fingerprint with
the coordinator (in person or by phone)". Exports go only to verified cards, so this one click
is what stands between a forged card and a testimony sent to the wrong person.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crypto.card import Card
from intake.cards.cardfile import read_card_file as parse_card_file
from intake.cards.cardfile import report_lines
from intake.core.cards import CARD_FILE_PATTERNS, card_file_data, read_card_data
from intake.errors import AmanatError
from intake.i18n import tr
from ui import dialogs
from ui.dialogs import error_text
from ui.fonts import monospace_font
from ui.session import VaultSession


def role_label(role: str) -> str:
    return tr("Coordinator") if role == "coordinator" else tr("Volunteer")


def choose_card_path(parent: QWidget, title: str) -> Path | None:
    """Ask for a card file or a picture of its QR code (a module function, so tests can answer
    it)."""
    name, _f = QFileDialog.getOpenFileName(
        parent,
        title,
        "",
        tr("Amanat cards and QR pictures ({patterns});;All files (*)", patterns=CARD_FILE_PATTERNS),
    )
    return Path(name) if name else None


class CardPage(QWidget):
    """Choose a card file, compare the fingerprint, add the card as verified."""

    added = Signal()
    skipped = Signal()

    def __init__(
        self, session: VaultSession, *, first_run: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.card: Card | None = None
        self.data = b""  # the card file as read: imported with the statements it carries
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        title = QLabel(tr("Add your coordinator's card"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        intro = QLabel(
            tr(
                "Your coordinator gives you a card file (on a USB stick, by message) or shows "
                "you its QR code: choose the file, or a photo or screenshot of the QR code. "
                "Testimonies can only be exported to coordinators whose card you "
                "added and whose fingerprint you compared."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        choose = QPushButton(tr("Choose a card file or QR picture…"))
        choose.clicked.connect(self.choose_file)
        layout.addWidget(choose, 0, Qt.AlignmentFlag.AlignLeading)

        self.details = QFrame()
        self.details.setFrameShape(QFrame.Shape.StyledPanel)
        form = QFormLayout(self.details)
        self.name = QLabel()
        self.role = QLabel()
        self.fingerprint = QLabel()
        self.fingerprint.setFont(monospace_font(15))
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.fingerprint.setWordWrap(True)
        form.addRow(tr("Name"), self.name)
        form.addRow(tr("Role"), self.role)
        form.addRow(tr("Fingerprint"), self.fingerprint)
        self.compare_hint = QLabel(
            tr(
                "Call the coordinator or meet them, and have them read their fingerprint to "
                "you. Every group of digits must be the same."
            )
        )
        self.compare_hint.setWordWrap(True)
        form.addRow(self.compare_hint)
        self.compared = QCheckBox(
            tr("I compared this fingerprint with the coordinator (in person or by phone).")
        )
        self.compared.toggled.connect(self._refresh)
        form.addRow(self.compared)
        self.details.setVisible(False)
        layout.addWidget(self.details)

        self.message = QLabel()
        self.message.setObjectName("errorText")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.skip_button = QPushButton(tr("Later") if first_run else tr("Cancel"))
        self.skip_button.clicked.connect(self.skipped.emit)
        buttons.addWidget(self.skip_button)
        self.add_button = QPushButton(tr("Add the coordinator"))
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.add)
        buttons.addWidget(self.add_button)
        layout.addLayout(buttons)
        self._refresh()

    def choose_file(self) -> None:
        path = choose_card_path(self, tr("Choose a card file"))
        if path is not None:
            self.load_file(path)

    def load_file(self, path: Path) -> None:
        """Show the card in ``path``: a card file or a PNG/JPEG picture of its QR code."""
        try:
            data = read_card_data(path)
        except AmanatError as exc:
            self.card, self.data = None, b""
            self.details.setVisible(False)
            self.show_problem(exc.message())
            self._refresh()
            return
        self.load(data)

    def load(self, data: bytes) -> None:
        """Show the card in ``data`` (a card file or a picture of its QR code), or why it
        cannot be used."""
        self.card = None
        self.data = b""
        self.compared.setChecked(False)
        try:
            data = card_file_data(data)  # a picture of the QR code: the card it holds
            card = parse_card_file(data).card
        except AmanatError as exc:
            self.details.setVisible(False)
            self.show_problem(exc.message())
            self._refresh()
            return
        self.card, self.data = card, data
        self.name.setText(card.name)
        self.role.setText(role_label(card.role))
        self.fingerprint.setText(card.fingerprint)
        self.details.setVisible(True)
        self.show_problem("")
        if card.role != "coordinator" and self.session.role == "volunteer":
            self.show_problem(tr("This is a volunteer's card, not a coordinator's."))
        self._refresh()

    def show_problem(self, text: str) -> None:
        self.message.setText(text)

    def _refresh(self) -> None:
        self.add_button.setEnabled(self.card is not None and self.compared.isChecked())

    def add(self) -> None:
        """Store the card as verified (the box was ticked)."""
        if self.card is None or not self.compared.isChecked():
            return
        try:
            result = self.session.core.import_card_file(self.data, verified=True)
        except Exception as exc:  # typed errors shown as their message
            self.show_problem(error_text(exc))
            return
        lines = report_lines(result)  # key statements the card file carried (§8.6)
        if lines:
            dialogs.show_info(self, tr("Key statements"), "\n\n".join(lines))
        self.card = None
        self.details.setVisible(False)
        self.added.emit()
