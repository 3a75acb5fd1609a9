"""What the duplicate finder knows about one victim: name keys, birth date, ID, hometown.

Comparing raw testimony content for 100,000 victims would transliterate every name again for
every comparison. ``victim_features`` does that work once per victim: every spelling of the
name becomes ASCII search keys (``intake.names.keys``: Kazakh/Russian Cyrillic, Uyghur Arabic
script, pinyin and the Uyghur reading of Chinese transcriptions), the birth date is taken from
the form or, when missing, from a valid PRC ID number, and each level of the hometown gets keys
for its local and its Chinese name. ``VictimFeatures`` round-trips through JSON so the vault
can keep them (table ``duplicate_victims``) and rebuild them when a testimony changes. A
victim is named by a ``victim_ref``: the testimony id, ``#`` and the victim's 1-based position
in that testimony's victims section.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from intake.content_caches import remember
from intake.forms.definitions import HOMETOWN_LEVELS, HOMETOWN_NAMES, NAME_SCRIPTS
from intake.forms.errors import DateFormatError
from intake.forms.fuzzy_dates import parse_fuzzy_date
from intake.forms.prc_id import is_valid_prc_id, normalize_prc_id, parse_prc_id
from intake.names.keys import is_particle, loose_key, name_keys, russian_sounds
from intake.names.scripts import scripts_in

# Bump when the features or the key rules change: stored features are then rebuilt.
FEATURES_SCHEME = 3  # 3: Palladius keys, Russian/Turkish sounds in skeletons
MAX_KEYS = 24  # a victim with 20 aliases still gets a bounded number of keys to compare
MAX_TOKENS = 6  # words of one name used for blocking and part-by-part comparison
MIN_TOKEN = 2  # one-letter initials say too little to block or match on
_REF = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})#([1-9]\d{0,3})")

SKELETON_LENGTH = 4
_VOWELS = frozenset("aeiouy")
# Endings that relatives add or drop: the Uyghur endearment -jan (Tursunjan), Russian-style
# surnames and patronymics (Tursunov, Tursunova, Serikovich) and Kazakh/Kyrgyz/Uyghur "son or
# daughter of" (Serikuly, Serikqyzy, Memet oghli), as they look in loose keys (longest first).
# Blocking ignores them; scoring still sees the whole word.
_ENDINGS: tuple[str, ...] = ("uvich", "ivich", "uvna", "ivna", "kizi", "ukli", "ulu", "uli")
_ENDINGS += ("jan", "uva", "iva", "uv", "iv")
MIN_STEM = 3

BirthDate = tuple[int | None, int | None, int | None]  # year, month, day; any may be unknown


@remember
@lru_cache(maxsize=1 << 16)
def skeleton(word: str) -> str:
    """First letter, then the consonants without repeats, cut to four letters, of the loose key
    (q/k/kh/h/x/gh/g, l/r, s/sh, p/f merged) after dropping an added ending: spellings that
    differ in vowels, merged sounds or endings ("sirik" / "sarik", "husin" / "husain",
    "tursun" / "tursunjan", "baqytzhan" / "bakhytzhan") share it."""
    word = loose_key(word)
    stripped = True
    while stripped:
        stripped = False
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
                word, stripped = word[: -len(ending)], True
                break
    word = russian_sounds(word)  # Mehmet / Memet / Мамат, Rashid / Reshit
    out = "a" if word[:1] in _VOWELS else word[:1]  # Erkin / Аркин, Ehmet / Ахмат
    for char in word[1:]:
        if char not in _VOWELS and char != out[-1]:
            out += char
            if len(out) == SKELETON_LENGTH:
                break
    return out


def victim_ref(testimony_id: str, position: int) -> str:
    """``"<testimony uuid>#<n>"``: the n-th victim (1-based) of a testimony."""
    return f"{testimony_id}#{position}"


def parse_victim_ref(text: str) -> tuple[str, int] | None:
    """(testimony id, position) of a victim ref, or None when ``text`` is not one."""
    match = _REF.fullmatch(text.strip().lower())
    return (match.group(1), int(match.group(2))) if match else None


@dataclass(frozen=True, slots=True)
class VictimFeatures:
    """The comparable facts about one victim, derived from one testimony version."""

    ref: str
    testimony_id: str
    label: str  # a spelling of the name to show people (first of latin, cyrillic, arabic…)
    scripts: tuple[str, ...]  # scripts the name is written in ("latin", "arabic"…)
    exact_keys: tuple[str, ...]
    loose_keys: tuple[str, ...]
    birth: BirthDate
    birth_from_id: bool  # the birth date was read from the PRC ID number
    prc_id: str | None  # normalized
    prc_valid: bool
    gender: str | None
    hometown: Mapping[str, frozenset[str]]  # "county/zh", "village/local"… -> name keys
    places: tuple[tuple[str, str, frozenset[str]], ...] = field(init=False, compare=False)
    tokens: tuple[tuple[str, ...], ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "places", _places(tuple(self.hometown.items())))
        object.__setattr__(self, "tokens", _tokens(self.exact_keys + self.loose_keys))

    @property
    def birth_year(self) -> int | None:
        return self.birth[0]

    def name_tokens(self) -> tuple[tuple[str, ...], ...]:
        """The words of each distinct exact and loose key (at most MAX_TOKENS, no initials)."""
        return self.tokens

    def to_json(self) -> str:
        return json.dumps(
            {
                "ref": self.ref,
                "label": self.label,
                "scripts": self.scripts,
                "exact": self.exact_keys,
                "loose": self.loose_keys,
                "birth": self.birth,
                "birth_from_id": self.birth_from_id,
                "prc_id": self.prc_id,
                "prc_valid": self.prc_valid,
                "gender": self.gender,
                "hometown": {k: sorted(v) for k, v in self.hometown.items()},
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> VictimFeatures:
        data = json.loads(text)
        ref = str(data["ref"])
        parsed = parse_victim_ref(ref)
        if parsed is None:
            raise ValueError("stored features name no victim")
        year, month, day = data["birth"]
        return cls(
            ref=ref,
            testimony_id=parsed[0],
            label=str(data["label"]),
            scripts=_shared_tuple(tuple(data["scripts"])),
            exact_keys=_shared_tuple(tuple(data["exact"])),
            loose_keys=_shared_tuple(tuple(data["loose"])),
            birth=(year, month, day),
            birth_from_id=bool(data["birth_from_id"]),
            prc_id=data["prc_id"],
            prc_valid=bool(data["prc_valid"]),
            gender=None if data["gender"] is None else sys.intern(str(data["gender"])),
            hometown={
                sys.intern(str(k)): _shared_set(tuple(v)) for k, v in data["hometown"].items()
            },
        )


_DEPTH = {level: n for n, level in enumerate(reversed(HOMETOWN_LEVELS))}


@remember
@lru_cache(maxsize=1 << 16)
def _places(
    items: tuple[tuple[str, frozenset[str]], ...],
) -> tuple[tuple[str, str, frozenset[str]], ...]:
    """The hometown as (level, key, name keys), deepest level first, for quick comparison."""
    places = sorted(
        ((k.split("/", 1)[0], k, v) for k, v in items),
        key=lambda p: (_DEPTH.get(p[0], len(_DEPTH)), p[1]),
    )
    return tuple(places)


@remember
@lru_cache(maxsize=1 << 16)
def _tokens(keys: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The words of each distinct key (at most MAX_TOKENS, initials and particles such as
    "oghli", "qizi", "uly" left out)."""
    words = (
        tuple(w for w in key.split() if len(w) >= MIN_TOKEN and not is_particle(w))[:MAX_TOKENS]
        for key in dict.fromkeys(keys)
    )
    return tuple(dict.fromkeys(words))


# Most victims of an archive share their names, places and keys with others: loading 100,000
# stored features keeps one copy of each distinct tuple and set instead of one per victim.
@remember
@lru_cache(maxsize=1 << 16)
def _shared_tuple(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sys.intern(str(i)) for i in items)


@remember
@lru_cache(maxsize=1 << 16)
def _shared_set(items: tuple[str, ...]) -> frozenset[str]:
    return frozenset(sys.intern(str(i)) for i in items)


def _label(names: Mapping[str, Any]) -> str:
    for part in NAME_SCRIPTS:
        value = names.get(part)
        if isinstance(value, str) and value.strip():
            return value.strip()
    aliases = names.get("aliases")
    if isinstance(aliases, list):
        for alias in aliases:
            if isinstance(alias, str) and alias.strip():
                return alias.strip()
    return ""


def _birth(value: object) -> BirthDate:
    if not isinstance(value, str):
        return (None, None, None)
    try:
        fuzzy = parse_fuzzy_date(value)
    except DateFormatError:
        return (None, None, None)
    return (fuzzy.year, fuzzy.month, fuzzy.day)


def _bounded(keys: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(keys, key=lambda k: (len(k), k))[:MAX_KEYS])


def _hometown(value: object) -> dict[str, frozenset[str]]:
    if not isinstance(value, dict):
        return {}
    found: dict[str, frozenset[str]] = {}
    for level in HOMETOWN_LEVELS:
        place = value.get(level)
        if not isinstance(place, dict):
            continue
        for kind in HOMETOWN_NAMES:
            text = place.get(kind)
            if isinstance(text, str) and text.strip():
                keys = name_keys(text)
                found[f"{level}/{kind}"] = frozenset(_bounded(keys.exact | keys.loose))
    return found


def victim_features(testimony_id: str, position: int, victim: Mapping[str, Any]) -> VictimFeatures:
    """Features of the ``position``-th victim (1-based) of a testimony's content."""
    names = victim.get("names")
    names = names if isinstance(names, dict) else {}
    keys = name_keys(names)
    spellings = [v for v in names.values() if isinstance(v, str)]
    aliases = names.get("aliases")
    if isinstance(aliases, list):
        spellings += [a for a in aliases if isinstance(a, str)]
    scripts = sorted({s for text in spellings for s in scripts_in(text)})
    raw_id = victim.get("prc_id")
    prc_id = normalize_prc_id(raw_id) if isinstance(raw_id, str) and raw_id.strip() else None
    prc_valid = prc_id is not None and is_valid_prc_id(prc_id)
    birth = _birth(victim.get("birth_date"))
    from_id = False
    if birth[0] is None and prc_id is not None and prc_valid:
        born = parse_prc_id(prc_id).birth_date
        birth, from_id = (born.year, born.month, born.day), True
    gender = victim.get("gender")
    return VictimFeatures(
        ref=victim_ref(testimony_id, position),
        testimony_id=testimony_id,
        label=_label(names),
        scripts=tuple(scripts),
        exact_keys=_bounded(keys.exact),
        loose_keys=_bounded(keys.loose),
        birth=birth,
        birth_from_id=from_id,
        prc_id=prc_id,
        prc_valid=prc_valid,
        gender=gender if isinstance(gender, str) and gender else None,
        hometown=_hometown(victim.get("hometown")),
    )


def testimony_victims(testimony_id: str, content: Mapping[str, Any]) -> list[VictimFeatures]:
    """Features of every victim in a testimony's content (entries that are not objects skipped,
    positions still counted so refs match the victims list)."""
    victims = content.get("victims")
    if not isinstance(victims, list):
        return []
    return [
        victim_features(testimony_id, i, v)
        for i, v in enumerate(victims, start=1)
        if isinstance(v, dict)
    ]
