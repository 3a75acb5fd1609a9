"""Validation of testimony content: each field type, required fields, unknown keys, limits."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.forms.definitions import builtin_form
from intake.forms.normalization import normalize_content
from intake.forms.shape import shape_fits
from intake.forms.validation import MAX_PROBLEMS, Problem, has_errors, validate_content
from intake.testimonies.content import DRAFT_BLOCKING
from tests.conftest import REPO

FORM = builtin_form()
TODAY = date(2019, 5, 1)


def minimal() -> dict[str, Any]:
    """The smallest content that passes: every required field, nothing else."""
    return {
        "interview": {"place": "Almaty", "date": "2019-04", "languages": ["kk"]},
        "testifier": {"names": {"latin": "Aigul"}, "how_obtained": "direct"},
        "victims": [{"names": {"cyrillic": "Ерлан"}, "relation": "spouse", "status": "missing"}],
        "narrative": {"text": "He did not come home."},
        "consent": {"publish_names": False, "may_contact_again": True},
    }


def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (REPO / "docs" / "examples" / "testimony.json").read_text(encoding="utf-8")
    )
    return dict(data["content"])


def problems(content: object, lang: str = "en") -> list[Problem]:
    return validate_content(FORM, content, lang=lang, today=TODAY)


def codes(content: object) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in problems(content)]


def with_victim(**fields: object) -> dict[str, Any]:
    content = minimal()
    content["victims"][0].update(fields)
    return content


def test_minimal_and_example_content_are_valid() -> None:
    assert problems(minimal()) == []
    assert problems(example()) == []


def test_required_fields_are_named_in_the_users_language() -> None:
    content = minimal()
    del content["victims"][0]["status"]
    content["interview"]["place"] = "   "
    found = problems(content, lang="ru")
    assert [(p.path, p.code, p.severity) for p in found] == [
        ("/interview/place", "required", "error"),
        ("/victims/0/status", "required", "error"),
    ]
    assert found[0].message == "Интервью › Место интервью: это поле обязательно."
    assert found[1].message == "Пострадавший 1 › Нынешнее положение: это поле обязательно."
    uyghur = problems(content, lang="ug")[1].message
    assert uyghur.startswith("زىيانكەشلىككە ئۇچرىغۇچى 1 › ھازىرقى ئەھۋالى:")
    assert problems(content, lang="tr")[1].message.startswith("1. Mağdur › Şu anki durumu:")


def test_missing_sections_and_too_few_victims() -> None:
    assert ("/victims", "too_few") in codes({**minimal(), "victims": []})
    missing = codes({})
    assert ("/victims", "too_few") in missing
    assert ("/narrative/text", "required") in missing
    assert ("/consent/publish_names", "required") in missing


def test_unknown_keys_are_rejected_everywhere() -> None:
    content = minimal()
    content["extra"] = {}
    content["interview"]["weather"] = "sunny"
    content["victims"][0]["names"]["greek"] = "Τουρσουν"
    content["victims"][0]["hometown"] = {"planet": {"local": "Earth"}, "county": {"en": "x"}}
    assert codes(content) == [
        ("/interview/weather", "unknown_field"),
        ("/victims/0/names/greek", "unknown_field"),
        ("/victims/0/hometown/planet", "unknown_field"),
        ("/victims/0/hometown/county/en", "unknown_field"),
        ("/extra", "unknown_field"),
    ]
    message = problems(content)[0].message
    assert message == "Interview › weather: this is not part of the form."


def test_unknown_keys_are_not_echoed_when_they_look_like_content() -> None:
    content = minimal()
    content["interview"]["Tursun Ablimit 653121196203081532"] = "x"
    found = problems(content)
    assert found[0].code == "unknown_field"
    assert "Tursun" not in found[0].message and "6531" not in found[0].message


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ("interview", "place", 12),
        ("interview", "date", 2019),
        ("interview", "languages", "kk"),
        ("testifier", "names", "Aigul"),
        ("testifier", "how_obtained", ["direct"]),
        ("consent", "publish_names", "no"),
        ("consent", "share_with", "Amnesty"),
        ("narrative", "text", ["a", "b"]),
    ],
)
def test_wrong_types(section: str, field: str, value: object) -> None:
    content = minimal()
    content[section][field] = value
    assert codes(content) == [(f"/{section}/{field}", "wrong_type")]


def test_wrong_types_of_sections_and_entries() -> None:
    assert ("", "wrong_type") in codes(["not", "an", "object"])
    assert ("/victims", "wrong_type") in codes({**minimal(), "victims": {"names": {}}})
    assert ("/victims/0", "wrong_type") in codes({**minimal(), "victims": ["Tursun"]})
    assert ("/interview", "wrong_type") in codes({**minimal(), "interview": []})


def test_text_length_lines_and_control_characters() -> None:
    content = minimal()
    content["interview"]["place"] = "x" * 501
    content["victims"][0]["occupation"] = "farmer\ndriver"
    content["victims"][0]["sentence"] = "ten\x00years"
    content["victims"][0]["health"] = "line one\nline two\ttabbed"  # multiline allows these
    assert codes(content) == [
        ("/interview/place", "too_long"),
        ("/victims/0/occupation", "single_line"),
        ("/victims/0/sentence", "bad_characters"),
    ]
    assert "501" in problems(content)[0].message and "500" in problems(content)[0].message


def test_lone_surrogates_are_rejected() -> None:
    content = minimal()
    content["narrative"]["text"] = "broken \ud800 text"
    assert codes(content) == [("/narrative/text", "bad_characters")]


def test_narrative_has_its_own_larger_limit() -> None:
    content = minimal()
    content["narrative"]["text"] = "a" * 150_000
    assert problems(content) == []
    content["narrative"]["text"] = "a" * 200_001
    assert codes(content) == [("/narrative/text", "too_long")]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1975", None),
        ("1975-06", None),
        ("1975-06-12", None),
        ("1975-6", "date_format"),
        ("1975-13", "date_format"),
        ("1975-02-30", "date_format"),
        ("12.06.1975", "date_format"),
        ("١٩٧٥", "date_format"),  # Arabic-Indic digits are not accepted silently
        ("1875", "date_year_range"),
        ("2020", "date_future"),
    ],
)
def test_fuzzy_dates(value: str, code: str | None) -> None:
    found = codes(with_victim(birth_date=value))
    assert found == ([] if code is None else [("/victims/0/birth_date", code)])


def test_future_date_is_only_a_warning() -> None:
    found = problems(with_victim(last_contact="2020-01"))
    assert [(p.code, p.severity) for p in found] == [("date_future", "warning")]
    assert not has_errors(found)
    assert validate_content(FORM, with_victim(last_contact="2020-01")) == []  # no today given


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2018-01 .. 2018-03", None),
        ("2018-01..2018-03", None),
        ("2018-04 ..", None),
        (".. 2019", None),
        ("2018-03-05 .. 2018-03", None),
        ("2018 .. 2030", None),  # a known end may lie in the future (a sentence)
        ("2018", "date_range_format"),
        ("2018 - 2019", "date_range_format"),
        ("..", "date_range_empty"),
        ("2019 .. 2018-06", "date_range_order"),
        ("2018-13 .. 2019", "date_format"),
        ("2020 ..", "date_future"),
    ],
)
def test_date_ranges(value: str, code: str | None) -> None:
    found = codes(with_victim(detention_dates=value))
    assert found == ([] if code is None else [("/victims/0/detention_dates", code)])


def test_choices_and_multichoices() -> None:
    assert codes(with_victim(status="in_camp")) == [("/victims/0/status", "not_in_vocabulary")]
    assert codes(with_victim(status="Missing")) == [("/victims/0/status", "not_in_vocabulary")]
    content = minimal()
    content["interview"]["languages"] = ["kk", "kk"]
    assert codes(content) == [("/interview/languages", "duplicate_choice")]
    content["interview"]["languages"] = ["kk", "klingon"]
    assert codes(content) == [("/interview/languages", "not_in_vocabulary")]
    content["interview"]["languages"] = ["kk", 1]
    assert codes(content) == [("/interview/languages", "not_in_vocabulary")]


def test_lists() -> None:
    content = minimal()
    content["consent"]["share_with"] = ["Partner A", "  ", 3]
    assert codes(content) == [
        ("/consent/share_with/1", "empty_entry"),
        ("/consent/share_with/2", "wrong_type"),
    ]
    content["consent"]["share_with"] = [f"Partner {i}" for i in range(31)]
    assert codes(content) == [("/consent/share_with", "too_many")]


def test_names() -> None:
    names = {
        "latin": "Tursun",
        "cyrillic": "Tursun",  # Latin letters in the Cyrillic box: a warning
        "arabic": "تۇرسۇن",
        "chinese": "Tuerxun",  # no Chinese characters: a warning
        "aliases": ["Tursunjan", ""],
    }
    found = problems(with_victim(names=names))
    assert [(p.path, p.code, p.severity) for p in found] == [
        ("/victims/0/names/cyrillic", "script_mismatch", "warning"),
        ("/victims/0/names/chinese", "script_mismatch", "warning"),
        ("/victims/0/names/aliases/1", "empty_entry", "error"),
    ]
    assert found[0].message.startswith("Victim 1 › Name › Cyrillic script:")
    assert codes(with_victim(names={"latin": "", "aliases": []})) == [
        ("/victims/0/names", "required")
    ]
    assert codes(with_victim(names={"aliases": ["A"] * 21})) == [
        ("/victims/0/names/aliases", "too_many")
    ]
    assert codes(with_victim(names={"latin": 5})) == [("/victims/0/names/latin", "wrong_type")]


def test_hometown() -> None:
    hometown = {
        "county": {"local": "Ghulja", "zh": "伊宁县"},
        "village": {"local": "Bayandai", "zh": "Bayandai"},
    }
    found = problems(with_victim(hometown=hometown))
    assert [(p.path, p.code) for p in found] == [
        ("/victims/0/hometown/village/zh", "script_mismatch")
    ]
    assert codes(with_victim(hometown={"county": "Ghulja"})) == [
        ("/victims/0/hometown/county", "wrong_type")
    ]


def test_prc_id_errors_and_cross_checks() -> None:
    good = "653121196203081532"  # 1962-03-08, male
    assert codes(with_victim(prc_id=good, birth_date="1962", gender="male")) == []
    found = problems(with_victim(prc_id=good, birth_date="1963-03", gender="female"))
    assert [(p.code, p.severity) for p in found] == [
        ("prc_id_birth_date_mismatch", "warning"),
        ("prc_id_gender_mismatch", "warning"),
    ]
    assert codes(with_victim(prc_id="653121196203081533")) == [
        ("/victims/0/prc_id", "prc_id_checksum")
    ]
    assert codes(with_victim(prc_id="65312119620308")) == [("/victims/0/prc_id", "prc_id_length")]
    bad = problems(with_victim(prc_id="653121196203081533"), lang="zh")[0]
    assert bad.message.startswith("受害人 1 › 居民身份证号码：")
    assert "653121" not in bad.message


def test_huge_content_is_rejected_without_echoing_it() -> None:
    content = minimal()
    long_fields = {"health": "x" * 20_000, "suspected_reason": "x" * 20_000}
    content["victims"] = [{**copy.deepcopy(content["victims"][0]), **long_fields}] * 50
    content["narrative"]["text"] = "y" * 200_000
    found = problems(content)
    assert [(p.path, p.code) for p in found] == [("", "content_too_large")]
    assert "xxx" not in found[0].message and "at most 2000000" in found[0].message
    content["victims"] = content["victims"] * 3
    assert codes(content) == [("/victims", "too_many")]


def test_number_of_problems_is_bounded() -> None:
    content = minimal()
    content["interview"].update({f"junk{i}": i for i in range(1000)})
    found = problems(content)
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1].code == "too_many_problems"


def test_normalization_tidies_input() -> None:
    messy = minimal()
    messy["interview"]["place"] = "  Almaty \u00a0"
    messy["victims"][0]["names"] = {"latin": " Tu\u0308rsun ", "arabic": "", "aliases": [" ", "T"]}
    messy["victims"][0]["prc_id"] = "653121 19620308 1532"
    messy["victims"][0]["detention_dates"] = "2018-01..2018-03"
    messy["victims"][0]["occupation"] = ""
    messy["narrative"]["text"] = "line\r\nnext\r\n"
    tidy = normalize_content(FORM, messy)
    assert isinstance(tidy, dict)
    victim = tidy["victims"][0]
    assert tidy["interview"]["place"] == "Almaty"
    assert victim["names"] == {"latin": "Türsun", "aliases": ["T"]}
    assert victim["prc_id"] == "653121196203081532"
    assert victim["detention_dates"] == "2018-01 .. 2018-03"
    assert "occupation" not in victim
    assert tidy["narrative"]["text"] == "line\nnext"
    assert problems(tidy) == []
    assert normalize_content(FORM, tidy) == tidy


def test_normalization_leaves_nonsense_for_validation() -> None:
    assert normalize_content(FORM, [1, 2]) == [1, 2]
    odd = {"victims": "Tursun", "unknown": {"a": 1}, "interview": {"date": 5}}
    assert normalize_content(FORM, odd) == odd


_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=60)
    | st.sampled_from(
        ["2019-13", "2019 .. 2018", "65010119800101001X", "uyghur", "x" * 300, "a\nb", "\x07"]
    ),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["latin", "cyrillic", "zh", "local", "county", "aliases", "bad"]), inner
        )
    ),
    max_leaves=8,
)
_TARGETS = [(section.id, fdef.id) for section in FORM.sections for fdef in section.fields]


@given(st.lists(st.tuples(st.sampled_from(_TARGETS), _VALUES), max_size=6))
def test_shape_only_finds_exactly_the_shape_problems(edits: list[Any]) -> None:
    content = example()
    for (section, field), value in edits:
        entry = content.get(section)
        entry = entry[0] if isinstance(entry, list) else entry
        if isinstance(entry, dict):
            entry[field] = value
    full = validate_content(FORM, content, lang="en", today=TODAY)
    assert len(full) < MAX_PROBLEMS
    shape = validate_content(FORM, content, lang="en", today=TODAY, shape_only=True)
    assert shape == [p for p in full if p.code in DRAFT_BLOCKING]


_SHAPE_REPORTED = DRAFT_BLOCKING | {"too_few", "empty_entry"}  # what shape-only validation finds


_LINE = st.text(st.characters(codec="utf-8") | st.sampled_from("\n\r\t\x85 é"), max_size=50)
_PLAUSIBLE = (
    _LINE
    | st.lists(_LINE, max_size=3)
    | st.dictionaries(st.sampled_from(["latin", "arabic", "aliases", "county"]), _LINE, max_size=2)
    | st.dictionaries(
        st.sampled_from(["county", "village", "zh"]),
        st.dictionaries(st.sampled_from(["local", "zh"]), _LINE, max_size=2),
        max_size=2,
    )
)


@given(
    st.lists(st.tuples(st.sampled_from(_TARGETS), _PLAUSIBLE | _VALUES), max_size=4),
    st.sampled_from([1, 1, 1, 2, 3, 0]),
    st.sampled_from([False, False, False, True]),
)
def test_fast_shape_check_accepts_only_what_the_validator_accepts(
    edits: list[Any], victims: int, extra_key: bool
) -> None:
    content = example()
    content["victims"] = [copy.deepcopy(content["victims"][0]) for _ in range(victims)]
    if extra_key:
        content["narrative"]["unknown"] = "x"
    for (section, field), value in edits:
        entry = content.get(section)
        entry = entry[0] if isinstance(entry, list) and entry else entry
        if isinstance(entry, dict):
            entry[field] = value
    full = validate_content(FORM, content, lang="en", today=TODAY)
    if shape_fits(FORM, content):
        assert [p for p in full if p.code in _SHAPE_REPORTED] == []


def test_fast_shape_check_accepts_ordinary_content() -> None:
    assert shape_fits(FORM, example()) and shape_fits(FORM, minimal())
    assert not shape_fits(FORM, with_victim(names={"latin": "a\nb"}))
    assert not shape_fits(FORM, with_victim(names={"latin": "x" * 10_000}))
    assert not shape_fits(FORM, [])
