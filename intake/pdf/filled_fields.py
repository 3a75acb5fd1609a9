"""The printed shape of each filled-in field: label in one column, the value in the other.

``value_parts`` turns one stored value into what a reader sees, with the same value naming as
the record view and ``amanat testimony show`` (intake/testimonies/render.py), plus "withheld"
for what a redacted copy leaves out. Each value paragraph takes its direction
from its own text, so a Uyghur name is right to left on an English page. ``row_blocks`` lays
a label and its parts out as page blocks: long values (the narrative) become one block per
line so they flow over pages; the label stays with the first line.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from intake.forms.definitions import FieldDef, FormDefinition
from intake.i18n import is_rtl, tr
from intake.pdf.bidi_levels import BaseDirection
from intake.pdf.form_text import GREY, FormText, Stack
from intake.pdf.page_flow import Block, Frame
from intake.pdf.text import Line, draw, layout, text_height
from intake.sharing.redaction import Withheld
from intake.testimonies import render
from intake.testimonies.render import ValuePart

LABEL_SIZE = 8.5
VALUE_SIZE = 9.5
PART_SIZE = 7.5
LABEL_SHARE = 0.3  # of the frame width
PART_SHARE = 0.22  # of the value column, when a value has named parts
GAP = 10.0
ROW_PAD = 4.0
RULE_GREY = (0.8, 0.8, 0.8)


def withheld_part(lang: str) -> ValuePart:
    return ValuePart(tr("Withheld in this redacted copy", lang=lang), muted=True)


def value_parts(form: FormDefinition, fdef: FieldDef, value: Any, lang: str) -> list[ValuePart]:
    """What the reader sees for ``value`` of ``fdef`` (intake/testimonies/render.py), or
    "withheld" for a value a redacted copy leaves out."""
    if isinstance(value, Withheld):
        return [withheld_part(lang)]
    return render.value_parts(form, fdef, value, lang)


def value_direction(value: str, lang: str) -> BaseDirection:
    """A value's own direction; the page's when it has no letters (dates, numbers, "—")."""
    if any(unicodedata.bidirectional(c) in ("L", "R", "AL") for c in value):
        return "auto"
    return "rtl" if is_rtl(lang) else "ltr"


@dataclass(frozen=True)
class _Row:
    part: Stack | None
    lines: list[Line]
    muted: bool


def _rule(canvas: Any, frame: Frame, y: float) -> None:
    canvas.setStrokeColorRGB(*RULE_GREY)
    canvas.setLineWidth(0.4)
    canvas.line(frame.left, y, frame.right, y)
    canvas.setStrokeColorRGB(0, 0, 0)


def _paint_lines(
    canvas: Any, lines: list[Line], frame: Frame, x: float, top: float, w: float, muted: bool
) -> None:
    # Values line up with the page's own start edge (a table reads down one edge); each line
    # keeps its own direction, so a Uyghur name still reads right to left.
    canvas.setFillColorRGB(*(GREY if muted else (0, 0, 0)))
    draw(canvas, lines, x, top, w, align="right" if frame.rtl else "left")
    canvas.setFillColorRGB(0, 0, 0)


def row_blocks(text: FormText, label: str, parts: list[ValuePart], width: float) -> list[Block]:
    """Blocks for one labelled value: the label and first lines together, then line by line."""
    lang = text.langs[0]
    label_w = width * LABEL_SHARE
    value_w = width - label_w - GAP
    part_w = value_w * PART_SHARE if any(p.label for p in parts) else 0.0
    text_w = value_w - (part_w + GAP if part_w else 0.0)
    label_stack = text.stack([(lang, label)], label_w, LABEL_SIZE, bold=True)
    rows = [
        _Row(
            text.stack([(lang, p.label)], part_w, PART_SIZE, color=GREY) if p.label else None,
            layout(p.text, text_w, VALUE_SIZE, base_direction=value_direction(p.text, lang)),
            p.muted,
        )
        for p in parts
    ]
    blocks: list[Block] = []
    for r, row in enumerate(rows):
        need = max(row.part.height if row.part else 0.0, label_stack.height if r == 0 else 0.0)
        first, used = 0, 0.0
        while first < len(row.lines) and (first == 0 or used < need):
            used += row.lines[first].height
            first += 1
        chunks = [row.lines[:first]] + [[line] for line in row.lines[first:]]
        for c, chunk in enumerate(chunks):
            head = c == 0
            label_here = label_stack if head and r == 0 else None
            part_here = row.part if head else None
            pad = ROW_PAD if head and r == 0 else 0.0
            height = pad + max(text_height(chunk), need if head else 0.0)
            last = r == len(rows) - 1 and c == len(chunks) - 1
            blocks.append(
                _row_block(
                    label_here,
                    part_here,
                    chunk,
                    row.muted,
                    height,
                    pad,
                    last,
                    widths=(label_w, part_w, text_w),
                )
            )
    return blocks


def _row_block(
    label: Stack | None,
    part: Stack | None,
    lines: list[Line],
    muted: bool,
    height: float,
    pad: float,
    last: bool,
    widths: tuple[float, float, float],
) -> Block:
    label_w, part_w, text_w = widths
    bottom_pad = ROW_PAD if last else 0.0

    def paint(canvas: Any, frame: Frame, top: float) -> None:
        y = top - pad
        if label is not None:
            label.paint(canvas, frame.x(0, label_w), y, label_w)
        offset = label_w + GAP
        if part is not None:
            part.paint(canvas, frame.x(offset, part_w), y - 1.5, part_w)
        if part_w:
            offset += part_w + GAP
        _paint_lines(canvas, lines, frame, frame.x(offset, text_w), y, text_w, muted)
        if last:
            _rule(canvas, frame, top - height - bottom_pad / 2)

    return Block(height + bottom_pad, paint)
