"""The first-run flow: language → vault → coordinator card, as one stacked widget.

The flow knows only the order of the steps. A language change is handed to the application
shell (``language_chosen``), which rebuilds the window in the new language and re-enters the
flow at the vault step; the card step is for volunteers only (coordinators enroll volunteer
cards in their own screens). ``finished`` means the vault is open and the main screen may show.
"""

from __future__ import annotations

from PySide6.QtCore import QProcess, Signal
from PySide6.QtWidgets import QApplication, QStackedWidget, QWidget

from intake.i18n import current_language
from intake.install.programs import program_command
from ui.session import VaultSession
from ui.setup.card_page import CardPage
from ui.setup.create_vault_page import CreateVaultPage
from ui.setup.language_page import LanguagePage

STEPS = ("language", "vault", "card")


class FirstRunFlow(QStackedWidget):
    """Language, vault creation and (volunteers) the coordinator card."""

    language_chosen = Signal(str)
    finished = Signal()

    def __init__(
        self, session: VaultSession, step: str = "language", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.language_page = LanguagePage()
        self.language_page.chosen.connect(self.language_chosen.emit)
        self.language_page.confirmed.connect(lambda: self.go("vault"))
        self.language_page.demo_requested.connect(start_demo)
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


def start_demo() -> None:
    """Start ``amanat demo`` (fictional vaults in a new temporary folder) as its own process
    (the command line, intake/cli/cmd_gui.py, which then starts the desktop app on them)
    and close this window: the real vault location stays untouched until the user creates it."""
    command = program_command("cli")
    started, _pid = QProcess.startDetached(
        command[0], [*command[1:], "demo", "--lang", current_language()]
    )
    if started:
        QApplication.closeAllWindows()
