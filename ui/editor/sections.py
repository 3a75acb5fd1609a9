"""Section widgets of the editor: a plain section, and a repeatable one (victims).

``SectionForm`` lays out one entry's fields with their labels (required fields marked with a
red asterisk, the help text as tooltip and underneath). ``RepeatableSection`` holds one
``SectionForm`` per entry in a numbered box with a Remove button, and an Add button; it keeps
at least the section's minimum number of entries. Both expose their field widgets with JSON
Pointer paths (``/victims/0/prc_id``) so validation problems find their field.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake.forms.definitions import FormDefinition, SectionDef
from intake.i18n import tr
from ui import dialogs
from ui.editor.compound_fields import make_field
from ui.editor.field_widgets import ERROR_COLOUR, FieldEditor


def field_label(text: str, required: bool) -> str:
    """Rich text of a field label; required fields get a red asterisk."""
    mark = f' <span style="color:{ERROR_COLOUR}">*</span>' if required else ""
    return html.escape(text) + mark


class SectionForm(QWidget):
    """The fields of one entry (a plain section, or one victim)."""

    changed = Signal()
    left = Signal()

    def __init__(
        self, section: SectionDef, form: FormDefinition, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.section = section
        layout = QFormLayout(self)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, FieldEditor] = {}
        for fdef in section.fields:
            editor = make_field(fdef, form)
            editor.setObjectName(f"field_{section.id}_{fdef.id}")
            label = QLabel(field_label(fdef.label_in(), fdef.required))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setToolTip(fdef.help_in())
            if fdef.required:
                label.setAccessibleDescription(tr("Required"))
            editor.changed.connect(self.changed.emit)
            editor.left.connect(self.left.emit)
            self.fields[fdef.id] = editor
            layout.addRow(label, editor)

    def value(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field_id, editor in self.fields.items():
            value = editor.value()
            if value is not None:
                values[field_id] = value
        return values

    def set_value(self, value: Any) -> None:
        data = value if isinstance(value, dict) else {}
        for field_id, editor in self.fields.items():
            editor.set_value(data.get(field_id))

    def set_read_only(self, read_only: bool) -> None:
        for editor in self.fields.values():
            editor.set_read_only(read_only)

    def clear(self) -> None:
        for editor in self.fields.values():
            editor.clear()

    def editors(self, prefix: str) -> Iterator[tuple[str, FieldEditor]]:
        for field_id, editor in self.fields.items():
            yield f"{prefix}/{field_id}", editor


class EntryBox(QGroupBox):
    """One numbered entry of a repeatable section, with a Remove button."""

    remove_requested = Signal(object)

    def __init__(self, section: SectionDef, form: FormDefinition) -> None:
        super().__init__()
        self.form_widget = SectionForm(section, form)
        layout = QVBoxLayout(self)
        self.remove_button = QPushButton(tr("Remove"))
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        layout.addWidget(self.form_widget)


class RepeatableSection(QWidget):
    """A list of entries (e.g. victims) with Add and Remove."""

    changed = Signal()
    left = Signal()

    def __init__(
        self, section: SectionDef, form: FormDefinition, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.section = section
        self.form = form
        self.entries: list[EntryBox] = []
        self.read_only = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.entry_layout = QVBoxLayout()
        layout.addLayout(self.entry_layout)
        self.add_button = QPushButton(tr("Add {item}", item=section.item_label_in()))
        self.add_button.setObjectName(f"add_{section.id}")
        self.add_button.clicked.connect(self._add_clicked)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeading)
        self._ensure_minimum()

    def _ensure_minimum(self) -> None:
        while len(self.entries) < max(self.section.min, 1):
            self.add_entry()

    def _add_clicked(self) -> None:
        self.add_entry()
        self.changed.emit()

    def add_entry(self) -> EntryBox:
        box = EntryBox(self.section, self.form)
        box.form_widget.changed.connect(self.changed.emit)
        box.form_widget.left.connect(self.left.emit)
        box.remove_requested.connect(self._remove_clicked)
        box.form_widget.set_read_only(self.read_only)
        self.entries.append(box)
        self.entry_layout.addWidget(box)
        self._renumber()
        return box

    def _remove_clicked(self, box: object) -> None:
        if not isinstance(box, EntryBox) or box not in self.entries:
            return
        if box.form_widget.value() and not dialogs.confirm(
            self,
            tr("Remove"),
            tr("Remove {entry} and everything written in it?", entry=box.title()),
            tr("Remove"),
            dangerous=True,
        ):
            return
        self.remove_entry(self.entries.index(box))
        self.changed.emit()

    def remove_entry(self, index: int) -> None:
        box = self.entries.pop(index)
        box.form_widget.clear()
        self.entry_layout.removeWidget(box)
        box.deleteLater()
        self._renumber()

    def _renumber(self) -> None:
        for number, box in enumerate(self.entries, start=1):
            box.setTitle(tr("{item} {number}", item=self.section.item_label_in(), number=number))
            box.remove_button.setEnabled(
                not self.read_only and len(self.entries) > max(self.section.min, 1)
            )
        self.add_button.setEnabled(not self.read_only and len(self.entries) < self.section.max)

    def value(self) -> list[dict[str, Any]]:
        return [box.form_widget.value() for box in self.entries]

    def set_value(self, value: Any) -> None:
        items = value if isinstance(value, list) else []
        while len(self.entries) > max(len(items), self.section.min, 1):
            self.remove_entry(len(self.entries) - 1)
        while len(self.entries) < len(items):
            self.add_entry()
        for box, item in zip(self.entries, items + [{}] * len(self.entries), strict=False):
            box.form_widget.set_value(item)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for box in self.entries:
            box.form_widget.set_read_only(read_only)
        self._renumber()

    def clear(self) -> None:
        self.set_value([])
        for box in self.entries:
            box.form_widget.clear()

    def editors(self, prefix: str) -> Iterator[tuple[str, FieldEditor]]:
        for index, box in enumerate(self.entries):
            yield from box.form_widget.editors(f"{prefix}/{index}")
