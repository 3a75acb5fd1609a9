"""Search index of testimonies: the derived rows that search, filters and the list read.

For the newest version of each testimony, ``index_testimony`` writes ``testimony_index``
(status, interview date as a day range, victims' display names for the list),
``testimony_victims`` (ethnicity and status codes per victim, for filters) and one row of the
contentless FTS5 table ``testimony_search``: every spelling of every name, their ASCII search
keys from ``intake.names.keys`` (so Tursun, Турсун, تۇرسۇن and 吐尔逊 share the key "tursun"),
hometowns and other places with their keys, and the narrative. Queries are in
intake/testimonies/query.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from intake.forms.definitions import FormDefinition, SectionDef
from intake.forms.errors import DateFormatError
from intake.forms.fuzzy_dates import parse_fuzzy_date
from intake.names.keys import search_keys, stem
from intake.names.scripts import spelling_for_language
from intake.testimonies.records import Status

NAME_ORDER = ("latin", "cyrillic", "arabic", "chinese")  # which spelling the list shows first
PLACE_FIELDS = frozenset({("interview", "place"), ("victims", "detention_place")})
NARRATIVE_SECTIONS = frozenset({"narrative"})
INTERVIEW_DATE = ("interview", "date")
VICTIMS = "victims"
# which rules wrote the index: raise it whenever search keys change, so that vaults indexed
# with older rules are reindexed once when they are unlocked (TestimonyStore.refresh_index)
# 2: the name rules of issue 19; 3: victim names kept per script for the list; 4: Palladius
# Cyrillic read as pinyin, ز read as ژ in text typed on an Arabic keyboard (issue 19, 2nd pass)
INDEX_RULES = 4
INDEX_RULES_SETTING = "search.index_rules"


def index_is_stale(vault: Any) -> bool:
    """Whether the vault's search index was written by older rules (and can be rewritten:
    a vault opened read-only keeps its index as it is)."""
    return not vault.read_only and vault.get_setting(INDEX_RULES_SETTING) != str(INDEX_RULES)


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


def _strings(value: object, out: list[str] | None = None) -> list[str]:
    """Every string in ``value``, however deeply nested, in order (appended to ``out``)."""
    found = [] if out is None else out
    if isinstance(value, str):
        found.append(value)
        return found
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, list | dict):
            _strings(item, found)
    return found


def name_index_keys(value: dict[str, Any]) -> set[str]:
    """A name's search keys, and each key word without a patronymic or surname ending
    (Сабиров -> sabir, Серікұлы -> serik), so a name without it is an exact hit."""
    keys = search_keys(value)
    stems = {stem(w) for key in keys for w in key.split()}
    return keys | (stems - {w for key in keys for w in key.split()})


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
                _strings(value, out.names)
                if isinstance(value, dict):
                    out.name_keys |= name_index_keys(value)
            elif fdef.type == "hometown":
                places = _strings(value)
                out.hometown.extend(places)
                out.hometown.extend(sorted(search_keys(places)))
            elif (section_id, fdef.id) in PLACE_FIELDS and isinstance(value, str):
                out.places.append(value)
                out.places.extend(sorted(search_keys(value)))
            elif section_id in NARRATIVE_SECTIONS and fdef.type in ("text", "multiline"):
                _strings(value, out.narrative)
    return out


def display_name(names: object) -> str:
    """The spelling of a names value that a list shows (Latin first, else another script)."""
    return spelling_for_language(name_spellings(names), "en")


def name_spellings(names: object) -> dict[str, str]:
    """The spellings of a names value by script (``latin``, ``cyrillic``, ``arabic``,
    ``chinese``), or its first alias as ``alias`` when it has no spelling at all."""
    if not isinstance(names, dict):
        return {}
    found = {
        script: value.strip()
        for script in NAME_ORDER
        if isinstance(value := names.get(script), str) and value.strip()
    }
    aliases = names.get("aliases")
    if not found and isinstance(aliases, list) and aliases and isinstance(aliases[0], str):
        found["alias"] = aliases[0]
    return found


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


@dataclass(frozen=True)
class IndexValues:
    """Everything ``index_testimony`` writes for one version, derived from its content alone
    (so it can be computed away from the database, e.g. while checking an import)."""

    date_value: str | None
    date_from: str | None
    date_to: str | None
    victim_names: str  # JSON list, per victim: spellings by script (docs/vault-format.md)
    search: tuple[str, str, str, str, str]  # names, name keys, hometown, places, narrative
    victims: tuple[tuple[str | None, str | None], ...]  # (ethnicity, status) per victim


def index_values(form: FormDefinition, content: dict[str, Any]) -> IndexValues:
    found = extract(form, content)
    date_value = _field(content, *INTERVIEW_DATE)
    date_from, date_to = _day_range(date_value)
    victims = [v for v in content.get(VICTIMS) or [] if isinstance(v, dict)]
    return IndexValues(
        date_value if isinstance(date_value, str) else None,
        date_from,
        date_to,
        json.dumps([name_spellings(v.get("names")) for v in victims], ensure_ascii=False),
        (
            "\n".join(found.names),
            " ".join(sorted(found.name_keys)),
            "\n".join(found.hometown),
            "\n".join(found.places),
            "\n\n".join(found.narrative),
        ),
        tuple((_code(v.get("ethnicity")), _code(v.get("status"))) for v in victims),
    )


def index_testimony(
    conn: Any,
    testimony_id: str,
    version_no: int,
    status: Status,
    updated: str,
    form: FormDefinition,
    content: dict[str, Any],
    *,
    indexed: bool = True,
    values: IndexValues | None = None,
) -> None:
    """(Re)write the derived search and filter rows of one testimony. ``indexed=False``: the
    caller knows the testimony has no rows yet (it was just added), so none are looked for.
    ``values``: ``index_values(form, content)`` when the caller already has them."""
    derived = values if values is not None else index_values(form, content)
    row = (
        conn.execute(
            "SELECT doc FROM testimony_index WHERE testimony_id = ?", (testimony_id,)
        ).fetchone()
        if indexed
        else None
    )
    columns = (
        status,
        version_no,
        derived.date_value,
        derived.date_from,
        derived.date_to,
        derived.victim_names,
        updated,
    )
    if row is None:
        cur = conn.execute(
            "INSERT INTO testimony_index (status, version_no, interview_date, interview_from,"
            " interview_to, victim_names, updated, testimony_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (*columns, testimony_id),
        )
        doc = int(cur.lastrowid)
    else:
        doc = int(row[0])
        conn.execute("DELETE FROM testimony_search WHERE rowid = ?", (doc,))
        conn.execute(
            "UPDATE testimony_index SET status = ?, version_no = ?, interview_date = ?,"
            " interview_from = ?, interview_to = ?, victim_names = ?, updated = ?"
            " WHERE doc = ?",
            (*columns, doc),
        )
    conn.execute(
        "INSERT INTO testimony_search (rowid, names, name_keys, hometown, places, narrative)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (doc, *derived.search),
    )
    if indexed:
        conn.execute("DELETE FROM testimony_victims WHERE testimony_id = ?", (testimony_id,))
    if derived.victims:
        conn.executemany(
            "INSERT INTO testimony_victims (testimony_id, position, ethnicity, status)"
            " VALUES (?, ?, ?, ?)",
            [(testimony_id, i, *codes) for i, codes in enumerate(derived.victims)],
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
