"""Building a ``TestimonyView`` for the PDF from an open vault (testimony and attachment stores).

Kept apart from testimony_view.py so the PDF code and its tests need no vault: this is the one
place that reads storage for printing. The signature of a final version is checked against its
stored bytes when the view is made, so the PDF states what was true when it was printed.
"""

from __future__ import annotations

from collections.abc import Sequence

from intake.pdf.testimony_view import (
    AttachmentEntry,
    ProvenanceEntry,
    ReviewEntry,
    SignatureStatus,
    TestimonyView,
    VersionEntry,
)
from intake.review.store import ReviewStore
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault


def testimony_view_from_vault(
    vault: Vault,
    testimony_id: str,
    *,
    version: int | None = None,  # noqa: PT028 - not a test: the name starts with "testimony"
    provenance: Sequence[ProvenanceEntry] | None = None,  # noqa: PT028
) -> TestimonyView:
    """The view of one testimony (its newest version, or ``version``) from an open vault.

    The signature of a final version is checked against the stored bytes here ("valid" or
    "invalid"); a draft is "unsigned". Provenance is read from the bundles this vault imported
    (``bundle_provenance``) unless the caller passes its own ``provenance``.
    """
    store = TestimonyStore(vault)
    record = (
        store.get(testimony_id) if version is None else store.get_version(testimony_id, version)
    )
    signature: SignatureStatus = "unsigned"
    if record.status == "final":
        intact = store.verify_version(testimony_id, record.version_no)
        signature = "valid" if intact else "invalid"
    versions = tuple(
        VersionEntry(
            v.version_no,
            v.status,
            v.finalized or v.updated,
            v.hash,
            _author(v.author_fingerprint, v.author_public),
        )
        for v in store.versions(testimony_id)
    )
    attachments = tuple(
        AttachmentEntry(a.filename, a.size, a.sha256, a.media_type)
        for a in AttachmentStore(vault).list(testimony_id)
    )
    return TestimonyView(
        id=record.id,
        version=record.version_no,
        status=record.status,
        content=record.content,
        hash=record.hash,
        author_fingerprint=_author(record.author_fingerprint, record.author_public),
        signature=signature,
        form=record.form_ref,
        created=record.finalized or record.updated,
        versions=versions,
        attachments=attachments,
        provenance=(
            bundle_provenance(vault, testimony_id) if provenance is None else tuple(provenance)
        ),
        review=_review(vault, testimony_id),
    )


def _review(vault: Vault, testimony_id: str) -> ReviewEntry | None:
    """The coordinator's review (a volunteer's print has none)."""
    if vault.identity.role != "coordinator":
        return None
    reviews = ReviewStore(vault)
    return ReviewEntry(reviews.get(testimony_id), tuple(reviews.references(testimony_id)))


def bundle_provenance(vault: Vault, testimony_id: str) -> tuple[ProvenanceEntry, ...] | None:
    """Every bundle that carried a version of the testimony, oldest first.

    Read from ``record_provenance`` (schema 4, written by bundle import); None when the vault
    has no such table, i.e. provenance is not recorded. The sender is shown as the name on
    their card with its fingerprint, or the fingerprint alone for a card no longer known.
    """
    conn = vault.conn
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'record_provenance'"
    ).fetchone()
    if has_table is None:
        return None
    rows = conn.execute(
        "SELECT p.bundle_id, p.sender_fingerprint, p.imported_at, p.version_no, c.name"
        " FROM record_provenance p LEFT JOIN cards c ON c.fingerprint = p.sender_fingerprint"
        " WHERE p.testimony_id = ? ORDER BY p.imported_at, p.version_no, p.bundle_id",
        (testimony_id,),
    ).fetchall()
    return tuple(
        ProvenanceEntry(
            bundle_id=str(row[0]),
            sender=f"{row[4]} ({row[1]})" if row[4] else str(row[1]),
            received=str(row[2]),
            version=int(row[3]),
        )
        for row in rows
    )


def _author(fingerprint: str | None, public: bytes) -> str:
    """The fingerprint people compare aloud, or the raw key when no card names the author."""
    return fingerprint or f"Ed25519 {public.hex()}"
