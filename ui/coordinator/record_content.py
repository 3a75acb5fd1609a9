"""Rendered testimony sections as widgets: headings, then label · part · value rows.

``sections_widget`` lays out ``RenderedSection``s (intake/testimonies/render.py) the way the
editor names things: section headings, "Victim 1 of 2" headings, the field's label, the part
label of a compound value ("Cyrillic script", "County") in grey, then the value. Values are
selectable plain text (never rich text: a name is never interpreted as markup); each label
takes its direction from its own text, so a Uyghur name reads right to left in any UI.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from intake.i18n import isolate_numbers
from intake.testimonies.render import RenderedSection

LABEL_WIDTH = 170
PART_WIDTH = 150


def _label(text: str, name: str, *, wrap: bool = True) -> QLabel:
    label = QLabel(isolate_numbers(text))
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    # Every value starts at the page's own start edge (a table reads down one edge), whatever
    # its own direction: a Uyghur name in an English view, a Latin one in a Uyghur view.
    rtl = QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    edge = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignAbsolute | edge)
    return label


def _heading(text: str, size: int, name: str) -> QLabel:
    label = _label(text, name)
    font = label.font()
    font.setBold(True)
    font.setPointSize(font.pointSize() + size)
    label.setFont(font)
    return label


def sections_widget(sections: list[RenderedSection], *, scroll: bool = True) -> QWidget:
    """Every section with its entries; fields without a value are left out by the caller."""
    body = QWidget()
    layout = QVBoxLayout(body)
    for section in sections:
        if not any(group.fields for group in section.groups):
            continue
        layout.addWidget(_heading(section.label, 3, "sectionHeading"))
        for group in section.groups:
            if group.heading:
                layout.addWidget(_heading(group.heading, 1, "entryHeading"))
            grid = QGridLayout()
            grid.setColumnStretch(2, 1)
            grid.setColumnMinimumWidth(0, LABEL_WIDTH)  # the same columns in every group
            grid.setColumnMinimumWidth(1, PART_WIDTH)
            grid.setHorizontalSpacing(12)
            row = 0
            for shown in group.fields:
                field_label = _heading(shown.label, 0, "fieldLabel")
                grid.addWidget(field_label, row, 0, len(shown.parts), 1)
                for part in shown.parts:
                    if part.label:
                        grid.addWidget(_label(part.label, "partLabel"), row, 1)
                    value = _label(part.text, "fieldValue")
                    if part.muted:
                        value.setEnabled(False)
                    grid.addWidget(value, row, 2)
                    row += 1
            layout.addLayout(grid)
            rule = QFrame()
            rule.setFrameShape(QFrame.Shape.HLine)
            layout.addWidget(rule)
    layout.addStretch(1)
    if not scroll:
        return body
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(body)
    return area
