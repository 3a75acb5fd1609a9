"""The desktop application's start-up: QApplication, fonts, language, first window.

``run`` is what ``amanat gui`` and ``amanat-gui`` call. It creates the QApplication with
high-DPI scaling that follows the screen exactly, registers the bundled fonts (so Uyghur and
Chinese render on a machine without them), applies the language (``--lang``, else the saved
preference, else the system language) and shows the main window for the vault folder
(``--vault``, else the per-user default). ``build_shell`` does everything but the event loop,
so tests drive the same code.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from intake.core.vaults import default_vault_dir
from intake.errors import AmanatError
from intake.process_safety import harden_process
from ui import dialogs
from ui.fonts import interface_font, register_bundled_fonts
from ui.preferences import Preferences
from ui.session import forget_file_dialog_history
from ui.shell import AppShell, apply_language, choose_language
from ui.style import STYLE_SHEET
from ui.workers import wait_for_all


def create_application() -> QApplication:
    """The QApplication (or the existing one, under tests), configured once."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Amanat")
    app.setOrganizationName("Amanat")
    app.setApplicationDisplayName("Amanat")
    app.setDesktopFileName("amanat")
    register_bundled_fonts()
    app.setFont(interface_font())
    app.setStyleSheet(STYLE_SHEET)
    return app


def build_shell(vault: Path | None, lang: str | None, prefs: Preferences) -> AppShell:
    """Everything ``run`` does except showing the window and entering the event loop."""
    create_application()
    code = choose_language(lang, prefs)
    apply_language(code)
    if lang == code:
        prefs.set_language(code)
    return AppShell(vault or default_vault_dir(), prefs)


def _quiet_excepthook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
    """Errors no screen caught: print only the exception's type, never its message or locals.

    A desktop session may send stderr to a log file on disk; a message or traceback could
    carry testimony content there. An expected failure (``AmanatError``, e.g. the vault is
    busy with an import) raised in the window's thread is also shown in a message box, so
    the person knows what happened instead of seeing nothing.
    """
    print(f"amanat: unexpected error ({kind.__name__})", file=sys.stderr)
    shown = isinstance(exc, AmanatError) and threading.current_thread() is threading.main_thread()
    if shown and QApplication.instance() is not None:
        dialogs.show_error(QApplication.activeWindow(), exc)


def _quiet_thread_excepthook(args: threading.ExceptHookArgs) -> None:
    _quiet_excepthook(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)


def run(vault: Path | None, lang: str | None) -> int:
    """Start the desktop app on ``vault`` in ``lang``; returns the exit status."""
    harden_process()  # no core file with testimonies in it (intake/process_safety.py)
    sys.excepthook = _quiet_excepthook
    threading.excepthook = _quiet_thread_excepthook
    app = create_application()
    shell = build_shell(vault, lang, Preferences())
    shell.window.show()
    status = int(app.exec())
    shell.shutdown()
    wait_for_all()
    forget_file_dialog_history()
    return status


def main() -> None:
    sys.exit(run(None, None))
