"""The multi-script text engine: extraction, Uyghur shaping and order, wrapping, missing glyphs."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from intake.pdf.bidi_levels import embedding_levels, paragraph_level, visual_order
from intake.pdf.errors import UnprintableText
from intake.pdf.fonts import Script, bundled_fonts
from intake.pdf.shaping import shape_glyph_ids
from intake.pdf.text import Line, draw, layout, text_height

from .pdf_probe import pages, pdf_text

UYGHUR = "ئامانەت ئەركىن ئۇيغۇرچە بېيجىڭ ئۆي ۋە ئۈچ ئۇرۇق تۇغقان گۇۋاھلىقى"
KAZAKH = "Ұсталған адамның әкесі, қызы және күйеуі туралы куәлік"
CHINESE = "关于被拘留者的亲属证词：乌鲁木齐、喀什、和田、阿克苏、吐鲁番"
LATIN = "Testimony of a relative about a detained person"


def render(tmp_path: Path, blocks: list[tuple[str, float]], box_width: float = 300) -> Path:
    """Draw each (text, size) block at the left margin of an A4 page, one under the other."""
    path = tmp_path / "text.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    top = A4[1] - 50
    for text, size in blocks:
        lines = layout(text, box_width, size)
        top -= draw(canvas, lines, 50, top, box_width) + 10
    canvas.save()
    return path


def glyph_ids(line: Line) -> list[int]:
    """The glyph ids of a line of shaped runs, in display order."""
    ids: list[int] = []
    for run in line.runs:
        assert run.glyphs is not None, "expected only Arabic-script runs"
        ids.extend(g.glyph_id for g in run.glyphs)
    return ids


def test_pdftotext_finds_latin_cyrillic_and_chinese(tmp_path: Path) -> None:
    text = pdf_text(render(tmp_path, [(LATIN, 11), (KAZAKH, 11), (CHINESE, 11)]))
    flat = "".join(text.split())
    for sample in (LATIN, KAZAKH, CHINESE):
        assert "".join(sample.split()) in flat


def test_uyghur_line_is_harfbuzz_shaping_of_the_whole_string() -> None:
    arabic = bundled_fonts().face(Script.ARABIC)
    [line] = layout(UYGHUR, 1000, 11)
    expected = [gid for gid, *_ in shape_glyph_ids(UYGHUR, arabic, rtl=True)]
    assert line.rtl
    assert glyph_ids(line) == expected
    advance = sum(adv for _, _, adv, _, _ in shape_glyph_ids(UYGHUR, arabic, rtl=True))
    size = 11 * arabic.file.scale
    assert line.width == pytest.approx(advance * size / arabic.units_per_em)


def test_wrapped_uyghur_starts_with_the_first_words_and_each_line_is_shaped() -> None:
    arabic = bundled_fonts().face(Script.ARABIC)
    lines = layout(UYGHUR, 120, 11)
    assert len(lines) >= 3
    assert lines[0].text.startswith("ئامانەت ئەركىن")
    assert " ".join(line.text.strip() for line in lines) == UYGHUR
    for line in lines:
        expected = [gid for gid, *_ in shape_glyph_ids(line.text.strip(), arabic, rtl=True)]
        assert glyph_ids(line) == expected
        assert line.width <= 120


def test_final_ae_and_hamza_take_their_joined_forms() -> None:
    arabic = bundled_fonts().face(Script.ARABIC)
    cmap = arabic.rl_font.face.charToGlyph
    [line] = layout("ئامانەت", 500, 11)
    ids = glyph_ids(line)  # display order: the last letter ت is on the left
    isolated_ae, isolated_hamza = cmap[ord("ە")], cmap[ord("ئ")]
    assert len(ids) == 7
    assert ids[-1] != isolated_hamza  # initial ئ, joined to ا
    assert ids[1] != isolated_ae  # final ە, joined to the ن before it
    [alone] = layout("ە", 500, 11)
    assert glyph_ids(alone) == [isolated_ae]


def test_uyghur_text_is_extractable_in_logical_order(tmp_path: Path) -> None:
    text = pdf_text(render(tmp_path, [(UYGHUR, 11)], box_width=450))
    for word in UYGHUR.replace("-", " ").split():
        assert word in text


def test_rtl_paragraph_aligns_right_and_keeps_embedded_latin_left_to_right(
    tmp_path: Path,
) -> None:
    text = "ئۇ Erkin Tohti بىلەن"
    [line] = layout(text, 400, 11)
    display = [run.text for run in line.runs if not run.is_space]
    assert display == ["بىلەن", "Erkin", "Tohti", "ئۇ"]  # left to right on the page
    path = tmp_path / "rtl.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    draw(canvas, [line], 50, 700, 400)
    canvas.save()
    # pdftotext -bbox lists right-to-left words with their letters in display order
    words = {w.text: w for w in pages(path)[0].words}
    assert words["ئۇ"[::-1]].x_max == pytest.approx(450, abs=0.5)  # starts at the right edge
    assert words["Erkin"].x_min < words["Tohti"].x_min


def test_neutral_brackets_in_rtl_text_are_mirrored() -> None:
    [line] = layout("ئامانەت (مارت)", 400, 11)
    plain = [run.display_text for run in line.runs if run.glyphs is None]
    # Noto Naskh has no parentheses: they come from Noto Sans, reversed and mirrored.
    assert plain == ["(", ")"]


@pytest.mark.parametrize("width", [60.0, 90.0, 150.0, 240.0])
def test_wrapping_keeps_every_line_within_the_width(width: float) -> None:
    rng = random.Random(8)
    words = (UYGHUR + " " + KAZAKH + " " + LATIN).split() + list(CHINESE)
    for _ in range(20):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))
        lines = layout(text, width, 10)
        assert all(line.width <= width + 1e-6 for line in lines), text
        assert "".join(text.split()) == "".join("".join(ln.text for ln in lines).split())


def test_chinese_wraps_between_characters_but_not_before_punctuation() -> None:
    lines = layout(CHINESE, 80, 10)
    assert len(lines) > 2
    assert all(line.width <= 80 for line in lines)
    assert not any(line.text[:1] in "，、：。" for line in lines)


def test_an_overlong_word_is_cut_to_fit() -> None:
    lines = layout("Ааааааааааааааааааааааааааааа", 40, 10)
    assert len(lines) > 1
    assert all(line.width <= 40 for line in lines)


def test_drawn_text_stays_inside_its_box(tmp_path: Path) -> None:
    path = render(tmp_path, [(UYGHUR, 12), (KAZAKH, 12), (CHINESE, 12), (LATIN, 12)], 150)
    for word in pages(path)[0].words:
        assert word.x_min >= 49.5, word
        assert word.x_max <= 200.5, word


def test_height_is_the_sum_of_line_heights_and_paragraphs_break() -> None:
    lines = layout("one\n\nтри", 300, 10)
    assert len(lines) == 3
    assert text_height(lines) == pytest.approx(sum(line.height for line in lines))
    assert lines[1].runs == ()


def test_a_character_no_font_has_is_reported_without_its_text() -> None:
    secret = "Tenzin བསྟན་འཛིན"
    with pytest.raises(UnprintableText) as caught:
        layout(secret, 300, 10)
    assert caught.value.missing == frozenset("བསྟན་འཛི")
    assert "བ" not in str(caught.value)


def test_missing_characters_can_be_collected_and_show_a_replacement(tmp_path: Path) -> None:
    missing: set[str] = set()
    lines = layout("ok \U0001f600 ok", 300, 10, missing=missing)
    assert missing == {"\U0001f600"}
    assert "\ufffd" in lines[0].text


def test_bidi_levels_and_visual_order() -> None:
    text = "ئۇ 2018 abc"
    assert paragraph_level(text) == 1
    assert paragraph_level(text, "ltr") == 0
    assert embedding_levels(text, 1) == [1, 1, 1, 2, 2, 2, 2, 1, 2, 2, 2]
    assert embedding_levels("a\u200db", 0) == [0, 0, 0]  # X9-removed ZWJ keeps a level
    assert visual_order([0, 1, 1, 2, 1, 0]) == [0, 4, 3, 2, 1, 5]
    assert visual_order([1, 2, 2, 1]) == [3, 1, 2, 0]
