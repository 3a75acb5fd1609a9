"""Name search: query words, their transliteration keys, tiers and close spellings.

The FTS5 MATCH texts a name search is made of (intake/testimonies/query.py runs them). Each
query word matches itself or any of its ASCII keys (intake/names/keys.py), whole or as a
prefix, and its stem without a patronymic ending (Serikovich -> serik); particles (oghli,
qizi, uly) are optional. ``tier_expressions`` gives the tiers from the surest to the loosest:
every word whole, every word as a prefix, close spellings too (``close_terms``: indexed name
words whose loose key is close to the query's, rapidfuzz), all words but one. Every term is
quoted, so no input is FTS syntax. ``name_scores`` ranks the rows of one tier by how alike
their victims' names are to the query.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from rapidfuzz import fuzz, process

from intake.names.keys import (
    LOOSE_WEIGHT,
    VOWEL_PENALTY,
    is_particle,
    loose_key,
    name_keys,
    russian_sounds,
    search_keys,
    stem,
    unexplained_vowels,
)

MAX_QUERY_WORDS = 12  # a search box, not a document: longer queries are cut
MIN_PREFIX = 2  # shorter terms match whole words only (a one-letter prefix matches everything)
MIN_FUZZY = 3  # loose keys shorter than this have too many close neighbours to be useful
FUZZY_CUTOFF = 80  # rapidfuzz ratio (0-100) for "spelled closely": Abdurakhim ~ Abdurehim
PENALTY_FROM = 70  # similarity from which a vowel change no transliteration explains counts
ORDER_WEIGHT = 0.3  # share of the order-sensitive ratio in a ranking score
PLAIN_WEIGHT = 0.9  # ranking weight of keys compared without endings, e/i as a
MAX_PARTIAL_WORDS = 5  # "all words but one" is tried for queries of 2 to 5 words
_QUERY_SEPARATORS = re.compile(r"[\s·•・,.;:!?()\[\]{}\"«»“”*^+/\\|<>=&]+")


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _term(term: str) -> str:
    return _quote(term) + ("*" if len(term) >= MIN_PREFIX else "")


def query_words(text: str) -> list[str]:
    """The words of a search box, NFC and case-folded, without FTS punctuation."""
    text = unicodedata.normalize("NFC", text)
    words = [w for w in _QUERY_SEPARATORS.split(text) if any(c.isalnum() for c in w)]
    return [w.casefold() for w in words[:MAX_QUERY_WORDS]]


def _word_terms(word: str) -> set[str]:
    terms = {word}
    for key in search_keys(word):
        terms |= set(key.split())
    return terms


def _stemmed_terms(word: str) -> set[str]:
    """The word's terms and their stems (Sabirov -> sabir), as whole words."""
    terms = _word_terms(word)
    return terms | {stem(t) for t in terms if t.isascii()}


def _prefix_terms(word: str) -> set[str]:
    """The word's terms and their stems without a patronymic or surname ending (Serikovich,
    Serikov -> serik), all as prefixes."""
    return _stemmed_terms(word)


def name_words(text: str) -> list[str]:
    """The query words that must match: particles (oghli, qizi, uly…) are optional."""
    words = query_words(text)
    kept = [w for w in words if not is_particle(w)]
    return kept or words


def match_expression(text: str, extra: Mapping[str, set[str]] | None = None) -> str | None:
    """FTS5 MATCH text: each word OR its transliteration keys, as prefixes; words ANDed.

    ``extra`` adds whole-word alternatives per query word (close spellings, see
    ``close_terms``).
    """
    groups = [_group(w, True, extra) for w in name_words(text)]
    return " AND ".join(groups) if groups else None


def _group(word: str, prefix: bool, extra: Mapping[str, set[str]] | None = None) -> str:
    if prefix:
        terms = [_term(t) for t in sorted(_prefix_terms(word))]
    else:
        terms = [_quote(t) for t in sorted(_stemmed_terms(word))]
    terms += [_quote(t) for t in sorted((extra or {}).get(word, set()))]
    return "(" + " OR ".join(terms) + ")"


def tier_expressions(
    text: str, extra: Mapping[str, set[str]] | None = None
) -> list[tuple[str, str]]:
    """(tier, MATCH text) from the surest to the loosest; each matches all the previous ones
    match and more: every word whole ("exact"), every word as a prefix ("prefix"), close
    spellings too ("close"), all words but one ("partial", for queries of two or more)."""
    words = name_words(text)
    if not words:
        return []
    tiers = [
        ("exact", " AND ".join(_group(w, False) for w in words)),
        ("prefix", " AND ".join(_group(w, True) for w in words)),
    ]
    if extra:
        tiers.append(("close", " AND ".join(_group(w, True, extra) for w in words)))
    if 2 <= len(words) <= MAX_PARTIAL_WORDS:
        subsets = [
            "(" + " AND ".join(_group(w, True, extra) for w in words if w is not left) + ")"
            for left in words
        ]
        tiers.append(("partial", " OR ".join(subsets)))
    return tiers


class NameVocabulary:
    """The distinct words of the ``name_keys`` column by loose key, cached until the next write.

    Held by one TestimonyStore (so it goes away with the store when the vault is locked).
    """

    def __init__(self) -> None:
        self._changes = -1
        self._loose: list[str] = []
        self._terms: dict[str, list[str]] = {}
        self._vowels: dict[str, list[str]] = {}

    def terms(self, conn: Any) -> list[str]:
        """Loose keys of the indexed name words (``words_of`` gives the words)."""
        if self._changes != conn.total_changes:
            conn.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.testimony_search_terms"
                " USING fts5vocab(main, testimony_search, col)"
            )
            rows = conn.execute(
                "SELECT term FROM temp.testimony_search_terms WHERE col = 'name_keys'"
            ).fetchall()
            by_loose: dict[str, list[str]] = {}
            by_vowels: dict[str, list[str]] = {}
            for row in rows:
                term = str(row[0])
                by_loose.setdefault(loose_key(term), []).append(term)
                by_vowels.setdefault(russian_vowels(loose_key(stem(term))), []).append(term)
            self._terms = by_loose
            self._vowels = by_vowels
            self._loose = list(by_loose)
            self._changes = conn.total_changes
        return self._loose

    def words_of(self, loose: str) -> list[str]:
        return self._terms.get(loose, [])

    def same_but_vowels(self, loose: str) -> list[str]:
        """Indexed words equal to a loose key once e/i and a are one vowel (``russian_vowels``)."""
        return self._vowels.get(russian_vowels(loose), [])


def russian_vowels(loose: str) -> str:
    """A loose key as Russian and Turkish spellings blur it (``russian_sounds``: e/i as a,
    final d as t, h before a consonant dropped), so Ehmet and Akhmatov, Mehmet and Мамат,
    Abdureshit and Abdurashid meet here."""
    return russian_sounds(loose)


def close_terms(conn: Any, text: str, vocabulary: NameVocabulary) -> dict[str, set[str]]:
    """Per query word, the indexed name-key words spelled closely (Abdurakhim ~ Abdurehim),
    compared by loose key; keys of three letters too (阿合提 -> akt ~ akyt)."""
    found: dict[str, set[str]] = {}
    terms: list[str] | None = None
    for word in name_words(text):
        keys = {loose_key(k) for k in _word_terms(word) if k.isascii() and len(k) >= MIN_FUZZY}
        keys |= {loose_key(stem(k)) for k in _word_terms(word) if k.isascii()}
        for key in keys - {""}:
            if len(key) < MIN_FUZZY:
                continue
            terms = vocabulary.terms(conn) if terms is None else terms
            found.setdefault(word, set()).update(vocabulary.same_but_vowels(key))
            for term, _, _ in process.extract(
                key, terms, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=8
            ):
                # Spellings of one name almost always share their first sound
                # (kashgar is not ashar); loose keys already merge q/k, x/h, e/i.
                if term[:1] == key[:1]:
                    found.setdefault(word, set()).update(vocabulary.words_of(term))
    return {w: terms for w, terms in found.items() if terms}


def name_scores(text: str, names: list[str]) -> list[tuple[float, int]]:
    """(similarity 0-100, index of the key's name) of the best key of each of ``names`` to
    the query: rapidfuzz over every key at once (C, not Python per pair); exact keys count
    fully, loose keys at LOOSE_WEIGHT, keys without patronymic endings and particles and with
    e/i read as a (Russian spellings) at PLAIN_WEIGHT; a vowel change no transliteration
    explains (Gulnar / Gulnur) is penalised."""
    query = name_keys(text)
    best = [(0.0, n) for n in range(len(names))]
    if not names:
        return best
    groups: list[tuple[list[str], list[int]]] = [([], []), ([], []), ([], [])]
    for n, name in enumerate(names):
        keys = name_keys(name)
        for (choices, owners), found in zip(
            groups, (keys.exact, keys.loose, _plain(keys.exact)), strict=True
        ):
            choices.extend(found)
            owners.extend([n] * len(found))
    wanted = (query.exact, query.loose, _plain(query.exact))
    weights = (1.0, LOOSE_WEIGHT, PLAIN_WEIGHT)
    for weight, mine, (choices, owners) in zip(weights, wanted, groups, strict=True):
        for key in mine:
            ordered = {
                i: score
                for _, score, i in process.extract(key, choices, scorer=fuzz.ratio, limit=None)
            }
            for choice, score, index in process.extract(
                key, choices, scorer=fuzz.token_sort_ratio, limit=None
            ):
                n = owners[index]
                # word order counts a little: Rozi Hesen is not Hesen Rozi's father
                value = weight * ((1 - ORDER_WEIGHT) * score + ORDER_WEIGHT * ordered[index])
                if value <= best[n][0]:
                    continue
                if value >= PENALTY_FROM:
                    value -= 100 * VOWEL_PENALTY * unexplained_vowels(key, choice)
                if value > best[n][0]:
                    best[n] = (value, n)
    return best


def _plain(keys: frozenset[str]) -> set[str]:
    """Loose keys without patronymic endings and particles, e/i read as a (Russian)."""
    return {
        russian_vowels(loose_key(" ".join(stem(w) for w in key.split() if not is_particle(w))))
        for key in keys
    }
