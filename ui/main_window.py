"""The main window: first run, unlock screen or workspace, with menus and shortcuts.

Which page shows follows the session: no vault yet → the first-run flow; locked → the unlock
screen; unlocked → the workspace (created on unlock, cleared and destroyed on lock). Menus hold
every action with a shortcut (Ctrl+N new, Ctrl+O open, Ctrl+L lock, Ctrl+Q quit…); actions that
need an open vault are disabled while it is locked. Closing the window locks the vault first.
"Wipe vault…" (Ctrl+Alt+Shift+W, from any screen: ui/panic_wipe.py) erases the vault;
"Back up to a USB stick…" opens ui/backup_dialog.py, and a button in the status bar reminds
the volunteer when enough testimonies have changed since the last backup (a vault setting).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from intake.core.safekeeping import backup_due, not_backed_up
from intake.i18n import LANGUAGES, current_language, ntr, tr
from ui import dialogs
from ui.about import AboutDialog
from ui.coordinator.common import ltr
from ui.fonts import monospace_font
from ui.idle_lock import IdleLock
from ui.panic_wipe import WIPE_SHORTCUT, confirm_and_wipe
from ui.preferences import Preferences
from ui.session import VaultSession
from ui.settings_dialog import SettingsDialog
from ui.setup.card_page import CardPage
from ui.setup.first_run import FirstRunFlow
from ui.unlock_page import UnlockPage

if TYPE_CHECKING:  # imported when first shown, so the unlock screen comes sooner
    from intake.vault import Vault
    from ui.coordinator.workspace import CoordinatorWorkspace
    from ui.workspace.workspace import Workspace


def bundles_available() -> bool:
    """Export needs intake.bundles.export (the bundles work); until it exists it is disabled."""
    return (
        find_spec("intake.bundles") is not None and find_spec("intake.bundles.export") is not None
    )


REMINDER_CHECK_MS = 60_000  # how often the backup reminder looks at the vault


class MainWindow(QMainWindow):
    """One window per vault session."""

    def __init__(
        self,
        session: VaultSession,
        prefs: Preferences,
        idle: IdleLock,
        on_language: Callable[[str], None],
        first_run_step: str = "language",
    ) -> None:
        super().__init__()
        self.session = session
        self.prefs = prefs
        self.idle = idle
        self.on_language = on_language
        self.replacing = False  # set by the shell when a new window takes over (language)
        self.quit_after_lock = False
        self.setWindowTitle("Amanat")
        self.resize(1100, 760)
        self.pages = QStackedWidget()
        self.setCentralWidget(self.pages)
        self.first_run: FirstRunFlow | None = None
        self.unlock_page: UnlockPage | None = None
        self.workspace: Workspace | None = None
        self.coordinator: CoordinatorWorkspace | None = None
        self._build_menus()
        self.backup_hint = QPushButton()
        self.backup_hint.setFlat(True)
        self.backup_hint.clicked.connect(self.backup)
        self.backup_hint.setVisible(False)
        self.statusBar().addPermanentWidget(self.backup_hint)
        self.reminder = QTimer(self)
        self.reminder.setInterval(REMINDER_CHECK_MS)
        self.reminder.timeout.connect(self.check_backup_reminder)
        session.unlocked.connect(self._unlocked)
        session.locking.connect(self._locking)
        session.locked.connect(self._locked)
        if not session.vault_exists() or first_run_step == "card":
            self.show_first_run(first_run_step)
        elif session.is_unlocked:
            self.show_workspace()
        else:
            self.show_unlock()
        geometry = prefs.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)

    # ---- menus ----------------------------------------------------------------------------

    def _action(
        self, text: str, slot: Callable[[], object], shortcut: QKeySequence | str | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        self.own_fingerprint = QLabel()  # always visible: people are asked to read it aloud
        self.own_fingerprint.setObjectName("statusFingerprint")
        self.own_fingerprint.setFont(monospace_font(11))
        self.own_fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(self.own_fingerprint)
        bar = self.menuBar()
        file_menu = bar.addMenu(tr("&File"))
        self.new_action = self._action(tr("&New testimony"), self.new_testimony, "Ctrl+N")
        self.open_action = self._action(tr("&Open"), self.open_testimony, "Ctrl+O")
        self.delete_action = self._action(tr("&Delete draft…"), self.delete_draft)
        self.export_action = self._action(tr("&Export to coordinator…"), self.export, "Ctrl+E")
        self.outbox_action = self._action(tr("Out&box…"), self.outbox)
        self.card_action = self._action(tr("Add coordinator &card…"), self.add_card)
        self.my_card_action = self._action(tr("&My card…"), self.show_my_card)
        self.backup_action = self._action(tr("&Back up to a USB stick…"), self.backup)
        self.paper_key_action = self._action(tr("&Print paper key…"), self.print_paper_key)
        self.wipe_action = self._action(tr("&Wipe vault…"), self.wipe, WIPE_SHORTCUT)
        self.wipe_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.addAction(self.wipe_action)  # the chord works on every page, menus closed
        self.lock_action = self._action(tr("&Lock"), self.lock, "Ctrl+L")
        self.quit_action = self._action(tr("&Quit"), self.close, "Ctrl+Q")
        for action in (self.new_action, self.open_action, self.delete_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.outbox_action)
        file_menu.addAction(self.card_action)
        file_menu.addAction(self.my_card_action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.paper_key_action)
        file_menu.addAction(self.wipe_action)
        file_menu.addSeparator()
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.quit_action)

        settings_menu = bar.addMenu(tr("&Settings"))
        language_menu = settings_menu.addMenu(tr("&Language"))
        self.language_group = QActionGroup(self)
        for code, name in LANGUAGES.items():
            action = QAction(name, self)
            action.setCheckable(True)
            action.setChecked(code == current_language())
            action.triggered.connect(lambda _c=False, c=code: self._language(c))
            self.language_group.addAction(action)
            language_menu.addAction(action)
        self.settings_action = self._action(tr("&Auto-lock…"), self.open_settings)
        settings_menu.addAction(self.settings_action)
        self.seal_action = QAction(tr("&Seal what I export"), self)  # also in the export dialog
        self.seal_action.setCheckable(True)
        self.seal_action.triggered.connect(self.toggle_seal)
        settings_menu.addAction(self.seal_action)

        help_menu = bar.addMenu(tr("&Help"))
        help_menu.addAction(self._action(tr("&About Amanat"), self.about))
        self.vault_actions = (
            self.new_action,
            self.open_action,
            self.delete_action,
            self.card_action,
            self.backup_action,
            self.paper_key_action,
            self.lock_action,
            self.settings_action,
        )
        self._refresh_actions()

    def _refresh_actions(self) -> None:
        working = self.workspace is not None and self.session.is_unlocked
        for action in self.vault_actions:
            action.setEnabled(working)
        volunteer = working and self.session.role == "volunteer"
        self.card_action.setEnabled(volunteer)
        self.outbox_action.setEnabled(working and bundles_available())
        self.export_action.setEnabled(working and bundles_available())
        self.export_action.setToolTip(
            ""
            if bundles_available()
            else tr("Export will be available in a later version of Amanat.")
        )
        if self.coordinator is not None and self.session.is_unlocked:
            self.lock_action.setEnabled(True)
            self.settings_action.setEnabled(True)
            self.backup_action.setEnabled(True)
            self.paper_key_action.setEnabled(True)
        self.wipe_action.setEnabled(self.session.vault_exists())
        open_vault = self.session.is_unlocked and (
            self.workspace is not None or self.coordinator is not None
        )
        self.my_card_action.setEnabled(open_vault)
        self.seal_action.setEnabled(volunteer)
        self.seal_action.setChecked(volunteer and self._seal_on())
        self.statusBar().showMessage(self.session.describe())
        self.own_fingerprint.setText(
            tr("Your fingerprint: {fingerprint}", fingerprint=ltr(self.session.fingerprint()))
            if open_vault
            else ""
        )

    # ---- pages ----------------------------------------------------------------------------

    def _show(
        self,
        widget: QWidget,
        workspace: Workspace | None = None,
        coordinator: CoordinatorWorkspace | None = None,
    ) -> None:
        self.pages.addWidget(widget)
        self.pages.setCurrentWidget(widget)
        for index in reversed(range(self.pages.count())):
            other = self.pages.widget(index)
            if other is not None and other is not widget:
                self.pages.removeWidget(other)
                other.deleteLater()
        self.first_run = widget if isinstance(widget, FirstRunFlow) else None
        self.unlock_page = widget if isinstance(widget, UnlockPage) else None
        self.workspace = workspace
        self.coordinator = coordinator
        self._refresh_actions()

    def show_first_run(self, step: str) -> None:
        flow = FirstRunFlow(self.session, step)
        flow.language_chosen.connect(self._language)
        flow.finished.connect(self.show_workspace)
        flow.demo_requested.connect(self.open_demo)
        self._show(flow)

    def show_unlock(self) -> None:
        page = UnlockPage(self.session)
        self._show(page)
        page.focus_passphrase()

    def show_workspace(self) -> None:
        if not self.session.is_unlocked:
            self.show_unlock()
            return
        self.idle.set_minutes(self.session.core.autolock_minutes())
        if self.session.role == "coordinator":
            from ui.coordinator.workspace import CoordinatorWorkspace

            coordinator = CoordinatorWorkspace(self.session)
            self._show(coordinator, coordinator=coordinator)
        else:
            from ui.workspace.workspace import Workspace

            workspace = Workspace(self.session)
            self._show(workspace, workspace=workspace)
        self.check_backup_reminder()
        self.reminder.start()

    def open_demo(self) -> None:
        """Build the demo vaults with progress, then open the role the person chose."""
        from ui.setup.demo_dialog import DemoDialog

        dialog = DemoDialog(self)
        dialog.opened.connect(self._demo_opened)
        dialogs.run_and_destroy(dialog)

    def _demo_opened(self, vault: Vault) -> None:
        if self.session.is_unlocked:  # cannot happen from the first screen; never mix vaults
            vault.close()
            return
        self.session.switch_to(vault.path)
        self.session.attach(vault)
        self.show_workspace()

    @property
    def first_run_step(self) -> str:
        return self.first_run.step if self.first_run is not None else "language"

    # ---- session signals ------------------------------------------------------------------

    def _unlocked(self) -> None:
        if self.first_run is None:
            self.show_workspace()
        else:
            self._refresh_actions()

    def _locking(self) -> None:
        if self.workspace is not None:
            self.workspace.save()
        for dialog in self.findChildren(QDialog):  # open dialogs would outlive the vault
            if dialog.isVisible():
                dialog.reject()
        if self.workspace is not None:
            self.workspace.clear()
        if self.coordinator is not None:
            self.coordinator.clear()

    def _locked(self) -> None:
        self.reminder.stop()
        self.backup_hint.setVisible(False)
        if self.quit_after_lock:
            self.close()
            return
        if not self.replacing:
            if self.session.vault_exists():
                self.show_unlock()
            else:  # wiped
                self.show_first_run("language")

    def detach(self) -> None:
        """Stop following the session (this window is being replaced)."""
        self.replacing = True
        if self.coordinator is not None:
            self.coordinator.clear()
        self.session.unlocked.disconnect(self._unlocked)
        self.session.locking.disconnect(self._locking)
        self.session.locked.disconnect(self._locked)

    # ---- actions --------------------------------------------------------------------------

    def new_testimony(self) -> None:
        if self.workspace is not None:
            self.workspace.new_testimony()

    def open_testimony(self) -> None:
        if self.workspace is not None:
            self.workspace.open_selected()

    def delete_draft(self) -> None:
        if self.workspace is not None:
            self.workspace.delete_selected()

    def export(self) -> None:
        """The export dialog (imported here: intake.bundles may be missing in a build)."""
        if not self.session.is_unlocked or not bundles_available():
            return
        from ui.export_dialog import ExportDialog

        if self.workspace is not None:
            self.workspace.save()
        selected = self.workspace.list_page.selected_id() if self.workspace else None
        dialogs.run_and_destroy(ExportDialog(self.session, selected, self))
        if self.workspace is not None and self.session.is_unlocked:
            self.workspace.list_page.reload()

    def outbox(self) -> None:
        """Exported bundles and whether they reached the drop; "Send now" (ui/outbox_dialog.py)."""
        if not self.session.is_unlocked or not bundles_available():
            return
        from ui.outbox_dialog import OutboxDialog

        dialogs.run_and_destroy(OutboxDialog(self.session, self))

    def add_card(self) -> None:
        if not self.session.is_unlocked:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle(tr("Add coordinator card"))
        dialog.resize(640, 480)
        page = CardPage(self.session, first_run=False)
        page.added.connect(dialog.accept)
        page.skipped.connect(dialog.reject)
        QVBoxLayout(dialog).addWidget(page)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            dialogs.show_info(
                self, tr("Coordinator added"), tr("The coordinator's card was added.")
            )

    def show_my_card(self) -> None:
        if not self.session.is_unlocked:
            return
        from ui.my_card_dialog import MyCardDialog

        dialogs.run_and_destroy(MyCardDialog(self.session, self))

    def _seal_on(self) -> bool:
        return self.session.core.seal_is_on()

    def toggle_seal(self) -> None:
        """Settings › Seal what I export: the same vault setting as the export dialog's box."""
        if not self.session.is_unlocked or self.session.role != "volunteer":
            return
        wanted = self.seal_action.isChecked()
        if wanted and not dialogs.confirm(
            self,
            tr("Seal what I export"),
            tr(
                "From now on, the testimonies you export are removed from this computer right "
                "after the export; only the coordinators can open the bundle. Keep it off if "
                "you still need to read or print what you exported."
            ),
            tr("Turn sealing on"),
        ):
            wanted = False
        self.session.core.set_seal(wanted)
        self.seal_action.setChecked(self.session.core.seal_is_on())

    def lock(self) -> None:
        self.session.lock()

    def backup(self) -> None:
        if not self.session.is_unlocked:
            return
        from ui.backup_dialog import BackupDialog

        if self.workspace is not None:
            self.workspace.save()
        dialogs.run_and_destroy(BackupDialog(self.session, self))
        self.check_backup_reminder()

    def print_paper_key(self) -> None:
        if not self.session.is_unlocked:
            return
        from ui.key_shares_dialogs import PrintSharesDialog

        dialogs.run_and_destroy(PrintSharesDialog(self.session.path, self))

    def check_backup_reminder(self) -> None:
        """Show the status-bar reminder when enough testimonies changed since the last backup."""
        due = self.session.is_unlocked and backup_due(self.session.vault)
        if due:
            count = not_backed_up(self.session.vault)
            self.backup_hint.setText(
                ntr(
                    "{n} testimony is not in any backup. Back up now…",
                    "{n} testimonies are not in any backup. Back up now…",
                    count,
                )
            )
        self.backup_hint.setVisible(due)

    def wipe(self) -> None:
        """The panic wipe (confirm once); the first-run screen follows."""
        if confirm_and_wipe(self, self.session) and not self.session.is_unlocked:
            self.show_first_run("language")

    def open_settings(self) -> None:
        if not self.session.is_unlocked:
            return
        dialog = SettingsDialog(self.session, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.idle.set_minutes(dialog.minutes)

    def about(self) -> None:
        AboutDialog(self).exec()

    def _language(self, code: str) -> None:
        if code != current_language():
            self.on_language(code)

    # ---- closing --------------------------------------------------------------------------

    def save_window_state(self) -> None:
        self.prefs.set_window(self.saveGeometry(), QByteArray(self.saveState()))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.replacing:
            event.accept()
            return
        self.save_window_state()
        if self.session.is_unlocked:
            self.session.lock()
            if self.session.is_unlocked:  # a background job must stop first
                self.quit_after_lock = True
                event.ignore()
                return
        event.accept()
