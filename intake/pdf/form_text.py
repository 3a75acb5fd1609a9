"""Labels in one or two languages for printed forms: laid out, measured and painted as a stack.

A bilingual form prints every label in both languages. ``FormText`` turns a multilingual text
(a ``{lang: text}`` map from the form definition, or an interface string through ``tr``) into
a ``Stack``: one paragraph per language, the first one larger (and bold for labels), the second
grey. Each paragraph is aligned to its own starting edge, so Uyghur sits at the right even on an
English form; when a left-to-right and a right-to-left label each fit on one line in half the
width, they share the row (English at the left, Uyghur at the right), which saves paper.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intake.i18n import is_rtl, tr
from intake.pdf.text import Line, draw, layout, text_height, text_width

BLACK = (0.0, 0.0, 0.0)
GREY = (0.35, 0.35, 0.35)
SIDE_GAP = 12.0  # between a left-to-right and a right-to-left label sharing a row


@dataclass(frozen=True)
class Para:
    """One paragraph of a stack: its lines (laid out for a width) and colour."""

    lines: list[Line]
    color: tuple[float, float, float]

    @property
    def height(self) -> float:
        return text_height(self.lines)


@dataclass(frozen=True)
class Stack:
    """Paragraphs drawn one under the other, or two side by side (``side_by_side``)."""

    paras: tuple[Para, ...]
    side_by_side: bool = False

    @property
    def height(self) -> float:
        if self.side_by_side:
            return max(p.height for p in self.paras)
        return sum(p.height for p in self.paras)

    @property
    def natural_width(self) -> float:
        """The width the stack needs so that no paragraph wraps (if laid out wide enough)."""
        widths = [text_width(p.lines) for p in self.paras]
        if self.side_by_side:
            return sum(widths) + SIDE_GAP
        return max(widths, default=0.0)

    def paint(self, canvas: Any, x: float, top: float, width: float) -> None:
        """Draw the stack in the box from ``x`` to ``x + width`` starting at ``top``."""
        for para in self.paras:
            canvas.setFillColorRGB(*para.color)
            height = draw(canvas, para.lines, x, top, width, align="start")
            if not self.side_by_side:
                top -= height
        canvas.setFillColorRGB(*BLACK)


class FormText:
    """Text in the form's languages (one or two), in the fonts and sizes of printed forms."""

    def __init__(self, langs: Sequence[str]) -> None:
        self.langs = tuple(langs)

    def pick(self, text: Mapping[str, str] | None) -> list[tuple[str, str]]:
        """(language, text) for each form language; English when a translation is missing."""
        if not text:
            return []
        picked: list[tuple[str, str]] = []
        for lang in self.langs:
            value = text.get(lang) or text.get("en") or ""
            if value and value not in (v for _, v in picked):
                picked.append((lang, value))
        return picked

    def ui(self, msgid: str, **values: Any) -> list[tuple[str, str]]:
        """An interface string (through ``tr``) in each form language."""
        return self.pick({lang: tr(msgid, lang=lang, **values) for lang in self.langs})

    def stack(
        self,
        texts: list[tuple[str, str]],
        width: float,
        size: float,
        *,
        bold: bool = False,
        second_size: float | None = None,
        color: tuple[float, float, float] = BLACK,
        suffix: str = "",
    ) -> Stack:
        """Lay ``texts`` out for ``width``: first language at ``size``, the others smaller, grey."""
        second = second_size if second_size is not None else size * 0.9

        def para(i: int, lang: str, value: str, para_width: float) -> Para:
            lines = layout(
                value + suffix,
                para_width,
                size if i == 0 else second,
                bold=bold and i == 0,
                language=lang,
                base_direction="rtl" if is_rtl(lang) else "ltr",
            )
            return Para(lines, color if i == 0 else GREY)

        if len(texts) == 2 and is_rtl(texts[0][0]) != is_rtl(texts[1][0]):
            half = (width - SIDE_GAP) / 2
            paras = tuple(para(i, lang, value, half) for i, (lang, value) in enumerate(texts))
            if all(len(p.lines) == 1 for p in paras):
                return Stack(paras, side_by_side=True)
        return Stack(tuple(para(i, lang, v, width) for i, (lang, v) in enumerate(texts)))
