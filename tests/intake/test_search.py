"""Search: one spelling finds a name written in another script; filters; safe query syntax."""

from __future__ import annotations

from typing import Any

import pytest

from intake.testimonies import query as testimony_query
from intake.testimonies.errors import InvalidContent
from intake.testimonies.name_search import match_expression
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from tests.intake.testimony_fixtures import Clock, example_content, one_victim


@pytest.fixture
def store(vault: Vault) -> TestimonyStore:
    return TestimonyStore(vault, clock=Clock())


@pytest.fixture
def people(store: TestimonyStore) -> dict[str, str]:
    """One testimony per spelling, each with that single script only."""
    return {
        "arabic": store.create_draft(one_victim({"arabic": "تۇرسۇن ئابلىمىت"}, ethnicity="uyghur")),
        "cyrillic": store.create_draft(
            one_victim(
                {"cyrillic": "Турсун Аблимит"},
                ethnicity="kazakh",
                hometown={"prefecture": {"local": "Іле", "zh": "伊犁哈萨克自治州"}},
            )
        ),
        "chinese": store.create_draft(
            one_victim({"chinese": "吐尔逊·阿不力米提"}, status="prison")
        ),
        "kazakh": store.create_draft(one_victim({"cyrillic": "Нұрлан Серікұлы"})),
        "other": store.create_draft(one_victim({"latin": "Erkin Memet"})),
    }


def _found(store: TestimonyStore, text: str, **filters: Any) -> set[str]:
    return {s.id for s in store.search(text, **filters)}


def test_tursun_finds_every_script(store: TestimonyStore, people: dict[str, str]) -> None:
    tursun = {people["arabic"], people["cyrillic"], people["chinese"]}
    assert _found(store, "Tursun") == tursun
    assert _found(store, "tursun") == tursun
    assert _found(store, "Турсун") == tursun
    assert _found(store, "تۇرسۇن") == tursun
    assert _found(store, "TURSUN ABLIMIT") >= {people["arabic"], people["cyrillic"]}


def test_pinyin_finds_chinese_characters(store: TestimonyStore, people: dict[str, str]) -> None:
    # Pinyin typed in Latin is also read like its characters (Tuerxun is Tursun): the pinyin's
    # own spelling first.
    tursun = {people["chinese"], people["arabic"], people["cyrillic"]}
    assert _found(store, "tuerxun") == tursun
    assert store.search("tuerxun")[0].id == people["chinese"]
    # The characters are read the Uyghur way too, so they find every spelling of Tursun.
    assert _found(store, "吐尔逊") == {people["chinese"], people["arabic"], people["cyrillic"]}
    # The pinyin's exact spelling comes first; close spellings of Ablimit follow (fuzzy stage).
    assert store.search("abulimiti")[0].id == people["chinese"]


def test_kazakh_letters_and_prefixes(store: TestimonyStore, people: dict[str, str]) -> None:
    assert _found(store, "Nurlan") == {people["kazakh"]}
    assert _found(store, "нұрлан") == {people["kazakh"]}
    assert _found(store, "Serikuly") == {people["kazakh"]}
    assert _found(store, "Nurl") == {people["kazakh"]}  # a prefix, while typing
    # All words but one may match, ranked after every testimony that matches all words.
    assert [s.id for s in store.search("Erkin Memet Tursun")] == [people["other"]]
    tursun = {people["arabic"], people["cyrillic"], people["chinese"]}
    assert set([s.id for s in store.search("Tursun Ablimit")][:3]) == tursun
    assert _found(store, "zzzz") == set()


def test_close_spellings_when_nothing_matches_exactly(
    store: TestimonyStore, people: dict[str, str]
) -> None:
    abdurehim = store.create_draft(one_victim({"cyrillic": "Абдурехим Тохти"}))
    assert _found(store, "Abdurakhim") == {abdurehim}  # no exact key: close spellings
    assert _found(store, "Tursan") == {people["arabic"], people["cyrillic"], people["chinese"]}
    assert _found(store, "Kashgar") == set()  # close letters, different first sound: no
    assert _found(store, "Qwertyuiop") == set()


def test_places_and_narrative(store: TestimonyStore, people: dict[str, str]) -> None:
    content = example_content()
    tid = store.create_draft(content)
    assert tid in _found(store, "Kashgar")  # place of detention
    assert tid in _found(store, "قەشقەر")  # hometown in Arabic script
    assert _found(store, "WeChat") == {tid}  # narrative
    assert _found(store, "Ghulja passport") == {tid}


def test_filters(store: TestimonyStore, people: dict[str, str]) -> None:
    assert _found(store, "", ethnicity="kazakh") == {people["cyrillic"]}
    assert _found(store, "Tursun", ethnicity="uyghur") == {people["arabic"]}
    assert _found(store, "", victim_status="prison") == {people["chinese"]}
    assert _found(store, "", hometown="Ile") == {people["cyrillic"]}
    assert _found(store, "", hometown="伊犁") == {people["cyrillic"]}
    assert _found(store, "", hometown="Kashgar") == set()
    assert _found(store, "", date_from="2020", date_to="2020-02") == set(people.values())
    assert _found(store, "", date_from="2020-02-04") == set()
    assert _found(store, "", date_to="2019") == set()
    assert _found(store, "", status="final") == set()
    finished = store.create_draft(one_victim({"latin": "Tursun Final"}))
    store.finalize(finished)
    assert _found(store, "Tursun", status="final") == {finished}
    assert len(_found(store, "Tursun", status="draft")) == 3
    with pytest.raises(InvalidContent):
        store.search("", date_from="last year")


@pytest.mark.parametrize(("rank_max", "set_max"), [(2000, 5000), (0, 5000), (2000, 0), (0, 0)])
def test_every_query_plan_gives_the_same_results(
    store: TestimonyStore,
    people: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    rank_max: int,
    set_max: int,
) -> None:
    """Few/many full-text hits, rare/common filter codes: each picks other SQL."""
    monkeypatch.setattr(testimony_query, "RANK_MAX", rank_max)
    monkeypatch.setattr(testimony_query, "SET_MAX", set_max)
    tursun = {people["arabic"], people["cyrillic"], people["chinese"]}
    assert _found(store, "Tursun") == tursun
    assert _found(store, "Tursun", ethnicity="kazakh") == {people["cyrillic"]}
    assert _found(store, "Tursun", ethnicity="kazakh", victim_status="missing") == {
        people["cyrillic"]
    }
    assert _found(store, "Tursun", victim_status="missing") == {
        people["arabic"],
        people["cyrillic"],
    }
    assert _found(store, "", victim_status="missing", date_from="2020") == set(people.values()) - {
        people["chinese"]
    }
    assert _found(store, "Tursun", hometown="Ile", ethnicity="kazakh") == {people["cyrillic"]}
    assert _found(store, "Tursun", ethnicity="tatar") == set()
    assert [s.id for s in store.search("Tursun", limit=1)] != []
    assert len(store.search("", limit=2)) == 2


def test_index_follows_edits_and_deletes(store: TestimonyStore, people: dict[str, str]) -> None:
    tid = people["other"]
    store.update_draft(tid, one_victim({"latin": "Gulnar Memet"}))
    assert _found(store, "Erkin") == set()
    assert _found(store, "Gulnar") == {tid}
    store.delete_draft(tid)
    assert _found(store, "Gulnar") == set()
    assert tid not in {s.id for s in store.list()}


def test_rebuild_index(vault: Vault, store: TestimonyStore, people: dict[str, str]) -> None:
    vault.conn.execute("DELETE FROM testimony_search")
    vault.conn.execute("DELETE FROM testimony_victims")
    assert _found(store, "Tursun") == set()
    assert store.rebuild_index() == len(people)
    assert len(_found(store, "Tursun")) == 3
    assert _found(store, "", ethnicity="kazakh") == {people["cyrillic"]}


def test_list_shows_names_and_dates(store: TestimonyStore, people: dict[str, str]) -> None:
    rows = {s.id: s for s in store.list()}
    assert rows[people["chinese"]].victim_names == ["吐尔逊·阿不力米提"]
    assert rows[people["other"]].interview_date == "2020-02-03"
    assert rows[people["other"]].status == "draft" and rows[people["other"]].version_no == 1


@pytest.mark.parametrize(
    "query", ['"', "NEAR(a b)", "a OR", "*", "names: x", "x) OR (y", "^start", "-x", "a AND NOT"]
)
def test_query_syntax_is_never_interpreted(
    store: TestimonyStore, people: dict[str, str], query: str
) -> None:
    store.search(query)  # no FTS5 syntax error reaches the user
    expression = match_expression(query)
    assert expression is None or expression.count('"') % 2 == 0
