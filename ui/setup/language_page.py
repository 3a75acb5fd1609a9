"""First-run step 1: choose the interface language (each shown in its own script).

The heading is shown in all six languages at once, since the user may not read the current
one. Choosing a language takes effect immediately (Uyghur turns the interface right to left)
through the ``chosen`` signal; the application shell rebuilds the window in that language.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake.i18n import LANGUAGES, current_language, is_rtl, tr
from ui.fonts import arabic_script_font


class LanguagePage(QWidget):
    """Six large buttons, one per language; ``chosen`` carries the language code."""

    chosen = Signal(str)
    confirmed = Signal()
    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        title = QLabel(tr("Welcome to Amanat"))
        title.setObjectName("pageTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        heading = QLabel(
            "\n".join(tr("Choose the interface language", lang=code) for code in LANGUAGES)
        )
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(heading)
        grid = QGridLayout()
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QPushButton] = {}
        for index, (code, name) in enumerate(LANGUAGES.items()):
            button = QPushButton(name)
            button.setCheckable(True)
            button.setMinimumHeight(48)
            button.setObjectName(f"language_{code}")
            button.setLayoutDirection(
                Qt.LayoutDirection.RightToLeft if is_rtl(code) else Qt.LayoutDirection.LeftToRight
            )
            if is_rtl(code):
                button.setFont(arabic_script_font(button.font()))
            button.setChecked(code == current_language())
            button.clicked.connect(lambda _checked=False, c=code: self._pick(c))
            self.group.addButton(button)
            self.buttons[code] = button
            grid.addWidget(button, index // 2, index % 2)
        layout.addLayout(grid)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.demo_button = QPushButton(tr("Just trying? Open a demo with fictional people"))
        self.demo_button.setObjectName("tryDemo")
        self.demo_button.clicked.connect(self.demo_requested.emit)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        self.next_button = QPushButton(tr("Continue"))
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.confirmed.emit)
        buttons.addWidget(self.next_button)
        layout.addLayout(buttons)

    def _pick(self, code: str) -> None:
        if code != current_language():
            self.chosen.emit(code)
