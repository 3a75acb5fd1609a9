"""Message boxes whose every word goes through ``tr``.

QMessageBox's standard buttons ("OK", "Cancel", "Yes") are translated only by Qt's own
catalogs, which have no Uyghur; these helpers add buttons with our own translated texts
instead. Expected failures (``AmanatError``) are shown with their translated message, never a
traceback; anything else gets a plain sentence, because an exception text may hold content.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from shiboken6 import Shiboken

from intake.errors import AmanatError
from intake.i18n import tr


def run_and_destroy(dialog: QDialog) -> int:
    """Show ``dialog`` until it closes, then destroy it at once, with all the text it showed.
    A closed dialog is otherwise kept as a hidden child of its parent: testimony text would
    stay in memory (and in widgets) until the parent goes, through a lock too."""
    try:
        return dialog.exec()
    finally:
        Shiboken.delete(dialog)


def error_text(exc: BaseException) -> str:
    """The user-facing text of ``exc`` (never the repr of an unexpected exception)."""
    if isinstance(exc, AmanatError):
        return exc.message()
    if isinstance(exc, MemoryError):
        return tr("There is not enough memory for this operation.")
    if isinstance(exc, OSError):
        return tr("The file could not be read or written.")
    return tr("Something went wrong. Nothing was lost; please try again.")


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    return box


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    box = _box(parent, QMessageBox.Icon.Warning, title or tr("Amanat"), error_text(exc))
    box.addButton(tr("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    box = _box(parent, QMessageBox.Icon.Information, title, text)
    box.addButton(tr("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    yes: str,
    no: str | None = None,
    *,
    dangerous: bool = False,
) -> bool:
    """Ask a yes/no question; the safe answer (``no``) is the default button."""
    box = _box(
        parent,
        QMessageBox.Icon.Warning if dangerous else QMessageBox.Icon.Question,
        title,
        text,
    )
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no or tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button
