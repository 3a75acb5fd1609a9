"""Duplicate finder in a real coordinator vault: one person in four scripts, PRC ID equality,
a shared common first name that must score lower, decisions remembered and audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from intake.duplicates.errors import NoDecision, PairLinked, SameVictim, VictimNotFound
from intake.duplicates.finder import Candidate, DuplicateFinder, candidates_as_json
from intake.duplicates.scoring import compare
from intake.forms.prc_id import make_prc_id
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from intake.vault.audit import AuditLog
from tests.conftest import PASSPHRASE, VaultFactory
from tests.intake.testimony_fixtures import Clock, one_victim

KASHGAR_COUNTY = {"county": {"local": "كونا شەھەر ناھىيىسى", "zh": "疏附县"}}
TURSUN_ID = "653121196203081532"  # valid check digit (the documented fictional example)


@pytest.fixture
def coordinator(make_vault: VaultFactory) -> Vault:
    return make_vault("Coordinator Test", "coordinator")


@pytest.fixture
def store(coordinator: Vault) -> TestimonyStore:
    return TestimonyStore(coordinator, clock=Clock())


@pytest.fixture
def finder(coordinator: Vault) -> DuplicateFinder:
    ids = iter(f"00000000-0000-4000-8000-{n:012d}" for n in range(1, 100))
    return DuplicateFinder(coordinator, clock=Clock(), new_person_id=lambda: next(ids))


def _victim(names: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"victims": [{"names": names, **extra}]}


@pytest.fixture
def four_scripts(store: TestimonyStore) -> dict[str, str]:
    """Tursun Ablimit reported by four relatives, each in another script (victim refs)."""
    added = {
        "latin": _victim(
            {"latin": "Tursun Ablimit"},
            birth_date="1962",
            gender="male",
            hometown=KASHGAR_COUNTY,
        ),
        "cyrillic": _victim({"cyrillic": "Турсун Аблимит"}, birth_date="1962-03-08"),
        "arabic": _victim(
            {"arabic": "تۇرسۇن ئابلىمىت"},
            birth_date="1962",
            hometown={"county": {"local": "كونا شەھەر ناھىيىسى"}},
        ),
        "chinese": _victim(
            {"chinese": "吐尔逊·阿不力米提"}, gender="male", hometown={"county": {"zh": "疏附县"}}
        ),
        # a different man who shares the common first name, year, county and gender
        "other": _victim(
            {"latin": "Tursun Mamet"}, birth_date="1962", gender="male", hometown=KASHGAR_COUNTY
        ),
    }
    return {key: store.create_draft(content) + "#1" for key, content in added.items()}


def _pairs(found: list[Candidate]) -> dict[frozenset[str], Candidate]:
    return {frozenset((c.a, c.b)): c for c in found}


def test_same_person_in_four_scripts_is_found(
    finder: DuplicateFinder, four_scripts: dict[str, str]
) -> None:
    found = _pairs(finder.candidates())
    same = [four_scripts[k] for k in ("latin", "cyrillic", "arabic", "chinese")]
    for i, a in enumerate(same):
        for b in same[i + 1 :]:
            assert frozenset((a, b)) in found, (a, b)
            assert found[frozenset((a, b))].score >= 0.7
    latin_arabic = found[frozenset((four_scripts["latin"], four_scripts["arabic"]))]
    codes = [r.code for r in latin_arabic.reasons]
    assert codes[:1] == ["names_match"] and "hometown_equal" in codes
    assert "Names match across scripts (tursun ablimit)" in latin_arabic.reason_texts("en")
    assert "Same birth year (1962)" in latin_arabic.reason_texts("en")


def test_shared_common_first_name_scores_lower(
    finder: DuplicateFinder, four_scripts: dict[str, str]
) -> None:
    everything = _pairs(finder.candidates(min_score=0.0))
    other = four_scripts["other"]
    true_scores = [c.score for pair, c in everything.items() if other not in pair]
    assert len(true_scores) == 6
    # Blocking never even pairs him with the others (only one part of the name agrees)…
    assert not any(other in pair for pair in everything)
    # …and scored anyway, sharing name, year, gender and county, he stays far below.
    features = {f.ref: f for f in finder._features()}
    for key in ("latin", "cyrillic", "arabic", "chinese"):
        match = compare(features[four_scripts[key]], features[other])
        assert match.score < 0.5 and match.score < min(true_scores), key
    latin_other = compare(features[four_scripts["latin"]], features[other])
    assert "names_partly_differ" in [r.code for r in latin_other.reasons]
    assert "Only part of the names agrees (tursun); the other parts differ" in [
        r.text("en") for r in latin_other.reasons
    ]


def test_equal_valid_prc_id_is_near_certain(store: TestimonyStore, finder: DuplicateFinder) -> None:
    a = store.create_draft(_victim({"latin": "Turek"}, prc_id=TURSUN_ID)) + "#1"
    b = store.create_draft(_victim({"chinese": "吐尔逊·阿不力米提"}, prc_id=TURSUN_ID)) + "#1"
    c = store.create_draft(_victim({"latin": "Turek"}, prc_id="653121196203081531")) + "#1"
    found = _pairs(finder.candidates(min_score=0.0))
    by_id = found[frozenset((a, b))]
    assert by_id.score >= 0.9
    assert by_id.reasons[0].code == "prc_id_equal"
    # the birth date embedded in the ID counts too (1962-03-08 on both sides)
    assert "birth_date_equal" in [r.code for r in by_id.reasons]
    # equal names, but an equal invalid ID is weaker than an equal valid one
    wrong = found.get(frozenset((a, c)))
    assert wrong is None or wrong.score < by_id.score


def test_valid_but_different_ids_count_against(
    store: TestimonyStore, finder: DuplicateFinder
) -> None:
    other_id = make_prc_id("653121", date(1962, 3, 8), "155")
    a = store.create_draft(_victim({"latin": "Tursun Ablimit"}, prc_id=TURSUN_ID)) + "#1"
    b = store.create_draft(_victim({"latin": "Tursun Ablimit"}, prc_id=other_id)) + "#1"
    pair = _pairs(finder.candidates(min_score=0.0))[frozenset((a, b))]
    assert "prc_id_differ" in [r.code for r in pair.reasons]
    assert pair.score < 0.5


def test_victims_of_one_testimony_are_never_paired(
    store: TestimonyStore, finder: DuplicateFinder
) -> None:
    twins = {"names": {"latin": "Tursun Ablimit"}, "birth_date": "1962"}
    store.create_draft({"victims": [twins, dict(twins)]})
    assert finder.candidates(min_score=0.0) == []


def test_link_dismiss_undo_are_remembered_and_audited(
    coordinator: Vault,
    finder: DuplicateFinder,
    four_scripts: dict[str, str],
    make_vault: VaultFactory,
) -> None:
    latin, cyrillic, arabic = (four_scripts[k] for k in ("latin", "cyrillic", "arabic"))
    person = finder.link(latin, cyrillic, score=0.95)
    assert person == "00000000-0000-4000-8000-000000000001"
    finder.dismiss(latin, four_scripts["other"])
    remaining = _pairs(finder.candidates(min_score=0.0))
    assert frozenset((latin, cyrillic)) not in remaining
    assert frozenset((latin, four_scripts["other"])) not in remaining
    assert frozenset((latin, arabic)) in remaining  # not decided yet

    view = finder.person_testimonies(cyrillic)
    assert [e.ref for e in view] == [cyrillic, latin]
    assert view[1].label == "Tursun Ablimit" and view[1].version_no == 1

    with pytest.raises(PairLinked):
        finder.dismiss(cyrillic, latin)
    with pytest.raises(SameVictim):
        finder.link(latin, latin)
    with pytest.raises(VictimNotFound):
        finder.link(latin, "not-a-victim")

    decision = finder.decision(cyrillic, latin)
    assert decision is not None and decision.decision == "link" and decision.score == 0.95

    entries = [e for e in AuditLog(coordinator).entries() if "decision" in e.details]
    assert [e.details["decision"] for e in entries] == ["link", "dismiss"]
    assert entries[0].subject == latin.split("#")[0]
    assert entries[0].details["other"] == cyrillic.split("#")[0]
    assert entries[0].details["person"] == person
    assert AuditLog(coordinator).verify().ok

    # remembered: a new finder on the reopened vault sees the same decisions
    folder = coordinator.path
    coordinator.close()
    reopened = Vault.open(folder, PASSPHRASE)
    try:
        again = DuplicateFinder(reopened)
        assert again.person_of(latin) == person
        assert {d.decision for d in again.decisions()} == {"link", "dismiss"}
        again.undo(latin, cyrillic)
        assert again.person_of(latin) is None
        assert frozenset((latin, cyrillic)) in _pairs(again.candidates(min_score=0.0))
        with pytest.raises(NoDecision):
            again.undo(latin, cyrillic)
        assert AuditLog(reopened).entries()[-1].details["decision"] == "link"
        assert AuditLog(reopened).verify().ok
    finally:
        reopened.close()


def test_groups_join_and_split(finder: DuplicateFinder, store: TestimonyStore) -> None:
    refs = [store.create_draft(_victim({"latin": f"Ablet Tursun{n}"})) + "#1" for n in range(4)]
    a, b, c, d = refs
    first = finder.link(a, b)
    second = finder.link(c, d)
    assert first != second
    assert finder.link(b, c) == first  # a's group keeps its id; c and d join it
    assert {e.ref for e in finder.person_testimonies(d)} == set(refs)
    finder.undo(b, c)
    assert finder.person_of(a) == finder.person_of(b) == first
    assert finder.person_of(c) == finder.person_of(d) != first


def test_refresh_follows_edits_and_deletes(store: TestimonyStore, finder: DuplicateFinder) -> None:
    a = store.create_draft(_victim({"latin": "Tursun Ablimit"}, birth_date="1962"))
    b = store.create_draft(_victim({"cyrillic": "Турсун Аблимит"}, birth_date="1962"))
    assert len(finder.candidates()) == 1
    assert finder.refresh() == 0  # nothing changed since
    store.update_draft(b, _victim({"cyrillic": "Гульнар Мемет"}, birth_date="1990"))
    assert finder.refresh() == 1
    assert finder.candidates() == []
    store.delete_draft(b)
    finder.refresh()
    with pytest.raises(VictimNotFound):
        finder.resolve(b + "#1")
    assert finder.resolve(a) == a + "#1"  # a testimony id alone names its only victim


def test_final_testimonies_and_json_output(store: TestimonyStore, finder: DuplicateFinder) -> None:
    ids = [
        store.create_draft(one_victim({"latin": "Erkin Tursun"}, birth_date="1988-09-21")),
        store.create_draft(one_victim({"arabic": "ئەركىن تۇرسۇن"}, birth_date="1988-09-21")),
    ]
    for tid in ids:
        store.finalize(tid)
    found = finder.candidates()
    assert len(found) == 1
    data = candidates_as_json(found, "en")
    assert data[0]["score"] > 0.9
    assert {r["code"] for r in data[0]["reasons"]} >= {"names_match", "birth_date_equal"}


@pytest.mark.parametrize("lang", ["kk", "ug", "ru", "zh", "tr"])
def test_reasons_are_translated(
    lang: str, finder: DuplicateFinder, four_scripts: dict[str, str]
) -> None:
    found = finder.candidates()
    assert found
    for candidate in found:
        translated = candidate.reason_texts(lang)
        assert translated != candidate.reason_texts("en")
        assert "tursun ablimit" in " ".join(translated)
