"""The audit trail: an append-only, hash-chained log of what happened to records in a vault.

Every change to a testimony, attachment or card appends one entry (sequence number, UTC time,
action, subject id, details) inside the same transaction as the change, so the two commit or
roll back together. Entries hold ids, version numbers, sizes and hashes, never content, names
or file names: details are checked to be short identifiers. Each entry's hash is SHA-256 over
a context string and the canonical JSON (intake/testimonies/canonical.py) of the entry including the
previous entry's hash, so changing, removing or reordering an entry breaks the chain from that
point; ``audit_head`` also records the newest entry, so cutting off the end is noticed too.
Triggers refuse UPDATE and DELETE. The chain is not keyed: someone holding the passphrase could
rewrite all of it consistently; it catches damage, bugs and careless edits, and an audit head
copied elsewhere (e.g. into a bundle) pins everything before it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intake.i18n import tr
from intake.testimonies.canonical import canonical_bytes, created_now, parse_canonical, sha256_hex
from intake.testimonies.errors import AuditEntryInvalid, NotCanonical
from intake.vault import Vault

ENTRY_CONTEXT = b"amanat audit entry v1\n"  # domain separation from record and file hashes
GENESIS = "0" * 64  # the "previous hash" of the first entry
ACTIONS = frozenset(
    {
        "create",  # a testimony was started (version 1 draft)
        "edit",  # a draft was saved, or a new draft version was made from a final one
        "finalize",  # a version was frozen and signed
        "delete",  # a draft (never finalized) was deleted, or a newest draft discarded
        "attach",  # a file was linked to a testimony
        "detach",  # a file was unlinked from a testimony
        "export",  # a version or attachment left the vault in a bundle
        "import",  # a signed version arrived from another vault
        "refuse",  # a received version was refused on its own (another author's testimony)
        "card_add",
        "card_verify",
        "card_revoke",
        "card_succeed",  # a key statement: a new key continues an old key's testimonies
        "key_rotate",  # this vault replaced its own keys (the old ones are kept, retired)
        "person_link",  # a coordinator linked two victims as the same person
        "person_dismiss",  # a coordinator dismissed a possible duplicate pair
        "person_undo",  # a coordinator took back a link or dismissal
        "review",  # a coordinator set a testimony's verification level
        "reference_add",  # a coordinator linked a victim to an outside entry (e.g. XJVD)
        "reference_remove",  # and took such a link back
        "rescue",  # this vault was made by rescuing what could be read of a damaged one
    }
)
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
# ids, hashes, counts, media types (no spaces: no prose), or a grouped-digit fingerprint
_VALUE = re.compile(r"[A-Za-z0-9._:/+-]{0,100}|\d{5}(?: \d{5}){0,9}")
MAX_DETAILS = 16


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    action: str
    subject: str
    details: Mapping[str, Any]
    prev: str
    hash: str


@dataclass(frozen=True)
class AuditReport:
    """Result of ``AuditLog.verify``: ``broken_at`` is the first bad sequence number."""

    ok: bool
    broken_at: int | None
    checked: int


def entry_hash(
    seq: int, at: str, action: str, subject: str, details: Mapping[str, Any], prev: str
) -> str:
    """SHA-256 (hex) of one entry: context string, then the canonical JSON of its fields."""
    body = {
        "seq": seq,
        "at": at,
        "action": action,
        "subject": subject,
        "details": dict(details),
        "prev": prev,
    }
    return sha256_hex(ENTRY_CONTEXT + canonical_bytes(body))


def _check_value(value: object) -> bool:
    if value is None or isinstance(value, bool | int):
        return True
    return isinstance(value, str) and _VALUE.fullmatch(value) is not None


def _check(action: str, subject: str, details: Mapping[str, Any]) -> None:
    if action not in ACTIONS:
        raise AuditEntryInvalid(reason=tr("unknown action"))
    if not _VALUE.fullmatch(subject):
        raise AuditEntryInvalid(reason=tr("the subject must be an id"))
    if len(details) > MAX_DETAILS or not all(
        isinstance(k, str) and _NAME.fullmatch(k) and _check_value(v) for k, v in details.items()
    ):
        raise AuditEntryInvalid(reason=tr("details may only hold ids, numbers and hashes"))


class AuditLog:
    """Append to and verify a vault's audit trail. ``clock`` is injectable for tests."""

    def __init__(self, vault: Vault, clock: Callable[[], datetime] | None = None) -> None:
        self.vault = vault
        self._clock = clock
        self._head: tuple[int, str] | None = None  # (seq, hash) of the newest, in ``batch``

    def _now(self) -> str:
        return created_now(self._clock() if self._clock else None)

    def append(
        self, conn: Any, action: str, subject: str, details: Mapping[str, Any] | None = None
    ) -> AuditEntry:
        """Append one entry using ``conn`` inside the caller's open transaction."""
        details = dict(details or {})
        _check(action, subject, details)
        if self._head is not None:  # inside ``batch``: the head is kept here
            seq, prev = self._head[0] + 1, self._head[1]
        else:
            head = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
            seq, prev = (int(head[0]) + 1, str(head[1])) if head else (1, GENESIS)
        at = self._now()
        try:
            digest = entry_hash(seq, at, action, subject, details, prev)
        except NotCanonical:
            raise AuditEntryInvalid(
                reason=tr("details may only hold ids, numbers and hashes")
            ) from None
        conn.execute(
            "INSERT INTO audit (seq, at, action, subject, details, prev, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (seq, at, action, subject, canonical_bytes(details).decode(), prev, digest),
        )
        if self._head is not None:
            self._head = (seq, digest)
        else:
            _write_head(conn, seq, digest)
        return AuditEntry(seq, at, action, subject, details, prev, digest)

    @contextlib.contextmanager
    def batch(self, conn: Any) -> Iterator[None]:
        """Many appends inside the caller's open transaction ``conn`` (e.g. one per record of
        an imported bundle): the head is read once before and written once after, not per
        entry. The entries and the head still commit or roll back together."""
        if self._head is not None:
            raise RuntimeError("an audit batch is already open")
        head = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
        start = (int(head[0]), str(head[1])) if head else (0, GENESIS)
        self._head = start
        try:
            yield
        except BaseException:
            end, self._head = self._head, None
            if end != start:  # normally rolled back; kept consistent should a caller commit
                with contextlib.suppress(Exception):
                    _write_head(conn, *end)
            raise
        end, self._head = self._head, None
        if end != start:
            _write_head(conn, *end)

    def record(self, action: str, subject: str, details: Mapping[str, Any] | None = None) -> None:
        """Append in a transaction of its own (for callers that have none open)."""
        with self.vault.transaction() as conn:
            self.append(conn, action, subject, details)

    def entries(self, subject: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        """The newest ``limit`` entries (optionally about one subject), oldest first."""
        where, args = ("WHERE subject = ?", [subject]) if subject else ("", [])
        rows = self.vault.conn.execute(
            f"SELECT seq, at, action, subject, details, prev, hash FROM audit {where} "  # noqa: S608
            "ORDER BY seq DESC LIMIT ?",
            (*args, limit),
        ).fetchall()
        return [_entry(r) for r in reversed(rows)]

    def _rows(self) -> Iterator[Any]:
        cursor = self.vault.conn.execute(
            "SELECT seq, at, action, subject, details, prev, hash FROM audit ORDER BY seq"
        )
        while rows := cursor.fetchmany(1000):
            yield from rows

    def verify(self) -> AuditReport:
        """Walk the whole chain; ``broken_at`` names the first entry that does not fit."""
        expected_seq, prev, checked = 1, GENESIS, 0
        for row in self._rows():
            seq = int(row[0])
            try:
                entry = _entry(row)
                digest = entry_hash(seq, entry.at, entry.action, entry.subject, entry.details, prev)
            except (ValueError, TypeError, NotCanonical):
                return AuditReport(False, seq, checked)
            if seq != expected_seq or entry.prev != prev or entry.hash != digest:
                return AuditReport(False, min(seq, expected_seq), checked)
            checked += 1
            expected_seq, prev = seq + 1, entry.hash
        head = self.vault.conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
        head_seq, head_hash = (int(head[0]), str(head[1])) if head else (0, GENESIS)
        if (head_seq, head_hash) != (expected_seq - 1, prev):
            return AuditReport(False, min(head_seq, expected_seq - 1) + 1, checked)
        return AuditReport(True, None, checked)


def _write_head(conn: Any, seq: int, digest: str) -> None:
    conn.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        (seq, digest),
    )


def _entry(row: Any) -> AuditEntry:
    details = parse_canonical(str(row[4]).encode("utf-8"))
    if not isinstance(details, dict):
        raise ValueError("details")
    return AuditEntry(
        int(row[0]), str(row[1]), str(row[2]), str(row[3]), details, str(row[5]), str(row[6])
    )
