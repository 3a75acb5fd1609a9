"""Selecting a whole table row in a way that also works right to left.

``QTableView.selectRow`` finds the row's first column from the viewport's edge, which fails
before the view is laid out when the layout is right to left (Uyghur): nothing is selected.
``select_row`` selects through the selection model instead.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QTableView


def select_row(view: QTableView, row: int) -> None:
    """Make ``row`` the current, only selected row of ``view``."""
    model = view.model()
    if model is None or not 0 <= row < model.rowCount():
        return
    index = model.index(row, 0)
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows
        | QItemSelectionModel.SelectionFlag.Current
    )
    view.selectionModel().setCurrentIndex(index, flags)
