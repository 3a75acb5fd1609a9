"""Which writing systems the letters of a string belong to (Latin, Cyrillic, Arabic, Han).

Used to warn when a name typed into the "Cyrillic" box is really Latin, and to pick the
transliteration for each word of a name. Only letters count; digits, spaces and punctuation
belong to no script. Ranges are the Unicode blocks that Kazakh, Uyghur, Russian, Chinese and
Turkish text uses, including Arabic presentation forms and CJK extension blocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Script = Literal["latin", "cyrillic", "arabic", "han", "other"]

_RANGES: tuple[tuple[int, int, Script], ...] = (
    (0x0041, 0x024F, "latin"),  # Basic Latin letters .. Latin Extended-B
    (0x1E00, 0x1EFF, "latin"),  # Latin Extended Additional
    (0xFF21, 0xFF5A, "latin"),  # full-width Latin
    (0x0400, 0x052F, "cyrillic"),  # Cyrillic and Cyrillic Supplement
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),  # Arabic Supplement
    (0xFB50, 0xFDFF, "arabic"),  # presentation forms A
    (0xFE70, 0xFEFF, "arabic"),  # presentation forms B
    (0x3400, 0x4DBF, "han"),  # CJK extension A
    (0x4E00, 0x9FFF, "han"),  # CJK unified ideographs
    (0xF900, 0xFAFF, "han"),  # CJK compatibility ideographs
    (0x20000, 0x3134F, "han"),  # CJK extensions B-G
)


def script_of(char: str) -> Script | None:
    """The script of one character, or None when it is not a letter."""
    if not char.isalpha():
        return None
    point = ord(char)
    for low, high, script in _RANGES:
        if low <= point <= high:
            return script
    return "other"


def scripts_in(text: str) -> set[Script]:
    """Every script that at least one letter of ``text`` is written in."""
    found: set[Script] = set()
    for char in text:
        script = script_of(char)
        if script is not None:
            found.add(script)
    return found


# Which spelling of a name a list shows, by interface language: the script its readers use
# (Uyghur reads the Arabic script, Kazakh and Russian Cyrillic, Chinese Han characters).
SPELLING_ORDER = ("latin", "cyrillic", "arabic", "chinese")  # names fields' script keys
SCRIPT_FOR_LANGUAGE = {"ug": "arabic", "kk": "cyrillic", "ru": "cyrillic", "zh": "chinese"}


def spelling_for_language(spellings: Mapping[str, str], lang: str) -> str:
    """The spelling in the script of ``lang`` if there is one, else Latin, else any other
    (``spellings`` maps names-field keys such as ``arabic`` to text)."""
    preferred = SCRIPT_FOR_LANGUAGE.get(lang, "latin")
    for key in (preferred, *SPELLING_ORDER, *spellings):
        if spellings.get(key):
            return spellings[key]
    return ""
