"""The built-in testimony form: structure, stable codes, six languages, strict loading."""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from intake.forms.definitions import (
    FIELD_TYPES,
    PART_IDS,
    builtin_form,
    form_from_dict,
    load_form,
    localized,
)
from intake.forms.errors import FormDefinitionError
from intake.i18n import LANGUAGES, set_language
from tests.conftest import REPO

FORM_PATH = REPO / "resources" / "forms" / "testimony.v1.json"


def raw_form() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FORM_PATH.read_text(encoding="utf-8"))
    return data


def test_builtin_form_loads_with_its_id_and_version() -> None:
    form = builtin_form()
    assert (form.id, form.version) == ("amanat.testimony", 1)
    assert [s.id for s in form.sections] == [
        "interview",
        "testifier",
        "victims",
        "narrative",
        "consent",
    ]
    victims = form.section("victims")
    assert victims is not None and victims.repeatable and victims.min == 1


def test_every_label_and_help_exists_in_all_six_languages() -> None:
    assert set(LANGUAGES) == {"en", "kk", "ug", "ru", "zh", "tr"}
    assert builtin_form().missing_translations() == []
    assert builtin_form().languages == tuple(LANGUAGES)


def test_every_field_type_is_used_by_the_default_form() -> None:
    used = {f.type for s in builtin_form().sections for f in s.fields}
    assert used == FIELD_TYPES


def test_parts_of_names_and_hometown_are_labelled() -> None:
    assert set(builtin_form().parts) == set(PART_IDS)


# Codes are stored in records and exchanged in bundles: changing one breaks old data.
STABLE_CODES = {
    "gender": ["female", "male", "unknown"],
    "ethnicity": ["uyghur", "kazakh", "kyrgyz", "hui", "uzbek", "tatar", "tajik", "han", "other"],
    "status": [
        "detained_camp",
        "prison",
        "released",
        "under_surveillance",
        "forced_labour",
        "deceased",
        "missing",
        "unknown",
    ],
    "how_obtained": ["direct", "third_party", "media"],
    "language": ["kk", "ug", "ru", "zh", "tr", "en", "ky", "uz", "other"],
}


@pytest.mark.parametrize(("vocabulary", "codes"), sorted(STABLE_CODES.items()))
def test_vocabulary_codes_are_stable(vocabulary: str, codes: list[str]) -> None:
    assert list(builtin_form().codes(vocabulary)) == codes


def test_relation_vocabulary_reads_from_the_testifier() -> None:
    form = builtin_form()
    codes = form.codes("relation")
    assert {"self", "spouse", "parent", "child", "sibling", "fellow_detainee", "other"} <= set(
        codes
    )
    relation = form.field("victims", "relation")
    assert relation is not None and relation.required
    assert "son or daughter" in relation.help_in("en")


def test_sensitive_marks() -> None:
    form = builtin_form()
    sensitive = {f"{s.id}.{f.id}" for s in form.sections for f in s.fields if f.sensitive}
    assert {"testifier.names", "testifier.contact", "victims.prc_id"} <= sensitive
    assert "victims.status" not in sensitive


def test_lookups_fall_back_to_english() -> None:
    form = builtin_form()
    assert form.choice_label("status", "missing", "ru") == "Пропал(а) без вести"
    assert form.choice_label("status", "missing", "xx") == "Missing, whereabouts unknown"
    assert form.choice_label("status", "no_such_code", "ru") == "no_such_code"
    assert localized({"en": "Name", "ug": "ئىسمى"}, "kk") == "Name"
    assert localized(None) == ""
    assert form.part_label("county", "zh") == "县/县级市"
    try:
        set_language("ug")
        assert form.title_in() == "گۇۋاھلىق"
    finally:
        set_language("en")


def _translations(value: object) -> Iterator[dict[str, str]]:
    if isinstance(value, dict):
        if "en" in value and all(isinstance(v, str) for v in value.values()):
            yield value
        for item in value.values():
            yield from _translations(item)
    elif isinstance(value, list):
        for item in value:
            yield from _translations(item)


def test_translations_use_the_right_letters() -> None:
    """Uyghur uses Uyghur letters (not Persian ی ک ه); Cyrillic words have no Latin lookalikes."""
    found = list(_translations(raw_form()))
    assert len(found) > 100
    for text in found:
        for char in text["ug"]:
            assert char not in "یکه", text["ug"]
            assert not char.isalpha() or "\u0600" <= char <= "\u06ff" or char == "X", text["ug"]
        for lang in ("kk", "ru"):
            for word in re.findall(r"\w+", text[lang]):
                scripts = {unicodedata.name(c).split()[0] for c in word if c.isalpha()}
                assert len(scripts) <= 1, (lang, word)
        assert any("\u4e00" <= c <= "\u9fff" for c in text["zh"]), text["zh"]


# --- strict loading ------------------------------------------------------------------------


def _broken(change: str) -> dict[str, Any]:
    form = raw_form()
    victims = form["sections"][2]
    if change == "unknown_top_key":
        form["colour"] = "red"
    elif change == "unknown_field_key":
        victims["fields"][0]["hidden"] = True
    elif change == "dangling_vocabulary":
        victims["fields"][1]["vocabulary"] = "sex"
    elif change == "choice_without_vocabulary":
        del victims["fields"][1]["vocabulary"]
    elif change == "unknown_type":
        victims["fields"][0]["type"] = "photo"
    elif change == "duplicate_field":
        victims["fields"].append(copy.deepcopy(victims["fields"][0]))
    elif change == "duplicate_code":
        form["vocabularies"]["gender"].append(copy.deepcopy(form["vocabularies"]["gender"][0]))
    elif change == "label_without_english":
        del victims["fields"][0]["label"]["en"]
    elif change == "bad_cross_check":
        victims["fields"][4]["cross_check"] = {"birth_date": "occupation"}
    elif change == "min_above_max":
        victims["min"] = 60
    elif change == "max_length_on_boolean":
        form["sections"][4]["fields"][0]["max_length"] = 10
    elif change == "bad_id":
        form["id"] = "Amanat Testimony"
    elif change == "version_zero":
        form["version"] = 0
    elif change == "item_label_on_plain_section":
        form["sections"][0]["item_label"] = {"en": "Interview"}
    return form


@pytest.mark.parametrize(
    "change",
    [
        "unknown_top_key",
        "unknown_field_key",
        "dangling_vocabulary",
        "choice_without_vocabulary",
        "unknown_type",
        "duplicate_field",
        "duplicate_code",
        "label_without_english",
        "bad_cross_check",
        "min_above_max",
        "max_length_on_boolean",
        "bad_id",
        "version_zero",
        "item_label_on_plain_section",
    ],
)
def test_loader_rejects_broken_definitions(change: str) -> None:
    with pytest.raises(FormDefinitionError) as info:
        form_from_dict(_broken(change))
    assert info.value.exit_code == 7
    assert "not valid" in info.value.message("en")


def test_loader_accepts_the_file_and_rejects_non_json() -> None:
    assert load_form(FORM_PATH.read_bytes()) == builtin_form()
    with pytest.raises(FormDefinitionError):
        load_form(b"\xff\xfe not json")
    with pytest.raises(FormDefinitionError):
        load_form(b"[]")


def test_unknown_builtin_form() -> None:
    with pytest.raises(FormDefinitionError):
        builtin_form("amanat.testimony", 99)


def test_cached_builtin_form_is_read_only() -> None:
    form = builtin_form()
    with pytest.raises(TypeError):
        form.vocabularies["gender"] = ()  # type: ignore[index]
    with pytest.raises(TypeError):
        form.title["en"] = "Changed"  # type: ignore[index]
