"""Names across scripts: transliteration, search keys and similarity.

One person is written Tursun, Турсун, Тұрсын, تۇرسۇن and 吐尔逊 by different relatives and
officials. This module turns any spelling into ASCII search keys so that one query finds the
person however the name was written, and scores how alike two names are (rapidfuzz on the
keys). Exact keys come from standard transliterations (Kazakh Latin 2021, BGN/PCGN and ICAO
for Cyrillic, ULY for Uyghur Arabic script, pinyin for Chinese); loose keys also merge
spellings of one sound (kh/x/h, q/k, e/i…) and read Chinese transcriptions of Uyghur names
the Uyghur way (吐尔逊 tu-er-xun -> "tursun"). Rules and limits: docs/names-and-scripts.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from intake.content_caches import remember
from intake.names import tables as t
from intake.names.chinese import name_reading, pinyin_reading, pinyin_syllables
from intake.names.palladius import palladius_reading
from intake.names.scripts import script_of, scripts_in
from intake.names.tables_chinese import SURNAMES

NameInput = str | Mapping[str, object] | Iterable[str]

MAX_NAME_CHARS = 300  # longer input is cut before keys are made (a name, not a narrative)
_FORMAT_CHARS = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SEPARATORS = re.compile(r"[\s·•・‧.,;:/\\()\[\]{}\"«»“”„<>_+=&|!?\-‐‑‒–—]+")
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")
_DOUBLED = re.compile(r"(.)\1+")
_ARABIC_LETTERS = frozenset(t.UYGHUR_TO_ULY) | {t.HAMZA}
# Letter groups Palladius writes and Russian or Turkic names hardly ever have (цз, чж, сю,
# юй, -энь…): a Cyrillic name is read as Palladius only when one of them is present.
_PALLADIUS_MARK = re.compile("цз|чж|ц[иеяю]|с[юя]|юй|юэ|уй|эй|\\Bэ|[аэиуя]нь")
_LATIN_VOWELS = frozenset("aäeıioöuūüyAÄEIİOÖUŪÜY")


def _clean(text: str) -> str:
    """NFKC (folds presentation forms and full-width letters), invisible marks removed."""
    return _FORMAT_CHARS.sub("", unicodedata.normalize("NFKC", text[:MAX_NAME_CHARS]))


# --- Cyrillic ----------------------------------------------------------------------------


def kazakh_cyrillic_to_latin(text: str) -> str:
    """Kazakh Cyrillic to the 2021 Kazakh Latin alphabet (Тұрсын -> Tūrsyn, Іле -> Ile)."""
    out: list[str] = []
    for char in text:
        low = char.lower()
        if low not in t.KAZAKH_2021:
            out.append(char)
        elif char == low:
            out.append(t.KAZAKH_2021[low])
        else:
            upper = t.KAZAKH_2021_UPPER.get(char)
            latin = t.KAZAKH_2021[low]
            if upper is None and latin.startswith("i"):
                upper = "İ" + latin[1:]  # Ё Ю Я -> İo İu İa
            out.append(upper or latin.capitalize())
    return "".join(out)


def kazakh_latin_to_cyrillic(text: str) -> str:
    """The 2021 Kazakh Latin alphabet back to Cyrillic; i after a vowel becomes Й."""
    out: list[str] = []
    prev = ""
    for char in text:
        low = {"İ": "i", "I": "ı"}.get(char, char.lower())
        cyr = t.KAZAKH_LATIN_TO_CYRILLIC.get(low)
        if cyr is None:
            out.append(char)
        else:
            if low == "i" and prev in _LATIN_VOWELS:
                cyr = "й"
            out.append(cyr if char == low else cyr.upper())
        prev = char
    return "".join(out)


def _cyrillic(text: str, table: Mapping[str, str], soft: bool) -> str:
    out: list[str] = []
    prev = ""
    for char in text:
        low = char.lower()
        latin = table.get(low)
        if latin is None:
            out.append(char)
        else:
            if (
                soft
                and low in t.BGN_SOFT_VOWELS
                and (not prev.isalpha() or prev.lower() in t.BGN_YE_AFTER)
            ):
                latin = t.BGN_SOFT_VOWELS[low]
            out.append(latin if char == low else latin.capitalize())
        prev = char
    return "".join(out)


def russian_to_latin(text: str) -> str:
    """Cyrillic to Latin, BGN/PCGN simplified (Ерлан -> Yerlan, Хамит -> Khamit)."""
    return _cyrillic(text, t.BGN, soft=True)


def uyghur_cyrillic_to_uly(text: str) -> str:
    """Uyghur Cyrillic to ULY (Мәмәт -> Memet, Пәрһат -> Perhat, Җүмә -> Jüme)."""
    return _cyrillic(text, t.UYGHUR_CYRILLIC, soft=False)


def uyghur_cyrillic_likely(text: str) -> bool:
    """Cyrillic with a letter only Uyghur uses (Җ) or Uyghur letters and none only Kazakh
    uses (Ұ, І): then ә is the Uyghur e, not the Kazakh ä."""
    low = set(text.lower())
    if low & t.UYGHUR_ONLY_CYRILLIC:
        return True
    return bool(low & t.UYGHUR_CYRILLIC_LETTERS) and not low & t.KAZAKH_ONLY_CYRILLIC


def cyrillic_to_icao(text: str) -> str:
    """Cyrillic as printed in Russian and Kazakh passports (ICAO 9303: Юлия -> Iuliia)."""
    return _cyrillic(text, t.ICAO, soft=False)


# --- Uyghur Arabic script ----------------------------------------------------------------


def _arabic_letters(text: str) -> str:
    """Fold keyboard variants: ک -> ك, ی -> ى/ي, ه -> ھ/ە; drop harakat and tatweel."""
    chars = [t.ARABIC_VARIANTS.get(c, c) for c in _clean(text) if c not in t.ARABIC_IGNORED]
    out: list[str] = []
    for i, char in enumerate(chars):
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        prev = out[-1] if out else ""
        if char == "ی":  # Persian yeh: a consonant before a vowel, else the vowel i
            char = "ي" if nxt in t.UYGHUR_VOWELS else "ى"
        elif char == "ه":  # Arabic heh: h at the start of a word, else the vowel e
            char = "ھ" if prev not in _ARABIC_LETTERS else "ە"
        out.append(char)
    return "".join(out)


def uyghur_arabic_to_uly(text: str) -> str:
    """Uyghur Arabic script to Uyghur Latin Yéziqi (تۇرسۇن -> Tursun, سائەت -> Sa'et)."""
    out: list[str] = []
    last = ""  # last Latin letter written in the current word
    for char in _arabic_letters(text):
        if char == t.HAMZA:
            if last:  # word-initial hamza is silent; inside a word ULY writes '
                out.append("'")
                last = "'"
            continue
        latin = t.UYGHUR_TO_ULY.get(char)
        if latin is None:
            out.append(char)
            last = ""
            continue
        if (last, latin[0]) in t.ULY_SPLIT_PAIRS:
            out.append("'")
        out.append(latin)
        last = latin[-1]
    return " ".join(w[:1].upper() + w[1:] for w in "".join(out).split(" "))


def uly_to_uyghur_arabic(text: str) -> str:
    """ULY to Uyghur Arabic script, adding ئ before a vowel that begins a syllable."""
    src = unicodedata.normalize("NFC", text).casefold()
    out: list[str] = []
    i = 0
    word_start, prev_vowel, after_apostrophe = True, False, False
    while i < len(src):
        char = src[i]
        if char in t.APOSTROPHES and not word_start:
            after_apostrophe = True
            i += 1
            continue
        token = src[i : i + 2] if src[i : i + 2] in t.ULY_TO_UYGHUR else char
        arabic = t.ULY_TO_UYGHUR.get(token)
        if arabic is None:
            out.append(char)
            word_start, prev_vowel, after_apostrophe = True, False, False
            i += 1
            continue
        vowel = token in t.ULY_VOWELS
        if vowel and (word_start or prev_vowel or after_apostrophe):
            out.append(t.HAMZA)
        out.append(arabic)
        word_start, prev_vowel, after_apostrophe = False, vowel, False
        i += len(token)
    return "".join(out)


# --- Chinese -----------------------------------------------------------------------------


def _han_runs(text: str) -> list[tuple[bool, str]]:
    runs: list[tuple[bool, str]] = []
    for char in text:
        han = script_of(char) == "han"
        if runs and runs[-1][0] == han:
            runs[-1] = (han, runs[-1][1] + char)
        else:
            runs.append((han, char))
    return runs


def chinese_to_pinyin(text: str) -> str:
    """Pinyin without tones, syllables of a word joined (吐尔逊·买买提 -> tuerxun maimaiti)."""
    parts = [
        ("".join(pinyin_syllables(run)) if han else run) for han, run in _han_runs(_clean(text))
    ]
    return _SEPARATORS.sub(" ", "".join(parts)).strip()


def chinese_to_uyghur_latin(text: str) -> str:
    """The Uyghur/Kazakh name behind a Chinese transcription (吐尔逊 -> tursun): the dictionary
    of standard transcriptions, else a heuristic (see docs/names-and-scripts.md)."""
    parts = [(name_reading(run)[0] if han else run) for han, run in _han_runs(_clean(text))]
    return _SEPARATORS.sub(" ", "".join(parts)).strip()


def _chinese_known(text: str) -> bool:
    """Every Chinese word of ``text`` is read by the dictionary alone."""
    return all(name_reading(run)[1] for han, run in _han_runs(_clean(text)) if han)


# --- folding and keys --------------------------------------------------------------------


def fold_ascii(text: str) -> str:
    """Lower-case ASCII words separated by single spaces (Tūrsyn -> tursyn, Şähit -> shahit)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = "".join("" if c in t.APOSTROPHES else t.ASCII_SPECIAL.get(c, c) for c in folded)
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
    )
    return _NOT_ASCII_WORD.sub(" ", folded).strip()


def loose_key(folded: str) -> str:
    """Merge spellings of one sound in an ASCII-folded name (Abdurakhim ~ Abdurehim), and the
    sounds Chinese and Russian spellings merge (q/k/kh/h/x/gh/g, l/r, s/sh, p/f, ü/u)."""
    return " ".join(_loose_word(word) for word in folded.split())


@lru_cache(maxsize=1 << 15)
def _loose_word(word: str) -> str:
    if len(word) > 2 and word.endswith("h") and word[-2] in "aeiou" and word[-3:] != "shh":
        word = word[:-1]
    for old, new in t.LOOSE_REPLACEMENTS:
        word = word.replace(old, new)
    word = "".join(t.LOOSE_VOWELS.get(c, c) for c in word)
    return _DOUBLED.sub(r"\1", word)


def stem(word: str) -> str:
    """An ASCII word without a patronymic or surname ending (serikovich, serikov, serikuly ->
    serik); the word itself when it has none or the stem would be too short."""
    for ending in t.PATRONYMIC_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= t.MIN_STEM:
            return word[: -len(ending)]
    return word


_H_BEFORE_CONSONANT = re.compile("(?<=[aeiou])k(?=[^aeiou])")
_FINAL_D = re.compile("d\\b")


def russian_sounds(loose: str) -> str:
    """A loose key read the way Russian and Turkish spellings blur Uyghur sounds: e/i as a
    (Russian writes the Uyghur ә as а: Мәмәт -> Мамат, Әхмәт -> Ахмат), a final d as t
    (Uyghur devoices it, Russian keeps the Arabic d: Abdureshit / Абдурашид), and h (k in the
    loose key) between a vowel and a consonant dropped (Turkish Mehmet, Ahmet / Uyghur Memet,
    Russian Мамат). Gulnar and Gulnur, whose a/u no transliteration explains, stay apart."""
    return _FINAL_D.sub("t", _H_BEFORE_CONSONANT.sub("", loose)).replace("i", "a")


def given_first(words: tuple[str, ...]) -> tuple[str, ...]:
    """Two ASCII name words in given-name-first order: Russian forms write the surname made
    of the father's name (Sabirov, Sabirova, Sabiruly) first, so "sabirov savut" is Sawut son
    of Sabir, the order of "savut sabir"."""
    if len(words) == 2 and stem(words[0]) != words[0] and stem(words[1]) == words[1]:
        return (words[1], words[0])
    return words


def order_swapped(a: NameInput, b: NameInput) -> bool:
    """Whether two names of two or more words agree only with their words in another order
    (Hesen Rozi / Rozi Hesen: the given and the father's name swapped, often father and son).
    Words are compared by the loose key of their stem, after ``given_first``."""
    swapped = False
    for x in _ordered_words(a):
        for y in _ordered_words(b):
            if len(x) < 2 or len(x) != len(y):
                continue
            if x == y:
                return False
            if sorted(x) == sorted(y):
                swapped = True
    return swapped


def _ordered_words(names: NameInput) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for key in name_keys(names).exact:
        words = given_first(tuple(w for w in key.split() if not is_particle(w)))
        found.add(tuple(loose_key(stem(w)) for w in words))
    return found


def is_particle(word: str) -> bool:
    """A word that says "son of" / "daughter of" (oghli, qizi, uly, qyzy…): optional."""
    return fold_ascii(word) in t.PARTICLES


def _latin_word(word: str, cyrillic: str, han: str) -> str:
    scripts = scripts_in(word)
    if "han" in scripts:
        return chinese_to_pinyin(word) if han == "pinyin" else chinese_to_uyghur_latin(word)
    if "arabic" in scripts:
        return uyghur_arabic_to_uly(word)
    if "cyrillic" in scripts:
        if cyrillic == "uyghur":
            return uyghur_cyrillic_to_uly(word)
        if cyrillic == "kazakh":
            return kazakh_cyrillic_to_latin(word)
        if cyrillic == "palladius":
            return palladius_reading(word) or russian_to_latin(word)
        return russian_to_latin(word) if cyrillic == "bgn" else cyrillic_to_icao(word)
    if han == "uyghur" and not is_particle(word):
        reading = pinyin_reading(word)
        if reading is not None:
            return reading[0]  # a Chinese transcription typed in pinyin (Tuerxun)
    return word


def palladius_likely(words: list[str]) -> bool:
    """A Chinese name in Palladius Cyrillic (Ма Цзяньго): every Cyrillic word splits into
    Palladius syllables and one of them reads otherwise than in Russian transliteration."""
    cyrillic = [w for w in words if "cyrillic" in scripts_in(w)]
    if not any(_PALLADIUS_MARK.search(w.lower()) for w in cyrillic):
        return False  # Жанна, Хасан split into syllables too, but are not Chinese
    readings = [palladius_reading(w) for w in cyrillic]
    if not cyrillic or any(r is None for r in readings):
        return False
    return any(
        r != fold_ascii(russian_to_latin(w)) for w, r in zip(cyrillic, readings, strict=True)
    )


_UYGHUR_ONLY_ARABIC = frozenset("ەېۇۈۆۋڭگپچژ")  # letters an Arabic keyboard cannot type


def _arabic_keyboard_z(text: str) -> bool:
    """Arabic-script text with ز and none of the letters an Arabic keyboard lacks: ز may
    stand for ژ (zh, Kazakh and Uyghur Ж), which such a keyboard cannot type."""
    return "ز" in text and not _UYGHUR_ONLY_ARABIC.intersection(text)


def _surname_split(words: list[str]) -> list[str] | None:
    """A Chinese name written in one word (马文华), split after a common surname (马 文华)."""
    if len(words) != 1 or not 2 <= len(words[0]) <= 4 or words[0][0] not in SURNAMES:
        return None
    if scripts_in(words[0]) != {"han"}:
        return None
    return [words[0][0], words[0][1:]]


@dataclass(frozen=True)
class NameKeys:
    """Search keys of one or more spellings: exact transliterations and loose variants."""

    exact: frozenset[str]
    loose: frozenset[str]

    def all(self) -> frozenset[str]:
        return self.exact | self.loose


@remember
@lru_cache(maxsize=4096)
def _keys_of(text: str) -> NameKeys:
    cleaned = _clean(text)
    words = [w for w in _SEPARATORS.split(cleaned) if w]
    keys = _word_keys(cleaned, words)
    if _arabic_keyboard_z(cleaned):  # زانار may be ژانار (Zhanar) typed without ژ
        variant = cleaned.replace("ز", "ژ")
        typed = _word_keys(variant, [w for w in _SEPARATORS.split(variant) if w])
        keys = NameKeys(keys.exact, keys.loose | typed.loose)
    extra = _surname_split(words)
    if extra is None:
        return keys
    split = _word_keys(cleaned, extra)
    return NameKeys(keys.exact | split.exact, keys.loose | split.loose)


def _word_keys(cleaned: str, words: list[str]) -> NameKeys:
    scripts = scripts_in(cleaned)
    cyrillic_schemes: tuple[str, ...] = ("kazakh",)
    if "cyrillic" in scripts:
        cyrillic_schemes = ("kazakh", "bgn", "icao")
        if uyghur_cyrillic_likely(cleaned):
            cyrillic_schemes += ("uyghur",)
        if palladius_likely(words):
            cyrillic_schemes += ("palladius",)
    typed = [pinyin_reading(w) for w in words if scripts_in(w) == {"latin"} and not is_particle(w)]
    han_schemes: tuple[str, ...] = ("pinyin",)
    if "han" in scripts or any(typed):
        han_schemes = ("pinyin", "uyghur")
    known = ("han" in scripts and _chinese_known(cleaned)) or (
        "han" not in scripts and bool(typed) and all(r is not None and r[1] for r in typed)
    )
    exact: set[str] = set()
    approximate: set[str] = set()
    for cyrillic in cyrillic_schemes:
        for han in han_schemes:
            key = fold_ascii(" ".join(_latin_word(w, cyrillic, han) for w in words))
            (exact if han == "pinyin" or known else approximate).add(key)
    loose = {loose_key(k) for k in exact | approximate}
    return NameKeys(frozenset(exact - {""}), frozenset(loose - {""}))


def _spellings(names: NameInput) -> list[str]:
    if isinstance(names, str):
        return [names]
    if isinstance(names, Mapping):
        found: list[str] = []
        for value in names.values():
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, list):
                found.extend(v for v in value if isinstance(v, str))
        return found
    return [n for n in names if isinstance(n, str)]


def name_keys(names: NameInput) -> NameKeys:
    """Keys of a name, a names field value ({"latin":…, "aliases": […]}) or several names."""
    exact: set[str] = set()
    loose: set[str] = set()
    for spelling in _spellings(names):
        keys = _keys_of(spelling)
        exact |= keys.exact
        loose |= keys.loose
    return NameKeys(frozenset(exact), frozenset(loose))


def search_keys(names: NameInput) -> set[str]:
    """Every ASCII key under which these names should be found (for the search index):
    ``name_keys(names).all()``, gathered without the intermediate sets."""
    found: set[str] = set()
    for spelling in _spellings(names):
        keys = _keys_of(spelling)
        found |= keys.exact
        found |= keys.loose
    return found


LOOSE_WEIGHT = 0.95  # a loose-key match is a little less sure than an exact-key match
PARTIAL_WEIGHT = 0.9  # one name contained in the other (Tursun in Tursunjan)


VOWEL_PENALTY = 0.12  # per vowel change no transliteration explains (Gülnar / Gülnur)
_UNEXPLAINED = frozenset({("a", "u"), ("u", "a")})  # loose vowel classes a | e,i | o,u


def unexplained_vowels(a: str, b: str) -> int:
    """Vowel substitutions between two ASCII keys that no transliteration explains: a against
    o/u (Gulnar / Gulnur, Marat / Murat). e/i, o/u, ö/ü, a/ä/e (Russian ә -> а) are explained."""
    la, lb = loose_key(a), loose_key(b)
    if la == lb:
        return 0
    return sum(
        1
        for op in Levenshtein.editops(la, lb)
        if op.tag == "replace" and (la[op.src_pos], lb[op.dest_pos]) in _UNEXPLAINED
    )


@lru_cache(maxsize=1 << 16)
def _score(a: str, b: str) -> float:
    best = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
    if min(len(a), len(b)) >= 4:
        partial = max(fuzz.partial_ratio(a, b), fuzz.token_set_ratio(a, b))
        best = max(best, PARTIAL_WEIGHT * partial)
    return max(0.0, float(best) / 100.0 - VOWEL_PENALTY * unexplained_vowels(a, b))


def name_similarity(a: NameInput, b: NameInput) -> float:
    """0.0 (unrelated) to 1.0 (same key): the best match between any spellings of a and b.

    About 0.85 and above: probably the same name; 0.7-0.85: worth a human look.
    """
    keys_a, keys_b = name_keys(a), name_keys(b)
    return name_keys_similarity(keys_a.exact, keys_a.loose, keys_b.exact, keys_b.loose)


def name_keys_similarity(
    exact_a: Collection[str],
    loose_a: Collection[str],
    exact_b: Collection[str],
    loose_b: Collection[str],
) -> float:
    """``name_similarity`` from keys already computed (``name_keys``: exact and loose keys of
    a, then of b), for callers that compare the same names many times."""
    best = 0.0
    for x in exact_a:
        for y in exact_b:
            best = max(best, 1.0 if x == y else _score(x, y))
    for x in loose_a:
        for y in loose_b:
            best = max(best, LOOSE_WEIGHT * (1.0 if x == y else _score(x, y)))
    return round(best, 4)
