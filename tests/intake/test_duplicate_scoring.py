"""Duplicate finder internals without a vault: features, skeletons, scoring rules, blocking."""

from __future__ import annotations

import itertools
import math
import uuid
from typing import Any

import pytest

from intake.duplicates.blocking import SPLIT_AT, candidate_pairs, name_counts, scored_pairs
from intake.duplicates.features import (
    VictimFeatures,
    parse_victim_ref,
    skeleton,
    victim_features,
)
from intake.duplicates.scoring import (
    NO_COUNTS,
    NameCounts,
    compare,
    keys_similarity,
    logit_of,
    upper_logit,
)
from intake.names.keys import name_similarity

SPELLINGS: list[dict[str, Any]] = [
    {"latin": "Tursun Ablimit"},
    {"cyrillic": "Турсун Аблимит"},
    {"cyrillic": "Тұрсын Әблімит"},
    {"arabic": "تۇرسۇن ئابلىمىت"},
    {"chinese": "吐尔逊·阿不力米提"},
    {"latin": "Tursunjan Ablimet"},
    {"latin": "Tursun Mamet"},
    {"latin": "Gülnar Memet", "aliases": ["Gulnara"]},
]


def _f(victim: dict[str, Any], testimony: str | None = None, position: int = 1) -> VictimFeatures:
    return victim_features(testimony or str(uuid.uuid4()), position, victim)


def test_features_round_trip_through_json() -> None:
    f = _f(
        {
            "names": {"arabic": "تۇرسۇن ئابلىمىت", "aliases": ["Tursunjan"]},
            "prc_id": "653121 19620308 1532",
            "gender": "male",
            "hometown": {"county": {"zh": "疏附县", "local": "كونا شەھەر ناھىيىسى"}},
        }
    )
    assert f.prc_id == "653121196203081532" and f.prc_valid
    assert (f.birth, f.birth_from_id) == ((1962, 3, 8), True)
    assert f.scripts == ("arabic", "latin") and f.label == "تۇرسۇن ئابلىمىت"
    assert VictimFeatures.from_json(f.to_json()) == f
    assert [p[0] for p in f.places] == ["county", "county"]
    assert parse_victim_ref(f.ref) == (f.testimony_id, 1)
    assert parse_victim_ref("not a ref") is None and parse_victim_ref(f.testimony_id) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [("sirik", "sarik"), ("husin", "husain"), ("tursun", "tursunjan"), ("serik", "serikuly")],
)
def test_skeletons_ignore_vowels_and_added_endings(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


def test_skeletons_keep_different_names_apart() -> None:
    assert len({skeleton(w) for w in ("tursun", "mamet", "ablimit", "erkin", "nurlan")}) == 5


def test_key_similarity_is_names_similarity() -> None:
    """The duplicate finder scores precomputed keys exactly as intake.names.keys does."""
    for x, y in itertools.combinations(SPELLINGS, 2):
        assert keys_similarity(_f({"names": x}), _f({"names": y})) == name_similarity(x, y)


def test_upper_bound_is_never_below_the_score() -> None:
    extras: list[dict[str, Any]] = [
        {},
        {"birth_date": "1962"},
        {"birth_date": "1963-05", "gender": "female"},
        {"prc_id": "653121196203081532", "hometown": {"county": {"zh": "疏附县"}}},
        {"hometown": {"county": {"zh": "伽师县"}, "prefecture": {"zh": "喀什地区"}}},
    ]
    people = [_f({"names": n, **e}) for n in SPELLINGS for e in extras]
    counts = NameCounts({"tulsun": 40}, {"aplimit|tulsun": 12})
    for a, b in itertools.combinations(people, 2):
        score = compare(a, b, counts).score
        assert score <= 1 / (1 + math.exp(-upper_logit(a, b))) + 1e-4


def test_hometown_deepest_comparable_level_decides() -> None:
    name = {"latin": "Tursun Ablimit"}
    a = _f(
        {"names": name, "hometown": {"prefecture": {"zh": "喀什地区"}, "county": {"zh": "疏附县"}}}
    )
    same_prefecture_other_county = _f(
        {"names": name, "hometown": {"prefecture": {"zh": "喀什地区"}, "county": {"zh": "伽师县"}}}
    )
    only_prefecture = _f({"names": name, "hometown": {"prefecture": {"zh": "喀什地区"}}})
    other_script = _f({"names": name, "hometown": {"county": {"local": "كونا شەھەر"}}})
    codes = [
        [(r.code, r.values.get("level")) for r in compare(a, b).reasons if "hometown" in r.code]
        for b in (same_prefecture_other_county, only_prefecture, other_script)
    ]
    assert codes == [[("hometown_differs", "county")], [("hometown_equal", "prefecture")], []]
    assert compare(a, same_prefecture_other_county).reasons[-1].text("en") == (
        "Different hometown (County)"
    )


def test_common_names_weigh_less() -> None:
    a = _f({"names": {"latin": "Muhemmed Abdulla"}, "birth_date": "1970"})
    b = _f({"names": {"cyrillic": "Мухеммед Абдулла"}, "birth_date": "1970"})
    rare = compare(a, b, NO_COUNTS)
    common = compare(a, b, NameCounts({}, {"apdula|mukimid": 500}))
    assert rare.score > 0.8 > common.score
    assert "common_name" in [r.code for r in common.reasons]
    assert name_counts([a, b]) == NameCounts({}, {})  # two victims: nothing is common yet


def test_one_word_names_meet_longer_names_of_the_same_year_only() -> None:
    tid = str(uuid.uuid4())
    people = [
        _f({"names": {"latin": "Tursun"}, "birth_date": "1962"}),
        _f({"names": {"latin": "Tursun Ablimit"}, "birth_date": "1962"}),
        _f({"names": {"latin": "Tursun Mamet"}, "birth_date": "1962"}),
        _f({"names": {"latin": "Tursun Ablimit"}, "birth_date": "1980"}),
        _f({"names": {"latin": "Tursun"}, "birth_date": "1962"}, tid, 1),
        _f({"names": {"latin": "Tursun"}, "birth_date": "1962"}, tid, 2),
    ]
    pairs, _ = candidate_pairs(people)
    got = set(pairs)
    assert {(0, 1), (0, 2), (1, 3)} <= got
    assert (1, 2) not in got  # two full names sharing only a first name: never compared
    assert (0, 3) not in got  # one-word name, another birth year
    assert (4, 5) not in got  # same testimony


def test_large_name_blocks_compare_only_neighbouring_years() -> None:
    people = [
        _f({"names": {"latin": "Muhemmed Abdulla"}, "birth_date": str(1940 + n % 60)})
        for n in range(SPLIT_AT + 30)
    ]
    pairs, stats = candidate_pairs(people)
    got = list(pairs)
    assert got and all(
        abs((people[i].birth_year or 0) - (people[j].birth_year or 0)) <= 1 for i, j in got
    )
    assert stats.pairs == len(got) and len(set(got)) == len(got)
    found, _ = scored_pairs(people, 0.0)
    assert len(found) == len(got)


def test_logit_of_edges() -> None:
    assert logit_of(0.0) == -math.inf and logit_of(1.0) == math.inf
    assert logit_of(0.5) == 0.0


def test_a_year_too_crowded_to_compare_is_counted_not_compared() -> None:
    people = [
        _f({"names": {"latin": f"Tursun Ablimit{n}"}, "birth_date": "1962"})
        for n in range(SPLIT_AT + 10)
    ]
    pairs, stats = candidate_pairs(people, max_block=10)
    assert list(pairs) == []
    n = len(people)
    assert (stats.skipped_blocks, stats.skipped_pairs) == (1, n * (n - 1) // 2)
    small, small_stats = candidate_pairs(people[:20], max_block=10)
    assert len(list(small)) == 20 * 19 // 2  # under SPLIT_AT: one block, all compared
    assert small_stats.skipped_pairs == 0
