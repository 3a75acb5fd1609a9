"""Text direction that follows the script being typed.

A Uyghur name in Arabic script is written right to left, a Latin or Cyrillic one left to
right, whatever the interface language. Fields meant for one script get a fixed direction
(``fix_direction``); free fields follow the first strong character of their text
(``follow_text``), like a word processor does per paragraph.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

# dates and IDs in right-to-left text: the same LRI…PDI isolates as on paper
from intake.i18n import isolate_numbers as isolate_numbers
from ui.fonts import arabic_script_font

RTL_PARTS = frozenset({"arabic"})  # name parts written right to left


def text_is_rtl(text: str) -> bool | None:
    """True/False from the first strong character; None when there is none."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return None


def direction_for_part(part: str) -> Qt.LayoutDirection:
    """The direction of a name or place part (``arabic`` → right to left)."""
    return Qt.LayoutDirection.RightToLeft if part in RTL_PARTS else Qt.LayoutDirection.LeftToRight


def fix_direction(edit: QLineEdit, direction: Qt.LayoutDirection) -> None:
    edit.setLayoutDirection(direction)
    edit.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
    if direction == Qt.LayoutDirection.RightToLeft and QApplication.layoutDirection() != direction:
        edit.setFont(arabic_script_font(QApplication.font()))  # already large in a Uyghur UI


def follow_text(edit: QLineEdit) -> None:
    """Make ``edit`` switch direction with the script of what is typed into it."""

    def update(text: str) -> None:
        rtl = text_is_rtl(text)
        if rtl is None:
            edit.unsetLayoutDirection()
        else:
            edit.setLayoutDirection(
                Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
            )

    edit.textChanged.connect(update)
