"""Letter tables for transliterating names between the scripts a testimony uses.

Pure data, read by intake/names/keys.py; every rule is explained in docs/names-and-scripts.md.
Lower-case tables only: callers handle letter case. Sources: the Kazakh Latin alphabet as
presented in January 2021 (31 letters; Ч and Ц, which it leaves out, are our choice), BGN/PCGN
romanization of Russian (simplified), ICAO Doc 9303 (passports of Russia and Kazakhstan),
and Uyghur Latin Yéziqi (ULY, 2000) for Uyghur in Arabic script.
"""

from __future__ import annotations

# --- Kazakh Cyrillic -> Kazakh Latin (2021) ------------------------------------------------
# Uppercase differs only for the I letters: І -> I/ı (dotless), И and Й -> İ/i (dotted).
KAZAKH_2021: dict[str, str] = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e",
    "ё": "io", "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l",
    "м": "m", "н": "n", "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts",
    "ч": "ç", "ш": "ş", "щ": "ş", "ъ": "", "ы": "y", "і": "ı", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
    # Uyghur Cyrillic letters met in Kazakhstan (Җ = j, Ҳ = h)
    "җ": "j", "ҳ": "h",
}  # fmt: skip
KAZAKH_2021_UPPER: dict[str, str] = {"І": "I", "И": "İ", "Й": "İ"}

# Kazakh Latin (2021) -> Cyrillic. "i" after a vowel is Й, elsewhere И (handled in code).
KAZAKH_LATIN_TO_CYRILLIC: dict[str, str] = {
    "a": "а", "ä": "ә", "b": "б", "ç": "ч", "d": "д", "e": "е", "f": "ф", "g": "г",
    "ğ": "ғ", "h": "х", "ı": "і", "i": "и", "j": "ж", "k": "к", "l": "л", "m": "м",
    "n": "н", "ñ": "ң", "ŋ": "ң", "o": "о", "ö": "ө", "p": "п", "q": "қ", "r": "р",
    "s": "с", "ş": "ш", "t": "т", "u": "у", "ū": "ұ", "ü": "ү", "v": "в", "y": "ы",
    "z": "з", "w": "у", "x": "х", "c": "ц",
}  # fmt: skip

# --- Russian (and Kazakh) Cyrillic -> Latin -----------------------------------------------
# BGN/PCGN simplified to ASCII: Е is "ye" at the start of a word and after a vowel, Й, Ъ, Ь
# (handled in code); Ё likewise "yo", else "ë". Kazakh letters get their plain Latin look.
BGN: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "ë", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    "ә": "a", "ғ": "g", "қ": "k", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "і": "i", "җ": "j", "ҳ": "h",
}  # fmt: skip
BGN_SOFT_VOWELS: dict[str, str] = {"е": "ye", "ё": "yo"}
RUSSIAN_VOWELS = frozenset("аеёиоуыэюяәөұүі")
BGN_YE_AFTER = RUSSIAN_VOWELS | frozenset("йъь")

# ICAO Doc 9303 (machine-readable passports; Russia since 2013, Kazakhstan).
ICAO: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia",
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "і": "i", "җ": "zh", "ҳ": "kh",
}  # fmt: skip

# Uyghur Cyrillic (Uyghur Siril Yéziqi, used in Kazakhstan and Kyrgyzstan) -> ULY.
UYGHUR_CYRILLIC: dict[str, str] = {
    "а": "a", "ә": "e", "б": "b", "в": "w", "г": "g", "ғ": "gh", "д": "d", "е": "é",
    "ё": "yo", "ж": "zh", "җ": "j", "з": "z", "и": "i", "й": "y", "к": "k", "қ": "q",
    "л": "l", "м": "m", "н": "n", "ң": "ng", "о": "o", "ө": "ö", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ү": "ü", "ф": "f", "х": "x", "һ": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}  # fmt: skip
UYGHUR_ONLY_CYRILLIC = frozenset("җ")
UYGHUR_CYRILLIC_LETTERS = frozenset("әғқңөүһ")
KAZAKH_ONLY_CYRILLIC = frozenset("ұі")

# --- Patronymics and particles ------------------------------------------------------------
# Endings of Russian-style patronymics and surnames and of Kazakh/Kyrgyz/Uyghur "son/daughter
# of" forms, on ASCII-folded words, longest first; and the same forms written as a word.
PATRONYMIC_ENDINGS: tuple[str, ...] = (
    "ovich", "evich", "ovych", "ovna", "evna", "ovic", "ogli", "oghli", "oglu", "qizi",
    "kizi", "qyzy", "kyzy", "uulu", "uly", "uli", "ova", "eva", "ov", "ev",
)  # fmt: skip
PARTICLES = frozenset(
    {"oghli", "ogli", "oglu", "ogly", "qizi", "kizi", "qyzy", "kyzy", "kizy", "uly", "uli"}
    | {"uulu", "ulu", "bin", "binti", "ibn"}
)
MIN_STEM = 3

# --- Uyghur Arabic script <-> ULY ----------------------------------------------------------
UYGHUR_TO_ULY: dict[str, str] = {
    "ا": "a", "ە": "e", "ب": "b", "پ": "p", "ت": "t", "ج": "j", "چ": "ch", "خ": "x",
    "د": "d", "ر": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh", "غ": "gh", "ف": "f",
    "ق": "q", "ك": "k", "گ": "g", "ڭ": "ng", "ل": "l", "م": "m", "ن": "n", "ھ": "h",
    "و": "o", "ۇ": "u", "ۆ": "ö", "ۈ": "ü", "ۋ": "w", "ې": "é", "ى": "i", "ي": "y",
    # Kazakh Arabic script (used by Kazakhs in Xinjiang): ع is Ғ, ح is Х.
    "ع": "gh", "ح": "h",
}  # fmt: skip
UYGHUR_VOWELS = frozenset("اەوۇۆۈېى")
HAMZA = "ئ"
# Variant code points that keyboards and older fonts produce, folded before transliteration.
ARABIC_VARIANTS: dict[str, str] = {
    "ک": "ك",  # U+06A9 keheh (Persian keyboard) -> U+0643 kaf
    "ة": "ە",  # teh marbuta in loanwords
    "أ": "ا", "إ": "ا", "آ": "ا",  # hamza/madda alef forms in Arabic loanwords
    "ؤ": "ۇ",
    "ء": "ئ",  # a lone hamza, as Arabic keyboards (which lack ئ in some layouts) type it
}  # fmt: skip
ARABIC_IGNORED = frozenset(
    ["\u0640", "\u0670", "\u0674"]  # tatweel, superscript alef, Kazakh front-vowel hamza
    + [chr(c) for c in range(0x064B, 0x0660)]  # harakat (short-vowel marks)
)

# ULY letters (digraphs first) -> Uyghur Arabic script.
ULY_TO_UYGHUR: dict[str, str] = {
    "ch": "چ", "gh": "غ", "ng": "ڭ", "sh": "ش", "zh": "ژ",
    "a": "ا", "b": "ب", "d": "د", "e": "ە", "é": "ې", "f": "ف", "g": "گ", "h": "ھ",
    "i": "ى", "j": "ج", "k": "ك", "l": "ل", "m": "م", "n": "ن", "o": "و", "ö": "ۆ",
    "p": "پ", "q": "ق", "r": "ر", "s": "س", "t": "ت", "u": "ۇ", "ü": "ۈ", "v": "ۋ",
    "w": "ۋ", "x": "خ", "y": "ي", "z": "ز",
}  # fmt: skip
ULY_VOWELS = frozenset("aeéioöuü")
# Pairs that ULY separates with an apostrophe so they are not read as a digraph.
ULY_SPLIT_PAIRS = frozenset({("n", "g"), ("s", "h"), ("z", "h"), ("g", "h"), ("c", "h")})

# --- Latin -> ASCII folding -----------------------------------------------------------------
ASCII_SPECIAL: dict[str, str] = {
    "ä": "a", "ə": "a", "æ": "ae", "ö": "o", "ø": "o", "ü": "u", "ū": "u", "ı": "i",
    "ğ": "g", "ñ": "ng", "ŋ": "ng", "ş": "sh", "ș": "sh", "š": "sh", "ç": "ch",
    "č": "ch", "ž": "zh", "é": "e", "ß": "ss", "đ": "d", "ł": "l",
}  # fmt: skip
APOSTROPHES = frozenset("'’ʼʻ`´‘")

# --- Loose (phonetic) key ---------------------------------------------------------------
# Applied in order to an ASCII-folded word: merges spellings of the same sound across
# transliteration systems (kh/x/h, q/k, gh/g, zh/j/dzh, w/v, Turkish c = j), then vowel classes.
# "ch" is parked as "C" so that the Turkish-style c -> j rule cannot touch it.
LOOSE_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    ("ch", "C"), ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("ts", "s"), ("kh", "k"), ("gh", "k"),
    ("sh", "s"), ("ph", "p"), ("ng", "n"), ("x", "k"), ("q", "k"), ("h", "k"), ("g", "k"),
    ("f", "p"), ("b", "p"), ("r", "l"), ("w", "v"), ("c", "j"), ("y", "i"), ("C", "ch"),
)  # fmt: skip
LOOSE_VOWELS: dict[str, str] = {"a": "a", "e": "i", "i": "i", "o": "u", "u": "u"}

# --- Chinese transcriptions of Uyghur and Kazakh names ------------------------------------
# Chinese renders a closed syllable's final consonant with an extra character (吐尔逊 tu-er-xun
# for Tursun, 买买提 mai-mai-ti for Memet). These pinyin syllables stand for a bare consonant
# when they end a word (FINAL_CODA) or, for the commonest ones, before a consonant (MID_CODA).
MID_CODA: dict[str, str] = {"er": "r", "bu": "b", "he": "h", "ke": "k", "si": "s", "hu": "h"}
FINAL_CODA: dict[str, str] = MID_CODA | {
    "ti": "t", "te": "t", "mu": "m", "li": "l", "le": "l", "fu": "f", "pu": "p", "zi": "z",
    "de": "d", "ge": "g", "ri": "r", "ke": "k",
}  # fmt: skip
# Pinyin spellings rewritten towards Uyghur/Kazakh Latin (whole syllable first, then parts).
PINYIN_SYLLABLES: dict[str, str] = {
    "yi": "i", "ye": "e", "wu": "u", "you": "yu", "jiang": "jan", "er": "er",
}  # fmt: skip
PINYIN_INITIALS: tuple[tuple[str, str], ...] = (
    ("zh", "j"), ("x", "s"), ("q", "ch"), ("c", "ts"),
)  # fmt: skip
PINYIN_FINALS: tuple[tuple[str, str], ...] = (
    ("iang", "an"), ("ong", "un"), ("eng", "en"), ("ing", "in"), ("ai", "e"), ("ei", "e"),
    ("ao", "o"), ("ou", "o"), ("ie", "e"), ("uo", "o"),
)  # fmt: skip
