"""Translations: the gettext catalogs are current, complete, valid, and read the way tr() reads.

The template is extracted with Babel's standard Python extractor, with babel.cfg and the same
keywords as the ``pybabel extract`` command in docs/translation-glossary.md; nothing here parses
the code by hand. Every language's ``.po`` must hold exactly the template's messages (nothing
missing, nothing unused), each translated (not empty, not fuzzy), with its placeholders, and
pass ``msgfmt --check`` (Debian package ``gettext``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tokenize
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from intake.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    format_number,
    format_size,
    format_time_of_day,
    format_timestamp,
    is_rtl,
    ntr,
    ptr,
    set_language,
    tr,
)
from tests.conftest import REPO

KEYWORDS = ["tr", "ntr:1,2", "ptr:1c,2", "N_"]  # as in docs/translation-glossary.md
TEMPLATE = REPO / "resources" / "i18n" / "amanat.pot"
TRANSLATED = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]
PLACEHOLDER = re.compile(r"\{(\w+)\}")

Key = tuple[str | None, str]  # (context, singular msgid)
MessageId = str | tuple[str, ...]


def po_path(lang: str) -> Path:
    return REPO / "resources" / "i18n" / lang / "LC_MESSAGES" / "amanat.po"


@cache
def extracted() -> dict[Key, MessageId]:
    """What ``pybabel extract -F babel.cfg --no-default-keywords -k …`` finds in the code."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    found: dict[Key, MessageId] = {}
    for _, _, message, _, context in extract_from_dir(
        str(REPO), method_map, options_map, keywords=parse_keywords(KEYWORDS)
    ):
        singular = message if isinstance(message, str) else message[0]
        found[(context, singular)] = message
    return found


@cache
def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po)


def messages(path: Path) -> dict[Key, MessageId]:
    return {
        (m.context, m.id if isinstance(m.id, str) else m.id[0]): (
            m.id if isinstance(m.id, str) else tuple(m.id)
        )
        for m in read_catalog(path)
        if m.id
    }


def test_no_translation_call_hides_inside_an_f_string() -> None:
    """pybabel on Python 3.11 cannot see into f-strings: tr() there would never be translated."""
    call = re.compile(r"\b(?:[np]?tr|N_)\(")
    hidden = []
    for package in ("intake", "ui"):
        for path in sorted((REPO / package).rglob("*.py")):
            with path.open("rb") as source:
                for token in tokenize.tokenize(source.readline):
                    if (
                        token.type == tokenize.STRING
                        and re.match(r"(?i)[rb]*f", token.string)
                        and call.search(token.string)
                    ):
                        hidden.append(f"{path.relative_to(REPO)}:{token.start[0]}")
    assert not hidden, f"write tr('x') + f'...' instead: {hidden}"


def test_template_is_current() -> None:
    """The committed .pot is what pybabel extracts now (run the command in the glossary doc)."""
    in_code, in_template = extracted(), messages(TEMPLATE)
    assert len(in_code) > 700
    new = sorted(map(str, in_code.keys() - in_template.keys()))
    gone = sorted(map(str, in_template.keys() - in_code.keys()))
    assert not new and not gone, f"amanat.pot is stale: new {new}, gone {gone}"
    changed = [key for key in in_code if in_code[key] != in_template[key]]
    assert not changed, f"plural forms changed: {changed}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_has_exactly_the_template_messages(lang: str) -> None:
    template, catalog = messages(TEMPLATE), messages(po_path(lang))
    missing = sorted(map(str, template.keys() - catalog.keys()))
    unused = sorted(map(str, catalog.keys() - template.keys()))
    assert not missing, f"{lang}: not in the catalog (run pybabel update): {missing}"
    assert not unused, f"{lang}: in the catalog but no longer in the code: {unused}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang: str) -> None:
    untranslated = [
        str(m.id)
        for m in read_catalog(po_path(lang))
        if m.id
        and (
            m.fuzzy
            or not m.string
            or (not isinstance(m.string, str) and not all(m.string))  # a plural form is empty
        )
    ]
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated or fuzzy: {untranslated}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_survive_translation(lang: str) -> None:
    for m in read_catalog(po_path(lang)):
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        strings = [m.string] if isinstance(m.string, str) else list(m.string or ())
        for text in strings:
            found = set(PLACEHOLDER.findall(text))
            # a language with one plural form may leave {n} out of no form; others keep all
            assert found == wanted or (found == wanted - {"n"} and len(strings) > 1), (lang, m.id)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_plural_rules_are_cldr_via_babel(lang: str) -> None:
    catalog = read_catalog(po_path(lang))
    assert catalog.plural_forms == get_plural(lang).plural_forms
    for m in catalog:
        if m.id and m.pluralizable:
            assert len(m.string or ()) == catalog.num_plurals, (lang, m.id)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_msgfmt_check_passes(lang: str) -> None:
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt is missing: install the Debian package gettext (./dev setup does)"
    result = subprocess.run(
        [msgfmt, "--check", "--output-file=/dev/null", str(po_path(lang))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_tr_switches_language_and_falls_back() -> None:
    try:
        set_language("ru")
        assert tr("Wrong passphrase.") == "Неверная парольная фраза."
        assert tr("no such message id {x}", x=1) == "no such message id 1"
        assert is_rtl("ug") and not is_rtl()
    finally:
        set_language("en")
    assert tr("Wrong passphrase.") == "Wrong passphrase."


def test_context_keeps_two_meanings_apart() -> None:
    """A bundle's "Created" and a record's: one merged entry in the old JSON catalogs."""
    assert ptr("bundle", "Created", lang="kk") == "Жасалған уақыты"
    assert tr("Created", lang="kk") == "Жасалған күні"
    assert ptr("bundle", "Created", lang="en") == "Created"


def test_numbers_follow_the_language() -> None:
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(1234567, "ru") == "1\xa0234\xa0567"
    assert format_number(1234567, "tr") == "1.234.567"
    assert format_number(7, "ru") == "7"


def test_sizes_follow_the_language() -> None:
    assert format_size(999, "en") == "999 bytes"
    assert format_size(1, "ru") == "1 байт"
    assert format_size(3_400_000, "en") == "3.4\u00a0MB"
    assert format_size(3_400_000, "ru") == "3,4\u00a0МБ"  # the decimal comma, CLDR's unit
    assert format_size(21_000, "tr") == "21\u00a0kB"
    assert format_size(12 << 30, "kk") == "13\u00a0ГБ"
    assert format_size(999_999, "en") == "1\u00a0MB"  # not "1,000 kB"
    assert format_size(1_234_000_000_000_000, "en") == "1,234\u00a0TB"  # grouped, largest unit


STAMP = "2024-05-01T22:20:30Z"  # as records store moments: UTC, to the second


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "May 1, 2024, 10:20\u202fPM"),
        ("ru", "1 мая 2024\u202fг., 22:20"),
        ("kk", "2024\u202fж. 01 мам., 22:20"),
        ("tr", "1 May 2024 22:20"),
        ("zh", "2024年5月1日 22:20"),
        ("ug", "1-ماي، 2024، 22:20"),
    ],
)
def test_recorded_moments_follow_the_language(lang: str, text: str) -> None:
    """Month in words, the language's order: nobody reads 05/01 as the wrong day."""
    assert format_timestamp(STAMP, lang, tz=UTC) == text


def test_the_time_of_day_follows_the_language() -> None:
    moment = datetime(2024, 5, 1, 22, 20, 30)
    assert format_time_of_day(moment, "en") == "10:20:30\u202fPM"
    assert format_time_of_day(moment, "ru") == "22:20:30"


def test_recorded_moments_are_shown_in_local_time() -> None:
    almaty = timezone(timedelta(hours=5))
    assert format_timestamp(STAMP, "en", tz=almaty) == "May 2, 2024, 3:20\u202fAM"
    assert format_timestamp("2024-05-01T22:20:30", "en", tz=UTC) == "May 1, 2024, 10:20\u202fPM"
    assert format_timestamp("", "en") == ""
    assert format_timestamp("not a time", "en") == "not a time"


def test_error_messages_are_translated() -> None:
    from intake.vault.errors import VaultNotFound

    err = VaultNotFound(path="/x")
    assert err.message("en") == "No vault was found in /x."
    assert err.message("kk") != err.message("en") and "/x" in err.message("kk")


def test_counts_take_the_plural_form_of_the_language() -> None:
    """No more "1 testimonies": English has two forms, Russian three, Chinese one (CLDR)."""
    forms = ("{n} testimony", "{n} testimonies")
    assert [ntr(*forms, n, lang="en") for n in (1, 2)] == ["1 testimony", "2 testimonies"]
    assert [ntr(*forms, n, lang="ru") for n in (1, 3, 5, 11, 21, 22)] == [
        "1 показание",
        "3 показания",
        "5 показаний",
        "11 показаний",
        "21 показание",
        "22 показания",
    ]
    assert ntr(*forms, 1, lang="zh") == "1 份证词" and ntr(*forms, 7, lang="zh") == "7 份证词"
    assert ntr(*forms, 1234, lang="kk") == "1\xa0234 айғақ"
    assert ntr("{n} byte", "{n} bytes", 1234, lang="en", n="1 234") == "1 234 bytes"


def test_errors_with_a_count_take_the_plural_form() -> None:
    from intake.forms.validation import Problem
    from intake.pdf.errors import UnprintableText
    from intake.testimonies.errors import ValidationFailed

    one = ValidationFailed([Problem("/x", "m", "error", "c"), Problem("/y", "m", "warning", "c")])
    assert "has 1 problem to fix" in one.message("en")
    assert "3 проблемы" in ValidationFailed([Problem("/x", "m", "error", "c")] * 3).message("ru")
    assert UnprintableText(frozenset("\U0001f600")).message("en").startswith("1 character cannot")
