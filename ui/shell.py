"""The application shell: language, layout direction, and the one main window.

Changing the interface language rebuilds the main window (every label is created through
``tr`` at construction) while the vault session stays open; the first-run flow resumes at the
step it was on. Uyghur sets ``Qt.RightToLeft`` for the whole application. Qt's own catalogs
(``qtbase_*.qm``, for standard context menus and dialogs) are loaded where Qt has them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from intake.i18n import DEFAULT_LANGUAGE, LANGUAGES, is_rtl, set_language
from ui.fonts import arabic_script_font, interface_font
from ui.idle_lock import IdleLock
from ui.main_window import MainWindow
from ui.preferences import Preferences
from ui.session import VaultSession
from ui.session_watch import SessionWatch

QT_CATALOGS = {"kk": "qtbase_kk", "ru": "qtbase_ru", "zh": "qtbase_zh_CN", "tr": "qtbase_tr"}

_qt_translator: QTranslator | None = None


def choose_language(requested: str | None, prefs: Preferences) -> str:
    """--lang if valid, else the saved choice, else the system language, else English."""
    if requested in LANGUAGES:
        return str(requested)
    saved = prefs.language()
    if saved:
        return saved
    system = QLocale.system().name().split("_")[0]
    return system if system in LANGUAGES else DEFAULT_LANGUAGE


def apply_language(code: str) -> None:
    """Switch ``tr``, the layout direction and Qt's own catalog to ``code``."""
    global _qt_translator
    set_language(code)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    app.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if is_rtl(code) else Qt.LayoutDirection.LeftToRight
    )
    base = interface_font()
    app.setFont(arabic_script_font(base) if is_rtl(code) else base)
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    catalog = QT_CATALOGS.get(code)
    if catalog:
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(catalog, folder):
            app.installTranslator(translator)
            _qt_translator = translator


class AppShell(QObject):
    """Owns the session, the idle lock, the sleep/screen-lock watch and the main window."""

    def __init__(self, vault_path: Path, prefs: Preferences) -> None:
        super().__init__()
        self.prefs = prefs
        self.session = VaultSession(vault_path, self)
        self.idle = IdleLock(self.session)
        self.watch = SessionWatch(self.session)  # lock on sleep and screen lock
        self.window = self._new_window("language")

    def _new_window(self, step: str) -> MainWindow:
        return MainWindow(self.session, self.prefs, self.idle, self.change_language, step)

    def change_language(self, code: str) -> None:
        """Switch language and rebuild the window in place (the vault stays unlocked)."""
        old = self.window
        step = old.first_run_step if old.first_run is not None else "language"
        old.save_window_state()
        if old.workspace is not None:
            old.workspace.save()
            old.workspace.clear()
        apply_language(code)
        self.prefs.set_language(code)
        old.detach()  # the old window must not react to the session any more
        self.window = self._new_window(step)
        if old.isVisible():
            self.window.show()
        old.close()
        old.deleteLater()

    def shutdown(self) -> None:
        """Lock if still unlocked (e.g. the event loop ended another way); stop watching input."""
        if self.session.is_unlocked:
            self.session.lock()
        self.idle.stop()
