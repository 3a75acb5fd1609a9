"""Build the bundled TrueType CJK font: Noto Sans CJK SC cut to the general-standard characters.

reportlab embeds only TrueType (glyf) fonts, and Noto Sans CJK ships as CFF outlines in a 19 MB
collection. This script takes the Simplified Chinese face of Debian's ``fonts-noto-cjk``
(``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``, face "Noto Sans CJK SC"), keeps the
8105 characters of the 通用规范汉字表 (tools/tgscc_2013.txt, which says where the list comes
from) plus ASCII and Chinese punctuation, converts the cubic CFF outlines to quadratic glyf
outlines with fontTools' cu2qu, renames the family (a modified OFL font) and writes
resources/fonts/NotoSansSC-AmanatSubset-Regular.ttf. The output is deterministic for the same
source font and fontTools version: ``--check`` rebuilds in memory and compares with the file.

Usage: python tools/build_cjk_subset.py [--source TTC] [--output TTF] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
from pathlib import Path
from typing import Any

import fontTools
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FACE = "Noto Sans CJK SC"
CHARSET = ROOT / "tools" / "tgscc_2013.txt"
DEFAULT_OUTPUT = ROOT / "resources" / "fonts" / "NotoSansSC-AmanatSubset-Regular.ttf"

FAMILY = "Noto Sans SC Amanat Subset"
POSTSCRIPT_NAME = "NotoSansSCAmanatSubset-Regular"

# Besides the Han characters: ASCII (digits and Latin inside Chinese runs), CJK symbols and
# punctuation (、。「」《》…), full-width forms (，：（）), and the general punctuation Chinese text
# uses (· — ‘ ’ “ ” …).
EXTRA_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),
    (0x3000, 0x303F),
    (0xFF01, 0xFF65),
)
EXTRA_CODEPOINTS: tuple[int, ...] = (0x00B7, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026)

# cu2qu tolerance in font units (1000 per em): 1 unit is 0.01 pt at 10 pt, far below visible.
MAX_CURVE_ERROR = 1.0


def read_charset(path: Path = CHARSET) -> list[str]:
    """The characters of the list file, in order; '#' lines are comments."""
    chars: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if len(entry) != 1:
            raise ValueError(f"{path}: expected one character per line, got {entry!r}")
        chars.append(entry)
    if len(set(chars)) != len(chars):
        raise ValueError(f"{path}: duplicate characters")
    return chars


def wanted_codepoints(chars: list[str]) -> list[int]:
    """Every code point the subset must map: the list plus the extra punctuation."""
    points = {ord(c) for c in chars} | set(EXTRA_CODEPOINTS)
    for first, last in EXTRA_RANGES:
        points.update(range(first, last + 1))
    return sorted(points)


def open_source_face(source: Path, family: str = SOURCE_FACE) -> Any:
    """The face of a .ttc collection (or a single .otf) whose full name starts with ``family``."""
    if source.suffix.lower() in (".ttc", ".otc"):
        collection = TTCollection(str(source), lazy=False)
        for font in collection.fonts:
            if str(font["name"].getDebugName(4)).startswith(family):
                return font
        raise ValueError(f"{source}: no face named {family!r}")
    return TTFont(str(source), lazy=False)


def cut_to(font: Any, codepoints: list[int]) -> None:
    """Keep only the glyphs for ``codepoints``; drop layout, hinting and vertical tables."""
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.glyph_names = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.drop_tables += ["BASE", "VORG", "vhea", "vmtx", "GSUB", "GPOS", "GDEF", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)


def cff_to_glyf(font: Any) -> None:
    """Replace the CFF table by quadratic glyf outlines (what reportlab can embed)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise, TrueType's clockwise: reverse while converting.
        glyph_set[name].draw(Cu2QuPen(pen, MAX_CURVE_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    del font["CFF "]
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: reportlab maps characters through cmap
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: Any, source_version: str) -> None:
    """Give the modified font its own name (OFL: a modified version is not the original)."""
    name = font["name"]
    full = f"{FAMILY} Regular"
    note = (
        f"Subset of {SOURCE_FACE} {source_version} for Amanat: the Table of General Standard "
        "Chinese Characters (2013, 8105) plus ASCII and CJK punctuation, CFF outlines converted "
        "to TrueType."
    )
    for name_id in (16, 17, 21, 22):
        name.removeNames(nameID=name_id)
    values = {1: FAMILY, 2: "Regular", 3: f"{POSTSCRIPT_NAME};{source_version}", 4: full}
    values |= {6: POSTSCRIPT_NAME, 10: note}
    for name_id, value in values.items():
        name.removeNames(nameID=name_id)
        name.setName(value, name_id, 3, 1, 0x409)  # Windows/Unicode only: reportlab reads it


def build(source: Path, charset: Path = CHARSET) -> bytes:
    """The subset font file, as bytes."""
    font = open_source_face(source)
    source_version = str(font["name"].getDebugName(5)).split(";")[0]
    modified = font["head"].modified
    cut_to(font, wanted_codepoints(read_charset(charset)))
    cff_to_glyf(font)
    rename(font, source_version)
    font["head"].modified = modified  # deterministic output: no build timestamp
    out = io.BytesIO()
    font.recalcTimestamp = False
    font.save(out)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--charset", type=Path, default=CHARSET)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="compare with --output, write nothing")
    args = parser.parse_args(argv)
    data = build(args.source, args.charset)
    digest = hashlib.sha256(data).hexdigest()
    print(f"fontTools {fontTools.version}; {len(data)} bytes; sha256 {digest}")
    if args.check:
        same = args.output.is_file() and args.output.read_bytes() == data
        print("identical" if same else f"DIFFERENT from {args.output}")
        return 0 if same else 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
