"""The Qt binding must not lose references to None (PySide6 6.12.0 on CPython 3.11 does).

With PySide6-Essentials 6.12.0 on Python 3.11, every call of a Qt method returning void
(``QLabel.setText``, ``QAbstractButton.click``…) drops one reference to ``None``; after a few
thousand calls the interpreter aborts with "Fatal Python error: none_dealloc". 6.11.3 is fine,
and from Python 3.12 on ``None`` is immortal. This test fails on an affected combination, so
the pin in pyproject.toml cannot silently regress.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel


def test_void_qt_calls_keep_none_alive(qapp: QApplication) -> None:
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setText("x")
    assert sys.getrefcount(None) > before - 100
