"""Chinese names written in Cyrillic by the Palladius system, read back as pinyin.

Hui (Dungan) and Han names reach Russian-language documents in the Palladius transcription
(the Russian standard for Chinese since the 19th century, used in Russian and Kazakhstani
passports): 马建国 Ma Jianguo is Ма Цзяньго, 文华 Wenhua is Вэньхуа, 秀英 Xiuying is Сюин.
Russian transliteration of those words (Tszyango, Venkhua) meets neither the pinyin nor the
characters. The table below is built from the Palladius rules (initials and finals of pinyin,
as in the standard Palladius table), reversed, and a Cyrillic word is read as pinyin when it
splits wholly into Palladius syllables. Limits: docs/names-and-scripts.md.
"""

from __future__ import annotations

from functools import lru_cache

# Pinyin initial -> Palladius (j/q/x only before i and ü finals, z/c/s never before them).
_INITIALS: dict[str, str] = {
    "b": "б", "p": "п", "m": "м", "f": "ф", "d": "д", "t": "т", "n": "н", "l": "л",
    "g": "г", "k": "к", "h": "х", "j": "цз", "q": "ц", "x": "с", "zh": "чж", "ch": "ч",
    "sh": "ш", "r": "ж", "z": "цз", "c": "ц", "s": "с",
}  # fmt: skip
# Finals after an initial.
_FINALS: dict[str, str] = {
    "a": "а", "o": "о", "e": "э", "ai": "ай", "ei": "эй", "ao": "ао", "ou": "оу",
    "an": "ань", "en": "энь", "ang": "ан", "eng": "эн", "ong": "ун", "i": "и",
    "u": "у", "ua": "уа", "uo": "о", "uai": "уай", "ui": "уй", "uan": "уань", "un": "унь",
    "uang": "уан",
}  # fmt: skip
_I_FINALS: dict[str, str] = {
    "i": "и", "ia": "я", "ie": "е", "iao": "яо", "iu": "ю", "ian": "янь", "in": "инь",
    "iang": "ян", "ing": "ин", "iong": "юн",
}  # fmt: skip
_U_FINALS: dict[str, str] = {"u": "юй", "ue": "юэ", "uan": "юань", "un": "юнь"}  # ju, jue…
# Syllables without an initial.
_ZERO: dict[str, str] = {
    "a": "а", "o": "о", "e": "э", "ai": "ай", "ei": "эй", "ao": "ао", "ou": "оу", "an": "ань",
    "en": "энь", "ang": "ан", "eng": "эн", "er": "эр", "yi": "и", "ya": "я", "ye": "е",
    "yao": "яо", "you": "ю", "yan": "янь", "yin": "инь", "yang": "ян", "ying": "ин",
    "yong": "юн", "yu": "юй", "yue": "юэ", "yuan": "юань", "yun": "юнь", "wu": "у", "wa": "ва",
    "wo": "во", "wai": "вай", "wei": "вэй", "wan": "вань", "wen": "вэнь", "wang": "ван",
    "weng": "вэн",
}  # fmt: skip
_SPECIAL: dict[str, str] = {
    "zi": "цзы", "ci": "цы", "si": "сы", "hui": "хуэй", "nü": "нюй", "lü": "люй",
    "nüe": "нюэ", "lüe": "люэ",
}  # fmt: skip
_LONGEST = 5
# Syllables that begin with a, o or e: pinyin and Palladius mark them inside a word (Xi'an), so
# a word is not split before one (Дина is di-na, not ding-a).
_VOWEL_START = frozenset(_ZERO[s] for s in _ZERO if s[0] in "aoe")


@lru_cache(maxsize=1)
def palladius_table() -> dict[str, str]:
    """Palladius syllable (Cyrillic, lower case) -> pinyin syllable (without tones)."""
    forward: dict[str, str] = dict(_ZERO)
    for initial, cyr in _INITIALS.items():
        palatal = initial in ("j", "q", "x")
        if not palatal:
            for final, fcyr in _FINALS.items():
                if final == "i" and initial in ("z", "c", "s"):
                    continue
                if final in ("o", "uo") and (final == "o") != (initial in ("b", "p", "m", "f")):
                    continue  # bo po mo fo, but duo guo zhuo (both written -о)
                forward[initial + final] = cyr + fcyr
        if palatal or initial in ("b", "p", "m", "d", "t", "n", "l"):
            for final, fcyr in _I_FINALS.items():
                if initial in ("b", "p", "m", "d", "t") and final in ("ia", "iang", "iong"):
                    continue
                forward[initial + final] = cyr + fcyr
        if palatal:
            for final, fcyr in _U_FINALS.items():
                forward[initial + final] = cyr + fcyr
    forward.update(_SPECIAL)
    reverse: dict[str, str] = {}
    for pinyin, cyr in forward.items():
        reverse.setdefault(cyr, pinyin.replace("ü", "u"))
    reverse.setdefault("хуй", "hui")  # the short spelling of хуэй in many documents
    return reverse


def palladius_reading(word: str) -> str | None:
    """The pinyin of a Cyrillic word written by Palladius (Цзяньго -> jianguo), or None when
    the word does not split wholly into Palladius syllables."""
    low = word.lower().replace("ё", "е")
    syllables = _split(low)
    return None if syllables is None else "".join(syllables)


@lru_cache(maxsize=4096)
def _split_cached(word: str, start: bool = True) -> tuple[str, ...] | None:
    if not word:
        return ()
    table = palladius_table()
    for size in range(min(_LONGEST, len(word)), 0, -1):
        pinyin = table.get(word[:size])
        if pinyin is None or (not start and word[:size] in _VOWEL_START):
            continue
        rest = _split_cached(word[size:], False)
        if rest is not None:
            return (pinyin, *rest)
    return None


def _split(word: str) -> list[str] | None:
    found = _split_cached(word)
    return None if found is None else list(found)
