"""The testimony store: drafts, final signed versions, version history, list and search.

A testimony is a chain of versions. Version 1 starts as a draft that autosave rewrites in place
(partial content is fine; only its shape and size limits are checked). ``finalize`` validates
the content fully, freezes it and signs it: the author's Ed25519 key signs the SHA-256 of the
canonical record (intake/testimonies/canonical.py, docs/testimony-format.md). Editing a final
testimony starts a new draft version whose ``prev_hash`` names the final version's hash, so the
history is a hash chain and every version stays readable. Every change appends to the audit
trail in the same transaction and refreshes the search index (intake/testimonies/index.py;
queries in intake/testimonies/query.py). Import and export of signed versions for bundles are in
intake/testimonies/exchange.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from crypto.keys import signing_public_key
from crypto.signing import sign
from intake.cards.identity import fingerprint
from intake.forms.definitions import FormRef
from intake.testimonies import index, name_search, query
from intake.testimonies.attachments import drop_orphans
from intake.testimonies.canonical import VersionRecord, created_now, signing_message
from intake.testimonies.content import (
    DRAFT_BLOCKING,
    canonical_content,
    form_for,
    prepare_content,
    row_is_intact,
)
from intake.testimonies.errors import (
    AlreadyFinalized,
    NotADraft,
    NotFinal,
    NotYourTestimony,
    TestimonyNotFound,
    ValidationFailed,
    VersionDamaged,
    VersionNotFound,
)
from intake.testimonies.ownership import may_continue, owner_of
from intake.testimonies.records import Status, Testimony, TestimonySummary, VersionInfo
from intake.tlog.log import record_version
from intake.vault import Vault
from intake.vault.audit import AuditLog

__all__ = [
    "DRAFT_BLOCKING",
    "Testimony",
    "TestimonyStore",
    "TestimonySummary",
    "ValidationFailed",
    "VersionInfo",
]

_COLUMNS = (
    "testimony_id, version_no, status, form_id, form_version, content, created, updated,"
    " finalized, hash, prev_hash, author, signature"
)
Versions = list[VersionInfo]
Summaries = list[TestimonySummary]


class TestimonyStore:
    """Create, edit, finalize, list and search testimonies in an open vault."""

    __test__ = False  # not a pytest test class, despite its name

    def __init__(self, vault: Vault, clock: Callable[[], datetime] | None = None) -> None:
        self.vault = vault
        self._clock = clock
        self.audit = AuditLog(vault, clock)
        self._own: tuple[bytes, str] | None = None
        self._flags: bool | None = None
        self._vocabulary = name_search.NameVocabulary()

    # ---- helpers ------------------------------------------------------------------------

    def _now(self) -> str:
        return created_now(self._clock() if self._clock else None)

    def _today(self) -> date:
        return datetime.strptime(self._now()[:10], "%Y-%m-%d").date()

    def _own_key(self) -> tuple[bytes, str]:
        if self._own is None:
            ident = self.vault.identity
            self._own = (signing_public_key(ident.signing_seed), fingerprint(ident))
        return self._own

    def key_label(self, key: bytes) -> str:
        """How messages name a key: its fingerprint when this vault knows the card (or it is
        the vault's own), else the key in hex."""
        return self._fingerprint_of(key) or key.hex()

    def _fingerprint_of(self, author: bytes) -> str | None:
        own, own_print = self._own_key()
        if author == own:
            return own_print
        row = self.vault.conn.execute(  # enrolled, else known from a forwarded bundle
            "SELECT fingerprint FROM cards WHERE ed25519_public = ? UNION ALL"
            " SELECT fingerprint FROM introduced_cards WHERE ed25519_public = ? LIMIT 1",
            (author, author),
        ).fetchone()
        return str(row[0]) if row else None

    def _bundle_flags_known(self) -> bool:
        """True when the view ``testimony_flags`` (schema 4) exists."""
        if self._flags is None:
            self._flags = (
                self.vault.conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = 'testimony_flags'"
                ).fetchone()
                is not None
            )
        return self._flags

    def _bundle_flags(self, testimony_id: str) -> tuple[bool, bool]:
        """(exported, sealed) from the view ``testimony_flags`` that schema 4 may define."""
        if not self._bundle_flags_known():
            return False, False
        row = self.vault.conn.execute(
            "SELECT exported, sealed FROM testimony_flags WHERE testimony_id = ?",
            (testimony_id,),
        ).fetchone()
        return (bool(row[0]), bool(row[1])) if row else (False, False)

    def version_row(self, conn: Any, testimony_id: str, version_no: int | None = None) -> Any:
        """The database row of a version (default: the newest); raises if there is none."""
        if version_no is None:
            head = conn.execute(
                "SELECT head_version FROM testimonies WHERE id = ?", (testimony_id,)
            ).fetchone()
            if head is None:
                raise TestimonyNotFound(id=testimony_id)
            version_no = int(head[0])
        row = conn.execute(
            f"SELECT {_COLUMNS} FROM testimony_versions"  # noqa: S608 - fixed column list
            " WHERE testimony_id = ? AND version_no = ?",
            (testimony_id, version_no),
        ).fetchone()
        if row is None:
            if not conn.execute(
                "SELECT 1 FROM testimonies WHERE id = ?", (testimony_id,)
            ).fetchone():
                raise TestimonyNotFound(id=testimony_id)
            raise VersionNotFound(version=version_no)
        return row

    def _info(self, row: Any) -> VersionInfo:
        author = bytes(row["author"])
        status: Status = "final" if row["status"] == "final" else "draft"
        return VersionInfo(
            testimony_id=str(row["testimony_id"]),
            version_no=int(row["version_no"]),
            status=status,
            form_ref=FormRef(str(row["form_id"]), int(row["form_version"])),
            created=str(row["created"]),
            updated=str(row["updated"]),
            finalized=row["finalized"],
            hash=row["hash"],
            prev_hash=row["prev_hash"],
            author_public=author,
            author_fingerprint=self._fingerprint_of(author),
        )

    def _testimony(self, row: Any) -> Testimony:
        info = self._info(row)
        exported, sealed = self._bundle_flags(info.testimony_id)
        return Testimony(
            id=info.testimony_id,
            version_no=info.version_no,
            status=info.status,
            content=canonical_content(row),
            form_ref=info.form_ref,
            created=info.created,
            updated=info.updated,
            finalized=info.finalized,
            hash=info.hash,
            prev_hash=info.prev_hash,
            author_public=info.author_public,
            author_fingerprint=info.author_fingerprint,
            signature=bytes(row["signature"]) if row["signature"] is not None else None,
            exported=exported,
            sealed=sealed,
        )

    def reindex(self, conn: Any, testimony_id: str) -> None:
        """Refresh the search and filter rows of one testimony from its newest version."""
        row = self.version_row(conn, testimony_id)
        form = form_for(FormRef(str(row["form_id"]), int(row["form_version"])))
        content = canonical_content(row)
        status: Status = "final" if row["status"] == "final" else "draft"
        updated = str(row["updated"])
        index.index_testimony(
            conn, testimony_id, int(row["version_no"]), status, updated, form, content
        )

    def rebuild_index(self) -> int:
        """Rebuild every testimony's search rows (e.g. after better transliteration rules)."""
        with self.vault.transaction() as conn:
            ids = [str(r[0]) for r in conn.execute("SELECT id FROM testimonies").fetchall()]
            for testimony_id in ids:
                self.reindex(conn, testimony_id)
        return len(ids)

    def refresh_index(self) -> bool:
        """Reindex every testimony once when the index was written by older search rules
        (``INDEX_RULES``); True when it did. A vault opened read-only is left as it is."""
        if not index.index_is_stale(self.vault):
            return False
        self.rebuild_index()
        self.vault.set_setting(index.INDEX_RULES_SETTING, str(index.INDEX_RULES))
        return True

    # ---- drafts -------------------------------------------------------------------------

    def create_draft(self, content: dict[str, Any], form_ref: FormRef | None = None) -> str:
        """Start a testimony (version 1, draft) and return its id (a UUID)."""
        form = form_for(form_ref)
        _, text = prepare_content(form, content, final=False)
        testimony_id = str(uuid.uuid4())
        now = self._now()
        author, _ = self._own_key()
        with self.vault.transaction() as conn:
            conn.execute(
                "INSERT INTO testimonies (id, created, updated, head_version) VALUES (?, ?, ?, 1)",
                (testimony_id, now, now),
            )
            conn.execute(
                "INSERT INTO testimony_versions (testimony_id, version_no, status, form_id,"
                " form_version, content, created, updated, author)"
                " VALUES (?, 1, 'draft', ?, ?, ?, ?, ?, ?)",
                (testimony_id, form.id, form.version, text, now, now, author),
            )
            self.reindex(conn, testimony_id)
            self.audit.append(conn, "create", testimony_id, {"version": 1})
        return testimony_id

    def update_draft(self, testimony_id: str, content: dict[str, Any]) -> None:
        """Autosave: replace the newest draft's content (partial content is allowed)."""
        with self.vault.transaction() as conn:
            row = self.version_row(conn, testimony_id)
            if row["status"] != "draft":
                raise NotADraft()
            form = form_for(FormRef(str(row["form_id"]), int(row["form_version"])))
            _, text = prepare_content(form, content, final=False)
            if text == row["content"]:
                return
            now = self._now()
            version_no = int(row["version_no"])
            conn.execute(
                "UPDATE testimony_versions SET content = ?, updated = ?"
                " WHERE testimony_id = ? AND version_no = ?",
                (text, now, testimony_id, version_no),
            )
            conn.execute("UPDATE testimonies SET updated = ? WHERE id = ?", (now, testimony_id))
            self.reindex(conn, testimony_id)
            self.audit.append(conn, "edit", testimony_id, {"version": version_no})

    def finalize(self, testimony_id: str, lang: str | None = None) -> VersionInfo:
        """Validate fully, freeze and sign the newest draft; ValidationFailed lists problems."""
        seed = self.vault.identity.signing_seed
        author, _ = self._own_key()
        with self.vault.transaction() as conn:
            row = self.version_row(conn, testimony_id)
            if row["status"] != "draft":
                raise NotADraft()
            form = form_for(FormRef(str(row["form_id"]), int(row["form_version"])))
            content, text = prepare_content(
                form, canonical_content(row), final=True, lang=lang, today=self._today()
            )
            now = self._now()
            version_no = int(row["version_no"])
            record = VersionRecord(
                testimony_id=testimony_id,
                version=version_no,
                form=form.ref,
                previous=row["prev_hash"],
                author=author.hex(),
                created=now,
                status="final",
                content=content,
            )
            digest = record.hash()
            signature = sign(seed, signing_message(digest))
            conn.execute(
                "UPDATE testimony_versions SET status = 'final', content = ?, updated = ?,"
                " finalized = ?, author = ?, hash = ?, signature = ?"
                " WHERE testimony_id = ? AND version_no = ?",
                (text, now, now, author, digest, signature, testimony_id, version_no),
            )
            record_version(conn, digest, author, now)
            conn.execute("UPDATE testimonies SET updated = ? WHERE id = ?", (now, testimony_id))
            self.reindex(conn, testimony_id)
            self.audit.append(
                conn, "finalize", testimony_id, {"version": version_no, "hash": digest}
            )
            return self._info(self.version_row(conn, testimony_id, version_no))

    def edit_final(self, testimony_id: str) -> None:
        """Start a new draft version from the newest final one (which stays as it is).
        Only the testimony's author can (NotYourTestimony on someone else's testimony)."""
        author, _ = self._own_key()
        with self.vault.transaction() as conn:
            row = self.version_row(conn, testimony_id)
            if row["status"] != "final":
                raise NotFinal()
            owner = owner_of(conn, testimony_id)
            if owner is not None and not may_continue(conn, owner, author):  # only its author
                raise NotYourTestimony(owner=self.key_label(owner))
            now = self._now()
            version_no = int(row["version_no"]) + 1
            conn.execute(
                "INSERT INTO testimony_versions (testimony_id, version_no, status, form_id,"
                " form_version, content, created, updated, author, prev_hash)"
                " VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?)",
                (
                    testimony_id,
                    version_no,
                    row["form_id"],
                    row["form_version"],
                    row["content"],
                    now,
                    now,
                    author,
                    row["hash"],
                ),
            )
            conn.execute(
                "UPDATE testimonies SET head_version = ?, updated = ? WHERE id = ?",
                (version_no, now, testimony_id),
            )
            self.reindex(conn, testimony_id)
            self.audit.append(
                conn, "edit", testimony_id, {"version": version_no, "previous": row["hash"]}
            )

    def delete_draft(self, testimony_id: str) -> None:
        """Delete a testimony that was never finalized, with its attachment links."""
        with self.vault.transaction() as conn:
            row = self.version_row(conn, testimony_id)
            finals = conn.execute(
                "SELECT count(*) FROM testimony_versions"
                " WHERE testimony_id = ? AND status = 'final'",
                (testimony_id,),
            ).fetchone()[0]
            if finals:
                raise AlreadyFinalized()
            index.unindex_testimony(conn, testimony_id)
            conn.execute("DELETE FROM testimonies WHERE id = ?", (testimony_id,))
            drop_orphans(conn)
            self.audit.append(conn, "delete", testimony_id, {"version": int(row["version_no"])})

    def discard_draft(self, testimony_id: str) -> None:
        """Throw away the newest draft; the final version before it becomes the newest again.

        A testimony that was never finalized is deleted as by ``delete_draft``.
        """
        row = self.version_row(self.vault.conn, testimony_id)
        if row["status"] != "draft":
            raise NotADraft()
        if int(row["version_no"]) == 1:
            self.delete_draft(testimony_id)
            return
        with self.vault.transaction() as conn:
            row = self.version_row(conn, testimony_id)
            if row["status"] != "draft":
                raise NotADraft()
            version_no = int(row["version_no"])
            conn.execute(
                "DELETE FROM testimony_versions WHERE testimony_id = ? AND version_no = ?",
                (testimony_id, version_no),
            )
            previous = conn.execute(
                "SELECT max(version_no) FROM testimony_versions WHERE testimony_id = ?",
                (testimony_id,),
            ).fetchone()[0]
            conn.execute(
                "UPDATE testimonies SET head_version = ?, updated = ? WHERE id = ?",
                (int(previous), self._now(), testimony_id),
            )
            self.reindex(conn, testimony_id)
            self.audit.append(conn, "delete", testimony_id, {"version": version_no})

    # ---- reading ------------------------------------------------------------------------

    def get(self, testimony_id: str) -> Testimony:
        """The newest version (draft or final)."""
        return self._testimony(self.version_row(self.vault.conn, testimony_id))

    def get_version(self, testimony_id: str, version_no: int) -> Testimony:
        return self._testimony(self.version_row(self.vault.conn, testimony_id, version_no))

    def versions(self, testimony_id: str) -> Versions:
        """Every stored version, oldest first."""
        conn = self.vault.conn
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM testimony_versions"  # noqa: S608 - fixed column list
            " WHERE testimony_id = ? ORDER BY version_no",
            (testimony_id,),
        ).fetchall()
        if not rows:
            raise TestimonyNotFound(id=testimony_id)
        return [self._info(r) for r in rows]

    def verify_version(self, testimony_id: str, version_no: int) -> bool:
        """True when a final version is exactly what its author signed, was signed by the
        testimony's owner (the author of version 1) and links to its predecessor (when this
        vault has it); False when any stored byte was changed, or another key wrote it (a
        vault an older Amanat filled: docs/testimony-format.md §5)."""
        conn = self.vault.conn
        row = self.version_row(conn, testimony_id, version_no)
        if row["status"] != "final":
            raise NotFinal()
        owner = owner_of(conn, testimony_id)
        if not row_is_intact(row) or owner is None:
            return False
        if not may_continue(conn, owner, bytes(row["author"])):
            return False
        before = conn.execute(
            "SELECT hash, status FROM testimony_versions WHERE testimony_id = ? AND version_no = ?",
            (testimony_id, version_no - 1),
        ).fetchone()
        return before is None or (
            before["status"] == "final" and before["hash"] == row["prev_hash"]
        )

    def require_intact(self, testimony_id: str, version_no: int) -> None:
        """Raise VersionDamaged unless ``verify_version`` holds."""
        if not self.verify_version(testimony_id, version_no):
            raise VersionDamaged(version=version_no, id=testimony_id)

    def list(self) -> Summaries:
        """Every testimony (newest version), most recently changed first, with bundle flags."""
        summaries = query.list_all(self.vault.conn)
        if not summaries or not self._bundle_flags_known():
            return summaries
        flags = {
            str(row[0]): (bool(row[1]), bool(row[2]))
            for row in self.vault.conn.execute(
                "SELECT testimony_id, exported, sealed FROM testimony_flags"
                " WHERE exported OR sealed"
            )
        }
        return [
            replace(s, exported=flags[s.id][0], sealed=flags[s.id][1]) if s.id in flags else s
            for s in summaries
        ]

    def search(
        self,
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
        limit: int = query.DEFAULT_LIMIT,
    ) -> Summaries:
        """Search names (any script), places and narrative, with optional filters.

        ``status``: 'draft' | 'final'; ``date_from``/``date_to``: fuzzy dates bounding the
        interview date; ``hometown``: any spelling of any hometown level; ``ethnicity`` and
        ``victim_status``: vocabulary codes of at least one victim; ``level``: the coordinator's
        verification level; ``by_level``: verified first. A victim's external reference in
        ``text`` (``XJVD:1234``) finds its testimony first.
        """
        return query.search(
            self.vault.conn,
            text,
            status=status,
            date_from=date_from,
            date_to=date_to,
            hometown=hometown,
            ethnicity=ethnicity,
            victim_status=victim_status,
            level=level,
            by_level=by_level,
            limit=limit,
            vocabulary=self._vocabulary,
        )
