"""The steps of one rescue (intake/vault/rescue.py): the identity, every table row by row, the
attachments whole or not at all, the derived data rebuilt, every copied final version verified.
See docs/vault-format.md, "Rescue".
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from intake.errors import AmanatError, UnsupportedFormat
from intake.testimonies.store import TestimonyStore
from intake.vault import BULK_BYTES, Vault, db
from intake.vault.audit import AuditLog
from intake.vault.errors import VaultDamaged
from intake.vault.migrations import latest_version
from intake.vault.rescue_report import LostAttachment, RescueReport, seq_ranges
from intake.vault.salvage import SalvageReader, quoted

BATCH_ROWS = 500  # rows per transaction when copying small rows
BATCH_BYTES = 32 << 20  # … or this many bytes of values, whichever comes first
# derived data, rebuilt rather than copied (docs/vault-format.md, "Rescue")
DERIVED = ("testimony_index", "testimony_victims", "testimony_search", "duplicate_")
# copied by their own steps below, not by the generic table copy
SPECIAL = frozenset(
    {"identity", "testimonies", "testimony_versions", "attachments", "attachment_chunks"}
    | {"audit", "audit_head"}
)
Progress = Callable[[int], None]


class RescueCopier:
    """The steps of one rescue: identity, tables, derived data, verification."""

    def __init__(self, reader: SalvageReader, report: RescueReport) -> None:
        self.reader = reader
        self.report = report
        self._new: Vault | None = None
        self._tables: set[str] = set()  # of the damaged vault
        self._lost_shas: set[str] = set()  # attachments reported lost
        self._lost_ids: set[str] = set()  # testimonies reported lost

    @property
    def new(self) -> Vault:
        assert self._new is not None
        return self._new

    # ---- the new vault and its identity -------------------------------------------------

    def start(self, target: Path, passphrase: str, kdf: Any) -> Vault:
        try:
            self.reader.tables()
            version = int(self.reader.conn.execute("PRAGMA user_version").fetchone()[0])
            ident = self.reader.conn.execute(
                "SELECT role, name, signing_seed, x25519_private, created FROM identity"
            ).fetchall()
            hybrid_seed = self._hybrid_seed()
        except db.DatabaseError:
            raise VaultDamaged(part="database") from None
        if version > latest_version():
            raise UnsupportedFormat
        if len(ident) != 1:
            raise VaultDamaged(part="database")
        role, name, seed, x25519, created = ident[0]
        self._new = Vault.create(target, passphrase, str(role), str(name), kdf)
        with self.new.transaction() as conn:
            conn.execute(
                "UPDATE identity SET name = ?, signing_seed = ?, x25519_private = ?, created = ?",
                (name, bytes(seed), bytes(x25519), created),
            )
            if hybrid_seed is not None:  # a vault older than schema 8 keeps the new random one
                conn.execute("UPDATE identity SET hybrid_seed = ?", (hybrid_seed,))
        return self.new

    def _hybrid_seed(self) -> bytes | None:
        """The source's hybrid key (schema 8 and later), so bundles sent to it still open."""
        columns = {str(r[1]) for r in self.reader.conn.execute("PRAGMA table_info(identity)")}
        if "hybrid_seed" not in columns:
            return None
        row = self.reader.conn.execute("SELECT hybrid_seed FROM identity").fetchone()
        value = None if row is None or row[0] is None else bytes(row[0])
        return value if value is not None and len(value) == 32 else None

    # ---- the steps ----------------------------------------------------------------------

    def run(self, source_id: str, progress: Progress | None) -> None:
        self._tables = set(self.reader.tables())
        tables = [
            t
            for t in self._new_tables()
            if t not in SPECIAL and not t.startswith(DERIVED) and t in self._tables
        ]
        steps: list[Callable[[], None]] = [
            lambda: self._copy_table("settings"),
            lambda: self._copy_table("cards"),
            self._copy_testimonies,
            self._copy_attachments,
            *[(lambda t=t: self._copy_table(t)) for t in tables if t not in ("settings", "cards")],
            lambda: self._copy_audit(source_id),
            self._rebuild_and_verify,
        ]
        for i, step in enumerate(steps):
            step()
            if progress is not None:
                progress((i + 1) * 100 // len(steps))
        self.report.damaged_tables = sorted(self.reader.damaged)

    def _new_tables(self) -> list[str]:
        rows = self.new.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
        ).fetchall()
        return [str(r[0]) for r in rows]

    def _common_columns(self, table: str) -> list[str]:
        have = set(self.reader.columns(table))
        return [
            str(r[1])
            for r in self.new.conn.execute(f"PRAGMA table_info({quoted(table)})")
            if str(r[1]) in have
        ]

    def _insert_rows(
        self, table: str, columns: list[str], rows: Iterator[tuple[Any, ...]]
    ) -> set[tuple[Any, ...]]:
        """Insert rows (after their leading rowid) in batches; the refused ones (a foreign
        key or CHECK fails because what they refer to was lost) are left out. Returns the
        keys of the inserted rows: their key index's columns, else their rowid."""
        key = self.reader.key_index(table)
        key_at = [columns.index(c) + 1 for c in key[1]] if key else [0]
        insert = (
            f"INSERT INTO {quoted(table)} ({', '.join(quoted(c) for c in columns)})"  # noqa: S608
            f" VALUES ({', '.join('?' for _ in columns)})"
        )
        inserted: set[tuple[Any, ...]] = set()
        batch: list[tuple[Any, ...]] = []
        size = 0

        def flush() -> None:
            with self.new.transaction() as conn:
                for row in batch:
                    try:
                        conn.execute("SAVEPOINT row")
                        conn.execute(insert, row[1:])
                        conn.execute("RELEASE row")
                    except db.IntegrityError:
                        conn.execute("ROLLBACK TO row")
                        conn.execute("RELEASE row")
                        self._lose(table)
                        continue
                    inserted.add(tuple(row[i] for i in key_at))
            batch.clear()

        for row in rows:
            batch.append(row)
            size += sum(len(v) for v in row if isinstance(v, bytes | str))
            if len(batch) >= BATCH_ROWS or size >= BATCH_BYTES:
                flush()
                size = 0
        if batch:
            flush()
        self.report.copied[table] = self.report.copied.get(table, 0) + len(inserted)
        return inserted

    def _lose(self, table: str, count: int = 1) -> None:
        self.report.lost_rows[table] = self.report.lost_rows.get(table, 0) + count

    def _copy_table(self, table: str) -> None:
        if table not in self._tables:
            return
        columns = self._common_columns(table)
        rows = self.reader.rows(table, columns)
        if table == "testimony_attachments":  # links to what is reported lost already
            at = (1 + columns.index("testimony_id"), 1 + columns.index("sha256"))
            rows = (r for r in rows if not self._explained_link(r[at[0]], r[at[1]]))
        inserted = self._insert_rows(table, columns, rows)
        keys = self.reader.index_keys(table)
        refused = self.report.lost_rows.get(table, 0)
        unread = self.reader.lost_rows.get(table, 0)
        if keys is not None:
            listed = keys[0]
            if table == "testimony_attachments":
                listed = {k for k in listed if not self._explained_link(k[0], k[1])}
            unread = max(unread, len(listed - inserted) - refused)
        if unread > 0:
            self._lose(table, unread)

    def _explained_link(self, testimony_id: object, sha256: object) -> bool:
        """A link to a testimony or file the report names as lost already."""
        return str(sha256) in self._lost_shas or str(testimony_id) in self._lost_ids

    # ---- testimonies --------------------------------------------------------------------

    def _copy_testimonies(self) -> None:
        """Versions first (foreign keys off), then a testimony row for each testimony with
        a readable version: the stored row, or one rebuilt from its versions."""
        stored = {
            str(r[1]): r[1:]
            for r in self.reader.rows("testimonies", ["id", "created", "updated", "head_version"])
        }
        columns = self._common_columns("testimony_versions")
        self.new.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            copied = self._insert_rows(
                "testimony_versions", columns, self.reader.rows("testimony_versions", columns)
            )
            spans: dict[str, tuple[str, str, int]] = {}
            for row in self.new.conn.execute(
                "SELECT testimony_id, min(created), max(updated), max(version_no)"
                " FROM testimony_versions GROUP BY testimony_id"
            ):
                spans[str(row[0])] = (str(row[1]), str(row[2]), int(row[3]))
            with self.new.transaction() as conn:
                for tid, (created, updated, head) in spans.items():
                    if tid in stored:
                        created, updated = str(stored[tid][1]), str(stored[tid][2])
                    conn.execute(
                        "INSERT INTO testimonies (id, created, updated, head_version)"
                        " VALUES (?, ?, ?, ?)",
                        (tid, created, updated, head),
                    )
        finally:
            self.new.conn.execute("PRAGMA foreign_keys = ON")
        self.report.copied["testimonies"] = len(spans)
        known = self.reader.index_keys("testimony_versions")
        expected = set(known[0]) if known else set()
        expected |= {(tid, int(row[3])) for tid, row in stored.items()}
        sealed = self._sealed_versions()
        lost = sorted(
            (str(t), int(v)) for t, v in expected - copied if (str(t), int(v)) not in sealed
        )
        self.report.lost_versions = lost
        ids = set(stored) | {str(t) for t, _ in expected}
        index = self.reader.index_keys("testimonies")
        if index is not None:
            ids |= {str(k[0]) for k in index[0]}
        self.report.lost_testimonies = sorted(ids - set(spans))
        self._lost_ids = set(self.report.lost_testimonies)
        self.report.lost_rows.pop("testimony_versions", None)  # named in lost_versions

    def _sealed_versions(self) -> set[tuple[str, int]]:
        if "sealed_versions" not in self._tables:
            return set()
        return {
            (str(r[1]), int(r[2]))
            for r in self.reader.rows("sealed_versions", ["testimony_id", "version_no"])
        }

    # ---- attachments --------------------------------------------------------------------

    def _copy_attachments(self) -> None:
        """Each attachment whole, in one transaction, or not at all."""
        columns = ["id", "sha256", "size", "media_type", "chunk_size", "created"]
        rows = list(self.reader.rows("attachments", columns))
        lost: set[str] = set()
        copied: set[str] = set()
        for row in rows:
            sha256 = str(row[2]) if row[2] is not None else None
            if sha256 is None:
                continue  # never finished writing: not an attachment
            try:
                self._copy_one(row[1:])
                copied.add(sha256)
            except _Unreadable:
                lost.add(sha256)
        index = self.reader.index_keys("attachments")
        if index is not None:
            lost |= {str(k[0]) for k in index[0] if k[0] is not None} - copied
        self.report.copied["attachments"] = len(copied)
        links = self._links()
        lost |= {sha for _, sha in links} - copied
        self._lost_shas = lost
        self.report.lost_attachments = [
            LostAttachment(sha, tuple(sorted({t for t, s in links if s == sha})))
            for sha in sorted(lost)
        ]
        self.report.copied["attachment_chunks"] = int(
            self.new.conn.execute("SELECT count(*) FROM attachment_chunks").fetchone()[0]
        )

    def _copy_one(self, row: tuple[Any, ...]) -> None:
        attachment_id, sha256, size, _media, chunk_size, _created = row
        count = (int(size) + int(chunk_size) - 1) // int(chunk_size)
        digest = hashlib.sha256()
        with self.new.transaction(bulk=int(size) > BULK_BYTES) as conn:
            try:
                conn.execute(
                    "INSERT INTO attachments (id, sha256, size, media_type, chunk_size, created)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                )
            except db.IntegrityError:
                raise _Unreadable from None
            for seq in range(count):
                data = self._chunk(int(attachment_id), seq)
                expected = min(int(chunk_size), int(size) - seq * int(chunk_size))
                if data is None or len(data) != expected:
                    raise _Unreadable
                digest.update(data)
                conn.execute(
                    "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?)",
                    (attachment_id, seq, data),
                )
            if digest.hexdigest() != sha256:
                raise _Unreadable

    def _chunk(self, attachment_id: int, seq: int) -> bytes | None:
        try:
            row = self.reader.conn.execute(
                "SELECT data FROM attachment_chunks WHERE attachment_id = ? AND seq = ?",
                (attachment_id, seq),
            ).fetchone()
        except db.DatabaseError:
            self.reader.damaged.add("attachment_chunks")
            self.reader.recover()
            return None
        return None if row is None else bytes(row[0])

    def _links(self) -> set[tuple[str, str]]:
        """(testimony id, sha256) of every attachment link that can be read."""
        if "testimony_attachments" not in self._tables:
            return set()
        return {
            (str(r[1]), str(r[2]))
            for r in self.reader.rows("testimony_attachments", ["testimony_id", "sha256"])
        }

    # ---- audit --------------------------------------------------------------------------

    def _copy_audit(self, source_id: str) -> None:
        columns = ["seq", "at", "action", "subject", "details", "prev", "hash"]
        entries = self._insert_rows("audit", columns, self.reader.rows("audit", columns))
        self.report.lost_rows.pop("audit", None)
        seqs = sorted(int(k[0]) for k in entries) if entries else []
        last = seqs[-1] if seqs else 0
        head: tuple[int, str] | None = None
        if last:
            row = self.new.conn.execute("SELECT hash FROM audit WHERE seq = ?", (last,)).fetchone()
            head = (last, str(row[0]))
        try:
            row = self.reader.conn.execute(
                "SELECT seq, hash FROM audit_head WHERE id = 1"
            ).fetchone()
        except db.DatabaseError:
            self.reader.recover()
            self.report.audit_end_unknown = True
            row = None
        if row is not None and int(row[0]) > last:  # entries lost at the end
            head = (int(row[0]), str(row[1]))
        have = set(seqs)
        end = head[0] if head else 0
        self.report.lost_audit = seq_ranges([s for s in range(1, end + 1) if s not in have])
        with self.new.transaction() as conn:
            if head is not None:  # the rescue entry follows the last entry the vault had
                conn.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)", head)
            AuditLog(self.new).append(conn, "rescue", source_id, self._audit_details())

    def _audit_details(self) -> dict[str, Any]:
        r = self.report
        return {
            "versions": r.copied.get("testimony_versions", 0),
            "attachments": r.copied.get("attachments", 0),
            "audit_entries": r.copied.get("audit", 0),
            "lost_versions": len(r.lost_versions),
            "lost_attachments": len(r.lost_attachments),
            "lost_audit_entries": sum(b - a + 1 for a, b in r.lost_audit),
            "lost_other_rows": sum(r.lost_rows.values()),
        }

    # ---- derived data and verification ---------------------------------------------------

    def _rebuild_and_verify(self) -> None:
        store = TestimonyStore(self.new)
        ids = [str(r[0]) for r in self.new.conn.execute("SELECT id FROM testimonies ORDER BY id")]
        for tid in ids:
            with contextlib.suppress(AmanatError), self.new.transaction() as conn:
                store.reindex(conn, tid)
        finals = self.new.conn.execute(
            "SELECT testimony_id, version_no FROM testimony_versions WHERE status = 'final'"
            " ORDER BY testimony_id, version_no"
        ).fetchall()
        for tid, version in finals:
            try:
                ok = store.verify_version(str(tid), int(version))
            except (AmanatError, ValueError):
                ok = False
            if not ok:
                self.report.failed_verification.append((str(tid), int(version)))
        self.report.audit_broken_at = AuditLog(self.new).verify().broken_at


class _Unreadable(Exception):
    """An attachment that cannot be copied whole (rolled back, reported)."""
