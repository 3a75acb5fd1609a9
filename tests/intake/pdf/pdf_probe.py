"""Read generated PDFs back with poppler-utils (pdftotext, pdfinfo, pdftoppm) for the PDF tests."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


def require_poppler() -> None:
    """Fail (not skip) when poppler-utils is missing: CI must install it."""
    for tool in ("pdftotext", "pdfinfo", "pdftoppm"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} not found: apt-get install poppler-utils")


def pdf_text(path: Path, *, layout: bool = False) -> str:
    """The text pdftotext extracts, without the bidi controls it adds around RTL words."""
    require_poppler()
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return out.translate(BIDI_CONTROLS)


def page_count(path: Path) -> int:
    require_poppler()
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert match, info.stdout
    return int(match.group(1))


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[Word]


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.DOTALL)
_WORD = re.compile(
    r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>'
)


def pages(path: Path) -> list[Page]:
    """Every page's size and word boxes (points, origin top left) from ``pdftotext -bbox``."""
    require_poppler()
    args = ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"]
    html = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    result = []
    for number, match in enumerate(_PAGE.finditer(html), start=1):
        words = [
            Word(number, unescape(w[4]).translate(BIDI_CONTROLS), *map(float, w[:4]))
            for w in _WORD.findall(match.group(3))
        ]
        result.append(Page(float(match.group(1)), float(match.group(2)), words))
    return result


def render_png(path: Path, out_prefix: Path, dpi: int = 60, page: int = 1) -> Path:
    """Render one page to PNG; returns the file."""
    require_poppler()
    args = ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page)]
    subprocess.run([*args, "-singlefile", str(path), str(out_prefix)], check=True)
    return out_prefix.with_suffix(".png")
