"""File › My card…: this vault's own fingerprint in large digits, its QR code, and saving both.

Volunteers and coordinators read their fingerprint aloud to each other before a card is
trusted (the enrolment and "Add coordinator card" screens ask for exactly that), so it is shown
in five-digit groups, large, left to right even in Uyghur. The QR code holds the whole card
file; the other side can scan it or import a picture of it. The card and its QR are public, and
``AmanatCore.save_my_card`` writes them atomically where the person chose.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake.core.cards import MyCard
from intake.i18n import tr
from ui.dialogs import error_text
from ui.fonts import monospace_font
from ui.session import VaultSession

QR_SIZE = 340  # at most, in pixels: large enough for a phone camera across a table
QR_BOX_PIXELS = 8  # pixels per module in the PNG (intake/cards/qr.py)
FINGERPRINT_POINTS = 22.0


def role_text(role: str) -> str:
    return tr("Coordinator") if role == "coordinator" else tr("Volunteer")


def fingerprint_lines(fingerprint: str) -> str:
    """The seven groups on two lines (4 + 3), so they stay large in a narrow dialog."""
    groups = fingerprint.split()
    return "  ".join(groups[:4]) + "\n" + "  ".join(groups[4:])


def choose_save_path(parent: QWidget, title: str, suggested: str, filters: str) -> Path | None:
    """Ask where to save (a module function, so tests can answer it). Qt's dialog asks before
    replacing an existing file."""
    name, _f = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return Path(name) if name else None


class MyCardDialog(QDialog):
    """Name, role, fingerprint (large), QR code; Save card file… · Save QR code…"""

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.mine: MyCard = session.core.my_card()
        card = self.mine.card
        self.setWindowTitle(tr("My card"))
        self.setMinimumWidth(880)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        title = QLabel(tr("{name} · {role}", name=card.name, role=role_text(card.role)))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        columns = QHBoxLayout()  # side by side: the dialog fits a 768-pixel-high laptop screen
        left = QVBoxLayout()
        left.addWidget(QLabel(tr("Your fingerprint")))
        self.fingerprint = QLabel(fingerprint_lines(self.mine.fingerprint))
        self.fingerprint.setObjectName("ownFingerprint")
        self.fingerprint.setFont(monospace_font(FINGERPRINT_POINTS))
        self.fingerprint.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.fingerprint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left.addWidget(self.fingerprint)
        explain = QLabel(
            tr(
                "Give your card to the person you work with, as a file or by letting them scan "
                "this QR code. Then read these digits to them, in person or by phone: they "
                "must see exactly the same groups before they trust your card."
            )
        )
        explain.setObjectName("helpText")
        explain.setWordWrap(True)
        left.addWidget(explain)
        left.addStretch(1)
        columns.addLayout(left, 1)
        pixmap = QPixmap()
        pixmap.loadFromData(self.mine.qr_png, "PNG")
        # a whole number of screen pixels per module: every module the same size, no blur
        modules = max(1, pixmap.width() // QR_BOX_PIXELS)
        side = modules * max(2, QR_SIZE // modules)
        self.qr = QLabel()
        self.qr.setObjectName("cardQr")
        self.qr.setPixmap(
            pixmap.scaled(
                side,
                side,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
        )
        self.qr.setFixedSize(side, side)  # never squeezed: a clipped QR cannot be scanned
        columns.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(columns)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.save_card_button = QPushButton(tr("Save card file…"))
        self.save_card_button.clicked.connect(self.choose_card_file)
        self.save_qr_button = QPushButton(tr("Save QR code as PNG…"))
        self.save_qr_button.clicked.connect(self.choose_qr_file)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.accept)
        buttons.addWidget(self.save_card_button)
        buttons.addWidget(self.save_qr_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def choose_card_file(self) -> None:
        path = choose_save_path(
            self,
            tr("Save card file"),
            "my-amanat.card",
            tr("Amanat cards (*.card);;All files (*)"),
        )
        if path is not None:
            self.save(card_path=path)

    def choose_qr_file(self) -> None:
        path = choose_save_path(
            self, tr("Save QR code"), "my-amanat-card.png", tr("PNG pictures (*.png)")
        )
        if path is not None:
            self.save(qr_path=path)

    def save(self, card_path: Path | None = None, qr_path: Path | None = None) -> bool:
        """Write the card and/or its QR (the save dialog asked before replacing a file)."""
        try:
            self.session.core.save_my_card(card_path, qr_path, overwrite=True)
        except Exception as exc:  # typed errors shown as their message
            self.message.setObjectName("errorText")
            self.message.setText(error_text(exc))
            return False
        saved = card_path or qr_path
        self.message.setObjectName("")
        self.message.setText(tr("Saved to {path}", path=saved))
        return True
