"""Why two victims were paired, grouped for people: the names, what agrees, what differs.

The duplicate finder's reasons (``intake.duplicates.scoring.Reason``) are a flat list of
weighted evidence. The coordinator's duplicates page shows them as three groups: how the
names matched (each victim's spelling and the name parts that agreed), the facts that speak
for the pair (same birth year, same hometown, same ID number) and those that speak against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.duplicates.finder import Candidate

NAME_CODES = frozenset(
    {"names_match", "names_close", "name_shorter_form", "names_partly_differ", "names_differ"}
    | {"names_swapped", "common_name", "name_unknown"}
)


@dataclass(frozen=True)
class Explanation:
    """A candidate pair in words: both spellings, then the reasons in three groups."""

    spelling_a: str
    spelling_b: str
    matched: str  # the name parts that agreed, as compared (ASCII keys), or ""
    names: tuple[str, ...]  # translated name reasons
    agreed: tuple[str, ...]  # translated facts for the pair
    differs: tuple[str, ...]  # translated facts against it


def explain(candidate: Candidate, lang: str | None = None) -> Explanation:
    names: list[str] = []
    agreed: list[str] = []
    differs: list[str] = []
    matched = ""
    for reason in candidate.reasons:
        text = reason.text(lang)
        if reason.code in NAME_CODES:
            names.append(text)
            if not matched and reason.code != "common_name":
                matched = reason.values.get("name", "")
        elif reason.weight > 0:
            agreed.append(text)
        else:
            differs.append(text)
    return Explanation(
        candidate.label_a, candidate.label_b, matched, tuple(names), tuple(agreed), tuple(differs)
    )
