"""Searching testimonies: query words in any script, close spellings, filters, query plans.

A name search runs in tiers (intake/testimonies/name_search.py): every query word as a whole
word of a name or its ASCII transliteration keys, then as a prefix, then with close spellings
(rapidfuzz on loose keys; this stage always runs while the result is not full), then all
words but one. Each tier's full-text hits (FTS5 table ``testimony_search``, written by
intake/testimonies/index.py) come after the previous tiers' and are ordered by how alike their
victims' names are to the query (``name_scores``); the best-matching name is kept in
``TestimonySummary.matched`` for highlighting. A tier with more than RERANK_MAX hits (a common
name) is listed newest first and ends the search. Filters: testimony status, interview date
range, hometown (a full-text query on the ``hometown`` column), victims' ethnicity and status
codes, the coordinator's verification level (``reviews``, intake/review/store.py; sorting by
it is an option). A query that names an external reference of a victim (``1234``,
``XJVD:1234``, ``XJVD 1234``; ``victim_references``) finds that testimony first. The SQL is
chosen by measured selectivity (number of full-text hits, number of victims with the filtered
code), so that a common name or a common code never makes SQLite rank or probe every row.
"""

from __future__ import annotations

import json
from typing import Any

from intake.forms.errors import DateFormatError
from intake.forms.fuzzy_dates import parse_fuzzy_date
from intake.i18n import tr
from intake.names.keys import order_swapped
from intake.names.scripts import spelling_for_language
from intake.testimonies.errors import InvalidContent
from intake.testimonies.name_search import (
    NameVocabulary,
    close_terms,
    match_expression,
    name_scores,
    name_words,
    tier_expressions,
)
from intake.testimonies.records import TestimonySummary

DEFAULT_LIMIT = 500
RERANK_MAX = 300  # a tier with at most this many rows is ordered by name similarity
RANK_MAX = 2000  # more hits than this are listed newest first instead of by bm25 (speed)
SET_MAX = 5000  # a filter code held by at most this many victims drives the query
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
    if not name_words(text):
        return [summary(r) for r in query.run(None, home, query.limit)]
    found: list[TestimonySummary] = []
    seen: set[str] = set()
    referenced = reference_hits(conn, text)
    if referenced:  # a victim reference named by the query comes first
        where, args = plain
        only = (
            [*where, "i.testimony_id IN (SELECT value FROM json_each(?))"],
            [*args, json.dumps(referenced)],
        )
        refs = _Query(conn, only, wanted, max(1, limit), by_level).run(None, home, query.limit)
        found.extend(summary(r) for r in refs)
        seen.update(s.id for s in found)
    levels: dict[str, int] = {}
    previous: str | None = None
    swapped: list[TestimonySummary] = []  # direct hits with the words in another order
    tiers = tier_expressions(text)
    while tiers and len(found) < query.limit:
        tier, expression = tiers.pop(0)
        if tier == "prefix":  # close spellings are looked up only when they can still count
            extra = close_terms(conn, text, vocabulary or NameVocabulary())
            tiers = [t for t in tier_expressions(text, extra) if t[0] not in ("exact", "prefix")]
        if tier == "partial":
            found.extend(swapped)  # after close spellings in the query's order, before partial
            swapped = []
            if len(found) >= query.limit:
                break
        docs = query.docs(expression, home, RERANK_MAX + 1)
        if len(docs) > RERANK_MAX:
            # Too many to compare names: the rest of this tier newest first (or by bm25), and
            # no looser tier (it could only add rows after these).
            found.extend(swapped)
            swapped = []
            match = expression if previous is None else f"({expression}) NOT ({previous})"
            newest = [summary(r) for r in query.run(match, home, query.limit - len(found))]
            found.extend(r for r in newest if r.id not in seen)
            break
        rows = [r for r in query.rows(docs) if str(r[0]) not in seen]
        levels.update((str(r[0]), int(r[6])) for r in rows if len(r) > 6)
        for hit in _ranked(text, rows, len(rows)):
            # Hesen Rozi is not Rozi Hesen (often his son): a direct hit whose words stand in
            # another order waits until close spellings in the query's order are listed.
            later = tier in ("exact", "prefix") and bool(hit.matched)
            (swapped if later and order_swapped(text, hit.matched or "") else found).append(hit)
        seen.update(str(r[0]) for r in rows)
        previous = expression
    found.extend(swapped)
    if by_level and levels:  # verified first across the tiers, each level in tier order
        found.sort(key=lambda s: -levels.get(s.id, 0))
    return found[: query.limit]


def _ranked(text: str, rows: list[Any], need: int) -> list[TestimonySummary]:
    """The first ``need`` of one tier's index rows, the one with the most similar victim name
    first; each summary names the victim name that matched best (``matched``, to highlight)."""
    names: list[str] = []
    owners: list[int] = []
    parsed = [list(json.loads(str(row[4]))) for row in rows]
    for n, victims in enumerate(parsed):
        spellings = [s for item in victims for s in _spellings(item).values()]  # every script
        names.extend(spellings)
        owners.extend([n] * len(spellings))
    best: dict[int, tuple[float, str]] = {}
    for score, index in name_scores(text, names):
        row_no = owners[index]
        if score > best.get(row_no, (-1.0, ""))[0]:
            best[row_no] = (score, names[index])
    order = sorted(range(len(rows)), key=lambda n: (-best.get(n, (0.0, ""))[0], n))[:need]
    return [_summary(rows[n], parsed[n], best[n][1] if n in best else None) for n in order]


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

    def _fts(self, match: str | None, home: str | None) -> str:
        parts = ([f"({match})"] if match else []) + ([f"hometown : ({home})"] if home else [])
        return " AND ".join(parts)

    def docs(self, match: str, home: str | None, cap: int) -> list[int]:
        """Full-text hits of ``match`` (and the hometown), at most ``cap``, unordered."""
        rows = self.conn.execute(
            "SELECT rowid FROM testimony_search WHERE testimony_search MATCH ? LIMIT ?",
            (self._fts(match, home), cap),
        ).fetchall()
        return [int(r[0]) for r in rows]

    def rows(self, docs: list[int]) -> list[Any]:
        """Index rows of these documents that pass every filter (a few hundred at most)."""
        if not docs or any(count == 0 for count in self._counts.values()):
            return []
        where = [f"i.doc IN ({','.join('?' * len(docs))})", *self.plain[0]]
        args: list[object] = [*docs, *self.plain[1]]
        for col, value in self.victims.items():
            where.append(_VICTIM_PROBE[col])
            args.append(value)
        columns = f"{_COLUMNS}, {_LEVEL_RANK}" if self.by_level else _COLUMNS
        sql = f"SELECT {columns} FROM testimony_index i WHERE {' AND '.join(where)}"  # noqa: S608
        return list(self.conn.execute(sql + " ORDER BY i.updated DESC, i.doc DESC", args))

    def run(self, match: str | None, home: str | None, limit: int) -> list[Any]:
        if any(count == 0 for count in self._counts.values()):
            return []
        fts = self._fts(match, home)
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
        return list(self.conn.execute(sql, (*args, limit)).fetchall())


def _spellings(item: object) -> dict[str, str]:
    """One victim's entry of the index: spellings by script, or (rows written before the
    spellings were kept) the one name shown."""
    if isinstance(item, dict):
        return {str(k): v for k, v in item.items() if isinstance(v, str) and v}
    return {"shown": str(item)} if item else {}


def summary(row: Any) -> TestimonySummary:
    return _summary(row, json.loads(str(row[4])), None)


def _summary(row: Any, names: list[Any], matched: str | None) -> TestimonySummary:
    spellings = [_spellings(item) for item in names]
    return TestimonySummary(
        id=str(row[0]),
        status=row[1],
        version_no=int(row[2]),
        interview_date=row[3],
        victim_names=[spelling_for_language(s, "en") for s in spellings],
        updated=str(row[5]),
        victim_spellings=spellings,
        matched=matched,
    )


def list_all(conn: Any, limit: int | None = None) -> list[TestimonySummary]:
    rows = conn.execute(
        "SELECT testimony_id, status, version_no, interview_date, victim_names, updated"
        " FROM testimony_index ORDER BY updated DESC, testimony_id LIMIT ?",
        (-1 if limit is None else limit,),
    ).fetchall()
    return [summary(r) for r in rows]
