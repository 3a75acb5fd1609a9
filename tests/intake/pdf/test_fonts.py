"""Bundled fonts: licences, coverage of the scripts Amanat prints, the reproducible CJK subset."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics

from intake.pdf.errors import UnprintableText
from intake.pdf.fonts import (
    FONT_FILES,
    Script,
    bundled_fonts,
    fonts_dir,
    script_of,
    to_unicode_cmap,
)

REPO = Path(__file__).resolve().parents[3]
UYGHUR_ALPHABET = "ئاەبپتجچخدرزژسشغفقكگڭلمنھوۇۆۈۋېىي"
KAZAKH_CYRILLIC = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
TURKISH = "ÇĞİÖŞÜçğıöşü"


def test_every_bundled_font_ships_with_its_licence_and_is_documented() -> None:
    folder = fonts_dir()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    licences = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("OFL-*.txt")}
    assert len(licences) == 3
    for text in licences.values():
        assert "SIL OPEN FONT LICENSE Version 1.1" in text
    for font in FONT_FILES:
        assert (folder / font.filename).is_file()
        assert font.filename in readme
    total = sum((folder / f.filename).stat().st_size for f in FONT_FILES)
    assert total < 5_000_000


def test_fonts_register_once_with_reportlab() -> None:
    fonts = bundled_fonts()
    assert bundled_fonts() is fonts
    for font in FONT_FILES:
        assert pdfmetrics.getFont(font.name) is not None


def test_the_scripts_amanat_prints_are_covered() -> None:
    fonts = bundled_fonts()
    arabic = fonts.face(Script.ARABIC)
    for bold in (False, True):
        assert all(fonts.face(Script.ARABIC, bold).has(c) for c in UYGHUR_ALPHABET)
        latin = fonts.face(Script.LATIN, bold)
        assert all(latin.has(c) for c in KAZAKH_CYRILLIC + KAZAKH_CYRILLIC.lower() + TURKISH)
    assert all(arabic.has(c) for c in "ەېۆۇۈۋىئ،؟؛")


def test_cjk_subset_covers_the_general_standard_characters() -> None:
    lines = (REPO / "tools" / "tgscc_2013.txt").read_text(encoding="utf-8").splitlines()
    chars = [line for line in lines if line and not line.startswith("#")]
    assert len(chars) == 8105
    cjk = bundled_fonts().face(Script.HAN)
    assert [c for c in chars if not cjk.has(c)] == []
    assert all(cjk.has(c) for c in "，。、：；？！（）《》「」“”…—·")


def test_every_character_of_the_form_definitions_and_catalogs_is_printable() -> None:
    fonts = bundled_fonts()
    texts: list[str] = []
    for path in [*REPO.glob("resources/forms/*.json"), *REPO.glob("resources/i18n/*/*.json")]:
        texts.append(json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False))
    chars = {c for text in texts for c in text if c.isprintable() and not c.isspace()}
    assert chars, "no form definition or catalog found"
    missing = {c for c in chars if fonts.face_for(c, script_of(c)) is None}
    assert missing == set()


def test_scripts_are_classified_for_font_choice() -> None:
    assert script_of("ئ") is Script.ARABIC
    assert script_of("Қ") is Script.LATIN
    assert script_of("汉") is Script.HAN
    assert script_of("，") is Script.HAN
    assert script_of("5") is Script.COMMON
    assert script_of("\u200c") is Script.INHERITED
    assert script_of("\u064e") is Script.INHERITED  # fatha rides on its letter


def test_unprintable_text_message_has_the_count_only() -> None:
    error = UnprintableText(frozenset("བོ"))
    assert "2" in error.message("en")
    assert "བ" not in error.message("en")
    assert error.exit_code == 8


def test_to_unicode_cmap_spells_shaped_glyphs_and_astral_characters() -> None:
    cmap = to_unicode_cmap("AAAAAA+X", [0x20, 0xF000, 0x2C27C], {0xF000: "ە"})
    assert "<00> <0020>" in cmap
    assert "<01> <06D5>" in cmap
    assert "<02> <D870DE7C>" in cmap  # UTF-16 surrogate pair


@pytest.mark.slow
def test_cjk_subset_rebuilds_byte_for_byte() -> None:
    source = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not source.is_file():
        pytest.skip("Debian fonts-noto-cjk is not installed (only needed to rebuild the font)")
    script = REPO / "tools" / "build_cjk_subset.py"
    result = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "identical" in result.stdout
