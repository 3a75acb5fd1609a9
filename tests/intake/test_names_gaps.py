"""Issue 19, second pass: gaps left after the first pass (docs/performance.md, "Names across
scripts"). Every test here failed before the fix it names."""

from __future__ import annotations

import uuid
from typing import Any

from intake.duplicates.features import VictimFeatures, victim_features
from intake.duplicates.scoring import compare


def _f(victim: dict[str, Any]) -> VictimFeatures:
    return victim_features(str(uuid.uuid4()), 1, victim)


# --- word order: given name and father's name swapped (father and son) ------------------------


def test_swapped_name_order_is_penalised() -> None:
    father = _f({"names": {"latin": "Sawut Sabir"}, "gender": "male"})
    son = _f({"names": {"cyrillic": "Сабир Савут"}, "gender": "male"})
    same = _f({"names": {"cyrillic": "Савут Сабир"}, "gender": "male"})
    swapped = compare(father, son)
    assert swapped.score < 0.5
    assert "names_swapped" in {r.code for r in swapped.reasons}
    assert compare(father, same).score > swapped.score + 0.3


def test_swapped_order_with_a_russian_surname_first_is_not_swapped() -> None:
    # Russian forms write the surname (the father's name + -ov) first: Сабиров Савут is Sawut
    # son of Sabir, the same order as "Sawut Sabir".
    a = _f({"names": {"latin": "Sawut Sabir"}, "gender": "male"})
    b = _f({"names": {"cyrillic": "Сабиров Савут"}, "gender": "male"})
    assert "names_swapped" not in {r.code for r in compare(a, b).reasons}


def test_swapped_order_yields_to_strong_other_evidence() -> None:
    a = _f({"names": {"latin": "Sawut Sabir"}, "birth_date": "1961-03-04", "gender": "male"})
    b = _f({"names": {"latin": "Sabir Sawut"}, "birth_date": "1961-03-04", "gender": "male"})
    assert compare(a, b).score > 0.5  # same full birth date: a clerk swapped the order
