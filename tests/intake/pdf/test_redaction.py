"""Redacted testimony PDFs: sensitive values and unconsented names are not in the file at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from intake.forms.definitions import builtin_form
from intake.pdf.filled import render_testimony
from intake.sharing.redaction import WITHHELD, NameScrubber, names_may_be_published, redact

from .filled_fixtures import example_content, example_view
from .pdf_probe import pdf_text
from .pdf_streams import all_bytes, font_characters

MARK = "[X]"

SENSITIVE_VALUES = [
    "+7 700 000 0000",  # testifier contact
    "WhatsApp on the same number",
    "her son interpreted",  # interviewer's notes
    "653121196203081532",  # PRC ID numbers
    "65312119880921217X",
    "High blood pressure",  # health
    "Lost much weight",
]
NAMES = [
    "Gülnar",
    "Memet",
    "Гульнар",
    "گۈلنار",
    "古丽娜尔",
    "Gulnara",
    "Tursun",
    "Ablimit",
    "Турсун",
    "تۇرسۇن",
    "吐尔逊",
    "Tursunjan",
    "Erkin",
    "Эркин",
    "ئەركىن",
    "艾尔肯",
    "Nurlan",
    "Serikuly",
    "Нұрлан",
    "努尔兰",
]
# Chinese characters that occur only in names: no glyph for them may be in a redacted file.
NAME_ONLY_HAN = set("丽娜逊肯努兰赛")


def render(tmp_path: Path, content: dict[str, Any], redacted: bool, name: str) -> tuple[str, bytes]:
    path = tmp_path / f"{name}.pdf"
    with path.open("wb") as out:
        render_testimony(builtin_form(), example_view(content), "en", out, redacted=redacted)
    return pdf_text(path), path.read_bytes()


def test_redacted_pdf_contains_no_sensitive_value_and_no_name(tmp_path: Path) -> None:
    content = example_content()
    full_text, full_pdf = render(tmp_path, content, False, "full")
    text, pdf = render(tmp_path, content, True, "redacted")
    flat_full, flat = " ".join(full_text.split()), " ".join(text.split())
    for value in SENSITIVE_VALUES + NAMES:
        assert value in flat_full, value  # the test can see it when it is there
        assert value not in flat, value
    # The raw file too: Latin text is readable in decoded content streams, and the fonts'
    # ToUnicode maps list every character any embedded glyph stands for.
    assert b"Tursun" in all_bytes(full_pdf) and b"interpreted" in all_bytes(full_pdf)
    for value in ["Tursun", "Ablimit", "Gulnar", "interpreted", "653121196203081532", "Nurlan"]:
        assert value.encode() not in all_bytes(pdf), value
    assert font_characters(full_pdf) >= NAME_ONLY_HAN
    assert not NAME_ONLY_HAN & font_characters(pdf)
    # What may be shared is still there, and the reader is told what was left out.
    for kept in [
        "Almaty, Kazakhstan",
        "新疆维吾尔自治区",
        "Farmer and lorry driver",
        "since 2017-11",
    ]:
        assert kept in flat, kept
    assert "Withheld in this redacted copy" in flat
    assert "REDACTED COPY" in flat
    assert "Record hash (SHA-256) of the full, unredacted record" in flat
    assert "[name withheld] moved to Almaty in 2014" in flat  # the narrative keeps its sense


def test_file_names_of_attachments_lose_names_too(tmp_path: Path) -> None:
    text, _ = render(tmp_path, example_content(), True, "redacted")
    assert "tursun-id-card.jpg" not in text
    assert "[name withheld]-id-card.jpg" in " ".join(text.split())


def test_consent_to_publish_keeps_victims_names_but_not_sensitive_ones(tmp_path: Path) -> None:
    content = example_content()
    content["consent"]["publish_names"] = True
    text, _ = render(tmp_path, content, True, "consented")
    flat = " ".join(text.split())
    for name in ["Tursun Ablimit", "Турсун Аблимит", "吐尔逊·阿不力米提", "Nurlan Serikuly"]:
        assert name in flat, name
    # The testifier's name is a sensitive field: withheld, and taken out of the narrative.
    for name in ["Gülnar", "Гульнар", "古丽娜尔", "Gulnara"]:
        assert name not in flat, name
    assert "+7 700" not in flat


def test_consent_must_be_explicit() -> None:
    assert not names_may_be_published({})
    assert not names_may_be_published({"consent": {"publish_names": "yes"}})
    assert not names_may_be_published({"consent": {}})
    assert names_may_be_published({"consent": {"publish_names": True}})


def test_redact_replaces_values_and_drops_unknown_keys() -> None:
    content = example_content()
    content["interview"]["not_in_the_form"] = "Tursun's secret"
    result = redact(builtin_form(), content, MARK)
    assert result.content["testifier"]["names"] is WITHHELD
    assert result.content["testifier"]["contact"] is WITHHELD
    assert result.content["victims"][0]["prc_id"] is WITHHELD
    assert result.content["victims"][0]["names"] is WITHHELD
    assert result.content["victims"][0]["occupation"] == "Farmer and lorry driver"
    assert "not_in_the_form" not in result.content["interview"]
    assert result.withheld == 10  # notes, testifier names + contact; victims 3 + 2 + 2
    assert content["victims"][0]["names"]["latin"] == "Tursun Ablimit"  # input untouched


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tursun said", "[X] said"),
        ("tursun's shop", "[X]'s shop"),  # any case, possessive
        ("Tursunning öyi", "[X] öyi"),  # Uyghur Latin suffix
        ("у Турсуна дома", "у [X] дома"),  # Russian case ending
        ("تۇرسۇننىڭ ئۆيى", "[X] ئۆيى"),
        ("他叫吐尔逊，住在喀什", "他叫[X]，住在喀什"),
        ("Abdu-Tursun", "Abdu-[X]"),
        ("Atursun and Sun", "Atursun and Sun"),  # inside another word: left alone
    ],
)
def test_name_scrubber(text: str, expected: str) -> None:
    scrub = NameScrubber(
        ["Tursun Ablimit", "Турсун", "تۇرسۇن ئابلىمىت", "吐尔逊·阿不力米提"], "[X]"
    )
    assert scrub(text) == expected


def test_scrubber_without_names_changes_nothing() -> None:
    scrub = NameScrubber([], MARK)
    assert not scrub.active
    assert scrub("Tursun") == "Tursun"
