"""``amanat pdf blank`` and ``amanat pdf testimony``: files written atomically, typed errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.cli.main import main
from intake.forms.definitions import builtin_form
from intake.i18n import LANGUAGES

from .pdf_probe import page_count, pdf_text


def squash(text: str) -> str:
    return "".join(text.split())


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.mark.parametrize("langs", [*LANGUAGES, "en,ug"])
def test_blank_form_in_every_language(
    tmp_path: Path, langs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "form.pdf"
    assert main(["pdf", "blank", "--lang", langs, "-o", str(out)]) == 0
    pages = page_count(out)
    assert pages >= 5
    assert f"({pages} pages)" in capsys.readouterr().out
    text = squash(pdf_text(out))
    for lang in langs.split(","):
        title = builtin_form().title_in(lang)
        if lang == "ug":  # poppler orders right-to-left lines by itself: compare words
            assert set(title.split()) <= set(pdf_text(out).split())
        else:
            assert squash(title) in text
    assert leftovers(tmp_path) == []


def test_blank_letter_paper_and_victim_blocks(tmp_path: Path) -> None:
    out = tmp_path / "form.pdf"
    out.write_bytes(b"an older file")  # replaced, as asked
    args = ["pdf", "blank", "--lang", "en", "--paper", "letter", "--victims", "4", "-o", str(out)]
    assert main(args) == 8  # not without --overwrite (intake/bundles/files.py)
    assert out.read_bytes() == b"an older file"
    assert main([*args, "--overwrite"]) == 0
    assert "Victim 4" in pdf_text(out)
    assert out.stat().st_mode & 0o077 == 0  # the user's own file


def test_a_planted_link_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep")
    (tmp_path / "form.pdf.part").symlink_to(target)
    assert main(["pdf", "blank", "--lang", "en", "-o", str(tmp_path / "form.pdf")]) == 8
    assert target.read_text() == "keep"
    assert (tmp_path / "form.pdf.part").is_symlink()  # not removed: not a file we wrote


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--lang", "xx"], 2),  # unknown language
        (["--lang", "en,kk,ug"], 2),  # three languages
        (["--victims", "0"], 2),
    ],
)
def test_blank_bad_arguments_write_nothing(
    tmp_path: Path, args: list[str], code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "form.pdf"
    assert main(["pdf", "blank", *args, "-o", str(out)]) == code
    assert capsys.readouterr().err.startswith("amanat: ")
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_unwritable_output_is_a_typed_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "no-such-folder" / "form.pdf"
    assert main(["pdf", "blank", "--lang", "en", "-o", str(out)]) == 1
    assert "Cannot write" in capsys.readouterr().err


def test_error_messages_follow_the_interface_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMANAT_LANG", "ru")
    try:
        assert main(["pdf", "blank", "--lang", "xx", "-o", str(tmp_path / "f.pdf")]) == 2
    finally:
        from intake.i18n import set_language

        set_language("en")
    err = capsys.readouterr().err
    assert "xx" in err and "Forms can be printed" not in err
