"""Editors for the compound field types: multi-script names and the hometown hierarchy.

A person's name is kept in up to four scripts plus aliases (``{"latin", "cyrillic", "arabic",
"chinese", "aliases"}``); each script has its own line whose direction follows that script
(Arabic script right to left, even in an English interface). A hometown is a hierarchy from
region to village, each level with a local name and a Chinese one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget

from intake.forms.definitions import (
    HOMETOWN_LEVELS,
    HOMETOWN_NAMES,
    NAME_SCRIPTS,
    FieldDef,
    FormDefinition,
)
from intake.i18n import tr
from ui.editor.field_widgets import FieldEditor
from ui.editor.text_direction import direction_for_part, fix_direction, follow_text

ALIAS_SEPARATOR = ";"


class NamesField(FieldEditor):
    """names: one line per script and a line of aliases separated by semicolons."""

    def __init__(self, fdef: FieldDef, form: FormDefinition, parent: QWidget | None = None):
        super().__init__(fdef, parent)
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.parts: dict[str, QLineEdit] = {}
        for row, part in enumerate((*NAME_SCRIPTS, "aliases")):
            label = QLabel(form.part_label(part))
            label.setObjectName("partLabel")
            edit = QLineEdit()
            edit.setObjectName(f"name_{part}")
            edit.setMaxLength(
                fdef.max_length * (fdef.max_items or 1) if part == "aliases" else fdef.max_length
            )
            if part == "aliases":
                edit.setPlaceholderText(tr("Other spellings, separated by ;"))
                follow_text(edit)
            else:
                fix_direction(edit, direction_for_part(part))
            label.setBuddy(edit)
            edit.textEdited.connect(lambda _text: self.changed.emit())
            self.watch(edit)
            self.parts[part] = edit
            grid.addWidget(label, row, 0)
            grid.addWidget(edit, row, 1)
        grid.setColumnStretch(1, 1)
        self._finish(box)

    def value(self) -> Any:
        result: dict[str, Any] = {}
        for part in NAME_SCRIPTS:
            text = self.parts[part].text().strip()
            if text:
                result[part] = text
        aliases = [a.strip() for a in self.parts["aliases"].text().split(ALIAS_SEPARATOR)]
        if any(aliases):
            result["aliases"] = [a for a in aliases if a]
        return result or None

    def set_value(self, value: Any) -> None:
        data = value if isinstance(value, dict) else {}
        for part in NAME_SCRIPTS:
            text = data.get(part)
            self.parts[part].setText(text if isinstance(text, str) else "")
        aliases = data.get("aliases")
        items = [str(a) for a in aliases] if isinstance(aliases, list) else []
        self.parts["aliases"].setText(f"{ALIAS_SEPARATOR} ".join(items))


class HometownField(FieldEditor):
    """hometown: region → prefecture → county → township → village, local and Chinese names."""

    def __init__(self, fdef: FieldDef, form: FormDefinition, parent: QWidget | None = None):
        super().__init__(fdef, parent)
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        for column, name in enumerate(HOMETOWN_NAMES, start=1):
            header = QLabel(form.part_label(name))
            header.setObjectName("partLabel")
            grid.addWidget(header, 0, column)
        self.edits: dict[tuple[str, str], QLineEdit] = {}
        for row, level in enumerate(HOMETOWN_LEVELS, start=1):
            grid.addWidget(QLabel(form.part_label(level)), row, 0)
            for column, name in enumerate(HOMETOWN_NAMES, start=1):
                edit = QLineEdit()
                edit.setMaxLength(fdef.max_length)
                if name == "zh":
                    fix_direction(edit, Qt.LayoutDirection.LeftToRight)
                else:
                    follow_text(edit)
                edit.textEdited.connect(lambda _text: self.changed.emit())
                self.watch(edit)
                self.edits[(level, name)] = edit
                grid.addWidget(edit, row, column)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        self._finish(box)

    def value(self) -> Any:
        result: dict[str, dict[str, str]] = {}
        for (level, name), edit in self.edits.items():
            text = edit.text().strip()
            if text:
                result.setdefault(level, {})[name] = text
        return result or None

    def set_value(self, value: Any) -> None:
        data = value if isinstance(value, dict) else {}
        for (level, name), edit in self.edits.items():
            entry = data.get(level)
            text = entry.get(name) if isinstance(entry, dict) else None
            edit.setText(text if isinstance(text, str) else "")


def make_field(fdef: FieldDef, form: FormDefinition) -> FieldEditor:
    """The editor widget for ``fdef``'s type."""
    from ui.editor import field_widgets as fw

    if fdef.type in ("text", "date", "prc_id"):
        return fw.LineField(fdef)
    if fdef.type == "multiline":
        return fw.MultilineField(fdef)
    if fdef.type == "date_range":
        return fw.DateRangeField(fdef)
    if fdef.type == "choice":
        return fw.ChoiceField(fdef, form)
    if fdef.type == "multichoice":
        return fw.MultiChoiceField(fdef, form)
    if fdef.type == "boolean":
        return fw.BooleanField(fdef)
    if fdef.type == "list":
        return fw.ListField(fdef)
    if fdef.type == "names":
        return NamesField(fdef, form)
    return HometownField(fdef, form)
