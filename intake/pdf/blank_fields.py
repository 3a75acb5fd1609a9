"""The printed shape of each field type on a blank form: room to write, boxes to tick.

``field_blocks`` turns one field of the form definition into page blocks: its label (with * when
required and a note when sensitive) and help text, then the writing room its type needs: ruled
lines for text, digit boxes for dates and PRC ID numbers, one tick box per vocabulary entry for
choices, a line per script for names, local and Chinese names for each level of a hometown.
Every block is a fixed height, so long fields (the narrative) flow over pages line by line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from intake.forms.definitions import FieldDef, FormDefinition
from intake.i18n import N_, is_rtl, isolate_numbers
from intake.pdf.form_text import GREY, FormText, Stack
from intake.pdf.page_flow import Block, Frame

LABEL_SIZE = 9.0
SECOND_SIZE = 8.0
HELP_SIZE = 7.0
PART_SIZE = 7.5
LINE_PITCH = 22.0  # writing lines about 8 mm apart: room for handwriting in any script
BOX = 12.0  # tick box side
DIGIT_W, DIGIT_H = 12.0, 15.0  # one digit box of a date or an ID number
LINE_GREY = (0.55, 0.55, 0.55)

# How many writing lines a field gets, by type, with a few fields that need more room.
LINES_BY_TYPE = {"text": 1, "multiline": 3, "list": 3}
LINES_BY_FIELD = {("narrative", "text"): 22, ("interview", "interviewer_notes"): 4}
MAX_COLUMNS = 4

Paint = Callable[[Any, Frame, float], None]


def writing_line(canvas: Any, x: float, y: float, width: float) -> None:
    """A thin grey rule to write on."""
    canvas.setStrokeColorRGB(*LINE_GREY)
    canvas.setLineWidth(0.5)
    canvas.line(x, y, x + width, y)
    canvas.setStrokeColorRGB(0, 0, 0)


def tick_box(canvas: Any, x: float, y: float) -> None:
    """An empty square to tick, bottom left at (x, y)."""
    canvas.setLineWidth(0.8)
    canvas.rect(x, y, BOX, BOX, stroke=1, fill=0)


def label_block(text: FormText, fdef: FieldDef, width: float) -> Block:
    """The field's label and help text; stays on the page of the room that follows."""
    label = text.stack(
        text.pick(fdef.label),
        width,
        LABEL_SIZE,
        bold=True,
        second_size=SECOND_SIZE,
        suffix=" *" if fdef.required else "",
    )
    # "2019-03-05" in a Uyghur hint stays "2019-03-05", not "05-03-2019" (isolated LTR)
    notes = [(lang, isolate_numbers(t) if is_rtl(lang) else t) for lang, t in text.pick(fdef.help)]
    if fdef.sensitive:
        notes += text.ui(N_("Sensitive: never shared without the person's consent."))
    help_stack = text.stack(notes, width, HELP_SIZE, second_size=HELP_SIZE, color=GREY)
    pad = 6.0

    def paint(canvas: Any, frame: Frame, top: float) -> None:
        label.paint(canvas, frame.left, top - pad, frame.width)
        help_stack.paint(canvas, frame.left, top - pad - label.height, frame.width)

    return Block(pad + label.height + help_stack.height + 2, paint, keep_with_next=True)


def line_blocks(count: int) -> list[Block]:
    """``count`` full-width writing lines, one block each."""

    def paint(canvas: Any, frame: Frame, top: float) -> None:
        writing_line(canvas, frame.left, top - LINE_PITCH + 4, frame.width)

    return [Block(LINE_PITCH, paint) for _ in range(count)]


def parted_rows(text: FormText, parts: list[Stack], columns: int, width: float) -> list[Block]:
    """Rows of (part label, ``columns`` writing lines): names by script, hometown levels."""
    label_w = width * 0.28

    def row(stack: Stack) -> Block:
        height = max(LINE_PITCH, stack.height + 6)

        def paint(canvas: Any, frame: Frame, top: float) -> None:
            stack.paint(canvas, frame.x(0, label_w), top - 4, label_w)
            col_w = (frame.width - label_w) / columns
            for c in range(columns):
                x = frame.x(label_w + c * col_w + 6, col_w - 10)
                writing_line(canvas, x, top - height + 4, col_w - 10)

        return Block(height, paint)

    return [row(stack) for stack in parts]


def digit_groups(
    canvas: Any, x: float, y: float, groups: tuple[int, ...], captions: list[Stack]
) -> float:
    """Digit boxes in groups separated by dashes, left to right from x; returns the width."""
    start = x
    for g, count in enumerate(groups):
        if g:
            canvas.line(x + 2, y + DIGIT_H / 2, x + 6, y + DIGIT_H / 2)
            x += 8
        canvas.setLineWidth(0.6)
        for _ in range(count):
            canvas.rect(x, y, DIGIT_W, DIGIT_H, stroke=1, fill=0)
            x += DIGIT_W
        if g < len(captions):
            captions[g].paint(canvas, x - count * DIGIT_W, y - 1, count * DIGIT_W)
    return x - start


def date_width() -> float:
    return 8 * DIGIT_W + 16


def date_captions(text: FormText) -> list[Stack]:
    return [
        text.stack(text.ui(word)[:1], 80, 6.0, color=GREY)
        for word in (N_("Year"), N_("Month"), N_("Day"))
    ]


def date_block(text: FormText) -> Block:
    captions = date_captions(text)

    def paint(canvas: Any, frame: Frame, top: float) -> None:
        digit_groups(canvas, frame.x(0, date_width()), top - 4 - DIGIT_H, (4, 2, 2), captions)

    return Block(DIGIT_H + 16, paint)


def date_range_block(text: FormText) -> Block:
    captions = date_captions(text)
    labels = [text.stack(text.ui(word), 110, SECOND_SIZE) for word in (N_("From"), N_("To"))]
    label_h = max(s.height for s in labels)

    def paint(canvas: Any, frame: Frame, top: float) -> None:
        half = frame.width / 2
        for i, label in enumerate(labels):
            label.paint(canvas, frame.x(i * half, 110), top - 2, 110)
            x = frame.x(i * half, date_width())
            digit_groups(canvas, x, top - label_h - 6 - DIGIT_H, (4, 2, 2), captions)

    return Block(label_h + DIGIT_H + 22, paint)


def prc_id_block() -> Block:
    def paint(canvas: Any, frame: Frame, top: float) -> None:
        digit_groups(canvas, frame.x(0, 18 * DIGIT_W), top - 4 - DIGIT_H, (18,), [])

    return Block(DIGIT_H + 10, paint)


def option_blocks(text: FormText, labels: list[list[tuple[str, str]]], width: float) -> list[Block]:
    """Tick boxes with their labels, in as many columns as the longest label allows."""
    natural = [text.stack(lab, width, SECOND_SIZE, second_size=7.0).natural_width for lab in labels]
    widest = max(natural, default=0.0) + BOX + 12
    columns = max(1, min(MAX_COLUMNS, int(width // widest)))
    if columns == 1 and len(labels) > 3:
        columns = 2  # long labels wrap (or stack their languages) rather than waste a page
    col_w = width / columns
    label_w = col_w - BOX - 10
    options = [text.stack(lab, label_w, SECOND_SIZE, second_size=7.0) for lab in labels]
    blocks: list[Block] = []
    for start in range(0, len(options), columns):
        row = options[start : start + columns]
        height = max(max(o.height for o in row), BOX) + 6

        def paint(canvas: Any, frame: Frame, top: float, row: list[Stack] = row) -> None:
            for c, option in enumerate(row):
                tick_box(canvas, frame.x(c * col_w, BOX), top - 3 - BOX)
                option.paint(canvas, frame.x(c * col_w + BOX + 5, label_w), top - 2, label_w)

        blocks.append(Block(height, paint))
    return blocks


def choice_blocks(
    text: FormText, form: FormDefinition, fdef: FieldDef, width: float
) -> list[Block]:
    """Tick boxes for a choice, multichoice or yes/no field, with the instruction."""
    if fdef.type == "boolean":
        labels = [text.ui(N_("Yes")), text.ui(N_("No"))]
    else:
        labels = [
            text.pick(entry.label) for entry in form.vocabularies.get(fdef.vocabulary or "", ())
        ]
    hint = N_("Tick all boxes that apply.") if fdef.type == "multichoice" else N_("Tick one box.")
    hint_stack = text.stack(text.ui(hint), width, HELP_SIZE, second_size=HELP_SIZE, color=GREY)

    def paint_hint(canvas: Any, frame: Frame, top: float) -> None:
        hint_stack.paint(canvas, frame.left, top, frame.width)

    hint_block = Block(hint_stack.height + 3, paint_hint, keep_with_next=True)
    return [hint_block, *option_blocks(text, labels, width)]


def field_blocks(
    text: FormText, form: FormDefinition, section_id: str, fdef: FieldDef, width: float
) -> list[Block]:
    """Label, help and writing room of one field."""
    blocks = [label_block(text, fdef, width)]
    kind = fdef.type
    if kind in ("choice", "multichoice", "boolean"):
        blocks += choice_blocks(text, form, fdef, width)
    elif kind == "date":
        blocks.append(date_block(text))
    elif kind == "date_range":
        blocks.append(date_range_block(text))
    elif kind == "prc_id":
        blocks.append(prc_id_block())
    elif kind == "names":
        parts = ("latin", "cyrillic", "arabic", "chinese", "aliases")
        stacks = [_part(text, form, p, width) for p in parts]
        blocks += parted_rows(text, stacks, 1, width)
    elif kind == "hometown":
        header = [
            text.stack(text.pick(form.parts.get(p)), width / 3, PART_SIZE) for p in ("local", "zh")
        ]
        blocks.append(_column_heads(header, width))
        levels = ("region", "prefecture", "county", "township", "village")
        blocks += parted_rows(text, [_part(text, form, p, width) for p in levels], 2, width)
    else:
        count = LINES_BY_FIELD.get((section_id, fdef.id), LINES_BY_TYPE.get(kind, 1))
        blocks += line_blocks(count)
    return blocks


def _part(text: FormText, form: FormDefinition, part: str, width: float) -> Stack:
    return text.stack(
        text.pick(form.parts.get(part) or {"en": part}), width * 0.28 - 6, PART_SIZE, second_size=7
    )


def _column_heads(heads: list[Stack], width: float) -> Block:
    label_w = width * 0.28

    def paint(canvas: Any, frame: Frame, top: float) -> None:
        col_w = (frame.width - label_w) / 2
        for c, head in enumerate(heads):
            head.paint(canvas, frame.x(label_w + c * col_w + 6, col_w - 10), top - 2, col_w - 10)

    return Block(max(h.height for h in heads) + 4, paint, keep_with_next=True)
