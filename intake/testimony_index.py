"""Search index of testimonies: FTS5 over names in every script, places and narrative, plus filters.

For the newest version of each testimony, ``index_testimony`` writes one row of derived data:
``testimony_index`` (status, interview date as a day range, victims' display names for the
list), ``testimony_victims`` (ethnicity and status codes per victim, for filters) and a row of
the contentless FTS5 table ``testimony_search`` with every spelling of every name, their ASCII
search keys from ``intake.names`` (so Tursun, Турсун, تۇرسۇن and 吐尔逊 share the key
"tursun"), hometowns, other places and the narrative. ``search`` expands each query word into
the word itself and its keys, matches them as prefixes in any column (words are ANDed), and
applies the filters in SQL. Queries are quoted term by term, so no input is FTS syntax.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from intake.forms import FormDefinition, SectionDef
from intake.fuzzy_dates import DateFormatError, parse_fuzzy_date
from intake.i18n import tr
from intake.names import loose_key, search_keys
from intake.testimony_errors import InvalidContent
from intake.testimony_records import Status, TestimonySummary

NAME_ORDER = ("latin", "cyrillic", "arabic", "chinese")  # which spelling the list shows first
PLACE_FIELDS = frozenset({("interview", "place"), ("victims", "detention_place")})
NARRATIVE_SECTIONS = frozenset({"narrative"})
INTERVIEW_DATE = ("interview", "date")
VICTIMS = "victims"
MAX_QUERY_WORDS = 12  # a search box, not a document: longer queries are cut
MIN_PREFIX = 2  # shorter terms match whole words only (a one-letter prefix matches everything)
DEFAULT_LIMIT = 500
MIN_FUZZY = 4  # shorter words have too many close neighbours to be useful
FUZZY_CUTOFF = 80  # rapidfuzz ratio (0-100) for "spelled closely": Abdurakhim ~ Abdurehim
# A set computed once per query (IN), not a correlated EXISTS: SQLite would otherwise walk the
# ethnicity index for every candidate row.
_VICTIM = "i.testimony_id IN (SELECT testimony_id FROM testimony_victims WHERE "
_ETHNICITY = _VICTIM + "ethnicity = ?)"
_VICTIM_STATUS = _VICTIM + "status = ?)"
_QUERY_SEPARATORS = re.compile(r"[\s·•・,.;:!?()\[\]{}\"«»“”*^+/\\|<>=&]+")


@dataclass
class _Extract:
    names: list[str]
    name_keys: set[str]
    hometown: list[str]
    places: list[str]
    narrative: list[str]


def _entries(
    form: FormDefinition, content: dict[str, Any]
) -> Iterator[tuple[SectionDef, dict[str, Any]]]:
    for section in form.sections:
        value = content.get(section.id)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict):
                yield section, item


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def _keys(texts: list[str]) -> set[str]:
    found: set[str] = set()
    for text in texts:
        found |= search_keys(text)
    return found


def extract(form: FormDefinition, content: dict[str, Any]) -> _Extract:
    """The searchable strings of a testimony's content, by column."""
    out = _Extract([], set(), [], [], [])
    for section, entry in _entries(form, content):
        section_id = section.id
        for fdef in section.fields:
            value = entry.get(fdef.id)
            if value is None:
                continue
            if fdef.type == "names":
                out.names.extend(_strings(value))
                out.name_keys |= search_keys(value) if isinstance(value, dict) else set()
            elif fdef.type == "hometown":
                places = list(_strings(value))
                out.hometown.extend(places)
                out.hometown.extend(sorted(_keys(places)))
            elif (section_id, fdef.id) in PLACE_FIELDS and isinstance(value, str):
                out.places.append(value)
                out.places.extend(sorted(_keys([value])))
            elif section_id in NARRATIVE_SECTIONS and fdef.type in ("text", "multiline"):
                out.narrative.extend(_strings(value))
    return out


def display_name(names: object) -> str:
    """The spelling of a names value that a list shows (Latin first, else another script)."""
    if not isinstance(names, dict):
        return ""
    for script in NAME_ORDER:
        value = names.get(script)
        if isinstance(value, str) and value.strip():
            return value.strip()
    aliases = names.get("aliases")
    if isinstance(aliases, list) and aliases and isinstance(aliases[0], str):
        return aliases[0]
    return ""


def _day_range(value: object) -> tuple[str | None, str | None]:
    if not isinstance(value, str):
        return None, None
    try:
        fuzzy = parse_fuzzy_date(value)
    except DateFormatError:
        return None, None
    return fuzzy.earliest().isoformat(), fuzzy.latest().isoformat()


def _field(content: dict[str, Any], section: str, field: str) -> object:
    value = content.get(section)
    return value.get(field) if isinstance(value, dict) else None


def index_testimony(
    conn: Any,
    testimony_id: str,
    version_no: int,
    status: Status,
    updated: str,
    form: FormDefinition,
    content: dict[str, Any],
) -> None:
    """(Re)write the derived search and filter rows of one testimony."""
    found = extract(form, content)
    date_value = _field(content, *INTERVIEW_DATE)
    date_from, date_to = _day_range(date_value)
    victims = [v for v in content.get(VICTIMS) or [] if isinstance(v, dict)]
    names = [display_name(v.get("names")) for v in victims]
    row = conn.execute(
        "SELECT doc FROM testimony_index WHERE testimony_id = ?", (testimony_id,)
    ).fetchone()
    values = (
        status,
        version_no,
        date_value if isinstance(date_value, str) else None,
        date_from,
        date_to,
        json.dumps(names, ensure_ascii=False),
        updated,
    )
    if row is None:
        cur = conn.execute(
            "INSERT INTO testimony_index (status, version_no, interview_date, interview_from,"
            " interview_to, victim_names, updated, testimony_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (*values, testimony_id),
        )
        doc = int(cur.lastrowid)
    else:
        doc = int(row[0])
        conn.execute("DELETE FROM testimony_search WHERE rowid = ?", (doc,))
        conn.execute(
            "UPDATE testimony_index SET status = ?, version_no = ?, interview_date = ?,"
            " interview_from = ?, interview_to = ?, victim_names = ?, updated = ?"
            " WHERE doc = ?",
            (*values, doc),
        )
    conn.execute(
        "INSERT INTO testimony_search (rowid, names, name_keys, hometown, places, narrative)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            doc,
            "\n".join(found.names),
            " ".join(sorted(found.name_keys)),
            "\n".join(found.hometown),
            "\n".join(found.places),
            "\n\n".join(found.narrative),
        ),
    )
    conn.execute("DELETE FROM testimony_victims WHERE testimony_id = ?", (testimony_id,))
    conn.executemany(
        "INSERT INTO testimony_victims (testimony_id, position, ethnicity, status)"
        " VALUES (?, ?, ?, ?)",
        [
            (testimony_id, i, _code(v.get("ethnicity")), _code(v.get("status")))
            for i, v in enumerate(victims)
        ],
    )


def _code(value: object) -> str | None:
    return value if isinstance(value, str) else None


def unindex_testimony(conn: Any, testimony_id: str) -> None:
    row = conn.execute(
        "SELECT doc FROM testimony_index WHERE testimony_id = ?", (testimony_id,)
    ).fetchone()
    if row is not None:
        conn.execute("DELETE FROM testimony_search WHERE rowid = ?", (int(row[0]),))
        conn.execute("DELETE FROM testimony_index WHERE doc = ?", (int(row[0]),))
    conn.execute("DELETE FROM testimony_victims WHERE testimony_id = ?", (testimony_id,))


# --- queries -------------------------------------------------------------------------------


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


_vocabulary: dict[int, tuple[int, list[str]]] = {}  # id(conn) -> (total_changes, terms)


def _name_vocabulary(conn: Any) -> list[str]:
    """Every distinct word of the name keys column; reloaded after any write."""
    cached = _vocabulary.get(id(conn))
    if cached is not None and cached[0] == conn.total_changes:
        return cached[1]
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.testimony_search_terms"
        " USING fts5vocab(main, testimony_search, col)"
    )
    rows = conn.execute(
        "SELECT term FROM temp.testimony_search_terms WHERE col = 'name_keys'"
    ).fetchall()
    terms = [str(r[0]) for r in rows]
    _vocabulary[id(conn)] = (conn.total_changes, terms)
    return terms


def close_terms(conn: Any, text: str) -> dict[str, set[str]]:
    """Per query word, the indexed name-key words spelled closely (Abdurakhim ~ Abdurehim)."""
    found: dict[str, set[str]] = {}
    vocabulary: list[str] | None = None
    for word in query_words(text):
        keys = {k for k in _word_terms(word) if k.isascii() and len(k) >= MIN_FUZZY}
        keys |= {loose_key(k) for k in keys}
        for key in keys:
            vocabulary = _name_vocabulary(conn) if vocabulary is None else vocabulary
            for term, _, _ in process.extract(
                key, vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=8
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
    limit: int = DEFAULT_LIMIT,
) -> list[TestimonySummary]:
    """Testimonies matching ``text`` (best first) and every given filter (newest first).

    When nothing matches, names spelled closely to the query words are tried once.
    """
    home = match_expression(hometown) if hometown else None
    if hometown and home is None:
        return []
    filters = _filters(status, date_from, date_to, ethnicity, victim_status)
    rows = _run(conn, match_expression(text), home, filters, limit)
    if not rows and text:
        extra = close_terms(conn, text)
        if extra:
            rows = _run(conn, match_expression(text, extra), home, filters, limit)
    return [summary(r) for r in rows]


def _filters(
    status: str | None,
    date_from: str | None,
    date_to: str | None,
    ethnicity: str | None,
    victim_status: str | None,
) -> tuple[list[str], list[object]]:
    where: list[str] = []
    args: list[object] = []
    if status:
        where.append("i.status = ?")
        args.append(status)
    low, high = _bounds(date_from, date_to)
    if low:
        where.append("i.interview_to >= ?")
        args.append(low)
    if high:
        where.append("i.interview_from <= ?")
        args.append(high)
    for clause, value in ((_ETHNICITY, ethnicity), (_VICTIM_STATUS, victim_status)):
        if value:
            where.append(clause)
            args.append(value)
    return where, args


def _run(
    conn: Any,
    match: str | None,
    home: str | None,
    filters: tuple[list[str], list[object]],
    limit: int,
) -> list[Any]:
    where, args = list(filters[0]), list(filters[1])
    parts = [f"({match})"] if match else []
    if home:
        parts.append(f"hometown : ({home})")
    sql = ""
    if parts:
        # The full-text query runs once (MATERIALIZED); otherwise SQLite may start from a
        # filter index and re-run the full-text query for every candidate row.
        sql = (
            "WITH hits AS MATERIALIZED (SELECT rowid AS doc, rank FROM testimony_search"
            " WHERE testimony_search MATCH ?) "
        )
        args.insert(0, " AND ".join(parts))
    sql += (
        "SELECT i.testimony_id, i.status, i.version_no, i.interview_date, i.victim_names,"
        " i.updated FROM testimony_index i"
    )
    if parts:
        sql += " JOIN hits ON hits.doc = i.doc"
    if where:
        sql += " WHERE " + " AND ".join(where)
    # Best match first when there is a query (bm25), else the most recently changed.
    sql += " ORDER BY " + ("hits.rank, " if match else "") + "i.updated DESC"
    sql += ", i.testimony_id LIMIT ?"
    return list(conn.execute(sql, (*args, max(1, limit))).fetchall())


def summary(row: Any) -> TestimonySummary:
    return TestimonySummary(
        id=str(row[0]),
        status=row[1],
        version_no=int(row[2]),
        interview_date=row[3],
        victim_names=[str(n) for n in json.loads(str(row[4]))],
        updated=str(row[5]),
    )


def list_all(conn: Any, limit: int | None = None) -> list[TestimonySummary]:
    rows = conn.execute(
        "SELECT testimony_id, status, version_no, interview_date, victim_names, updated"
        " FROM testimony_index ORDER BY updated DESC, testimony_id LIMIT ?",
        (-1 if limit is None else limit,),
    ).fetchall()
    return [summary(r) for r in rows]
