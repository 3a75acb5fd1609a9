"""Shortcuts in the text engine give the same answers as the long way round."""

from __future__ import annotations

import random

import pytest
import qrcode
from qrcode.constants import ERROR_CORRECT_M

from intake.pdf.bidi_levels import embedding_levels, full_embedding_levels
from intake.pdf.blank import qr_runs
from intake.pdf.fonts import Script, bundled_fonts

SAMPLES = [
    "Place of interview *",
    "2018-01 .. 2018-03 (12 years, 5%)",
    "Нұрлан Серікұлы, 1979 ж.",
    "吐尔逊·阿不力米提，1962年3月8日",
    "e\u0301te\u0301 — «quoted» [x] 1/2 +7 700",
    "Tursun ئابلىمىت 2017",  # right-to-left inside: takes the full algorithm
    "٢٠١٨ Arabic-Indic digits",  # AN digits: the full algorithm too
    "a\u202bb\u202cc",  # explicit embedding
]


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("base", [0, 1])
def test_bidi_shortcut_matches_the_full_algorithm(text: str, base: int) -> None:
    assert embedding_levels(text, base) == full_embedding_levels(text, base)


def test_bidi_shortcut_on_random_left_to_right_text() -> None:
    rng = random.Random(8)
    alphabet = "abcXYZ әқұ 0123456789 .,:;-+/%$#()[]«»—–'\"\u0301\u200d\t中文"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        assert embedding_levels(text, 0) == full_embedding_levels(text, 0), text


def test_cached_font_choice_is_the_uncached_one() -> None:
    fonts = bundled_fonts()
    for char, script in [("a", Script.LATIN), ("ә", Script.LATIN), ("中", Script.HAN)]:
        face = fonts.face_for(char, script)
        assert face is not None and face.has(char)
        assert fonts.face_for(char, script) is face
    assert fonts.face_for("ئ", Script.LATIN) is fonts.face(Script.ARABIC)  # fallback by coverage
    assert fonts.face_for("\U0001d11e", Script.LATIN) is None  # a musical symbol: no font


@pytest.mark.parametrize("value", ["amanat-form:amanat.testimony:v1:en:p1/7", "AMANAT-RECORD:AB"])
def test_qr_runs_cover_exactly_the_dark_modules(value: str) -> None:
    count, runs = qr_runs(value)
    dark = {(row, col + i) for row, col, length in runs for i in range(length)}
    assert len(dark) == sum(length for _, _, length in runs)  # runs never overlap
    reference = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    reference.add_data(value)
    reference.make(fit=True)
    matrix = reference.get_matrix()
    assert count == len(matrix)
    assert dark == {(r, c) for r, row in enumerate(matrix) for c, on in enumerate(row) if on}
