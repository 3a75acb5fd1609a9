"""Bundled fonts for PDF output: registration with reportlab and the choice of font per character.

Three OFL families ship in resources/fonts (see its README): Noto Sans for Latin and Cyrillic,
Noto Naskh Arabic for Uyghur and Arabic-script Kazakh, and a TrueType subset of Noto Sans SC for
Chinese. ``bundled_fonts()`` registers them with reportlab once per process and returns a
``FontSet``; ``FontSet.face_for`` picks the font for one character from its script, falling back
to any bundled font that has the glyph. A character that no bundled font has is reported
(``UnprintableText``), never drawn as nothing. Each ``FontFace`` also carries a HarfBuzz font
for shaping and maps shaped glyph ids to the codes reportlab embeds, with a ToUnicode map that
gives those glyphs their logical text (``ShapingTTFont``).
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from functools import cache, lru_cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any, ClassVar

import uharfbuzz as hb
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont


class Script(Enum):
    """The font-selection class of a character (not the full Unicode script property)."""

    LATIN = "latin"  # Latin, Cyrillic, Greek and anything else Noto Sans covers
    ARABIC = "arabic"
    HAN = "han"  # Chinese characters, CJK punctuation, full-width forms
    COMMON = "common"  # spaces, digits, punctuation: take the script of their neighbours
    INHERITED = "inherited"  # combining marks and format controls: belong to the previous char


_ARABIC_RANGES: tuple[tuple[int, int], ...] = (
    (0x0600, 0x06FF),  # Arabic (Uyghur letters are here)
    (0x0750, 0x077F),  # Arabic supplement
    (0x0870, 0x08FF),  # Arabic extended
    (0xFB50, 0xFDFF),  # presentation forms A
    (0xFE70, 0xFEFF),  # presentation forms B
)
_HAN_RANGES = (
    (0x2E80, 0x2FDF),  # radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x31FF),  # kana, bopomofo, strokes
    (0x3200, 0x33FF),  # enclosed CJK, compatibility
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFE30, 0xFE4F),  # compatibility forms
    (0xFF00, 0xFFEF),  # half- and full-width forms
    (0x20000, 0x3FFFF),  # extensions B and later
)


@cache  # called for every character of every label; a few thousand distinct characters
def script_of(char: str) -> Script:
    """The font-selection class of one character."""
    point = ord(char)
    if any(lo <= point <= hi for lo, hi in _ARABIC_RANGES):
        category = unicodedata.category(char)
        return Script.INHERITED if category == "Mn" else Script.ARABIC
    if any(lo <= point <= hi for lo, hi in _HAN_RANGES):
        return Script.HAN
    category = unicodedata.category(char)
    if category in ("Mn", "Me", "Cf"):
        return Script.INHERITED
    if category[0] in "ZPSNC":
        return Script.COMMON
    return Script.LATIN


@dataclass(frozen=True)
class FontFile:
    """One bundled font file and the reportlab name it is registered under."""

    name: str
    filename: str
    script: Script
    bold: bool
    # Line metrics in em (ascent above, descent below the baseline) used for line height. The
    # fonts' own hhea values are kept except Naskh's descent (0.634 em, for stacked marks that
    # Uyghur does not use); 0.45 em clears the deepest Uyghur tails (ي ۋ ى final).
    ascent: float
    descent: float
    # Size relative to the requested one: Naskh letters are small on their body, so Uyghur is
    # set 15% larger to read like Latin and Chinese of the same nominal size beside it.
    scale: float = 1.0


_NASKH = 1.15
FONT_FILES: tuple[FontFile, ...] = (
    FontFile("AmanatSans", "NotoSans-Regular.ttf", Script.LATIN, False, 1.069, 0.293),
    FontFile("AmanatSans-Bold", "NotoSans-Bold.ttf", Script.LATIN, True, 1.069, 0.293),
    FontFile("AmanatNaskh", "NotoNaskhArabic-Regular.ttf", Script.ARABIC, False, 1.069, 0.45, 1.15),
    FontFile(
        "AmanatNaskh-Bold", "NotoNaskhArabic-Bold.ttf", Script.ARABIC, True, 1.069, 0.45, 1.15
    ),
    # No bold CJK face is bundled (it would double the size): bold Chinese uses the regular.
    FontFile("AmanatSC", "NotoSansSC-AmanatSubset-Regular.ttf", Script.HAN, False, 0.88, 0.12),
)

# U+E000.. is where reportlab itself puts glyphs it cannot reach through cmap; we use its upper
# part so both never collide in one font (reportlab asserts its codes stay below U+F800).
_PRIVATE_START = 0xF000
_PRIVATE_END = 0xF8FF


def to_unicode_cmap(base_font_name: str, codes: list[int], code_text: dict[int, str]) -> str:
    """A PDF ToUnicode CMap for one 256-code font subset.

    Code i of the subset is character ``codes[i]`` of the font; it maps to ``code_text`` when
    that holds the logical text of a shaped glyph, else to the character itself, written as
    UTF-16 so characters beyond U+FFFF (CJK extension B) extract correctly too.
    """
    entries = [
        f"<{i:02X}> <{code_text.get(code, chr(code)).encode('utf-16-be').hex().upper()}>"
        for i, code in enumerate(codes)
    ]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            f"/CIDSystemInfo << /Registry ({base_font_name}) /Ordering ({base_font_name})",
            "/Supplement 0 >> def",
            f"/CMapName /{base_font_name} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(codes) - 1:02X}>",
            "endcodespacerange",
            f"{len(codes)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


class ShapingTTFont(TTFont):  # type: ignore[misc]
    """A reportlab TrueType font whose text extraction gives shaped glyphs their real letters.

    reportlab embeds a font as 256-code subsets and writes each subset's ToUnicode map from the
    codes themselves. Shaped Arabic glyphs are embedded under private-use codes
    (``FontFace.code_for_glyph``), so after reportlab has written its objects this class rewrites
    the ToUnicode streams with the logical text of each such glyph: copying or extracting
    Uyghur from the PDF then yields ە, ئ and the other letters, in the same way as for PDFs
    made by browsers and office suites (glyphs in display order, letters through ToUnicode).
    """

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self.code_text: dict[int, str] = {}

    def addObjects(self, doc: Any) -> None:
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        for n, codes in enumerate(subsets):
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
            base_name = base.decode("pdfdoc")
            stream = doc.idToObject.get("toUnicodeCMap:" + base_name)
            if stream is None:
                raise RuntimeError("reportlab wrote no ToUnicode map where expected")
            stream.content = to_unicode_cmap(base_name, codes, self.code_text)


@dataclass(eq=False)
class FontFace:
    """A registered bundled font: reportlab name, character coverage, HarfBuzz font, metrics."""

    file: FontFile
    path: Path
    rl_font: ShapingTTFont
    hb_font: Any  # uharfbuzz.Font, scaled to font units
    units_per_em: int
    _glyph_codes: dict[tuple[int, str], int] = field(default_factory=dict)
    _next_private: int = _PRIVATE_START
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def is_arabic(self) -> bool:
        return self.file.script is Script.ARABIC

    def has(self, char: str) -> bool:
        """True when the font maps ``char`` to a glyph of its own."""
        return ord(char) in self.rl_font.face.charToGlyph

    def code_for_glyph(self, glyph_id: int, text: str) -> str:
        """The one-character code under which reportlab embeds ``glyph_id`` standing for ``text``.

        A glyph that is the font's own glyph for the one character ``text`` keeps that character.
        Any other (a joined Arabic form such as final ە, a ligature) gets a private-use code,
        registered with reportlab's face together with its advance width (for the PDF /Widths)
        and with ``text`` for the ToUnicode map (see ``ShapingTTFont``).
        """
        face = self.rl_font.face
        key = (glyph_id, text)
        with self._lock:
            if key in self._glyph_codes:
                return chr(self._glyph_codes[key])
            if len(text) == 1 and face.charToGlyph.get(ord(text)) == glyph_id:
                code = ord(text)
            else:
                code = self._next_private
                while code in face.charToGlyph:
                    code += 1
                if code > _PRIVATE_END:
                    raise RuntimeError("too many shaped glyph forms in one font")
                self._next_private = code + 1
                advance = self.hb_font.get_glyph_h_advance(glyph_id)
                face.charToGlyph[code] = glyph_id
                face.glyphToChar.setdefault(glyph_id, []).append(code)
                face.charWidths[code] = round(advance * 1000 / self.units_per_em)
                self.rl_font.code_text[code] = text
            self._glyph_codes[key] = code
            return chr(code)


@dataclass(frozen=True)
class FontSet:
    """The bundled fonts, by script and weight, with the fallback order for other characters."""

    faces: tuple[FontFace, ...]

    def face(self, script: Script, bold: bool = False) -> FontFace:
        """The font for ``script`` (LATIN for COMMON/INHERITED), bold when bundled."""
        return _face(self, script, bold)

    def face_for(self, char: str, script: Script, bold: bool = False) -> FontFace | None:
        """The font that draws ``char`` in a run of ``script``, or None when none has it."""
        return _face_for(self, char, script, bold)


@cache  # layout asks once per character; the answer never changes for a font set
def _face(fonts: FontSet, script: Script, bold: bool) -> FontFace:
    if script in (Script.COMMON, Script.INHERITED):
        script = Script.LATIN
    matches = [f for f in fonts.faces if f.file.script is script]
    for face in matches:
        if face.file.bold == bold:
            return face
    return matches[0]


@lru_cache(maxsize=65536)
def _face_for(fonts: FontSet, char: str, script: Script, bold: bool) -> FontFace | None:
    preferred = fonts.face(script, bold)
    if preferred.has(char):
        return preferred
    for fallback in (Script.LATIN, Script.ARABIC, Script.HAN):
        face = fonts.face(fallback, bold)
        if face.has(char):
            return face
    return None


def fonts_dir() -> Path:
    """The folder holding the bundled font files."""
    return Path(str(importlib_resources.files("resources").joinpath("fonts")))


def _load(file: FontFile, folder: Path) -> FontFace:
    path = folder / file.filename
    try:
        rl_font = pdfmetrics.getFont(file.name)
    except KeyError:
        rl_font = ShapingTTFont(file.name, str(path))
        pdfmetrics.registerFont(rl_font)
    if not isinstance(rl_font, ShapingTTFont):
        raise RuntimeError(f"font name {file.name} is taken by another font")
    data = path.read_bytes()
    hb_face = hb.Face(hb.Blob(data))
    return FontFace(file, path, rl_font, hb.Font(hb_face), hb_face.upem)


_registration_lock = threading.Lock()


@cache
def _bundled_fonts() -> FontSet:
    folder = fonts_dir()
    return FontSet(tuple(_load(f, folder) for f in FONT_FILES))


def bundled_fonts() -> FontSet:
    """Register the bundled fonts with reportlab (once per process) and return them."""
    with _registration_lock:
        return _bundled_fonts()
