"""The labelled names set of bench/names.py: people built from tests/data/names/components.tsv.

Each person is a given name and a father's name (Uyghur, Kazakh, Kyrgyz) or a surname and a
given name (Hui), written in every way a relative, an official or a passport writes them:

- ``latin``: Uyghur Latin (ULY) or the common Latin spelling; ``alt``: another Latin spelling
  met in practice (the components file's last column); ``turkish``: Turkish orthography
  (ş ç c ğ, q -> k, x -> h); ``particle``: Latin with "oghli"/"qizi" (Uyghur) or "uly"/"qyzy"
  (Kazakh, Kyrgyz) written as a separate word;
- ``cyrillic``: Uyghur Cyrillic (from ULY by the Uyghur Cyrillic alphabet), or the Kazakh or
  Kyrgyz Cyrillic of the components file (Kazakhs: the father's name + ұлы/қызы);
  ``russian``: Russian-style Cyrillic (Kazakh/Uyghur letters folded, father's name + -ов/-ова,
  as in Soviet and Kazakh documents); ``patronymic``: Russian-style with -ович/-овна;
  ``passport``: ``russian`` as printed in a passport (ICAO Doc 9303);
- ``arabic``: Uyghur Arabic script; ``arabic_fa``: typed on a Persian keyboard (ک ی ه);
  ``arabic_ar``: typed on an Arabic keyboard (no ۇ ۆ ۈ ې ە ڭ گ پ چ ژ: و ي ه نگ ك ب ج ز instead);
- ``chinese``: the Chinese transcription, given·father; ``pinyin``: its pinyin with a space;
  ``pinyin_dot``: pinyin with the middle dot.

Hui people have Chinese names: chinese, pinyin, Cyrillic (Palladius, as for Dungans), passport.
``split``: a person is "held" when one of their names is a held-out component (never looked at
while tuning the rules), else "tune". Sources: tests/data/names/SOURCES.md.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from intake.names.keys import chinese_to_pinyin, cyrillic_to_icao, uly_to_uyghur_arabic

COMPONENTS = Path(__file__).resolve().parent.parent / "tests" / "data" / "names" / "components.tsv"
SCRIPT_OF = {
    "latin": "latin",
    "alt": "latin",
    "turkish": "latin",
    "particle": "latin",
    "passport": "latin",
    "pinyin": "latin",
    "pinyin_dot": "latin",
    "cyrillic": "cyrillic",
    "russian": "cyrillic",
    "patronymic": "cyrillic",
    "arabic": "arabic",
    "arabic_fa": "arabic",
    "arabic_ar": "arabic",
    "chinese": "chinese",
}
FIELD_OF = {"latin": "latin", "cyrillic": "cyrillic", "arabic": "arabic", "chinese": "chinese"}

# Uyghur Cyrillic alphabet (Uyghur Siril Yéziqi, as used in Kazakhstan and Kyrgyzstan) from ULY.
_ULY_CYRILLIC = {
    "ch": "ч", "gh": "ғ", "ng": "ң", "sh": "ш", "zh": "ж", "ya": "я", "yu": "ю",
    "a": "а", "e": "ә", "é": "е", "i": "и", "o": "о", "u": "у", "ö": "ө", "ü": "ү",
    "b": "б", "p": "п", "t": "т", "j": "җ", "x": "х", "d": "д", "r": "р", "z": "з",
    "s": "с", "f": "ф", "q": "қ", "k": "к", "g": "г", "l": "л", "m": "м", "n": "н",
    "h": "һ", "w": "в", "y": "й", "v": "в",
}  # fmt: skip
_ULY_TURKISH = {
    "ch": "ç", "gh": "ğ", "sh": "ş", "zh": "j", "j": "c", "x": "h", "q": "k", "w": "v",
    "é": "e",
}  # fmt: skip
_RUSSIAN_FOLD = {
    "ә": "а", "ө": "о", "ү": "у", "ұ": "у", "қ": "к", "ғ": "г", "һ": "х", "җ": "дж",
    "ң": "н", "і": "и",
}  # fmt: skip
_ARABIC_FA = {"ك": "ک", "ى": "ی", "ي": "ی", "ە": "ه"}
_ARABIC_AR = {
    "ۇ": "و", "ۆ": "و", "ۈ": "و", "ې": "ي", "ى": "ي", "ە": "ه", "ڭ": "نگ", "گ": "ك",
    "پ": "ب", "چ": "ج", "ژ": "ز", "ئ": "ء",
}  # fmt: skip


@dataclass(frozen=True)
class Component:
    id: str
    ethnicity: str
    gender: str
    split: str
    latin: str
    cyrillic: str
    chinese: str
    other: tuple[str, ...]


@dataclass
class Person:
    id: str
    ethnicity: str
    gender: str
    split: str
    spellings: dict[str, str] = field(default_factory=dict)  # variant -> spelling


def load_components(path: Path = COMPONENTS) -> list[Component]:
    found: list[Component] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = (line.split("\t") + [""] * 8)[:8]
        other = tuple(s for s in cols[7].split(",") if s.strip())
        key, ethnicity, gender, split, latin, cyrillic, chinese = (c.strip() for c in cols[:7])
        found.append(Component(key, ethnicity, gender, split, latin, cyrillic, chinese, other))
    return found


def _by_table(text: str, table: dict[str, str]) -> str:
    out: list[str] = []
    i = 0
    low = text.lower()
    while i < len(low):
        pair = low[i : i + 2]
        if pair in table:
            token, size = table[pair], 2
        else:
            token, size = table.get(low[i], low[i]), 1
        if text[i].isupper():
            token = token[:1].upper() + token[1:]
        out.append(token)
        i += size
    return "".join(out)


def uyghur_cyrillic(uly: str) -> str:
    return _by_table(uly, _ULY_CYRILLIC)


def turkish(uly: str) -> str:
    return _by_table(uly, _ULY_TURKISH)


def russian_fold(cyrillic: str) -> str:
    return "".join(
        (
            _RUSSIAN_FOLD.get(c.lower(), c.lower()).capitalize()
            if c.isupper()
            else _RUSSIAN_FOLD.get(c, c)
        )
        for c in cyrillic
    )


def _cyr(c: Component) -> str:
    return c.cyrillic or uyghur_cyrillic(c.latin)


def _russian_surname(father: str, gender: str, patronymic: bool = False) -> str:
    stem = russian_fold(father)
    soft = stem[-1:].lower() in "аеиоуыэюяй"
    if patronymic:
        return (
            stem + ("евич" if soft else "ович")
            if gender == "m"
            else stem + ("евна" if soft else "овна")
        )
    return stem + ("ев" if soft else "ов") + ("" if gender == "m" else "а")


def person(given: Component, second: Component, number: int, rng: random.Random) -> Person:
    hui = given.ethnicity == "hui"
    if hui:
        surname, first = given, second  # Hui: surname, then given name
        p = Person(f"p{number:03d}", "hui", first.gender, "tune")
        p.spellings = {
            "chinese": surname.chinese + first.chinese,
            "pinyin": f"{surname.latin} {first.latin}",
            "pinyin_dot": f"{surname.latin}·{first.latin}",
            "cyrillic": f"{surname.cyrillic} {first.cyrillic}",
            "passport": cyrillic_to_icao(f"{surname.cyrillic} {first.cyrillic}"),
        }
        p.split = "held" if "held" in (surname.split, first.split) else "tune"
        return p
    p = Person(f"p{number:03d}", given.ethnicity, given.gender, "tune")
    p.split = "held" if "held" in (given.split, second.split) else "tune"
    male = given.gender == "m"
    pinyin_given, pinyin_father = (
        chinese_to_pinyin(c.chinese).capitalize() for c in (given, second)
    )
    russian = f"{russian_fold(_cyr(given))} {_russian_surname(_cyr(second), given.gender)}"
    s: dict[str, str] = {
        "latin": f"{given.latin} {second.latin}",
        "russian": russian,
        "patronymic": f"{russian_fold(_cyr(given))} "
        f"{_russian_surname(_cyr(second), given.gender, patronymic=True)}",
        "passport": cyrillic_to_icao(russian),
        "chinese": f"{given.chinese}·{second.chinese}",
        "pinyin": f"{pinyin_given} {pinyin_father}",
        "pinyin_dot": f"{pinyin_given}·{pinyin_father}",
    }
    if given.ethnicity == "uy":
        s["cyrillic"] = f"{_cyr(given)} {_cyr(second)}"
        s["turkish"] = f"{turkish(given.latin)} {turkish(second.latin)}"
        s["particle"] = f"{given.latin} {second.latin} {'oghli' if male else 'qizi'}"
        arabic = uly_to_uyghur_arabic(s["latin"])
    else:
        ending = (
            ("ұлы" if male else "қызы") if given.ethnicity == "kk" else ("уулу" if male else "кызы")
        )
        s["cyrillic"] = f"{_cyr(given)} {_cyr(second)}{ending}"
        particle = (
            ("uly" if male else "qyzy") if given.ethnicity == "kk" else ("uulu" if male else "kyzy")
        )
        s["particle"] = f"{given.latin} {second.latin} {particle}"
        kazakh = f"{given.latin} {second.latin}".replace("kh", "x").replace("zh", "j")
        arabic = uly_to_uyghur_arabic(kazakh.replace("y", "i"))
    s["arabic"] = arabic
    s["arabic_fa"] = "".join(_ARABIC_FA.get(c, c) for c in arabic)
    s["arabic_ar"] = "".join(_ARABIC_AR.get(c, c) for c in arabic)
    alternatives = [o for o in given.other] or [given.latin]
    s["alt"] = f"{rng.choice(alternatives)} {rng.choice(list(second.other) or [second.latin])}"
    if s["alt"] == s["latin"]:
        del s["alt"]
    p.spellings = s
    return p


def build(count: int = 330, seed: int = 19) -> list[Person]:
    """``count`` people (deterministic for a seed): every ethnicity, both genders."""
    rng = random.Random(seed)
    parts = load_components()
    pools = {
        eth: [c for c in parts if c.ethnicity == eth and c.gender != "-"]
        for eth in ("uy", "kk", "ky", "hui")
    }
    fathers = {eth: [c for c in pools[eth] if c.gender == "m"] for eth in ("uy", "kk", "ky")}
    surnames = [c for c in parts if c.ethnicity == "hui" and c.gender == "-"]
    shares = [("uy", 0.55), ("kk", 0.25), ("ky", 0.1), ("hui", 0.1)]
    people: list[Person] = []
    seen: set[tuple[str, str]] = set()
    while len(people) < count:
        eth = rng.choices([e for e, _ in shares], [w for _, w in shares])[0]
        if eth == "hui":
            first, second = rng.choice(surnames), rng.choice(pools["hui"])
        else:
            first = rng.choice(pools[eth])
            second = rng.choice([f for f in fathers[eth] if f.id != first.id])
        if (first.id, second.id) in seen:
            continue
        seen.add((first.id, second.id))
        people.append(person(first, second, len(people) + 1, rng))
    return people


def write_tsv(people: list[Person], path: Path) -> None:
    """The set as a reviewable file: person, ethnicity, gender, split, variant, spelling."""
    lines = ["# person\tethnicity\tgender\tsplit\tvariant\tspelling (made by bench/names_set.py)"]
    for p in people:
        for variant, text in p.spellings.items():
            lines.append(f"{p.id}\t{p.ethnicity}\t{p.gender}\t{p.split}\t{variant}\t{text}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
