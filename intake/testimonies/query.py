"""Searching testimonies: query words in any script, close spellings, filters, query plans.

A query is split into words; each word matches itself or any of its ASCII transliteration keys
(intake/names/keys.py) as a prefix in any column of the FTS5 table ``testimony_search`` (written by
intake/testimonies/index.py); words are ANDed and every term is quoted, so no input is FTS
syntax. When nothing matches, words are also tried against indexed name keys spelled closely
(rapidfuzz). Filters: testimony status, interview date range, hometown (a full-text query on
the ``hometown`` column), victims' ethnicity and status codes, the coordinator's verification
level (``reviews``, intake/review/store.py; sorting by it is an option). A query that names an
external reference of a victim (``1234``, ``XJVD:1234``, ``XJVD 1234``; ``victim_references``)
finds that testimony first, then the full-text hits. The SQL is chosen by measured
selectivity (number of full-text hits, number of victims with the filtered code), so that a
common name or a common code never makes SQLite rank or probe every row: few hits are
ranked by bm25; many hits are listed newest first from the ``updated`` index.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from rapidfuzz import fuzz, process

from intake.forms.fuzzy_dates import DateFormatError, parse_fuzzy_date
from intake.i18n import tr
from intake.names.keys import loose_key, search_keys
from intake.names.scripts import spelling_for_language
from intake.testimonies.errors import InvalidContent
from intake.testimonies.records import TestimonySummary

MAX_QUERY_WORDS = 12  # a search box, not a document: longer queries are cut
MIN_PREFIX = 2  # shorter terms match whole words only (a one-letter prefix matches everything)
DEFAULT_LIMIT = 500
MIN_FUZZY = 4  # shorter words have too many close neighbours to be useful
FUZZY_CUTOFF = 80  # rapidfuzz ratio (0-100) for "spelled closely": Abdurakhim ~ Abdurehim
RANK_MAX = 2000  # more hits than this are listed newest first instead of by bm25 (speed)
SET_MAX = 5000  # a filter code held by at most this many victims drives the query
_QUERY_SEPARATORS = re.compile(r"[\s·•・,.;:!?()\[\]{}\"«»“”*^+/\\|<>=&]+")
_COLUMNS = "i.testimony_id, i.status, i.version_no, i.interview_date, i.victim_names, i.updated"
_RANKED = (
    "WITH hits AS MATERIALIZED (SELECT rowid AS doc, rank FROM testimony_search"
    " WHERE testimony_search MATCH ?) SELECT i.testimony_id, i.status, i.version_no,"
    " i.interview_date, i.victim_names, i.updated FROM testimony_index i"
    " JOIN hits ON hits.doc = i.doc"
)
_HITS = "+i.doc IN (SELECT rowid FROM testimony_search WHERE testimony_search MATCH ?)"
# Victim filters, by column (fixed names, never user input). A set (IN) when the code is rare
# and drives the query; a primary-key probe per candidate row (EXISTS) when it is common.
# A unary "+" keeps SQLite from driving the query from a condition (with two IN lists it
# would otherwise probe every combination of both).
_VICTIM_SET = {
    "ethnicity": "i.testimony_id IN (SELECT testimony_id FROM testimony_victims"
    " WHERE ethnicity = ?)",
    "status": "i.testimony_id IN (SELECT testimony_id FROM testimony_victims WHERE status = ?)",
}
_VICTIM_PROBE = {
    "ethnicity": "EXISTS (SELECT 1 FROM testimony_victims v WHERE v.testimony_id ="
    " i.testimony_id AND +v.ethnicity = ?)",
    "status": "EXISTS (SELECT 1 FROM testimony_victims v WHERE v.testimony_id ="
    " i.testimony_id AND +v.status = ?)",
}
_LEVEL_RANK = "coalesce((SELECT r.rank FROM reviews r WHERE r.testimony_id = i.testimony_id), 0)"
LEVEL_RANKS = {"unverified": 0, "corroborated": 1, "verified": 2}  # as intake/review/store.py
_VICTIM_COUNT = {
    "ethnicity": "SELECT count(*) FROM testimony_victims WHERE ethnicity = ?",
    "status": "SELECT count(*) FROM testimony_victims WHERE status = ?",
}


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


def match_expression(text: str, extra: Mapping[str, set[str]] | None = None) -> str | None:
    """FTS5 MATCH text: each word OR its transliteration keys, as prefixes; words ANDed.

    ``extra`` adds whole-word alternatives per query word (close spellings, see
    ``close_terms``).
    """
    groups: list[str] = []
    for word in query_words(text):
        terms = [_term(t) for t in sorted(_word_terms(word))]
        terms += [_quote(t) for t in sorted((extra or {}).get(word, set()))]
        groups.append("(" + " OR ".join(terms) + ")")
    return " AND ".join(groups) if groups else None


class NameVocabulary:
    """The distinct words of the ``name_keys`` column, cached until the next write.

    Held by one TestimonyStore (so it goes away with the store when the vault is locked);
    reloading scans the full-text index, so it happens only for searches that found nothing.
    """

    def __init__(self) -> None:
        self._changes = -1
        self._terms: list[str] = []

    def terms(self, conn: Any) -> list[str]:
        if self._changes != conn.total_changes:
            conn.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.testimony_search_terms"
                " USING fts5vocab(main, testimony_search, col)"
            )
            rows = conn.execute(
                "SELECT term FROM temp.testimony_search_terms WHERE col = 'name_keys'"
            ).fetchall()
            self._terms = [str(r[0]) for r in rows]
            self._changes = conn.total_changes
        return self._terms


def close_terms(conn: Any, text: str, vocabulary: NameVocabulary) -> dict[str, set[str]]:
    """Per query word, the indexed name-key words spelled closely (Abdurakhim ~ Abdurehim)."""
    found: dict[str, set[str]] = {}
    terms: list[str] | None = None
    for word in query_words(text):
        keys = {k for k in _word_terms(word) if k.isascii() and len(k) >= MIN_FUZZY}
        keys |= {loose_key(k) for k in keys}
        for key in keys:
            terms = vocabulary.terms(conn) if terms is None else terms
            for term, _, _ in process.extract(
                key, terms, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=8
            ):
                # Spellings of one name almost always share their first sound
                # (kashgar is not ashar); loose keys already merge q/k, x/h, e/i.
                if loose_key(term)[:1] == loose_key(key)[:1]:
                    found.setdefault(word, set()).add(term)
    return found


def _bounds(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    try:
        low = parse_fuzzy_date(date_from).earliest().isoformat() if date_from else None
        high = parse_fuzzy_date(date_to).latest().isoformat() if date_to else None
    except DateFormatError:
        raise InvalidContent(
            problem=tr("a date filter must look like 2018, 2018-03 or 2018-03-05.")
        ) from None
    return low, high


def search(
    conn: Any,
    text: str = "",
    *,
    status: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    hometown: str | None = None,
    ethnicity: str | None = None,
    victim_status: str | None = None,
    level: str | None = None,
    by_level: bool = False,
    limit: int = DEFAULT_LIMIT,
    vocabulary: NameVocabulary | None = None,
) -> list[TestimonySummary]:
    """Testimonies matching ``text`` and every given filter, at most ``limit``.

    Ordered by relevance (bm25) when up to RANK_MAX testimonies match the text, else (and for
    filters alone) most recently changed first. When nothing matches, names spelled closely
    to the query words are tried once. ``level``: only testimonies at that verification level;
    ``by_level``: verified first, then corroborated, then unverified. Testimonies whose victims
    carry an external reference named by ``text`` come first.
    """
    home = match_expression(hometown) if hometown else None
    if hometown and home is None:
        return []
    plain = _plain_filters(status, date_from, date_to, level)
    victims = {col: value for col, value in (("ethnicity", ethnicity), ("status", victim_status))}
    wanted = {c: v for c, v in victims.items() if v}
    query = _Query(conn, plain, wanted, max(1, limit), by_level)
    referenced = reference_hits(conn, text) if text else []
    first: list[Any] = []
    if referenced:
        where, args = plain
        only = (
            [*where, "i.testimony_id IN (SELECT value FROM json_each(?))"],
            [*args, json.dumps(referenced)],
        )
        first = _Query(conn, only, wanted, max(1, limit), by_level).run(None, home)
    rows = query.run(match_expression(text), home)
    if not rows and not first and text:
        extra = close_terms(conn, text, vocabulary or NameVocabulary())
        if extra:
            rows = query.run(match_expression(text, extra), home)
    seen = {str(r[0]) for r in first}
    merged = first + [r for r in rows if str(r[0]) not in seen]
    return [summary(r) for r in merged[: max(1, limit)]]


def reference_hits(conn: Any, text: str) -> list[str]:
    """Ids of testimonies with a victim reference named by ``text``: an entry (``1234``), or a
    source and entry (``XJVD:1234``, ``XJVD 1234``); case does not matter."""
    words = text.strip().replace(":", " ").split()
    if not words or len(words) > 2:
        return []
    if len(words) == 1:
        sql, args = "entry = ? COLLATE NOCASE", [words[0]]
    else:
        sql, args = "entry = ? COLLATE NOCASE AND source = ? COLLATE NOCASE", [words[1], words[0]]
    rows = conn.execute(
        f"SELECT DISTINCT testimony_id FROM victim_references WHERE {sql}",  # noqa: S608
        args,
    ).fetchall()
    return sorted(str(r[0]) for r in rows)


def _plain_filters(
    status: str | None, date_from: str | None, date_to: str | None, level: str | None = None
) -> tuple[list[str], list[object]]:
    """Conditions on the index row itself (never used to drive the query)."""
    where: list[str] = []
    args: list[object] = []
    if level:
        if level not in LEVEL_RANKS:
            raise InvalidContent(
                problem=tr("the level must be unverified, corroborated or verified.")
            )
        where.append(f"{_LEVEL_RANK} = ?")
        args.append(LEVEL_RANKS[level])
    if status:
        where.append("+i.status = ?")
        args.append(status)
    low, high = _bounds(date_from, date_to)
    if low:
        where.append("+i.interview_to >= ?")
        args.append(low)
    if high:
        where.append("+i.interview_from <= ?")
        args.append(high)
    return where, args


class _Query:
    """Picks the SQL for one search from how many rows each condition matches."""

    def __init__(
        self,
        conn: Any,
        plain: tuple[list[str], list[object]],
        victims: dict[str, str],
        limit: int,
        by_level: bool = False,
    ) -> None:
        self.conn, self.plain, self.victims, self.limit = conn, plain, victims, limit
        self.by_level = by_level
        self._counts = {
            col: int(conn.execute(_VICTIM_COUNT[col], (value,)).fetchone()[0])
            for col, value in victims.items()
        }

    def run(self, match: str | None, home: str | None) -> list[Any]:
        if any(count == 0 for count in self._counts.values()):
            return []
        parts = ([f"({match})"] if match else []) + ([f"hometown : ({home})"] if home else [])
        fts = " AND ".join(parts)
        hits = None
        if fts:
            hits = int(
                self.conn.execute(
                    "SELECT count(*) FROM testimony_search WHERE testimony_search MATCH ?",
                    (fts,),
                ).fetchone()[0]
            )
            if hits == 0:
                return []
        where, args = list(self.plain[0]), list(self.plain[1])
        driver = min(self._counts, key=lambda col: self._counts[col], default=None)
        if driver is not None and self._counts[driver] > SET_MAX:
            driver = None
        if hits is not None and driver is not None and hits <= self._counts[driver]:
            driver = None  # the full-text hits are the smaller set
        for col, value in self.victims.items():
            where.append(_VICTIM_SET[col] if col == driver else _VICTIM_PROBE[col])
            args.append(value)
        if match and hits is not None and hits <= RANK_MAX and driver is None:
            # Few hits: best match first (bm25). MATERIALIZED runs the full-text query once;
            # otherwise SQLite may re-run it for every candidate row.
            sql = _RANKED
            order = "hits.rank, i.updated DESC"
        else:
            # A common name, a rare filter code or filters alone: newest first, either from
            # the rare code's few rows or by walking the ``updated`` index up to ``limit``.
            sql = f"SELECT {_COLUMNS} FROM testimony_index i"  # noqa: S608 - fixed text
            if fts:
                where.insert(0, _HITS)
            order = "i.updated DESC"
        if fts:
            args.insert(0, fts)
        if self.by_level:
            order = f"{_LEVEL_RANK} DESC, {order}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {order}, i.doc DESC LIMIT ?"
        return list(self.conn.execute(sql, (*args, self.limit)).fetchall())


def _spellings(item: object) -> dict[str, str]:
    """One victim's entry of the index: spellings by script, or (rows written before the
    spellings were kept) the one name shown."""
    if isinstance(item, dict):
        return {str(k): v for k, v in item.items() if isinstance(v, str) and v}
    return {"shown": str(item)} if item else {}


def summary(row: Any) -> TestimonySummary:
    spellings = [_spellings(item) for item in json.loads(str(row[4]))]
    return TestimonySummary(
        id=str(row[0]),
        status=row[1],
        version_no=int(row[2]),
        interview_date=row[3],
        victim_names=[spelling_for_language(s, "en") for s in spellings],
        updated=str(row[5]),
        victim_spellings=spellings,
    )


def list_all(conn: Any, limit: int | None = None) -> list[TestimonySummary]:
    rows = conn.execute(
        "SELECT testimony_id, status, version_no, interview_date, victim_names, updated"
        " FROM testimony_index ORDER BY updated DESC, testimony_id LIMIT ?",
        (-1 if limit is None else limit,),
    ).fetchall()
    return [summary(r) for r in rows]
