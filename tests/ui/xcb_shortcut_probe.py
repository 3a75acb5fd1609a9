"""Run by tests/ui/test_small_findings.py under Xvfb with the real xcb platform (not offscreen):
there, as on a Linux desktop, a line edit binds Ctrl+E to "end of line". Opens the vault in
argv[1] (passphrase on stdin), focuses the search box, presses Ctrl+E and prints which dialogs
the window opened (recorded, not shown)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog

from intake.vault import Vault
from ui import dialogs
from ui.app import build_shell, create_application
from ui.preferences import Preferences

opened: list[str] = []


def record(dialog: QDialog) -> int:
    opened.append(type(dialog).__name__)
    return 0


def main() -> None:
    dialogs.run_and_destroy = record
    app = create_application()
    folder = Path(sys.argv[1])
    shell = build_shell(folder, "en", Preferences(Path(sys.argv[2])))
    shell.session.attach(Vault.open(folder, sys.stdin.readline().rstrip("\n")))
    shell.window.show()
    workspace = shell.window.workspace
    assert workspace is not None
    search = workspace.list_page.search

    def press() -> None:
        search.setFocus()
        print("focus", QApplication.activeWindow() is not None and search.hasFocus())
        QTest.keyClick(search, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        print("opened", ",".join(opened))
        shell.session.lock()
        app.quit()

    QTimer.singleShot(300, shell.window.activateWindow)
    QTimer.singleShot(800, press)
    app.exec()


if __name__ == "__main__":
    main()
