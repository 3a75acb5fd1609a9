"""Multi-script text layout for reportlab canvases: runs by script and direction, wrapping, drawing.

reportlab's own paragraphs keep words left to right and cannot shape Uyghur, so PDF text in
Amanat goes through this module instead. ``layout`` splits each paragraph into runs of one font
and one bidi level (fonts.py picks the font per character, bidi_levels.py resolves levels),
shapes Arabic-script runs with HarfBuzz (shaping.py), breaks lines at spaces and between Chinese
characters to fit a width, and puts each line's runs in display order (rule L2): a right-to-left
paragraph starts at the right edge with its first logical words on the first line. ``draw``
paints the lines; ``Line`` knows its width and height, so callers measure before they draw.
A character that no bundled font has raises ``UnprintableText``, or, when the caller passes a
``missing`` set, is collected there and drawn as U+FFFD.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from reportlab.pdfbase import pdfmetrics

from intake.pdf.bidi_levels import (
    BaseDirection,
    embedding_levels,
    mirror_reversed,
    paragraph_level,
    visual_order,
)
from intake.pdf.errors import UnprintableText
from intake.pdf.fonts import FontFace, FontSet, Script, bundled_fonts, script_of
from intake.pdf.shaping import Glyph, draw_glyphs, shape

Align = Literal["start", "end", "left", "right", "center"]

REPLACEMENT = "\ufffd"
DEFAULT_LEADING = 1.3  # line height as a multiple of the font size, at least


@dataclass(frozen=True)
class Run:
    """Text of one font and one bidi level: shaped glyphs (Arabic script) or plain text."""

    text: str  # logical order
    start: int  # index of the first character in its paragraph
    face: FontFace
    size: float
    level: int
    width: float
    glyphs: tuple[Glyph, ...] | None  # shaped runs: glyphs in display order
    is_space: bool
    fake_bold: bool = False  # bold asked for, but the font has no bold face (Chinese)

    @property
    def display_text(self) -> str:
        """Plain runs: the characters in display order (format controls left out)."""
        visible = "".join(c for c in self.text if unicodedata.category(c) != "Cf")
        return mirror_reversed(visible) if self.level % 2 else visible


@dataclass(frozen=True)
class Line:
    """One laid-out line: runs in display order (left to right) and its metrics in points."""

    runs: tuple[Run, ...]
    width: float
    ascent: float
    descent: float
    height: float
    rtl: bool  # direction of the paragraph the line belongs to

    @property
    def text(self) -> str:
        """The line's text in logical order (for tests and accessibility)."""
        return "".join(r.text for r in sorted(self.runs, key=lambda r: r.start))


@dataclass(frozen=True)
class _Atom:
    """A piece of a paragraph that is never broken: a word, or one Chinese character."""

    runs: tuple[Run, ...]  # logical order; the trailing whitespace runs come last
    body_width: float  # without trailing whitespace
    tail_width: float  # trailing whitespace


class _Paragraph:
    """Per-character analysis of one paragraph: levels, fonts, break opportunities."""

    def __init__(
        self,
        text: str,
        size: float,
        base_direction: BaseDirection,
        bold: bool,
        language: str | None,
        fonts: FontSet,
        missing: set[str] | None,
    ) -> None:
        self.size = size
        self.bold = bold
        self.language = language
        self.fonts = fonts
        self.base_level = paragraph_level(text, base_direction)
        self.levels = embedding_levels(text, self.base_level)
        self.text, self.faces = self._choose_fonts(text, missing)

    def _choose_fonts(self, text: str, missing: set[str] | None) -> tuple[str, list[FontFace]]:
        scripts = _resolve_scripts(text, self.base_level)
        faces: list[FontFace] = []
        chars = list(text)
        lost: set[str] = set()
        for i, char in enumerate(chars):
            if unicodedata.category(char) == "Cf" and faces:
                faces.append(faces[-1])  # invisible controls ride with the previous character
                continue
            face = self.fonts.face_for(char, scripts[i], self.bold)
            if face is None:
                lost.add(char)
                chars[i] = REPLACEMENT
                face = self.fonts.face(Script.LATIN, self.bold)
            faces.append(face)
        if lost:
            if missing is None:
                raise UnprintableText(frozenset(lost))
            missing.update(lost)
        return "".join(chars), faces

    def run(self, start: int, end: int) -> Run:
        """One run over [start, end), which must share one font and one level."""
        text = self.text[start:end]
        face = self.faces[start]
        level = self.levels[start]
        size = self.size * face.file.scale
        is_space = text.isspace()
        fake_bold = self.bold and not face.file.bold
        if face.is_arabic:
            glyphs, notdef = shape(text, face, size, bool(level % 2), self.language)
            if notdef:  # cannot happen for characters the font maps; guard all the same
                raise UnprintableText(frozenset(text))
            width = sum(g.x_advance for g in glyphs)
            return Run(text, start, face, size, level, width, glyphs, is_space, fake_bold)
        plain = Run(text, start, face, size, level, 0.0, None, is_space)
        width = pdfmetrics.stringWidth(plain.display_text, face.name, size)
        return Run(text, start, face, size, level, width, None, is_space, fake_bold)

    def runs(self, start: int, end: int) -> Iterator[Run]:
        """The runs of [start, end), split wherever the font or the level changes."""
        i = start
        while i < end:
            j = i + 1
            while (
                j < end
                and self.faces[j] is self.faces[i]
                and self.levels[j] == self.levels[i]
                and self.text[j].isspace() == self.text[i].isspace()
            ):
                j += 1
            yield self.run(i, j)
            i = j

    def atom(self, start: int, end: int) -> _Atom:
        body_end = end
        while body_end > start and self.text[body_end - 1].isspace():
            body_end -= 1
        body = tuple(self.runs(start, body_end))
        tail = tuple(self.runs(body_end, end))
        return _Atom(body + tail, sum(r.width for r in body), sum(r.width for r in tail))

    def atoms(self) -> Iterator[_Atom]:
        start = 0
        for i in range(1, len(self.text) + 1):
            if i == len(self.text) or _break_before(self.text, i):
                yield self.atom(start, i)
                start = i

    def split_long(self, atom: _Atom, width: float) -> list[_Atom]:
        """Cut a word wider than the line into pieces that fit (one character at least)."""
        start = min(r.start for r in atom.runs)
        end = max(r.start + len(r.text) for r in atom.runs)
        pieces: list[_Atom] = []
        while start < end:
            cut = start + 1
            while cut < end and self.atom(start, cut + 1).body_width <= width:
                cut += 1
            pieces.append(self.atom(start, cut))
            start = cut
        return pieces


def _resolve_scripts(text: str, base_level: int) -> list[Script]:
    """Each character's script; neutrals take the previous strong script (else the next)."""
    raw = [script_of(c) for c in text]
    strong = [s for s in raw if s not in (Script.COMMON, Script.INHERITED)]
    default = strong[0] if strong else (Script.ARABIC if base_level else Script.LATIN)
    resolved: list[Script] = []
    current = default
    for script in raw:
        if script in (Script.COMMON, Script.INHERITED):
            resolved.append(current)
        else:
            current = script
            resolved.append(script)
    return resolved


_NO_BREAK_BEFORE = set("，。、；：？！）」』》〉】〕”’…・,.;:?!)]}%")
_NO_BREAK_AFTER = set("（「『《〈【〔“‘([{")


def _is_ideograph(char: str) -> bool:
    return script_of(char) is Script.HAN and unicodedata.category(char)[0] == "L"


def _break_before(text: str, i: int) -> bool:
    """True when a line may break between text[i-1] and text[i]."""
    before, after = text[i - 1], text[i]
    if after.isspace():
        return False
    if before.isspace():
        return True
    if after in _NO_BREAK_BEFORE or before in _NO_BREAK_AFTER:
        return False
    return _is_ideograph(before) or _is_ideograph(after) or script_of(before) is Script.HAN


def _line(atoms: list[_Atom], rtl: bool, size: float, leading: float, fallback: FontFace) -> Line:
    runs: list[Run] = [r for a in atoms for r in a.runs]
    while runs and runs[-1].is_space:  # rule L1: whitespace at the end of a line is not shown
        runs.pop()
    ordered = tuple(runs[i] for i in visual_order([r.level for r in runs]))
    ascent = max((r.face.file.ascent * r.size for r in runs), default=fallback.file.ascent * size)
    descent = max(
        (r.face.file.descent * r.size for r in runs), default=fallback.file.descent * size
    )
    height = max(size * leading, ascent + descent)
    return Line(ordered, sum(r.width for r in ordered), ascent, descent, height, rtl)


def layout(
    text: str,
    width: float,
    size: float,
    *,
    base_direction: BaseDirection = "auto",
    bold: bool = False,
    language: str | None = None,
    leading: float = DEFAULT_LEADING,
    missing: set[str] | None = None,
    fonts: FontSet | None = None,
) -> list[Line]:
    """Lay ``text`` out in lines no wider than ``width`` points, at ``size`` points.

    Each "\\n" starts a paragraph; ``base_direction`` "auto" takes each paragraph's direction
    from its first strong character. ``language`` (e.g. "ug", "kk") selects language-specific
    forms when shaping. Characters no bundled font has raise ``UnprintableText`` unless
    ``missing`` is given, in which case they are added to it and drawn as U+FFFD.
    """
    fonts = fonts or bundled_fonts()
    fallback = fonts.face(Script.LATIN, bold)
    lines: list[Line] = []
    for raw in text.split("\n"):
        paragraph_text = unicodedata.normalize("NFC", raw)
        para = _Paragraph(paragraph_text, size, base_direction, bold, language, fonts, missing)
        rtl = bool(para.base_level)
        current: list[_Atom] = []
        used = 0.0  # width of the current line including the last atom's trailing space
        for atom in para.atoms():
            pieces = [atom] if atom.body_width <= width else para.split_long(atom, width)
            for piece in pieces:
                if current and used + piece.body_width > width:
                    lines.append(_line(current, rtl, size, leading, fallback))
                    current, used = [], 0.0
                current.append(piece)
                used += piece.body_width + piece.tail_width
        lines.append(_line(current, rtl, size, leading, fallback))
    return lines


def text_height(lines: list[Line]) -> float:
    """The height of the lines drawn one under the other."""
    return sum(line.height for line in lines)


def text_width(lines: list[Line]) -> float:
    """The width of the widest line."""
    return max((line.width for line in lines), default=0.0)


def _line_x(line: Line, x: float, width: float, align: Align) -> float:
    if align == "start":
        align = "right" if line.rtl else "left"
    elif align == "end":
        align = "left" if line.rtl else "right"
    if align == "right":
        return x + width - line.width
    if align == "center":
        return x + (width - line.width) / 2
    return x


def draw(
    canvas: Any, lines: list[Line], x: float, top: float, width: float, align: Align = "start"
) -> float:
    """Draw ``lines`` in the box from ``x`` to ``x + width`` starting at ``top``; returns height.

    "start" aligns each line to its paragraph's starting edge (left, or right for Uyghur).
    """
    y = top
    for line in lines:
        baseline = y - (line.height - line.ascent - line.descent) / 2 - line.ascent
        pen = _line_x(line, x, width, align)
        for group in _draw_groups(line.runs):
            first = group[0]
            if first.glyphs is not None:
                if not first.is_space:
                    draw_glyphs(
                        canvas, first.face, first.size, first.glyphs, pen, baseline, first.fake_bold
                    )
            else:
                _draw_plain(canvas, group, pen, baseline)
            pen += sum(run.width for run in group)
        y -= line.height
    return top - y


def _draw_groups(runs: tuple[Run, ...]) -> Iterator[tuple[Run, ...]]:
    """Runs in display order, neighbouring plain runs of one font and size joined.

    A line of Latin words is one text operation instead of one per word and space: the widths
    of plain runs are the font's own advances, so the viewer puts each word where layout did.
    """
    i = 0
    while i < len(runs):
        j = i + 1
        if runs[i].glyphs is None:
            while (
                j < len(runs)
                and runs[j].glyphs is None
                and runs[j].face is runs[i].face
                and runs[j].size == runs[i].size
                and runs[j].fake_bold == runs[i].fake_bold
            ):
                j += 1
        yield runs[i:j]
        i = j


def _draw_plain(canvas: Any, group: tuple[Run, ...], x: float, baseline: float) -> None:
    """Draw neighbouring plain runs of one font as one string (spaces included)."""
    run = group[0]
    shown = "".join(r.display_text for r in group).rstrip()
    if not shown or shown.isspace():
        return
    if not run.fake_bold:
        canvas.setFont(run.face.name, run.size)
        canvas.drawString(x, baseline, shown)
        return
    # Fill and stroke the outlines: a bolder weight for fonts bundled in one weight only.
    text = canvas.beginText(x, baseline)
    text.setFont(run.face.name, run.size)
    text.setTextRenderMode(2)
    canvas.saveState()
    canvas.setLineWidth(run.size * 0.035)
    text.textOut(shown)
    canvas.drawText(text)
    canvas.restoreState()
