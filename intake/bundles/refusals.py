"""Records refused one by one while the rest of their bundle imports (docs/bundle-format.md §7.8).

A record that would add a version to another author's testimony (``NotTheAuthor``: the key of
its version 1 is not the sender's) is not stored, and its bundle is not refused for it: that
would let an insider who claimed an id first block the real author's other testimonies. Each
such record becomes a ``RefusedRecord`` in the import report, which says what it was, which
check refused it, why, and who sent it (the enrolled card's name and the fingerprint).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from intake.bundles.manifest import RecordEntry
from intake.i18n import tr
from intake.testimonies.errors import ImportRejected


@dataclass(frozen=True)
class RefusedRecord:
    """A record refused on its own: which version, which check (``code``), why, and who sent
    it (the enrolled card's name and fingerprint)."""

    number: int  # the item number in the bundle, as in BundleError messages
    testimony_id: str
    version: int
    sha256: str
    code: str  # "not-author"
    sender_name: str
    sender_fingerprint: str
    error: ImportRejected = field(repr=False, compare=False)

    @classmethod
    def of(
        cls, number: int, entry: RecordEntry, error: ImportRejected, name: str, fingerprint: str
    ) -> RefusedRecord:
        return cls(
            number, entry.id, entry.version, entry.sha256, error.code, name, fingerprint, error
        )

    def message(self, lang: str | None = None) -> str:
        """Why, in ``lang`` (default: the interface language); ids and fingerprints only."""
        return self.error.message(lang)

    def line(self, lang: str | None = None) -> str:
        """What, why and who sent it, in one line (import reports in the CLI and the app)."""
        return tr(
            "REFUSED: item {number}, version {version} of testimony {id}, sent by {name} "
            "(fingerprint {fingerprint}): {reason}",
            lang=lang,
            number=self.number,
            version=self.version,
            id=self.testimony_id,
            name=self.sender_name,
            fingerprint=self.sender_fingerprint,
            reason=self.message(lang),
        )
