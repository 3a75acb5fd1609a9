"""Building a ``TestimonyView`` for the PDF from an open vault (testimony and attachment stores).

Kept apart from testimony_view.py so the PDF code and its tests need no vault: this is the one
place that reads storage for printing. The signature of a final version is checked against its
stored bytes when the view is made, so the PDF states what was true when it was printed.
"""

from __future__ import annotations

from collections.abc import Sequence

from intake.attachments import AttachmentStore
from intake.pdf.testimony_view import (
    AttachmentEntry,
    ProvenanceEntry,
    SignatureStatus,
    TestimonyView,
    VersionEntry,
)
from intake.testimonies import TestimonyStore
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
    "invalid"); a draft is "unsigned". ``provenance`` comes from the bundle registry when the
    caller has it; without it the PDF says provenance was not recorded.
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
        provenance=None if provenance is None else tuple(provenance),
    )


def _author(fingerprint: str | None, public: bytes) -> str:
    """The fingerprint people compare aloud, or the raw key when no card names the author."""
    return fingerprint or f"Ed25519 {public.hex()}"
