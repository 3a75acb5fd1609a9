"""Page geometry and pagination for generated forms: blocks of known height flowed onto pages.

A form is built as a list of ``Block``s, each a known height and a function that paints it
given the page ``Frame`` and its top edge. ``paginate`` fills pages top to bottom, keeping a
heading with the block after it, so the page count is known before anything is drawn (the
footer says "page 2 of 7"). ``Frame`` hides the writing direction: a Uyghur form is the mirror
image of an English one, so painters ask ``frame.x(offset, width)`` for a position measured
from the start edge instead of computing left coordinates themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4, letter

from intake.pdf.errors import BlockTooTall, UnsupportedPaper

PAPER_SIZES: dict[str, tuple[float, float]] = {"a4": A4, "letter": letter}
MARGIN = 36.0  # half an inch: inside the unprintable border of any office printer


def paper_size(paper: str) -> tuple[float, float]:
    """Width and height in points of a supported paper name."""
    try:
        return PAPER_SIZES[paper.lower()]
    except KeyError:
        raise UnsupportedPaper(paper=paper) from None


@dataclass(frozen=True)
class Frame:
    """The body area of a page (between header and footer) and the form's direction."""

    left: float
    right: float
    top: float
    bottom: float
    rtl: bool

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    def x(self, offset: float, width: float = 0.0) -> float:
        """Left edge of something ``width`` wide placed ``offset`` from the start edge."""
        return self.right - offset - width if self.rtl else self.left + offset


Painter = Callable[[Any, Frame, float], None]  # (canvas, frame, top y)


@dataclass(frozen=True)
class Block:
    """A piece of a page that is never split: its height, and how to paint it."""

    height: float
    paint: Painter
    keep_with_next: bool = False  # headings and labels stay on the page of what follows


def paginate(blocks: list[Block], body_height: float) -> list[list[Block]]:
    """Flow ``blocks`` onto pages of ``body_height``; a heading never ends a page."""
    pages: list[list[Block]] = [[]]
    used = 0.0
    for i, block in enumerate(blocks):
        if block.height > body_height:
            raise BlockTooTall(f"block {i} is {block.height:.0f} pt high")
        chain = block.height
        j = i
        while blocks[j].keep_with_next and j + 1 < len(blocks) and chain < body_height / 3:
            j += 1
            chain += blocks[j].height
        if pages[-1] and used + min(chain, body_height) > body_height:
            pages.append([])
            used = 0.0
        pages[-1].append(block)
        used += block.height
    return pages


def paint_page(canvas: Any, blocks: list[Block], frame: Frame) -> None:
    """Paint one page's blocks from the top of the frame down."""
    top = frame.top
    for block in blocks:
        block.paint(canvas, frame, top)
        top -= block.height
