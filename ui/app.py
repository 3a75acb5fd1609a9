"""The desktop application's start-up: QApplication, fonts, language, first window."""

from __future__ import annotations

import sys
from pathlib import Path


def run(vault: Path | None, lang: str | None) -> int:
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(sys.argv)
    label = QLabel("Amanat")
    label.show()
    return int(app.exec())


def main() -> None:
    sys.exit(run(None, None))
