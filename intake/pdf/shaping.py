"""HarfBuzz shaping of Arabic-script runs and drawing of the shaped glyphs on a reportlab canvas.

Uyghur needs contextual forms (initial, medial, final, isolated), including forms no Unicode
character stands for (final ە U+06D5 has no presentation form), so text is shaped with HarfBuzz
(uharfbuzz) and the resulting glyph ids are drawn directly, in display order, each at the
position HarfBuzz computed. Each glyph is embedded under the code ``FontFace.code_for_glyph``
gives it, and the font's ToUnicode map gives it the logical text of its HarfBuzz cluster, so the
text stays selectable and extractable. Rejected alternatives: drawing outlines as paths (text
neither selectable nor searchable); mapping glyphs back to presentation-form characters (no
such character for final ە: arabic-reshaper's known mis-join); a /ActualText span per run
(poppler then reverses the letters of every right-to-left word on extraction).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import uharfbuzz as hb

from intake.pdf.fonts import FontFace

# Standard shaping; discretionary ligatures stay off so printed names keep their letters.
_FEATURES = {"kern": True, "liga": True, "dlig": False}


@dataclass(frozen=True)
class Glyph:
    """One shaped glyph: id in its font, embedding code, advance and offsets in points."""

    glyph_id: int
    code: str
    x_advance: float
    x_offset: float
    y_offset: float


def shape_glyph_ids(
    text: str, face: FontFace, rtl: bool, language: str | None = None
) -> list[tuple[int, int, int, int, int]]:
    """Raw HarfBuzz output for ``text``: (glyph id, cluster, x advance, x offset, y offset).

    Positions are in font units; the cluster is the index in ``text`` of the first character
    the glyph stands for. Glyphs come in display order (left to right), as HarfBuzz returns
    them for a buffer of the given direction.
    """
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if rtl else "ltr"
    if language:
        buffer.language = language
    hb.shape(face.hb_font, buffer, _FEATURES)
    return [
        (info.codepoint, info.cluster, pos.x_advance, pos.x_offset, pos.y_offset)
        for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True)
    ]


def shape(
    text: str, face: FontFace, size: float, rtl: bool, language: str | None = None
) -> tuple[tuple[Glyph, ...], bool]:
    """Shape ``text`` at ``size`` points: glyphs in visual order, and whether any is .notdef."""
    scale = size / face.units_per_em
    raw = shape_glyph_ids(text, face, rtl, language)
    texts = _glyph_texts(text, face, [(gid, cluster) for gid, cluster, *_ in raw])
    glyphs = tuple(
        Glyph(gid, face.code_for_glyph(gid, texts[i]), adv * scale, dx * scale, dy * scale)
        for i, (gid, _cluster, adv, dx, dy) in enumerate(raw)
    )
    return glyphs, any(g.glyph_id == 0 for g in glyphs)


def _glyph_texts(text: str, face: FontFace, glyphs: list[tuple[int, int]]) -> list[str]:
    """The logical text each glyph stands for, from HarfBuzz clusters.

    A cluster's text goes to its first glyph in logical order; further glyphs of the cluster
    (a separate mark, say) claim their own character when the font maps it to them, and stand
    for nothing visible (U+200B) otherwise.
    """
    starts = sorted({cluster for _, cluster in glyphs})
    ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
    owner: dict[int, int] = {}
    logical = glyphs and glyphs[0][1] <= glyphs[-1][1]  # clusters ascend: left-to-right run
    for i in range(len(glyphs)) if logical else reversed(range(len(glyphs))):
        owner.setdefault(glyphs[i][1], i)
    cmap = face.rl_font.face.charToGlyph
    texts: list[str] = []
    for i, (gid, cluster) in enumerate(glyphs):
        whole = text[cluster : ends[cluster]]
        if owner[cluster] == i:
            texts.append(whole)
        else:
            own = next((c for c in whole if cmap.get(ord(c)) == gid), "\u200b")
            texts.append(own)
    return texts


def draw_glyphs(
    canvas: Any,
    face: FontFace,
    size: float,
    glyphs: tuple[Glyph, ...],
    x: float,
    y: float,
    fake_bold: bool = False,
) -> None:
    """Draw shaped ``glyphs`` from the left, with the baseline at ``y``."""
    text = canvas.beginText()
    text.setFont(face.name, size)
    if fake_bold:
        text.setTextRenderMode(2)
        canvas.saveState()
        canvas.setLineWidth(size * 0.035)
    pen = x
    for glyph in glyphs:
        if glyph.glyph_id:  # never reached for .notdef: layout reports those first
            text.setTextOrigin(pen + glyph.x_offset, y + glyph.y_offset)
            text.textOut(glyph.code)
        pen += glyph.x_advance
    canvas.drawText(text)
    if fake_bold:
        canvas.restoreState()
