"""Blank testimony forms: pages, labels in each language, QR and chrome, nothing off the page."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from intake.forms.definitions import builtin_form
from intake.pdf.blank import qr_payload, render_blank_form
from intake.pdf.errors import TooManyFormLanguages, UnsupportedFormLanguage, UnsupportedPaper
from intake.pdf.page_flow import MARGIN

from .pdf_probe import page_count, pages, pdf_text, render_png


def render(tmp_path: Path, langs: list[str], paper: str = "a4", victims: int = 2) -> Path:
    path = tmp_path / f"blank-{'-'.join(langs)}-{paper}.pdf"
    with path.open("wb") as out:
        count = render_blank_form(builtin_form(), langs, paper, out, victims=victims)
    assert page_count(path) == count
    return path


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("langs", [["en"], ["kk"], ["ru", "zh"], ["tr", "ug"]])
def test_labels_of_every_language_are_in_the_pdf(tmp_path: Path, langs: list[str]) -> None:
    form = builtin_form()
    path = render(tmp_path, langs)
    text = squash(pdf_text(path))
    for lang in langs:
        wanted = [form.title_in(lang)]
        for section in form.sections:
            wanted.append(section.label_in(lang))
            wanted += [f.label_in(lang) for f in section.fields]
        for entry in form.vocabularies["status"]:
            wanted.append(entry.label[lang])
        missing = [w for w in wanted if squash(w) not in text]
        if lang == "ug":  # poppler puts punctuation of RTL lines elsewhere: compare words
            words = set(pdf_text(path).split())
            words |= {w.strip("()") for w in words}
            missing = [
                w for w in missing if not set(w.replace("(", "").replace(")", "").split()) <= words
            ]
        assert missing == []


def test_victim_blocks_repeat_and_consent_has_signature_lines(tmp_path: Path) -> None:
    text = pdf_text(render(tmp_path, ["en"], victims=3))
    for n in (1, 2, 3):
        assert f"Victim {n}" in text
    assert "Victim 4" not in text
    assert "Signature of the person giving testimony" in text
    assert "Signature of the interviewer" in text
    assert text.index("Consent") < text.index("Signature of the interviewer")


def test_every_page_has_number_form_id_and_qr(tmp_path: Path) -> None:
    path = render(tmp_path, ["en", "kk"], "letter")
    all_pages = pages(path)
    assert len(all_pages) > 3
    for number, page in enumerate(all_pages, start=1):
        text = " ".join(w.text for w in page.words)
        assert f"Page {number} of {len(all_pages)}" in text
        assert "amanat.testimony · v1" in text
    assert (
        qr_payload(builtin_form(), ["en", "kk"], 2, 9)
        == "amanat-form:amanat.testimony:v1:en+kk:p2/9"
    )


@pytest.mark.parametrize(
    ("langs", "paper"), [(["en"], "letter"), (["ug"], "a4"), (["zh", "ug"], "a4")]
)
def test_nothing_runs_off_the_page(tmp_path: Path, langs: list[str], paper: str) -> None:
    for page in pages(render(tmp_path, langs, paper)):
        for word in page.words:
            assert word.x_min >= MARGIN - 0.5, word
            assert word.x_max <= page.width - MARGIN + 0.5, word
            assert word.y_min >= MARGIN - 0.5, word
            assert word.y_max <= page.height - MARGIN + 0.5, word


def test_uyghur_form_is_laid_out_right_to_left(tmp_path: Path) -> None:
    form = builtin_form()
    first = pages(render(tmp_path, ["ug"]))[0]
    title = form.title_in("ug")
    header = [w for w in first.words if w.text in (title, title[::-1]) and w.y_max < 100]
    assert max(w.x_max for w in header) == pytest.approx(first.width - MARGIN, abs=1)


def test_qr_code_decodes(tmp_path: Path) -> None:
    if shutil.which("zbarimg") is None:
        pytest.skip("zbar-tools not installed (optional check of the QR payload)")
    png = render_png(render(tmp_path, ["en"]), tmp_path / "page", dpi=150, page=2)
    found = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
    assert found.stdout.strip().startswith("amanat-form:amanat.testimony:v1:en:p2/")


def test_output_is_deterministic() -> None:
    first, second = io.BytesIO(), io.BytesIO()
    render_blank_form(builtin_form(), ["kk"], "a4", first)
    render_blank_form(builtin_form(), ["kk"], "a4", second)
    assert first.getvalue() == second.getvalue()


def test_bad_arguments_are_typed_errors() -> None:
    form = builtin_form()
    with pytest.raises(UnsupportedPaper):
        render_blank_form(form, ["en"], "a5", io.BytesIO())
    with pytest.raises(UnsupportedFormLanguage):
        render_blank_form(form, ["xx"], "a4", io.BytesIO())
    with pytest.raises(TooManyFormLanguages):
        render_blank_form(form, ["en", "kk", "ug"], "a4", io.BytesIO())
