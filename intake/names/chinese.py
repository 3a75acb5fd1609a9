"""Chinese transcriptions of Uyghur, Kazakh and Kyrgyz names read back as Latin.

Two readings: a dictionary of standard transcriptions (``tables_chinese.CHINESE_NAMES``: whole
names and common parts such as 古丽 gül, 江 jan, 阿依 ay, in the forms PRC documents write under
DB65/T 2189-2005, the Xinjiang standard for transcribing Uyghur personal names into Chinese
characters), matched longest first; and, for characters it does not cover, a heuristic over
pinyin (a closed syllable's final consonant is written as an extra syllable: 吐尔逊 tu-er-xun is
Tursun). Rules and limits: docs/names-and-scripts.md.
"""

from __future__ import annotations

import re
from functools import lru_cache

from intake.names import tables as t
from intake.names.tables_chinese import CHINESE_NAMES, LONGEST_NAME


def pinyin_syllables(han: str) -> list[str]:
    """Pinyin of Chinese characters, without tones (ü kept), one string per syllable."""
    # imported on first use: its phrase dictionary takes 0.2-0.4 s to load (docs/performance.md)
    from pypinyin import Style, lazy_pinyin

    return [s for s in lazy_pinyin(han, style=Style.NORMAL, v_to_u=True) if s.isalpha()]


def _syllable(syllable: str) -> str:
    if syllable in t.PINYIN_SYLLABLES:
        return t.PINYIN_SYLLABLES[syllable]
    for old, new in t.PINYIN_INITIALS:
        if syllable.startswith(old):
            syllable = new + syllable[len(old) :]
            break
    for old, new in t.PINYIN_FINALS:
        if syllable.endswith(old):
            return syllable[: -len(old)] + new
    return syllable


def heuristic_reading(han: str, word_start: bool = True, word_end: bool = True) -> str:
    """The pinyin read the way transcriptions work (``word_start``/``word_end``: whether the
    characters begin or end the word, which decides where a syllable is a bare consonant)."""
    return heuristic_syllables(pinyin_syllables(han), word_start, word_end)


def heuristic_syllables(
    syllables: list[str], word_start: bool = True, word_end: bool = True
) -> str:
    """``heuristic_reading`` of pinyin syllables."""
    out: list[str] = []
    for i, syllable in enumerate(syllables):
        last = i == len(syllables) - 1
        nxt = syllables[i + 1] if not last else ""
        inside = i > 0 or not word_start
        if inside and last and word_end and syllable in t.FINAL_CODA:
            out.append(t.FINAL_CODA[syllable])
        elif inside and syllable in t.MID_CODA and (nxt or "b")[:1] not in "aeiouy":
            out.append(t.MID_CODA[syllable])
        else:
            out.append(_syllable(syllable))
    return "".join(out)


def segments(han: str) -> list[tuple[bool, str]]:
    """``han`` cut into (known, text): dictionary entries (longest first) and the rest."""
    found: list[tuple[bool, str]] = []
    i = 0
    while i < len(han):
        for size in range(min(LONGEST_NAME, len(han) - i), 0, -1):
            piece = han[i : i + size]
            if piece in CHINESE_NAMES and (size > 1 or found or i + size == len(han)):
                found.append((True, piece))
                i += size
                break
        else:
            if found and not found[-1][0]:
                found[-1] = (False, found[-1][1] + han[i])
            else:
                found.append((False, han[i]))
            i += 1
    return found


def name_reading(han: str) -> tuple[str, bool]:
    """(Latin reading of one Chinese word, True when the dictionary covered all of it)."""
    parts = segments(han)
    out: list[str] = []
    for n, (known, text) in enumerate(parts):
        if known:
            out.append(CHINESE_NAMES[text])
        else:
            out.append(heuristic_reading(text, n == 0, n == len(parts) - 1))
    return "".join(out), all(known for known, _ in parts)


_PINYIN = re.compile(
    "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    "(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo"
    "|ui|ue|er|a|o|e|i|u|v)"
)
_PINYIN_WORD = re.compile(f"(?:{_PINYIN.pattern})+")


def pinyin_word_syllables(word: str) -> list[str] | None:
    """The syllables of a Latin word written in pinyin (tuerxun -> tu er xun), or None when
    it is not pinyin or is a single syllable. Ambiguous words get one of their readings."""
    low = word.lower().replace("'", "")
    if not low.isascii() or not _PINYIN_WORD.fullmatch(low):
        return None
    syllables = _split(low)
    return syllables if syllables and len(syllables) >= 2 else None


def _split(word: str) -> list[str] | None:
    """Longest syllables first, backtracking when the rest cannot be split."""
    if not word:
        return []
    for match_end in sorted({m.end() for m in _prefixes(word)}, reverse=True):
        rest = _split(word[match_end:])
        if rest is not None:
            return [word[:match_end], *rest]
    return None


def _prefixes(word: str) -> list[re.Match[str]]:
    found = []
    for size in range(min(6, len(word)), 0, -1):
        match = _PINYIN.fullmatch(word[:size])
        if match:
            found.append(match)
    return found


@lru_cache(maxsize=1)
def _dictionary_by_pinyin() -> dict[str, str]:
    return {"".join(pinyin_syllables(han)): latin for han, latin in CHINESE_NAMES.items()}


def pinyin_reading(word: str) -> tuple[str, bool] | None:
    """A Latin word typed in pinyin read like its characters (Tuerxun -> tursun): the
    dictionary when it lists the whole word, else the heuristic; None when not pinyin."""
    syllables = pinyin_word_syllables(word)
    if syllables is None:
        return None
    known = _dictionary_by_pinyin().get("".join(syllables))
    if known is not None:
        return known, True
    return heuristic_syllables(syllables), False
