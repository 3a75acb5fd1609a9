"""Filled testimony PDFs: every field and script in the text, Uyghur shaping, footer, pages."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from intake.forms.definitions import FormRef, builtin_form
from intake.pdf import filled_fields
from intake.pdf import text as text_module
from intake.pdf.errors import UnsupportedFormLanguage
from intake.pdf.filled import human_size, record_qr_payload, render_testimony
from intake.pdf.fonts import Script, bundled_fonts
from intake.pdf.page_flow import MARGIN
from intake.pdf.shaping import shape_glyph_ids
from intake.pdf.testimony_view import TestimonyView
from intake.pdf.text import Line

from .filled_fixtures import (
    FINGERPRINT,
    ID_CARD_SHA,
    PREVIOUS_HASH,
    RECORD_HASH,
    example_content,
    example_view,
)
from .pdf_probe import page_count, pages, pdf_text, render_png


def render(
    tmp_path: Path,
    view: TestimonyView | None = None,
    lang: str = "en",
    *,
    redacted: bool = False,
    paper: str = "a4",
) -> Path:
    path = tmp_path / f"testimony-{lang}-{paper}{'-redacted' if redacted else ''}.pdf"
    with path.open("wb") as out:
        count = render_testimony(
            builtin_form(), view or example_view(), lang, out, redacted=redacted, paper=paper
        )
    assert page_count(path) == count
    return path


def squash(text: str) -> str:
    return "".join(text.split())


def test_latin_cyrillic_and_chinese_content_is_extractable(tmp_path: Path) -> None:
    text = squash(pdf_text(render(tmp_path, lang="ru")))
    wanted = [
        "Almaty, Kazakhstan",  # Latin
        "Гульнар Мемет",  # Russian Cyrillic
        "Нұрлан Серікұлы",  # Kazakh Cyrillic
        "Іле Қазақ автономиялы облысы",
        "吐尔逊·阿不力米提",  # Chinese
        "新疆维吾尔自治区",
        "653121196203081532",  # PRC ID (not redacted)
        "WhatsApp was found on his phone at a police checkpoint.",
        "Xinjiang Victims Database",  # a list item
        "Место интервью",  # labels in the chosen language
    ]
    missing = [w for w in wanted if squash(w) not in text]
    assert missing == []


def test_labels_vocabularies_and_values_by_type(tmp_path: Path) -> None:
    form = builtin_form()
    text = squash(pdf_text(render(tmp_path, lang="zh")))
    for section in form.sections:
        assert squash(section.label_in("zh")) in text
        for fdef in section.fields:
            assert squash(fdef.label_in("zh")) in text, fdef.id
    for vocabulary, code in [("status", "prison"), ("relation", "in_law"), ("gender", "male")]:
        assert squash(form.choice_label(vocabulary, code, "zh")) in text
    en = squash(pdf_text(render(tmp_path)))
    assert squash("2018-05 to 2019-01") in en  # date range
    assert squash("since 2017-11") in en
    assert squash("Names may be published No") in en  # boolean
    assert squash("Languages of the interview Uyghur, Kazakh, Russian") in en  # multichoice


def test_attachments_versions_and_provenance(tmp_path: Path) -> None:
    text = squash(pdf_text(render(tmp_path)))
    for wanted in [
        "tursun-id-card.jpg",
        "image/jpeg",
        ID_CARD_SHA,
        "1.8 MB (1\u202f834\u202f221 bytes)",
        "Version 1",
        PREVIOUS_HASH,
        "5f0c9b1e-2d3a-4c5b-8e7f-9a0b1c2d3e4f",
    ]:
        assert squash(wanted) in text, wanted
    assert human_size(999, "en") == "999 B"
    assert human_size(2_500_000_000, "en") == "2.5 GB (2\u202f500\u202f000\u202f000 bytes)"


def test_integrity_footer_on_every_page(tmp_path: Path) -> None:
    all_pages = pages(render(tmp_path))
    assert len(all_pages) >= 3
    for number, page in enumerate(all_pages, start=1):
        text = " ".join(w.text for w in page.words)
        assert RECORD_HASH in text
        assert FINGERPRINT in text
        assert "Signature: valid" in text
        assert "Bundle provenance: bundle 5f0c9b1e-2d3a-4c5b-8e7f-9a0b1c2d3e4f" in text
        assert f"Page {number} of {len(all_pages)}" in text


def test_signature_and_draft_states_are_stated(tmp_path: Path) -> None:
    bad = squash(pdf_text(render(tmp_path, example_view(signature="invalid"))))
    assert squash("Signature: NOT VALID") in bad
    draft = squash(pdf_text(render(tmp_path, example_view(status="draft"))))
    assert squash("Draft: no record hash yet") in draft
    assert RECORD_HASH not in draft
    unknown = dataclasses.replace(example_view(), provenance=None)
    assert squash("Bundle provenance: not recorded") in squash(pdf_text(render(tmp_path, unknown)))
    older = example_view()
    only_v1 = tuple(dataclasses.replace(p, version=1) for p in older.provenance or ())
    other = dataclasses.replace(older, provenance=only_v1)  # a bundle carried version 1 only
    text = squash(pdf_text(render(tmp_path, other)))
    assert squash("Bundle provenance: not received in a bundle") in text
    assert squash("5f0c9b1e-2d3a-4c5b-8e7f-9a0b1c2d3e4f") in text  # still listed


def test_qr_code_holds_the_record_hash(tmp_path: Path) -> None:
    if shutil.which("zbarimg") is None:
        pytest.skip("zbar-tools not installed (optional check of the QR payload)")
    png = render_png(render(tmp_path), tmp_path / "page", dpi=150, page=2)
    found = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
    assert found.stdout.strip() == record_qr_payload(example_view())
    assert RECORD_HASH.upper() in found.stdout


@pytest.mark.parametrize(
    ("lang", "paper"), [("en", "letter"), ("ug", "a4"), ("zh", "a4"), ("kk", "letter")]
)
def test_nothing_runs_off_the_page(tmp_path: Path, lang: str, paper: str) -> None:
    all_pages = pages(render(tmp_path, lang=lang, paper=paper))
    assert 3 <= len(all_pages) <= 8
    for page in all_pages:
        for word in page.words:
            assert word.x_min >= MARGIN - 0.5, word
            assert word.x_max <= page.width - MARGIN + 0.5, word
            assert word.y_min >= MARGIN - 0.5, word
            assert word.y_max <= page.height - MARGIN + 0.5, word


@pytest.fixture
def drawn_lines(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Line, float, float]]:
    """Every value line the filled form draws: (line, left x of its box, box width)."""
    seen: list[tuple[Line, float, float]] = []
    real_draw = text_module.draw

    def spy(canvas: Any, lines: list[Line], x: float, top: float, width: float, **kw: Any) -> float:
        seen.extend((line, x, width) for line in lines)
        return real_draw(canvas, lines, x, top, width, **kw)

    monkeypatch.setattr(filled_fields, "draw", spy)
    return seen


def shaped_ids(line: Line) -> list[int]:
    ids: list[int] = []
    for run in line.runs:
        assert run.glyphs is not None, "expected only Arabic-script runs"
        ids.extend(g.glyph_id for g in run.glyphs)
    return ids


UYGHUR_NAMES = ["گۈلنار مەمەت", "تۇرسۇن ئابلىمىت", "ئەركىن تۇرسۇن", "قەشقەر ۋىلايىتى"]


@pytest.mark.parametrize("lang", ["en", "ug"])
def test_uyghur_values_are_harfbuzz_shaped_right_to_left(
    tmp_path: Path, lang: str, drawn_lines: list[tuple[Line, float, float]]
) -> None:
    path = render(tmp_path, lang=lang)
    arabic = bundled_fonts().face(Script.ARABIC)
    for name in UYGHUR_NAMES:
        matches = [(line, x, w) for line, x, w in drawn_lines if line.text == name]
        assert matches, name
        for line, _x, _w in matches:
            assert line.rtl
            expected = [gid for gid, *_ in shape_glyph_ids(name, arabic, rtl=True)]
            assert shaped_ids(line) == expected
    words = set(pdf_text(path).split())
    for name in UYGHUR_NAMES:
        assert set(name.split()) <= words, name  # extractable, each word in logical order


def test_uyghur_page_is_mirrored(tmp_path: Path) -> None:
    form = builtin_form()
    first = pages(render(tmp_path, lang="ug"))[0]
    label = form.field("interview", "place")
    assert label is not None
    wanted = set(label.label_in("ug").split())
    words = [w for w in first.words if {w.text, w.text[::-1]} & wanted]  # -bbox: visual order
    assert max(w.x_max for w in words) == pytest.approx(first.width - MARGIN, abs=1)
    place = next(w for w in first.words if w.text.startswith("Almaty"))
    assert place.x_max < first.width * 0.7  # values sit left of the labels


def test_unprintable_and_bad_arguments(tmp_path: Path) -> None:
    form = builtin_form()
    with pytest.raises(UnsupportedFormLanguage):
        render_testimony(form, example_view(), "xx", io.BytesIO())
    other = dataclasses.replace(example_view(), form=FormRef("amanat.testimony", 99))
    with pytest.raises(ValueError, match="form definition"):
        render_testimony(form, other, "en", io.BytesIO())


def test_output_is_deterministic() -> None:
    first, second = io.BytesIO(), io.BytesIO()
    render_testimony(builtin_form(), example_view(), "kk", first)
    render_testimony(builtin_form(), example_view(), "kk", second)
    assert first.getvalue() == second.getvalue()


def test_empty_and_partial_content(tmp_path: Path) -> None:
    content = example_content()
    del content["victims"][1:]
    content["victims"][0] = {"names": {"latin": "Only A Name"}}
    del content["narrative"]
    text = squash(pdf_text(render(tmp_path, example_view(content, status="draft"))))
    assert squash("Only A Name") in text
    assert squash("What happened —") in text
    assert squash("Victim 2") not in text
