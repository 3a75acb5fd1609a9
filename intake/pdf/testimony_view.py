"""What a printed testimony shows, gathered from the vault: a small, Qt-free snapshot.

``render_testimony`` (filled.py) prints a ``TestimonyView`` and nothing else, so the PDF code
never touches storage and tests can build a view by hand. ``testimony_view_from_vault`` fills
one (vault_view.py) from the testimony store, the attachment store and the author's card:
content of the latest version, its record hash, who wrote it and whether the signature checks
out, every version, every attachment (name, size, type, SHA-256) and, when the caller has it,
where the record came from (the bundles it was received in). The view holds plaintext
testimony content in memory only; nothing here writes anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from intake.forms.definitions import DEFAULT_FORM, FormRef
from intake.review.store import Reference, Review

SignatureStatus = Literal["valid", "invalid", "unsigned", "unknown"]
SIGNATURE_STATUSES: tuple[SignatureStatus, ...] = ("valid", "invalid", "unsigned", "unknown")


@dataclass(frozen=True)
class VersionEntry:
    """One version of the testimony, for the version history."""

    version: int
    status: str  # "draft" | "final"
    created: str  # RFC 3339 UTC, e.g. "2019-04-16T10:20:30Z"
    hash: str | None  # SHA-256 hex of the canonical record; None for a draft
    author_fingerprint: str | None = None


@dataclass(frozen=True)
class AttachmentEntry:
    """One attached file: what the PDF lists (the file itself is never printed)."""

    filename: str
    size: int  # bytes
    sha256: str
    media_type: str


@dataclass(frozen=True)
class ProvenanceEntry:
    """One bundle the record was received in."""

    bundle_id: str
    sender: str  # sender name and/or card fingerprint, as the bundle registry shows it
    received: str  # RFC 3339 UTC
    version: int | None = None  # which version of the record the bundle carried


@dataclass(frozen=True)
class ReviewEntry:
    """A coordinator's review of the record (intake/review/store.py): printed, never signed."""

    review: Review | None  # None: never reviewed (unverified)
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class TestimonyView:
    """Everything a printed testimony shows; ``content`` is keyed by section id."""

    __test__ = False  # not a pytest test class, whatever its name

    id: str
    version: int
    status: str  # "draft" | "final"
    content: Mapping[str, Any] = field(repr=False)  # never in logs or tracebacks
    hash: str | None = None  # record hash of this version (final versions only)
    author_fingerprint: str | None = None
    signature: SignatureStatus = "unknown"
    form: FormRef = DEFAULT_FORM
    created: str = ""
    versions: tuple[VersionEntry, ...] = ()
    attachments: tuple[AttachmentEntry, ...] = ()
    # None: not known (no bundle registry was asked); (): asked, never received in a bundle.
    provenance: tuple[ProvenanceEntry, ...] | None = None
    # None: not a coordinator's print (no review section); else the review to print.
    review: ReviewEntry | None = None

    def __post_init__(self) -> None:
        if self.signature not in SIGNATURE_STATUSES:
            raise ValueError(f"unknown signature status {self.signature!r}")
