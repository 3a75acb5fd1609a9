"""Signed testimony versions leaving and entering a vault (used by bundle export and import).

``export_version`` hands out the exact canonical bytes of a final version, its signature and
its hash, after checking that the stored version is still what its author signed.
``check_version`` checks received record bytes (canonical, final, made with a form this Amanat
knows, well-formed content, signed by the given key) and ``store_version`` stores the checked
version inside the caller's transaction (the bundle importer commits or rolls back the whole
bundle); ``import_version`` does both for a parsed record. An older version never replaces
a newer one: a version this vault already has is 'unchanged', one older than the newest is
kept as history ('older'), a newer one becomes the newest ('updated'), an unknown testimony is
added ('new'). A testimony belongs to the key that signed its version 1 (``owner_of``): a
version by any other key raises NotTheAuthor, and a version N > 1 is stored only on top of the
version N - 1 it names (PreviousVersionMissing when that is not held), so nobody but the
author can add to a testimony (docs/testimony-format.md §5, "Authorship"). Two different texts
under one version number by the author, or a chain that does not match, raise VersionConflict.
Whether the signer is enrolled, verified or revoked is the bundle importer's decision.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from crypto.signing import verify
from intake.forms.definitions import FormDefinition
from intake.forms.validation import validate_content
from intake.i18n import tr
from intake.testimonies import index
from intake.testimonies.canonical import VersionRecord, created_now, sha256_hex, signing_message
from intake.testimonies.content import DRAFT_BLOCKING, form_for, intact_record_bytes
from intake.testimonies.errors import (
    BadSignature,
    ImportRejected,
    NotCanonical,
    NotFinal,
    NotTheAuthor,
    PreviousVersionMissing,
    UnknownForm,
    VersionConflict,
    VersionDamaged,
)
from intake.testimonies.index import IndexValues
from intake.testimonies.ownership import may_continue, owner_of
from intake.tlog.log import record_version

if TYPE_CHECKING:
    from intake.testimonies.store import TestimonyStore

ImportOutcome = Literal["new", "updated", "unchanged", "older"]


def export_version(
    store: TestimonyStore, testimony_id: str, version_no: int | None = None
) -> tuple[bytes, bytes, str]:
    """(canonical record bytes, 64-byte signature, SHA-256 hex) of a final version.

    Without ``version_no``: the newest final version. Raises NotFinal when there is none and
    VersionDamaged when the stored version no longer matches its hash or signature.
    """
    conn = store.vault.conn
    if version_no is None:
        store.version_row(conn, testimony_id)  # TestimonyNotFound when there is none
        found = conn.execute(
            "SELECT max(version_no) FROM testimony_versions"
            " WHERE testimony_id = ? AND status = 'final'",
            (testimony_id,),
        ).fetchone()[0]
        if found is None:
            raise NotFinal()
        version_no = int(found)
    row = store.version_row(conn, testimony_id, version_no)
    if row["status"] != "final":
        raise NotFinal()
    data = intact_record_bytes(row)
    if data is None:
        raise VersionDamaged(version=version_no, id=testimony_id)
    return data, bytes(row["signature"]), str(row["hash"])


@dataclass(frozen=True)
class CheckedVersion:
    """A record that passed every check of ``check_version``, ready for ``store_version``."""

    record: VersionRecord
    content_text: str  # the canonical text of the content, exactly as signed
    digest: str  # SHA-256 hex of the record's canonical bytes
    signature: bytes
    form: FormDefinition
    index: IndexValues | None = None  # its search and filter rows, when computed in advance

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (from a helper process, record_checks.py) without the form definition
        (large), which is found again by its id. With ``index`` computed, the parsed content
        stays behind too: storing needs only its canonical text and the index; the record
        arrives with an empty ``content`` (``NOT_CARRIED``)."""
        r = self.record
        if self.index is None:
            return (_unpickled, (r, self.content_text, self.digest, self.signature))
        head = (r.testimony_id, r.version, r.form, r.previous, r.author, r.created, r.status)
        return (
            _unpickled_indexed,
            (head, self.content_text, self.digest, self.signature, self.index),
        )


NOT_CARRIED: Mapping[str, Any] = MappingProxyType({})  # content left behind when pickled
_HEAD_FIELDS = ("testimony_id", "version", "form", "previous", "author", "created", "status")


def _unpickled(
    record: VersionRecord, content_text: str, digest: str, signature: bytes
) -> CheckedVersion:
    return CheckedVersion(record, content_text, digest, signature, form_for(record.form))


def _unpickled_indexed(
    head: tuple[Any, ...], content_text: str, digest: str, signature: bytes, index: IndexValues
) -> CheckedVersion:
    """Rebuilt as pickle rebuilds any object: fields set, no checks run again (they ran in the
    helper, on the full record)."""
    record = object.__new__(VersionRecord)
    for name, value in zip(_HEAD_FIELDS, head, strict=True):
        object.__setattr__(record, name, value)
    object.__setattr__(record, "content", NOT_CARRIED)
    return CheckedVersion(record, content_text, digest, signature, form_for(record.form), index)


def check_version(
    data: bytes, signature: bytes, author_public: bytes, *, with_index: bool = False
) -> CheckedVersion:
    """Check received record bytes: canonical, final, by ``author_public`` and signed by it,
    made with a form this Amanat knows, content of the right shape; raises ImportRejected.
    ``with_index``: also derive its search rows (``index_values``) now."""
    try:
        record = VersionRecord.parse(data)
    except NotCanonical as exc:
        raise ImportRejected(reason=exc.message()) from None
    checked = _checked(record, data, signature, author_public)
    if not with_index:
        return checked
    values = index.index_values(checked.form, dict(record.content))
    return dataclasses.replace(checked, index=values)


def _checked(
    record: VersionRecord, data: bytes, signature: bytes, author_public: bytes
) -> CheckedVersion:
    """The checks after parsing; ``data`` are the canonical bytes of ``record``."""
    if record.status != "final":
        raise ImportRejected(reason=tr("only final versions can be imported."))
    if record.author != author_public.hex():
        raise BadSignature()
    digest = sha256_hex(data)
    if not verify(author_public, signing_message(digest), signature):
        raise BadSignature()
    try:
        form = form_for(record.form)
        content = record.content_of(data)
    except UnknownForm as exc:
        raise ImportRejected(reason=exc.message()) from None
    except NotCanonical as exc:
        raise ImportRejected(reason=exc.message()) from None
    # Stored exactly as signed (never re-normalized: rules may differ between Amanat
    # versions); only the shape and size limits are checked, as for a draft.
    problems = validate_content(form, record.content, shape_only=True)
    if any(p.severity == "error" and p.code in DRAFT_BLOCKING for p in problems):
        raise ImportRejected(reason=tr("its content does not fit the form it names."))
    return CheckedVersion(record, content.decode("utf-8"), digest, signature, form)


def import_version(
    store: TestimonyStore,
    record: dict[str, Any],
    signature: bytes,
    author_public: bytes,
    conn: Any,
) -> ImportOutcome:
    """Store a final version signed elsewhere, inside the caller's open transaction."""
    try:
        parsed = VersionRecord.from_record(record)
        data = parsed.canonical()
    except NotCanonical as exc:
        raise ImportRejected(reason=exc.message()) from None
    return store_version(store, _checked(parsed, data, signature, author_public), conn)[0]


def store_version(
    store: TestimonyStore, checked: CheckedVersion, conn: Any
) -> tuple[ImportOutcome, str]:
    """Store a checked version inside the caller's open transaction; returns the outcome and
    the hash it was stored under (or found stored under when 'unchanged')."""
    parsed, digest = checked.record, checked.digest
    tid, number = parsed.testimony_id, parsed.version
    head_row = conn.execute("SELECT head_version FROM testimonies WHERE id = ?", (tid,)).fetchone()
    head = int(head_row[0]) if head_row else 0
    if head_row is None:  # an unknown testimony starts at version 1, by whoever signs it
        if number > 1:
            raise PreviousVersionMissing(version=number, id=tid)
    else:
        owner = owner_of(conn, tid)
        author = bytes.fromhex(parsed.author)
        if owner is not None and not may_continue(conn, owner, author):  # before any chain
            raise NotTheAuthor(version=number, id=tid, owner=store.key_label(owner))
        same = conn.execute(
            "SELECT status, hash FROM testimony_versions WHERE testimony_id = ? AND version_no = ?",
            (tid, number),
        ).fetchone()
        if same is not None:
            if same["status"] == "final" and same["hash"] == digest:
                return "unchanged", digest
            raise VersionConflict(version=number, id=tid)
        _check_neighbours(conn, parsed, digest)
    values = (
        tid,
        number,
        parsed.form.id,
        parsed.form.version,
        checked.content_text,
        parsed.created,
        parsed.created,
        parsed.created,
        bytes.fromhex(parsed.author),
        parsed.previous,
        digest,
        checked.signature,
    )
    if head_row is None:
        conn.execute(
            "INSERT INTO testimonies (id, created, updated, head_version) VALUES (?, ?, ?, ?)",
            (tid, parsed.created, parsed.created, number),
        )
    conn.execute(
        "INSERT INTO testimony_versions (testimony_id, version_no, status, form_id,"
        " form_version, content, created, updated, finalized, author, prev_hash, hash, signature)"
        " VALUES (?, ?, 'final', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        values,
    )
    record_version(conn, digest, bytes.fromhex(parsed.author), created_now())
    outcome: ImportOutcome = "new" if head_row is None else "updated"
    if head_row is not None and number < head:
        outcome = "older"
    else:
        if head_row is not None:  # a new one was inserted with this head already
            conn.execute(
                "UPDATE testimonies SET head_version = ?, updated = ? WHERE id = ?",
                (number, parsed.created, tid),
            )
        # What ``store.reindex`` would read back: this version, its form and stored content.
        index.index_testimony(
            conn,
            tid,
            number,
            "final",
            parsed.created,
            checked.form,
            {} if checked.index is not None else dict(parsed.content),
            indexed=head_row is not None,
            values=checked.index,
        )
    store.audit.append(conn, "import", tid, {"version": number, "hash": digest, "outcome": outcome})
    return outcome, digest


def _check_neighbours(conn: Any, parsed: VersionRecord, digest: str) -> None:
    """The version just before must be held and named by this one; the one just after (when
    present) must name this one."""
    rows = conn.execute(
        "SELECT version_no, status, hash, prev_hash FROM testimony_versions"
        " WHERE testimony_id = ? AND version_no IN (?, ?)",
        (parsed.testimony_id, parsed.version - 1, parsed.version + 1),
    ).fetchall()
    if parsed.version > 1 and not any(int(r["version_no"]) < parsed.version for r in rows):
        raise PreviousVersionMissing(version=parsed.version, id=parsed.testimony_id)
    for row in rows:
        if int(row["version_no"]) < parsed.version:
            if row["status"] != "final" or row["hash"] != parsed.previous:
                raise VersionConflict(version=parsed.version, id=parsed.testimony_id)
        elif row["prev_hash"] != digest:
            raise VersionConflict(version=parsed.version, id=parsed.testimony_id)
    newer_draft = conn.execute(
        "SELECT 1 FROM testimony_versions WHERE testimony_id = ? AND version_no < ?"
        " AND status = 'draft'",
        (parsed.testimony_id, parsed.version),
    ).fetchone()
    if newer_draft is not None:  # a local draft would be buried under the imported version
        raise VersionConflict(version=parsed.version, id=parsed.testimony_id)
