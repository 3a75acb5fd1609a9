"""How alike two victims are: a score from 0 to 1 with the reasons a coordinator can check.

Each piece of evidence adds or subtracts log-odds (Fellegi-Sunter record linkage, weights set
by hand and listed below): the names compared through their ASCII keys across scripts and
part by part, an equal PRC ID number (near-certain when its check digit is valid), the birth
date, gender and hometown. The sum goes through the logistic function, so 0.5 means "as likely
the same person as not". Every weight that counts becomes a ``Reason`` with a stable code and
a message translated when shown (``Reason.text(lang)``). A shared first name alone must not
make a match: when only some parts of two full names agree, the name evidence counts against
the pair, and a common name (frequent in the archive) weighs less than a rare one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations, pairwise

from rapidfuzz import fuzz

from intake.duplicates.features import VictimFeatures
from intake.forms.definitions import builtin_form
from intake.i18n import N_, tr
from intake.names.keys import (
    given_first,
    loose_key,
    name_keys_similarity,
    russian_sounds,
    stem,
    unexplained_vowels,
)

PRIOR = -3.0  # log-odds before any evidence: most pairs in a block are different people
NAME_ALL_PARTS = 4.0  # every part of both names agrees
NAME_ALL_PARTS_CLOSE = 3.0  # every part agrees, some only as close spellings
NAME_SHORTER_FORM = 1.0  # one name is part of the other ("Tursun" / "Tursun Ablimit")
NAME_SOME_PARTS = -2.5  # full names share one part and differ in another: a shared first name
NAME_DIFFERENT = -4.0
NAME_SWAPPED = -4.0  # every part agrees but given and father's name swapped: often father and son
COMMON_BASE = 5  # a name held by more victims than this proves less the more it is held:
COMMON_MAX = 5.5  # minus ln(holders / COMMON_BASE), at most this much
PRC_EQUAL_VALID = 10.0  # an 18-character number with a valid check digit, equal: near-certain
PRC_EQUAL_INVALID = 4.0  # equal but not a valid number: probably copied from the same source
PRC_DIFFERENT_VALID = -8.0  # two valid numbers differ: a person has one, and a typo fails the check
PRC_DIFFERENT = -1.0
BIRTH_SAME_DATE = 5.0  # day, month and year agree: rare by chance even for a common name
BIRTH_SAME_YEAR = 2.5
BIRTH_SAME_YEAR_OTHER_DAY = 0.5
BIRTH_ONE_YEAR = -0.5  # relatives often misremember or count age the East Asian way
BIRTH_FEW_YEARS = -2.5  # two or three years apart
BIRTH_FAR = -5.0
GENDER_DIFFERENT = -5.0
HOMETOWN_MATCH: Mapping[str, float] = {
    "village": 2.5,
    "township": 2.5,
    "county": 1.5,
    "prefecture": 0.5,
    "region": 0.0,  # nearly everyone in this archive is from Xinjiang
}
HOMETOWN_MISMATCH: Mapping[str, float] = {
    "village": -1.0,
    "township": -1.0,
    "county": -1.5,
    "prefecture": -2.0,
    "region": -2.0,
}
TOKEN_MATCH = 85  # rapidfuzz ratio at which two loose name parts are the same word
MIN_PREFIX = 3  # "Tursun" ~ "Tursunjan": the stem left when the endearment -jan is dropped
LOOSE_PARTS = 0.97  # at most this similarity when the parts agree but no exact key is shared
NAME_CLOSE = 0.9  # key similarity above which agreeing parts count as the same spelling


# Name evidence grows with the similarity of the names (``name_similarity``, 0 to 1), not in
# steps: (similarity, log-odds) points, linear in between.
NAME_CURVE: tuple[tuple[float, float], ...] = (
    (0.6, -4.0), (0.75, -1.5), (0.85, 1.0), (0.9, 2.5), (0.95, 3.5), (1.0, NAME_ALL_PARTS),
)  # fmt: skip


def name_weight(similarity: float) -> float:
    """Log-odds of "same person" from name similarity alone (NAME_CURVE, interpolated)."""
    if similarity <= NAME_CURVE[0][0]:
        return NAME_CURVE[0][1]
    for (x0, y0), (x1, y1) in pairwise(NAME_CURVE):
        if similarity <= x1:
            return round(y0 + (y1 - y0) * (similarity - x0) / (x1 - x0), 2)
    return NAME_CURVE[-1][1]


@dataclass(frozen=True)
class Reason:
    """One piece of evidence: stable ``code``, log-odds ``weight`` and a translatable message."""

    code: str
    weight: float
    msgid: str
    values: Mapping[str, str] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        values = dict(self.values)
        if "level" in values:
            values["level"] = builtin_form().part_label(values["level"], lang)
        return tr(self.msgid, lang=lang, **values)


@dataclass(frozen=True)
class NameCounts:
    """How many victims of the archive hold a name (by its full loose key, ``name_word``) or a
    pair of names ("x|y", x <= y); only counts above ``COMMON_BASE`` are kept."""

    words: Mapping[str, int] = field(default_factory=dict)
    pairs: Mapping[str, int] = field(default_factory=dict)

    def count(self, words: Sequence[str]) -> int:
        """Holders of these agreeing words: of the word (one) or of the rarest pair (more)."""
        keys = sorted({name_word(w) for w in words})
        if len(keys) == 1:
            return self.words.get(keys[0], 0)
        return min(self.pairs.get(f"{x}|{y}", 0) for x, y in combinations(keys, 2))


def name_word(word: str) -> str:
    """The key a name word is counted by: its loose key without an added ending (Tursunov,
    Tursunjan -> tulsun; Abdukerim and Abdurehim stay apart)."""
    return stem(loose_key(word)) if word else word


NO_COUNTS = NameCounts()


@dataclass(frozen=True)
class Match:
    """A scored pair: ``score`` in [0, 1] and the reasons, strongest first."""

    score: float
    reasons: tuple[Reason, ...]


def keys_similarity(a: VictimFeatures, b: VictimFeatures) -> float:
    """``name_similarity`` on keys computed once (same result, no transliteration per pair)."""
    return name_keys_similarity(a.exact_keys, a.loose_keys, b.exact_keys, b.loose_keys)


@lru_cache(maxsize=1 << 16)
def word_similarity(x: str, y: str) -> float:
    """How alike two words of names are, 0 when they are not the same word (``_same_word``):
    1.0 equal; 0.97 the same once spellings of one sound are merged or an ending is dropped
    (Baqytzhan / Bakhytzhan, Serikov / Serik); 0.93 one a prefix of the other (Tursun /
    Tursunjan); 0.9 only vowels differ as transliterations make them (Omer / Omar); else the
    fuzzy ratio of the loose keys. A vowel change no transliteration explains (Gulnar /
    Gulnur, Marat / Murat) makes them different words."""
    if x == y:
        return 1.0
    sx, sy = stem(x), stem(y)
    if sx == sy or loose_key(sx) == loose_key(sy):
        return 0.97
    if _base(sx) == _base(sy):
        return 0.93  # the endearment -jan added (Tursun / Tursunjan), not any ending (Tursunay)
    if unexplained_vowels(sx, sy):
        return 0.0
    if _consonants(sx) == _consonants(sy) and len(loose_key(sx)) == len(loose_key(sy)):
        return 0.9
    if russian_sounds(loose_key(sx)) == russian_sounds(loose_key(sy)):
        return 0.9  # Russian/Turkish spellings: Mehmet / Мамат, Abdurashid / Abdureshit
    ratio = max(fuzz.ratio(x, y), fuzz.ratio(loose_key(sx), loose_key(sy))) / 100.0
    return ratio if ratio >= TOKEN_MATCH / 100.0 else 0.0


def _base(word: str) -> str:
    loose = loose_key(word)
    return loose[:-3] if loose.endswith("jan") and len(loose) >= MIN_PREFIX + 3 else loose


def _consonants(word: str) -> str:
    """The consonants of the loose key; a first vowel of any kind counts (Ahmet / Ehmet)."""
    loose = loose_key(word)
    first = "a" if loose[:1] in "aeiou" else loose[:1]
    return first + "".join(c for c in loose[1:] if c not in "aeiou")


def _parts(xs: tuple[str, ...], ys: tuple[str, ...]) -> tuple[int, list[str], float, bool]:
    """How many words of xs find a distinct partner in ys, which words of xs they are, the
    mean similarity of the partners, and whether the partners stand in another order
    (Sawut Sabir / Sabir Sawut: the given and the father's name swapped)."""
    xs, ys = given_first(xs), given_first(ys)
    free = list(enumerate(ys))
    matched: list[str] = []
    positions: list[int] = []
    total = 0.0
    for x in xs:
        scores = [(word_similarity(x, y), i) for i, (_, y) in enumerate(free)]
        best = max(scores, default=(0.0, -1))
        if best[0] > 0.0:
            matched.append(x)
            positions.append(free[best[1]][0])
            total += best[0]
            del free[best[1]]
    swapped = len(positions) >= 2 and positions != sorted(positions)
    return len(matched), matched, total / len(matched) if matched else 0.0, swapped


@dataclass(frozen=True)
class NameParts:
    """The best part-by-part alignment of two names."""

    matched: int
    len_a: int
    len_b: int
    words: tuple[str, ...]
    similarity: float = 0.0  # mean similarity of the matched parts
    swapped: bool = False  # the matched parts stand in another order in the two names


def name_parts(a: VictimFeatures, b: VictimFeatures) -> NameParts:
    best = NameParts(0, 0, 0, ())
    best_rank: tuple[int, int, bool, float] = (-1, 0, False, 0.0)
    for xs in a.name_tokens():
        for ys in b.name_tokens():
            if not xs or not ys:
                continue
            count, words, similarity, swapped = _parts(xs, ys)
            extra = -abs(len(xs) - len(ys)) - (len(xs) + len(ys) - 2 * count)
            rank = (count, extra, not swapped, similarity)
            if rank > best_rank:
                best_rank = rank
                best = NameParts(count, len(xs), len(ys), tuple(words), similarity, swapped)
                if count == len(xs) == len(ys) and similarity == 1.0 and not swapped:
                    return best  # every part agrees: nothing can align better
    return best


def _name_reasons(a: VictimFeatures, b: VictimFeatures, common: NameCounts) -> list[Reason]:
    if not a.loose_keys or not b.loose_keys:
        return [Reason("name_unknown", 0.0, N_("The name of one of them is not known"))]
    parts = name_parts(a, b)
    shown = " ".join(parts.words)
    across = set(a.scripts) != set(b.scripts) and bool(a.scripts) and bool(b.scripts)
    reasons: list[Reason] = []
    if parts.matched == 0:
        return [Reason("names_differ", NAME_DIFFERENT, N_("The names differ"))]
    similarity = keys_similarity(a, b)
    if similarity < 1.0:  # no exact key in common: parts equal only as loose words are close
        similarity = max(similarity, min(parts.similarity, LOOSE_PARTS))
    if parts.matched == parts.len_a == parts.len_b:
        weight = name_weight(similarity)
        if similarity >= NAME_CLOSE:
            msgid = (
                N_("Names match across scripts ({name})") if across else N_("Names match ({name})")
            )
            reasons.append(Reason("names_match", weight, msgid, {"name": shown}))
        else:
            reasons.append(
                Reason(
                    "names_close",
                    weight,
                    N_("Every part of the names agrees, some in close spellings ({name})"),
                    {"name": shown},
                )
            )
        if parts.swapped:
            reasons.append(
                Reason(
                    "names_swapped",
                    NAME_SWAPPED,
                    N_(
                        "The given name and the father's name stand in the other order; "
                        "father and son are often named like this"
                    ),
                )
            )
    elif parts.matched == min(parts.len_a, parts.len_b):
        reasons.append(
            Reason(
                "name_shorter_form",
                min(NAME_SHORTER_FORM, name_weight(similarity)),
                N_("One name is a shorter form of the other ({name})"),
                {"name": shown},
            )
        )
    else:
        reasons.append(
            Reason(
                "names_partly_differ",
                NAME_SOME_PARTS,
                N_("Only part of the names agrees ({name}); the other parts differ"),
                {"name": shown},
            )
        )
    holders = common.count(parts.words)
    if holders > COMMON_BASE:
        weight = -min(COMMON_MAX, math.log(holders / COMMON_BASE))
        reasons.append(
            Reason(
                "common_name",
                round(weight, 2),
                N_("{name} is a common name ({count} victims in this archive)"),
                {"name": shown, "count": str(holders)},
            )
        )
    return reasons


# Evidence besides the names is first classified (a code, and a hometown level), so that
# ``upper_bound`` can add weights without building messages; ``_reason`` words it.
WEIGHTS: Mapping[str, float] = {
    "prc_id_equal": PRC_EQUAL_VALID,
    "prc_id_equal_invalid": PRC_EQUAL_INVALID,
    "prc_id_differ": PRC_DIFFERENT_VALID,
    "prc_id_differ_invalid": PRC_DIFFERENT,
    "birth_date_equal": BIRTH_SAME_DATE,
    "birth_year_equal": BIRTH_SAME_YEAR,
    "birth_year_equal_day_differs": BIRTH_SAME_YEAR_OTHER_DAY,
    "birth_year_near": BIRTH_ONE_YEAR,
    "birth_year_differs": BIRTH_FEW_YEARS,
    "birth_year_far": BIRTH_FAR,
    "gender_differs": GENDER_DIFFERENT,
}
MESSAGES: Mapping[str, str] = {
    "prc_id_equal": N_("Same PRC ID number, with a valid check digit"),
    "prc_id_equal_invalid": N_("Same ID number, although it is not a valid PRC ID number"),
    "prc_id_differ": N_("Different valid PRC ID numbers"),
    "prc_id_differ_invalid": N_("Different ID numbers (at least one of them is not valid)"),
    "birth_date_equal": N_("Same birth date ({date})"),
    "birth_year_equal": N_("Same birth year ({year})"),
    "birth_year_equal_day_differs": N_("Same birth year, but a different month or day ({a} / {b})"),
    "birth_year_near": N_("Birth years differ by one ({a} / {b})"),
    "birth_year_differs": N_("Birth years differ by a few years ({a} / {b})"),
    "birth_year_far": N_("Birth years are far apart ({a} / {b})"),
    "gender_differs": N_("Different gender"),
    "hometown_equal": N_("Same hometown ({level})"),
    "hometown_differs": N_("Different hometown ({level})"),
}
Fact = tuple[str, float, str]  # code, weight, hometown level ("" for other codes)


def _prc_fact(a: VictimFeatures, b: VictimFeatures) -> str | None:
    if a.prc_id is None or b.prc_id is None:
        return None
    if a.prc_id == b.prc_id:
        return "prc_id_equal" if a.prc_valid else "prc_id_equal_invalid"
    return "prc_id_differ" if a.prc_valid and b.prc_valid else "prc_id_differ_invalid"


def _birth_fact(a: VictimFeatures, b: VictimFeatures) -> str | None:
    (ya, ma, da), (yb, mb, db) = a.birth, b.birth
    if ya is None or yb is None:
        return None
    gap = abs(ya - yb)
    if gap == 0:
        if ma is not None and ma == mb and da is not None and da == db:
            return "birth_date_equal"
        if (ma is not None and mb is not None and ma != mb) or (
            da is not None and db is not None and da != db
        ):
            return "birth_year_equal_day_differs"
        return "birth_year_equal"
    if gap == 1:
        return "birth_year_near"
    return "birth_year_differs" if gap <= 3 else "birth_year_far"


_GENDERS = frozenset({"female", "male"})


def _hometown_fact(a: VictimFeatures, b: VictimFeatures) -> Fact | None:
    """The deepest level where both name the place the same way (local or Chinese) decides."""
    if not a.places or not b.hometown:
        return None
    current, compared = "", False
    for level, key, names in a.places:  # deepest level first
        if level != current:
            if compared:
                return ("hometown_differs", HOMETOWN_MISMATCH.get(current, 0.0), current)
            current = level
        other = b.hometown.get(key)
        if other:
            if not names.isdisjoint(other):
                return ("hometown_equal", HOMETOWN_MATCH.get(level, 0.0), level)
            compared = True
    if compared:
        return ("hometown_differs", HOMETOWN_MISMATCH.get(current, 0.0), current)
    return None


def _facts(a: VictimFeatures, b: VictimFeatures) -> list[Fact]:
    facts: list[Fact] = []
    for code in (_prc_fact(a, b), _birth_fact(a, b)):
        if code is not None:
            facts.append((code, WEIGHTS[code], ""))
    if a.gender in _GENDERS and b.gender in _GENDERS and a.gender != b.gender:
        facts.append(("gender_differs", GENDER_DIFFERENT, ""))
    place = _hometown_fact(a, b)
    if place is not None:
        facts.append(place)
    return facts


def _fmt(birth: tuple[int | None, int | None, int | None]) -> str:
    year, month, day = birth
    text = f"{year:04d}"
    if month is not None:
        text += f"-{month:02d}"
        if day is not None:
            text += f"-{day:02d}"
    return text


def _reason(fact: Fact, a: VictimFeatures, b: VictimFeatures) -> Reason:
    code, weight, level = fact
    values: dict[str, str] = {}
    if level:
        values["level"] = level
    elif code == "birth_date_equal":
        values["date"] = _fmt(a.birth)
    elif code == "birth_year_equal":
        values["year"] = str(a.birth_year)
    elif code == "birth_year_equal_day_differs":
        values.update(a=_fmt(a.birth), b=_fmt(b.birth))
    elif code.startswith("birth_year_"):
        values.update(a=str(a.birth_year), b=str(b.birth_year))
    return Reason(code, weight, MESSAGES[code], values)


def _logistic(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-logit))


def upper_logit(a: VictimFeatures, b: VictimFeatures) -> float:
    """The highest log-odds this pair could reach whatever its names (cheap: skips pairs)."""
    logit = PRIOR + NAME_ALL_PARTS
    for code in (_prc_fact(a, b), _birth_fact(a, b)):
        if code is not None:
            logit += WEIGHTS[code]
    if a.gender in _GENDERS and b.gender in _GENDERS and a.gender != b.gender:
        logit += GENDER_DIFFERENT
    place = _hometown_fact(a, b)
    return logit if place is None else logit + place[1]


def logit_of(score: float) -> float:
    """The log-odds of a score in (0, 1); -inf and inf at the ends."""
    if score <= 0.0:
        return -math.inf
    if score >= 1.0:
        return math.inf
    return math.log(score / (1.0 - score))


def compare(a: VictimFeatures, b: VictimFeatures, common: NameCounts = NO_COUNTS) -> Match:
    """Score a pair of victims; ``common`` names the frequent names of the archive."""
    reasons = [*_name_reasons(a, b, common), *(_reason(f, a, b) for f in _facts(a, b))]
    score = _logistic(PRIOR + sum(r.weight for r in reasons))
    ordered = sorted(reasons, key=lambda r: -abs(r.weight))
    return Match(round(score, 4), tuple(r for r in ordered if r.weight or r.code == "name_unknown"))
