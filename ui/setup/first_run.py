"""The first-run flow: language → vault → coordinator card, as one stacked widget.

The flow knows only the order of the steps. A language change is handed to the application
shell (``language_chosen``), which rebuilds the window in the new language and re-enters the
flow at the vault step; the card step is for volunteers only (coordinators enroll volunteer
cards in their own screens). ``finished`` means the vault is open and the main screen may show.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from ui.session import VaultSession
from ui.setup.card_page import CardPage
from ui.setup.create_vault_page import CreateVaultPage
from ui.setup.language_page import LanguagePage

STEPS = ("language", "vault", "card")


class FirstRunFlow(QStackedWidget):
    """Language, vault creation and (volunteers) the coordinator card."""

    language_chosen = Signal(str)
    finished = Signal()
    demo_requested = Signal()  # the window builds the demo (ui/setup/demo_dialog.py)

    def __init__(
        self, session: VaultSession, step: str = "language", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.language_page = LanguagePage()
        self.language_page.chosen.connect(self.language_chosen.emit)
        self.language_page.confirmed.connect(lambda: self.go("vault"))
        self.language_page.demo_requested.connect(self.demo_requested.emit)
        self.vault_page = CreateVaultPage(session)
        self.vault_page.created.connect(self._vault_created)
        self.card_page: CardPage | None = None
        self.addWidget(self.language_page)
        self.addWidget(self.vault_page)
        self.go(step)

    @property
    def step(self) -> str:
        current = self.currentWidget()
        if current is self.vault_page:
            return "vault"
        if current is self.card_page:
            return "card"
        return "language"

    def go(self, step: str) -> None:
        if step == "card" and self.session.is_unlocked:
            if self.card_page is None:
                self.card_page = CardPage(self.session, first_run=True)
                self.card_page.added.connect(self.finished.emit)
                self.card_page.skipped.connect(self.finished.emit)
                self.addWidget(self.card_page)
            self.setCurrentWidget(self.card_page)
        elif step == "vault" and not self.session.vault_exists():
            self.setCurrentWidget(self.vault_page)
            self.vault_page.focus_first()
        elif step == "language":
            self.setCurrentWidget(self.language_page)
        else:
            self.finished.emit()

    def _vault_created(self) -> None:
        if self.session.role == "volunteer":
            self.go("card")
        else:
            self.finished.emit()
