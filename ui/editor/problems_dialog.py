"""The list of validation problems shown when finalizing, each naming its field.

Messages come from intake.forms.validation, already in the volunteer's language and naming the field
by its label ("Victim 1 › Name: this field is required."). Double-clicking a problem (or
pressing "Go to field") closes the dialog and asks the editor to show that field. With only
warnings left, the dialog offers to finalize anyway.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from intake.forms.validation import Problem, has_errors
from intake.i18n import ntr, tr
from ui.editor.field_widgets import ERROR_COLOUR, WARNING_COLOUR
from ui.editor.text_direction import isolate_numbers

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class ProblemsDialog(QDialog):
    """Shows ``problems``; ``chosen_path`` is set when the user asks to go to a field."""

    def __init__(self, problems: list[Problem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Before finalizing"))
        self.setMinimumWidth(560)
        self.chosen_path: str | None = None
        self.proceed = False
        blocking = has_errors(problems)
        layout = QVBoxLayout(self)
        errors = sum(1 for p in problems if p.severity == "error")
        warnings = len(problems) - errors
        intro = QLabel(
            ntr("Fix {n} problem first.", "Fix these {n} problems first.", errors)
            if blocking
            else ntr("Please check {n} warning.", "Please check these {n} warnings.", warnings)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        for problem in problems:
            prefix = tr("Error") if problem.severity == "error" else tr("Warning")
            item = QListWidgetItem(f"{prefix}: {isolate_numbers(problem.message)}")
            item.setData(PATH_ROLE, problem.path)
            colour = ERROR_COLOUR if problem.severity == "error" else WARNING_COLOUR
            item.setForeground(QColor(colour))
            self.list.addItem(item)
        self.list.setWordWrap(True)
        self.list.itemDoubleClicked.connect(self._go)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox()
        go = QPushButton(tr("Go to field"))
        go.clicked.connect(lambda: self._go(self.list.currentItem()))
        buttons.addButton(go, QDialogButtonBox.ButtonRole.ActionRole)
        if not blocking:
            anyway = QPushButton(tr("Finalize anyway"))
            anyway.clicked.connect(self._anyway)
            buttons.addButton(anyway, QDialogButtonBox.ButtonRole.AcceptRole)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.reject)
        buttons.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _go(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.chosen_path = str(item.data(PATH_ROLE))
            self.reject()

    def _anyway(self) -> None:
        self.proceed = True
        self.accept()


def review_problems(parent: QWidget | None, problems: list[Problem]) -> tuple[bool, str | None]:
    """Show the dialog; returns (finalize anyway?, path of the field to show or None)."""
    dialog = ProblemsDialog(problems, parent)
    dialog.exec()
    answer = dialog.proceed, dialog.chosen_path
    Shiboken.delete(dialog)  # with the problems it listed (they quote fields)
    return answer
