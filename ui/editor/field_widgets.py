"""One editor widget per simple field type of the form definition.

Every widget derives from ``FieldEditor``: it edits one value in the JSON shape the form
definition prescribes (docs/testimony-format.md), reports ``changed`` on every edit and ``left``
when focus leaves it (the editor autosaves then), shows the field's help text, and shows the
problems intake.forms.validation found for it in a line underneath. Values are returned as typed,
empty values as None; normalization and validation stay in intake/.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from intake.forms.definitions import FieldDef, FormDefinition
from intake.i18n import tr
from ui.editor.text_direction import fix_direction, follow_text, isolate_numbers
from ui.fonts import monospace_font

RESERVED_LINES = {"prc_id": 2, "date": 1}  # room kept under fields checked when left
WARNING_COLOUR = "#8a5a00"
ERROR_COLOUR = "#b3261e"


class FieldEditor(QWidget):
    """Base of all field widgets: value access, change/leave signals, help and problems."""

    changed = Signal()
    left = Signal()

    def __init__(
        self, fdef: FieldDef, parent: QWidget | None = None, *, reserve_problem_lines: int = 0
    ) -> None:
        super().__init__(parent)
        self.fdef = fdef
        self.reserve_problem_lines = reserve_problem_lines
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop)
        if reserve_problem_lines:  # always there: a problem appearing moves nothing below
            line = self.problem_label.fontMetrics().lineSpacing()
            self.problem_label.setMinimumHeight(reserve_problem_lines * line)
        self.problem_label.setVisible(bool(reserve_problem_lines))
        self.help_label = QLabel(isolate_numbers(fdef.help_in()))
        self.help_label.setWordWrap(True)
        self.help_label.setObjectName("helpText")
        self.help_label.setVisible(bool(fdef.help_in()))
        self._inputs: list[QWidget] = []

    def _finish(self, body: QWidget | None = None) -> None:
        """Subclasses call this after creating their inputs."""
        if body is not None:
            self._layout.addWidget(body)
        self._layout.addWidget(self.problem_label)
        self._layout.addWidget(self.help_label)

    def watch(self, widget: QWidget) -> None:
        """Count focus leaving ``widget`` as leaving the field."""
        widget.installEventFilter(self)
        self._inputs.append(widget)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.left.emit()
        return False

    # ---- to override ---------------------------------------------------------------------

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        for widget in self._inputs:
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(read_only)
            else:
                widget.setEnabled(not read_only)

    def clear(self) -> None:
        self.set_value(None)
        self.set_problems([])

    def focus_input(self) -> None:
        if self._inputs:
            self._inputs[0].setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- problems ------------------------------------------------------------------------

    def set_problems(self, problems: list[tuple[str, str]]) -> None:
        """Show (severity, message) pairs under the input; an empty list hides the line."""
        if not problems:
            self.problem_label.clear()
            self.problem_label.setVisible(bool(self.reserve_problem_lines))
            return
        colour = ERROR_COLOUR if any(s == "error" for s, _ in problems) else WARNING_COLOUR
        self.problem_label.setStyleSheet(f"color: {colour};")
        self.problem_label.setText("\n".join(isolate_numbers(m) for _, m in problems))
        self.problem_label.setVisible(True)


def _text_or_none(text: str) -> str | None:
    return text if text.strip() else None


class LineField(FieldEditor):
    """text, date and prc_id: one line of text."""

    def __init__(self, fdef: FieldDef, parent: QWidget | None = None) -> None:
        # the format of these is checked as soon as the field is left: keep room for it
        super().__init__(fdef, parent, reserve_problem_lines=RESERVED_LINES.get(fdef.type, 0))
        self.edit = QLineEdit()
        if fdef.max_length:
            self.edit.setMaxLength(fdef.max_length)
        if fdef.type == "date":
            self.edit.setPlaceholderText(tr("e.g. 2018, 2018-03 or 2018-03-05"))
            self.edit.setMaxLength(40)
            fix_direction(self.edit, Qt.LayoutDirection.LeftToRight)
        elif fdef.type == "prc_id":
            self.edit.setPlaceholderText(tr("18 characters, e.g. 65312119620308153X"))
            self.edit.setMaxLength(25)
            self.edit.setFont(monospace_font(11))
            fix_direction(self.edit, Qt.LayoutDirection.LeftToRight)
        else:
            follow_text(self.edit)
        self.edit.textEdited.connect(lambda _text: self.changed.emit())
        self.watch(self.edit)
        self._finish(self.edit)

    def value(self) -> Any:
        return _text_or_none(self.edit.text())

    def set_value(self, value: Any) -> None:
        self.edit.setText(value if isinstance(value, str) else "")


class MultilineField(FieldEditor):
    """multiline: a paragraph editor; each paragraph takes the direction of its script."""

    def __init__(self, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(fdef, parent)
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(90 if fdef.id != "text" else 220)
        self.edit.textChanged.connect(self._edited)
        self._loading = False
        self.watch(self.edit)
        self._finish(self.edit)

    def _edited(self) -> None:
        if not self._loading:
            self.changed.emit()

    def value(self) -> Any:
        return _text_or_none(self.edit.toPlainText())

    def set_value(self, value: Any) -> None:
        self._loading = True
        self.edit.setPlainText(value if isinstance(value, str) else "")
        self._loading = False


class DateRangeField(FieldEditor):
    """date_range: two fuzzy dates, either may be empty ("2017-11 .." = since Nov 2017)."""

    def __init__(self, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(fdef, parent)
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.start = QLineEdit()
        self.end = QLineEdit()
        for edit, hint in ((self.start, tr("from")), (self.end, tr("until (empty: still)"))):
            edit.setPlaceholderText(hint)
            edit.setMaxLength(19)
            fix_direction(edit, Qt.LayoutDirection.LeftToRight)
            edit.textEdited.connect(lambda _text: self.changed.emit())
            self.watch(edit)
        layout.addWidget(self.start)
        layout.addWidget(QLabel("–"))
        layout.addWidget(self.end)
        self._finish(row)

    def value(self) -> Any:
        start, end = self.start.text().strip(), self.end.text().strip()
        if not start and not end:
            return None
        return f"{start} .. {end}".strip()

    def set_value(self, value: Any) -> None:
        text = value if isinstance(value, str) else ""
        start, _, end = text.partition("..")
        self.start.setText(start.strip())
        self.end.setText(end.strip())


class ChoiceField(FieldEditor):
    """choice: a drop-down list of the vocabulary's labels (empty = not answered)."""

    def __init__(self, fdef: FieldDef, form: FormDefinition, parent: QWidget | None = None):
        super().__init__(fdef, parent)
        self.combo = QComboBox()
        self.combo.addItem("—", None)
        vocabulary = fdef.vocabulary or ""
        for code in form.codes(vocabulary):
            self.combo.addItem(form.choice_label(vocabulary, code), code)
        self.combo.activated.connect(lambda _i: self.changed.emit())
        self.watch(self.combo)
        self._finish(self.combo)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value) if isinstance(value, str) else 0
        self.combo.setCurrentIndex(max(0, index))


class MultiChoiceField(FieldEditor):
    """multichoice: one check box per vocabulary entry."""

    COLUMNS = 3

    def __init__(self, fdef: FieldDef, form: FormDefinition, parent: QWidget | None = None):
        super().__init__(fdef, parent)
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        vocabulary = fdef.vocabulary or ""
        for index, code in enumerate(form.codes(vocabulary)):
            check = QCheckBox(form.choice_label(vocabulary, code))
            check.clicked.connect(lambda _c=False: self.changed.emit())
            self.watch(check)
            self.boxes[code] = check
            grid.addWidget(check, index // self.COLUMNS, index % self.COLUMNS)
        self._finish(box)

    def value(self) -> Any:
        chosen = [code for code, check in self.boxes.items() if check.isChecked()]
        return chosen or None

    def set_value(self, value: Any) -> None:
        chosen = set(value) if isinstance(value, list) else set()
        for code, check in self.boxes.items():
            check.setChecked(code in chosen)


class BooleanField(FieldEditor):
    """boolean: Yes / No, neither chosen at first (so "required" means a real answer)."""

    def __init__(self, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(fdef, parent)
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.yes = QRadioButton(tr("Yes"))
        self.no = QRadioButton(tr("No"))
        self.group = QButtonGroup(self)
        for button in (self.yes, self.no):
            self.group.addButton(button)
            button.clicked.connect(lambda _c=False: self.changed.emit())
            self.watch(button)
            layout.addWidget(button)
        layout.addStretch(1)
        self._finish(row)

    def value(self) -> Any:
        if self.yes.isChecked():
            return True
        if self.no.isChecked():
            return False
        return None

    def set_value(self, value: Any) -> None:
        self.group.setExclusive(False)
        self.yes.setChecked(value is True)
        self.no.setChecked(value is False)
        self.group.setExclusive(True)


class ListField(FieldEditor):
    """list: several short entries, one per line."""

    def __init__(self, fdef: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(fdef, parent)
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText(tr("One per line"))
        self.edit.setFixedHeight(70)
        # fixed, not expanding: a tab with a list field keeps its rows together at the top
        # instead of spreading the spare height between the box and its help text
        self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._loading = False
        self.edit.textChanged.connect(self._edited)
        self.watch(self.edit)
        self._finish(self.edit)

    def _edited(self) -> None:
        if not self._loading:
            self.changed.emit()

    def value(self) -> Any:
        items = [line.strip() for line in self.edit.toPlainText().splitlines() if line.strip()]
        return items or None

    def set_value(self, value: Any) -> None:
        self._loading = True
        items = [str(v) for v in value] if isinstance(value, list) else []
        self.edit.setPlainText("\n".join(items))
        self._loading = False
