"""Unicode bidi (UAX #9) for PDF text layout: paragraph direction, embedding levels, run order.

The layout engine needs the resolved embedding level of every character (to split a paragraph
into directional runs before shaping and line breaking) and rule L2 applied to the runs of each
finished line. python-bidi's public ``get_display`` only returns a reordered string, so this
module drives the steps of python-bidi's own pure-Python implementation (``bidi.algorithm``: X1–X9,
W1–W7, N1–N2, I1–I2) and keeps a level for every character, including those X9 sets aside
(zero-width joiners, explicit embeddings), which take the level of the character before them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Literal

from bidi import algorithm as uba
from bidi.mirror import MIRRORED

BaseDirection = Literal["auto", "ltr", "rtl"]


def paragraph_level(text: str, base_direction: BaseDirection = "auto") -> int:
    """0 for a left-to-right paragraph, 1 for right-to-left (P2–P3 when ``auto``)."""
    if base_direction == "ltr":
        return 0
    if base_direction == "rtl":
        return 1
    return int(uba.get_base_level(text))


# Bidi classes that can raise a level above an even paragraph level (rules X1–X8, W, I1).
_RAISING = frozenset(
    {"R", "AL", "AN", "LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
)


def embedding_levels(text: str, base_level: int) -> list[int]:
    """The resolved embedding level of each character of one paragraph, in logical order."""
    if not text:
        return []
    if base_level == 0 and not any(unicodedata.bidirectional(c) in _RAISING for c in text):
        # Left-to-right text with nothing right-to-left in it (most labels): every character
        # resolves to level 0 (rule I1 raises only R, AN and EN; EN stays 0 without R before
        # it, W7), so the full algorithm is not needed.
        return [0] * len(text)
    return full_embedding_levels(text, base_level)


# python-bidi's pure-Python steps predate isolates (UAX #9 since 6.3) and stop at an assertion
# on them; an isolate is laid out as the embedding of the same direction instead (the same
# length, so levels still line up with the text). It keeps a date "2019-03-05" whole in
# right-to-left text, which is what the PDFs isolate numbers for (intake.i18n.isolate_numbers).
_ISOLATES_AS_EMBEDDINGS = str.maketrans(
    {"\u2066": "\u202a", "\u2067": "\u202b", "\u2068": "\u202a", "\u2069": "\u202c"}
)


def full_embedding_levels(text: str, base_level: int) -> list[int]:
    """``embedding_levels`` through every step of the algorithm (no shortcut)."""
    if not text:
        return []
    text = text.translate(_ISOLATES_AS_EMBEDDINGS)
    storage = uba.get_empty_storage()
    storage["base_level"] = base_level
    storage["base_dir"] = ("L", "R")[base_level]
    uba.get_embedding_levels(text, storage)
    chars = list(storage["chars"])  # the same dicts the later steps update in place
    uba.explicit_embed_and_overrides(storage)
    kept = {id(c) for c in storage["chars"]}
    uba.resolve_weak_types(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    levels: list[int] = []
    for char in chars:
        if id(char) in kept:
            levels.append(int(char["level"]))
        else:
            levels.append(levels[-1] if levels else base_level)
    return levels


def visual_order(levels: Sequence[int]) -> list[int]:
    """Rule L2 on a line of runs: the indices of ``levels`` in left-to-right display order.

    From the highest level down to the lowest odd level, every maximal sequence at that level or
    higher is reversed. Applied to whole runs; the glyphs inside an odd-level run are reversed
    by the shaper (or ``mirror_reversed``) instead.
    """
    order = list(range(len(levels)))
    odd = [level for level in levels if level % 2]
    if not odd:
        return order
    for level in range(max(levels), min(odd) - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] < level:
                i += 1
                continue
            j = i
            while j < len(order) and levels[order[j]] >= level:
                j += 1
            order[i:j] = order[i:j][::-1]
            i = j
    return order


def mirror_reversed(text: str) -> str:
    """A right-to-left run of neutral characters in display order: reversed, brackets mirrored."""
    return "".join(MIRRORED.get(char, char) for char in reversed(text))
