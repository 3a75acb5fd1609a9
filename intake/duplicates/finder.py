"""Possible duplicates across testimonies, and the coordinator's decisions about them.

The same detainee is often reported by several relatives, each writing the name in another
script. ``DuplicateFinder`` keeps derived features of every victim in the vault (refreshed
from the testimony store when a testimony changes; intake/duplicates/features.py), proposes
candidate pairs with a score and reasons (intake/duplicates/blocking.py, duplicate_scoring.py)
and records what the coordinator decides: *link* (the same person: both testimonies stay as
they are, the victims share a person id) or *dismiss* (not the same: the pair is not proposed
again). Decisions can be undone; each decision is written to the audit trail in the same
transaction. ``person_testimonies`` gathers every testimony about one person (the victim
view). A victim is named ``<testimony id>#<position>`` (``duplicate_features.victim_ref``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intake.duplicates.blocking import BlockingStats, scored_pairs
from intake.duplicates.errors import NoDecision, PairLinked, SameVictim, VictimNotFound
from intake.duplicates.features import (
    FEATURES_SCHEME,
    VictimFeatures,
    parse_victim_ref,
    testimony_victims,
    victim_ref,
)
from intake.duplicates.scoring import Reason
from intake.testimonies.canonical import created_now
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from intake.vault.audit import ACTIONS, AuditLog

DEFAULT_MIN_SCORE = 0.5  # "as likely the same person as not"
REFRESH_BATCH = 500  # testimonies re-read per transaction while refreshing
Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class Candidate:
    """A pair of victims in different testimonies that may be the same person."""

    a: str  # victim ref
    b: str
    label_a: str  # a spelling of each name, for display
    label_b: str
    score: float  # 0..1
    reasons: tuple[Reason, ...]  # strongest first

    @property
    def testimony_a(self) -> str:
        return self.a.split("#", 1)[0]

    @property
    def testimony_b(self) -> str:
        return self.b.split("#", 1)[0]

    def reason_texts(self, lang: str | None = None) -> list[str]:
        return [r.text(lang) for r in self.reasons]


@dataclass(frozen=True)
class Decision:
    """What the coordinator decided about a pair of victims, and when."""

    a: str
    b: str
    decision: str  # "link" | "dismiss"
    version_a: int | None
    version_b: int | None
    score: float | None
    decided_at: str


@dataclass(frozen=True)
class PersonEntry:
    """One testimony's account of a person: which victim of which testimony version."""

    ref: str
    testimony_id: str
    position: int
    version_no: int
    label: str


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


class DuplicateFinder:
    """Find, link and dismiss possible duplicate victims in an open (coordinator) vault."""

    def __init__(
        self,
        vault: Vault,
        clock: Callable[[], datetime] | None = None,
        new_person_id: Callable[[], str] | None = None,
    ) -> None:
        self.vault = vault
        self.store = TestimonyStore(vault, clock)
        self.audit = AuditLog(vault, clock)
        self._clock = clock
        self._new_person_id = new_person_id or (lambda: str(uuid.uuid4()))
        self.last_stats: BlockingStats | None = None

    # ---- derived features -----------------------------------------------------------------

    def refresh(self, progress: Progress | None = None) -> int:
        """Re-read the victims of testimonies changed since the last refresh; returns how many
        testimonies were read. Sealed versions (content removed after export) have no victims.
        """
        conn = self.vault.conn
        current = {s.id: (s.version_no, s.updated) for s in self.store.list()}
        known = {
            str(r[0]): (int(r[1]), str(r[2]), int(r[3]))
            for r in conn.execute(
                "SELECT testimony_id, version_no, updated, scheme FROM duplicate_indexed"
            )
        }
        stale = sorted(
            tid for tid, (v, u) in current.items() if known.get(tid) != (v, u, FEATURES_SCHEME)
        )
        gone = [tid for tid in known if tid not in current]
        if gone:
            with self.vault.transaction() as tx:
                tx.executemany(
                    "DELETE FROM duplicate_victims WHERE testimony_id = ?", [(t,) for t in gone]
                )
                tx.executemany(
                    "DELETE FROM duplicate_indexed WHERE testimony_id = ?", [(t,) for t in gone]
                )
        for start in range(0, len(stale), REFRESH_BATCH):
            with self.vault.transaction() as tx:
                for tid in stale[start : start + REFRESH_BATCH]:
                    self._index(tx, tid)
            if progress is not None:
                progress(min(start + REFRESH_BATCH, len(stale)), len(stale))
        return len(stale)

    def _index(self, tx: Any, testimony_id: str) -> None:
        testimony = self.store.get(testimony_id)
        victims = [] if testimony.sealed else testimony_victims(testimony_id, testimony.content)
        tx.execute("DELETE FROM duplicate_victims WHERE testimony_id = ?", (testimony_id,))
        tx.execute(
            "INSERT OR REPLACE INTO duplicate_indexed (testimony_id, version_no, updated, scheme)"
            " VALUES (?, ?, ?, ?)",
            (testimony_id, testimony.version_no, testimony.updated, FEATURES_SCHEME),
        )
        tx.executemany(
            "INSERT INTO duplicate_victims (testimony_id, position, features) VALUES (?, ?, ?)",
            [(testimony_id, int(f.ref.rsplit("#", 1)[1]), f.to_json()) for f in victims],
        )

    def _features(self) -> list[VictimFeatures]:
        cursor = self.vault.conn.execute(
            "SELECT features FROM duplicate_victims ORDER BY testimony_id, position"
        )
        found: list[VictimFeatures] = []
        while rows := cursor.fetchmany(2000):
            found.extend(VictimFeatures.from_json(str(r[0])) for r in rows)
        return found

    # ---- candidates -----------------------------------------------------------------------

    def candidates(
        self,
        min_score: float = DEFAULT_MIN_SCORE,
        *,
        refresh: bool = True,
        progress: Progress | None = None,
    ) -> list[Candidate]:
        """Undecided pairs scoring at least ``min_score``, best first. Pairs already dismissed
        or already the same person are left out. ``last_stats`` says what blocking skipped."""
        if refresh:
            self.refresh(progress)
        features = self._features()
        dismissed = {
            (str(r[0]), str(r[1]))
            for r in self.vault.conn.execute(
                "SELECT victim_a, victim_b FROM duplicate_decisions WHERE decision = 'dismiss'"
            )
        }
        persons = self._persons()

        def decided(x: str, y: str) -> bool:
            if _pair(x, y) in dismissed:
                return True
            px = persons.get(x)
            return px is not None and px == persons.get(y)

        skip = decided if dismissed or persons else None
        found, self.last_stats = scored_pairs(features, min_score, skip)
        return [
            Candidate(
                features[i].ref,
                features[j].ref,
                features[i].label,
                features[j].label,
                match.score,
                match.reasons,
            )
            for i, j, match in found
        ]

    # ---- decisions ------------------------------------------------------------------------

    def resolve(self, text: str) -> str:
        """The victim ref meant by ``text``: ``ID#N``, or a testimony id with one victim."""
        found = self._lookup(text)
        if found is None and self.refresh():  # a testimony added or changed since
            found = self._lookup(text)
        if found is None:
            raise VictimNotFound(ref=text.strip()[:80])
        return found

    def _lookup(self, text: str) -> str | None:
        parsed = parse_victim_ref(text)
        conn = self.vault.conn
        if parsed is not None:
            row = conn.execute(
                "SELECT 1 FROM duplicate_victims WHERE testimony_id = ? AND position = ?", parsed
            ).fetchone()
            return victim_ref(*parsed) if row is not None else None
        testimony_id = text.strip().lower()
        rows = conn.execute(
            "SELECT position FROM duplicate_victims WHERE testimony_id = ?", (testimony_id,)
        ).fetchall()
        return victim_ref(testimony_id, int(rows[0][0])) if len(rows) == 1 else None

    def _version(self, ref: str) -> int | None:
        row = self.vault.conn.execute(
            "SELECT version_no FROM duplicate_indexed WHERE testimony_id = ?",
            (ref.split("#", 1)[0],),
        ).fetchone()
        return int(row[0]) if row else None

    def _persons(self) -> dict[str, str]:
        rows = self.vault.conn.execute("SELECT victim_ref, person_id FROM persons")
        return {str(r[0]): str(r[1]) for r in rows}

    def _record(self, tx: Any, a: str, b: str, decision: str, score: float | None) -> None:
        tx.execute(
            "INSERT OR REPLACE INTO duplicate_decisions (victim_a, victim_b, decision,"
            " version_a, version_b, score_permille, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                a,
                b,
                decision,
                self._version(a),
                self._version(b),
                None if score is None else max(0, min(1000, round(score * 1000))),
                created_now(self._clock() if self._clock else None),
            ),
        )

    def _audit(self, tx: Any, action: str, a: str, b: str, **details: Any) -> None:
        """One audit entry about victim ``a`` (subject: its testimony) naming victim ``b``.

        Uses the audit action ``action`` when the audit trail knows it; otherwise the generic
        "edit" with ``kind`` saying what happened (no content is written either way).
        """
        ta, pa = a.split("#", 1)
        tb, pb = b.split("#", 1)
        entry = {"victim": int(pa), "other": tb, "other_victim": int(pb), **details}
        if action not in ACTIONS:
            entry["kind"] = action
            action = "edit"
        self.audit.append(tx, action, ta, entry)

    def link(self, a: str, b: str, score: float | None = None) -> str:
        """Record that victims ``a`` and ``b`` are the same person; returns the person id.

        Both testimonies stay as they are. If either is already linked to others, the groups
        are joined (the person id of ``a``'s group is kept)."""
        a, b = self._two(a, b)
        with self.vault.transaction() as tx:
            persons = {
                str(r[0]): str(r[1])
                for r in tx.execute(
                    "SELECT victim_ref, person_id FROM persons WHERE victim_ref IN (?, ?)", (a, b)
                )
            }
            person = persons.get(a) or persons.get(b) or self._new_person_id()
            other = persons.get(b)
            if other is not None and other != person:
                tx.execute("UPDATE persons SET person_id = ? WHERE person_id = ?", (person, other))
            tx.executemany(
                "INSERT OR REPLACE INTO persons (victim_ref, person_id) VALUES (?, ?)",
                [(a, person), (b, person)],
            )
            low, high = _pair(a, b)
            self._record(tx, low, high, "link", score)
            self._audit(tx, "person_link", a, b, person=person, decision="link")
        return person

    def dismiss(self, a: str, b: str, score: float | None = None) -> None:
        """Record that victims ``a`` and ``b`` are different people; the pair is not proposed
        again. Refused (PairLinked) when they are linked as one person."""
        a, b = self._two(a, b)
        with self.vault.transaction() as tx:
            rows = tx.execute(
                "SELECT person_id FROM persons WHERE victim_ref IN (?, ?)", (a, b)
            ).fetchall()
            if len(rows) == 2 and rows[0][0] == rows[1][0]:
                raise PairLinked()
            low, high = _pair(a, b)
            self._record(tx, low, high, "dismiss", score)
            self._audit(tx, "person_dismiss", a, b, decision="dismiss")

    def undo(self, a: str, b: str) -> None:
        """Forget the decision about this pair. Undoing a link splits the person group where
        no other link holds it together."""
        a, b = self._two(a, b)
        low, high = _pair(a, b)
        with self.vault.transaction() as tx:
            row = tx.execute(
                "SELECT decision FROM duplicate_decisions WHERE victim_a = ? AND victim_b = ?",
                (low, high),
            ).fetchone()
            if row is None:
                raise NoDecision()
            tx.execute(
                "DELETE FROM duplicate_decisions WHERE victim_a = ? AND victim_b = ?", (low, high)
            )
            if row[0] == "link":
                self._regroup(tx, a)
            self._audit(tx, "person_undo", a, b, decision=str(row[0]))

    def _regroup(self, tx: Any, ref: str) -> None:
        """Recompute the person groups of ``ref``'s former group from its remaining links."""
        row = tx.execute("SELECT person_id FROM persons WHERE victim_ref = ?", (ref,)).fetchone()
        if row is None:
            return
        person = str(row[0])
        members = [
            str(r[0])
            for r in tx.execute("SELECT victim_ref FROM persons WHERE person_id = ?", (person,))
        ]
        links = [
            (str(r[0]), str(r[1]))
            for r in tx.execute(
                "SELECT victim_a, victim_b FROM duplicate_decisions WHERE decision = 'link'"
            )
        ]
        groups = _components(members, links)
        tx.execute("DELETE FROM persons WHERE person_id = ?", (person,))
        groups.sort(key=len, reverse=True)
        for n, group in enumerate(groups):
            if len(group) < 2:
                continue
            pid = person if n == 0 else self._new_person_id()
            tx.executemany(
                "INSERT INTO persons (victim_ref, person_id) VALUES (?, ?)",
                [(m, pid) for m in sorted(group)],
            )

    def _two(self, a: str, b: str) -> tuple[str, str]:
        ra, rb = self.resolve(a), self.resolve(b)
        if ra == rb:
            raise SameVictim()
        return ra, rb

    def decision(self, a: str, b: str) -> Decision | None:
        """The standing decision about a pair, if any."""
        low, high = _pair(self.resolve(a), self.resolve(b))
        row = self.vault.conn.execute(
            "SELECT victim_a, victim_b, decision, version_a, version_b, score_permille,"
            " decided_at FROM duplicate_decisions WHERE victim_a = ? AND victim_b = ?",
            (low, high),
        ).fetchone()
        return _decision(row) if row else None

    def decisions(self) -> list[Decision]:
        rows = self.vault.conn.execute(
            "SELECT victim_a, victim_b, decision, version_a, version_b, score_permille,"
            " decided_at FROM duplicate_decisions ORDER BY decided_at, victim_a, victim_b"
        ).fetchall()
        return [_decision(r) for r in rows]

    # ---- the victim view ------------------------------------------------------------------

    def person_of(self, ref: str) -> str | None:
        """The person id of a victim linked to others, or None."""
        row = self.vault.conn.execute(
            "SELECT person_id FROM persons WHERE victim_ref = ?", (self.resolve(ref),)
        ).fetchone()
        return str(row[0]) if row else None

    def person_testimonies(self, ref: str) -> list[PersonEntry]:
        """Every testimony that tells about this victim's person (the victim itself first,
        then the linked victims by testimony id)."""
        ref = self.resolve(ref)
        person = self.person_of(ref)
        refs = [ref]
        if person is not None:
            rows = self.vault.conn.execute(
                "SELECT victim_ref FROM persons WHERE person_id = ? ORDER BY victim_ref", (person,)
            )
            refs += [str(r[0]) for r in rows if str(r[0]) != ref]
        return [entry for entry in (self._entry(r) for r in refs) if entry is not None]

    def _entry(self, ref: str) -> PersonEntry | None:
        parsed = parse_victim_ref(ref)
        if parsed is None:
            return None
        row = self.vault.conn.execute(
            "SELECT v.features, i.version_no FROM duplicate_victims v JOIN duplicate_indexed i"
            " USING (testimony_id) WHERE v.testimony_id = ? AND v.position = ?",
            parsed,
        ).fetchone()
        if row is None:  # the testimony was deleted or no longer has that many victims
            return None
        features = VictimFeatures.from_json(str(row[0]))
        return PersonEntry(ref, parsed[0], parsed[1], int(row[1]), features.label)


def _decision(row: Any) -> Decision:
    permille = row[5]
    return Decision(
        str(row[0]),
        str(row[1]),
        str(row[2]),
        None if row[3] is None else int(row[3]),
        None if row[4] is None else int(row[4]),
        None if permille is None else int(permille) / 1000,
        str(row[6]),
    )


def _components(members: Iterable[str], links: Iterable[tuple[str, str]]) -> list[set[str]]:
    """Connected parts of ``members`` under the ``links`` between them (union-find)."""
    parent: dict[str, str] = {m: m for m in members}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in links:
        if x in parent and y in parent:
            parent[root(x)] = root(y)
    groups: dict[str, set[str]] = {}
    for m in parent:
        groups.setdefault(root(m), set()).add(m)
    return list(groups.values())


def candidates_as_json(candidates: Iterable[Candidate], lang: str | None = None) -> list[Any]:
    """Candidates as plain JSON values (for the CLI and for tests)."""
    return [
        {
            "a": c.a,
            "b": c.b,
            "label_a": c.label_a,
            "label_b": c.label_b,
            "score": c.score,
            "reasons": [
                {"code": r.code, "weight": r.weight, "text": r.text(lang)} for r in c.reasons
            ],
        }
        for c in candidates
    ]


__all__ = [
    "DEFAULT_MIN_SCORE",
    "Candidate",
    "Decision",
    "DuplicateFinder",
    "PersonEntry",
    "candidates_as_json",
]
