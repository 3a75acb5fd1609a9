"""The coordinator's archive: filtered pages of testimonies, who sent them, version differences.

``ArchiveQuery`` is what the archive browser asks for (search text in any script, testimony
status, victims' ethnicity and status, hometown, interview date range, sending volunteer).
``fetch_page`` returns rows ``[0, count)`` of the result through ``TestimonyStore.search``;
callers grow ``count`` geometrically (the Qt model's ``fetchMore``), so the work stays linear.
The volunteer filter is the set of testimonies that volunteer's bundles brought
(``record_provenance``). Each page carries the verification level of its rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from intake.review.store import ReviewStore
from intake.testimonies.store import TestimonyStore, TestimonySummary
from intake.vault import Vault

MAX_ROWS = 1_000_000  # the search's limit when the volunteer filter needs every hit


@dataclass(frozen=True)
class ArchiveQuery:
    text: str = ""
    status: str | None = None  # draft | final
    ethnicity: str | None = None
    victim_status: str | None = None
    hometown: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    volunteer: str | None = None  # sender fingerprint
    level: str | None = None  # verification level (intake/review/store.py)
    by_level: bool = False  # verified first instead of newest (or best match) first


@dataclass(frozen=True)
class Page:
    rows: list[TestimonySummary]
    complete: bool  # True when there are no rows after these
    levels: dict[str, str] = field(default_factory=dict)  # verification level by id


def testimonies_from(vault: Vault, sender_fingerprint: str) -> set[str]:
    """Ids of the testimonies that bundles of this sender brought."""
    rows = vault.conn.execute(
        "SELECT DISTINCT testimony_id FROM record_provenance WHERE sender_fingerprint = ?",
        (sender_fingerprint,),
    ).fetchall()
    return {str(r[0]) for r in rows}


def fetch_page(store: TestimonyStore, query: ArchiveQuery, count: int) -> Page:
    """The first ``count`` rows matching ``query`` (newest or most relevant first)."""
    filters: dict[str, Any] = {
        "status": query.status or None,
        "ethnicity": query.ethnicity or None,
        "victim_status": query.victim_status or None,
        "hometown": query.hometown or None,
        "date_from": query.date_from or None,
        "date_to": query.date_to or None,
        "level": query.level or None,
        "by_level": query.by_level,
    }
    if query.volunteer:
        allowed = testimonies_from(store.vault, query.volunteer)
        if not allowed:
            return Page([], True)
        found = store.search(query.text, limit=MAX_ROWS, **filters)
        rows = [s for s in found if s.id in allowed]
        return _page(store, rows, count)
    rows = store.search(query.text, limit=count + 1, **filters)
    return _page(store, rows, count)


def _page(store: TestimonyStore, rows: list[TestimonySummary], count: int) -> Page:
    shown = rows[:count]
    return Page(shown, len(rows) <= count, ReviewStore(store.vault).levels(s.id for s in shown))
