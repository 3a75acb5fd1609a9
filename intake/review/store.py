"""The coordinator's review of testimonies: verification levels and external references.

Like the Xinjiang Victims Database, a coordinator grades each testimony: ``unverified`` (the
default), ``corroborated`` (other accounts or documents agree) or ``verified`` (checked against
documents or sources the coordinator trusts), with who decided (this vault's own card), when, a
note and the sources it rests on. Each victim can carry external references (a source such as
``XJVD``, its entry number, optionally a URL), found again by search.

The review is kept apart from the signed versions (docs/vault-format.md, "Review"): it is the
coordinator's judgement, not the volunteer's evidence, so it never changes a record hash. Every
change appends an audit entry in the same transaction (level, reviewer fingerprint, victim
position; never the note, sources or reference text). Only a coordinator vault writes reviews.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intake.i18n import N_, tr
from intake.review.errors import (
    BadReference,
    BadReview,
    ReferenceNotFound,
    ReviewNotAllowed,
    UnknownLevel,
    VictimNotFound,
)
from intake.testimonies.canonical import created_now
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from intake.vault.audit import AuditLog

LEVELS: tuple[str, ...] = ("unverified", "corroborated", "verified")  # rank = position
DEFAULT_LEVEL = "unverified"
_LEVEL_LABELS = {
    "unverified": N_("Unverified"),
    "corroborated": N_("Corroborated"),
    "verified": N_("Verified"),
}
MAX_NOTE = 2000
MAX_SOURCES = 20
MAX_SOURCE = 200
MAX_SOURCE_NAME = 60
MAX_ENTRY = 60
MAX_URL = 500
_SOURCE_NAME = re.compile(r"[^\s:][^:]{0,59}")
_ENTRY = re.compile(r"[^\s:]{1,60}")


def level_label(level: str, lang: str | None = None) -> str:
    """ "Verified", "Corroborated", "Unverified" in ``lang``."""
    return tr(_LEVEL_LABELS.get(level, level), lang=lang)


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise UnknownLevel(level=level[:40])
    return level


@dataclass(frozen=True)
class Review:
    """A verification level as set by a coordinator."""

    testimony_id: str
    level: str
    reviewer_fingerprint: str
    reviewer_name: str
    reviewed_at: str
    note: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    """An entry about one victim in an outside source (e.g. XJVD 1234)."""

    testimony_id: str
    position: int
    source: str
    entry: str
    url: str
    added_at: str
    added_by: str

    @property
    def label(self) -> str:
        return f"{self.source} {self.entry}"


def parse_reference(text: str) -> tuple[str, str, str]:
    """``SOURCE:ENTRY[:URL]`` → (source, entry, url); e.g. ``XJVD:1234:https://…``."""
    source, sep, rest = text.strip().partition(":")
    entry, _, url = rest.partition(":")
    if not sep:
        raise BadReference(reason=tr("It has no colon between source and entry."))
    return check_reference(source.strip(), entry.strip(), url.strip())


def check_reference(source: str, entry: str, url: str = "") -> tuple[str, str, str]:
    if not _SOURCE_NAME.fullmatch(source) or len(source) > MAX_SOURCE_NAME:
        raise BadReference(reason=tr("The source name is empty or too long."))
    if not _ENTRY.fullmatch(entry) or len(entry) > MAX_ENTRY:
        raise BadReference(reason=tr("The entry is empty, too long or has spaces."))
    if url and (
        not url.lower().startswith(("http://", "https://"))
        or len(url) > MAX_URL
        or any(c.isspace() for c in url)
    ):
        raise BadReference(reason=tr("The address must start with http:// or https://."))
    return source, entry, url


def _check_review(note: str, sources: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    if len(note) > MAX_NOTE:
        raise BadReview(reason=tr("the note is longer than {n} characters.", n=MAX_NOTE))
    kept = tuple(s.strip() for s in sources if s.strip())
    if len(kept) > MAX_SOURCES or any(len(s) > MAX_SOURCE for s in kept):
        raise BadReview(reason=tr("too many sources, or a source is too long."))
    return note.strip(), kept


_REVIEW_COLUMNS = (
    "testimony_id, level, reviewer_fingerprint, reviewer_name, reviewed_at, note, sources"
)


def _review(row: Any) -> Review:
    sources = json.loads(str(row[6]))
    return Review(
        str(row[0]),
        str(row[1]),
        str(row[2]),
        str(row[3]),
        str(row[4]),
        str(row[5]),
        tuple(str(s) for s in sources) if isinstance(sources, list) else (),
    )


class ReviewStore:
    """Read and write the review of testimonies in ``vault``. ``clock`` is for tests."""

    def __init__(self, vault: Vault, clock: Callable[[], datetime] | None = None) -> None:
        self.vault = vault
        self._clock = clock
        self.audit = AuditLog(vault, clock)

    def _now(self) -> str:
        return created_now(self._clock() if self._clock else None)

    def _reviewer(self) -> tuple[str, str]:
        """This vault's own fingerprint and name; refuses a vault that is not a coordinator's."""
        from intake.cards.registry import own_card

        if self.vault.identity.role != "coordinator":
            raise ReviewNotAllowed()
        card = own_card(self.vault)
        return card.fingerprint, card.name

    def _victims(self, testimony_id: str) -> int:
        content = TestimonyStore(self.vault).get(testimony_id).content  # TestimonyNotFound
        victims = content.get("victims")
        return len(victims) if isinstance(victims, list) else 0

    # ---- levels -------------------------------------------------------------------------------

    def get(self, testimony_id: str) -> Review | None:
        row = self.vault.conn.execute(
            f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE testimony_id = ?",  # noqa: S608
            (testimony_id,),
        ).fetchone()
        return _review(row) if row else None

    def level_of(self, testimony_id: str) -> str:
        review = self.get(testimony_id)
        return review.level if review else DEFAULT_LEVEL

    def levels(self, testimony_ids: Iterable[str]) -> dict[str, str]:
        """The level of each id (``unverified`` for those never reviewed)."""
        ids = list(dict.fromkeys(testimony_ids))
        found = {tid: DEFAULT_LEVEL for tid in ids}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = self.vault.conn.execute(
                f"SELECT testimony_id, level FROM reviews WHERE testimony_id IN ({marks})",  # noqa: S608
                part,
            ).fetchall()
            found.update({str(r[0]): str(r[1]) for r in rows})
        return found

    def history(self, testimony_id: str) -> list[Review]:
        rows = self.vault.conn.execute(
            f"SELECT {_REVIEW_COLUMNS} FROM review_history WHERE testimony_id = ?"  # noqa: S608
            " ORDER BY seq",
            (testimony_id,),
        ).fetchall()
        return [_review(r) for r in rows]

    def set_level(
        self, testimony_id: str, level: str, note: str = "", sources: Sequence[str] = ()
    ) -> Review:
        """Grade a testimony (audited). The note and sources replace the previous ones."""
        check_level(level)
        note, kept = _check_review(note, sources)
        fingerprint, name = self._reviewer()
        self._victims(testimony_id)  # the testimony must exist
        review = Review(testimony_id, level, fingerprint, name, self._now(), note, kept)
        values = (
            testimony_id,
            level,
            LEVELS.index(level),
            fingerprint,
            name,
            review.reviewed_at,
            note,
            json.dumps(list(kept), ensure_ascii=False),
        )
        columns = (
            "testimony_id, level, rank, reviewer_fingerprint, reviewer_name, reviewed_at,"
            " note, sources"
        )
        with self.vault.transaction() as conn:
            conn.execute(
                f"INSERT OR REPLACE INTO reviews ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                values,
            )
            conn.execute(
                f"INSERT INTO review_history ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                values,
            )
            self.audit.append(
                conn,
                "review",
                testimony_id,
                {"level": level, "reviewer": fingerprint, "sources": len(kept)},
            )
        return review

    # ---- references ---------------------------------------------------------------------------

    def references(self, testimony_id: str) -> list[Reference]:
        rows = self.vault.conn.execute(
            "SELECT testimony_id, position, source, entry, url, added_at, added_by"
            " FROM victim_references WHERE testimony_id = ? ORDER BY position, added_at, source",
            (testimony_id,),
        ).fetchall()
        return [
            Reference(str(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]))
            for r in rows
        ]

    def add_reference(
        self, testimony_id: str, position: int, source: str, entry: str, url: str = ""
    ) -> Reference:
        """Link victim ``position`` (1-based) to an outside entry (audited); adding the same
        source and entry again only updates its URL."""
        source, entry, url = check_reference(source, entry, url)
        fingerprint, _name = self._reviewer()
        if not 1 <= position <= self._victims(testimony_id):
            raise VictimNotFound(id=testimony_id, position=position)
        reference = Reference(testimony_id, position, source, entry, url, self._now(), fingerprint)
        with self.vault.transaction() as conn:
            conn.execute(
                "INSERT INTO victim_references"
                " (testimony_id, position, source, entry, url, added_at, added_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (testimony_id, position, source, entry)"
                " DO UPDATE SET url = excluded.url",
                (testimony_id, position, source, entry, url, reference.added_at, fingerprint),
            )
            self.audit.append(conn, "reference_add", testimony_id, {"victim": position})
        return reference

    def remove_reference(self, testimony_id: str, position: int, source: str, entry: str) -> None:
        self._reviewer()
        with self.vault.transaction() as conn:
            cur = conn.execute(
                "DELETE FROM victim_references"
                " WHERE testimony_id = ? AND position = ? AND source = ? AND entry = ?",
                (testimony_id, position, source, entry),
            )
            if cur.rowcount == 0:
                raise ReferenceNotFound()
            self.audit.append(conn, "reference_remove", testimony_id, {"victim": position})
