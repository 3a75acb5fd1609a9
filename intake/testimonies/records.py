"""What the testimony store hands out: a testimony version, version info and list summaries.

Plain frozen dataclasses built from database rows, so the GUI and CLI never see SQL. A
``Testimony`` is one version with its content; ``VersionInfo`` the same without content (for
version lists); ``TestimonySummary`` what a list or search result row shows. Author keys are
shown as the fingerprint people compare aloud when the vault knows the author's card (its own
identity or a card in the registry); otherwise ``author_fingerprint`` is None and the raw key
is in ``author_public``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from intake.forms.definitions import FormRef

Status = Literal["draft", "final"]


@dataclass(frozen=True)
class VersionInfo:
    """One version of a testimony, without its content."""

    testimony_id: str
    version_no: int
    status: Status
    form_ref: FormRef
    created: str  # when this version was started (UTC, "2019-04-16T10:20:30Z")
    updated: str  # last save of a draft; the finalization time of a final version
    finalized: str | None  # the signed record's "created" time; None for a draft
    hash: str | None  # SHA-256 of the canonical record (final only)
    prev_hash: str | None  # hash of the previous version; None for version 1
    author_public: bytes
    author_fingerprint: str | None

    @property
    def id(self) -> str:
        return self.testimony_id


@dataclass(frozen=True)
class Testimony:
    """One version of a testimony with its content (a dict keyed by section id)."""

    __test__ = False  # not a pytest test class, despite its name

    id: str
    version_no: int
    status: Status
    content: dict[str, Any] = field(repr=False)  # testimony content never in logs
    form_ref: FormRef
    created: str
    updated: str
    finalized: str | None
    hash: str | None
    prev_hash: str | None
    author_public: bytes
    author_fingerprint: str | None
    signature: bytes | None = field(default=None, repr=False)
    exported: bool = False  # set from bundle state (schema 4) when present
    sealed: bool = False

    def info(self) -> VersionInfo:
        return VersionInfo(
            self.id,
            self.version_no,
            self.status,
            self.form_ref,
            self.created,
            self.updated,
            self.finalized,
            self.hash,
            self.prev_hash,
            self.author_public,
            self.author_fingerprint,
        )


@dataclass(frozen=True)
class TestimonySummary:
    """A row of the testimony list or of search results (newest version of each testimony)."""

    __test__ = False  # not a pytest test class, despite its name

    id: str
    status: Status
    version_no: int
    interview_date: str | None
    victim_names: list[str] = field(repr=False)
    updated: str
    exported: bool = False  # every final version has left in a bundle (schema 4)
    sealed: bool = False  # some version's content was removed after export
    matched: str | None = None  # the victim name a name search matched best (to highlight)
    # per victim, the name's spellings by script ({"latin": …, "arabic": …}); empty for
    # index rows written before the spellings were kept (they have ``victim_names`` only)
    victim_spellings: list[dict[str, str]] = field(default_factory=list, repr=False)

    def victim_names_in(self, lang: str) -> list[str]:
        """Each victim's name in the script that suits the interface language ``lang``
        (Arabic script for Uyghur, Cyrillic for Kazakh and Russian…), else Latin."""
        from intake.names.scripts import spelling_for_language

        if len(self.victim_spellings) != len(self.victim_names):
            return list(self.victim_names)
        return [
            spelling_for_language(spellings, lang) or name
            for spellings, name in zip(self.victim_spellings, self.victim_names, strict=True)
        ]
