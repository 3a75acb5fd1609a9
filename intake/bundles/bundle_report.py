"""What a bundle is and what importing it did: the import report, the sender checks of
docs/bundle-format.md §7.8 step 4 (and §7.13 for forwarded bundles), replays and sequence gaps.

``make_report`` reads only the signed head (manifest and sender card) against the vault's
registry and history; the importer fills in the outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crypto import card as cardfmt
from intake.bundles.errors import (
    BundleError,
    BundleIdReused,
    BundleNotAddressed,
    ForwardNotAllowed,
    SenderNotVerified,
    SenderRevoked,
    UnknownSender,
)
from intake.bundles.manifest import Manifest
from intake.bundles.refusals import RefusedRecord
from intake.cards.identity import fingerprint as own_fingerprint
from intake.cards.registry import CardRegistry, KnownCard
from intake.cards.statements import retired_keys
from intake.errors import AmanatError
from intake.vault import Vault

Outcomes = dict[str, int]


@dataclass
class BundleReport:
    """What a bundle is and what importing it did (or would do, for ``verify_bundle``)."""

    bundle_id: str
    sender_fingerprint: str
    sender_name: str
    sender_status: str  # "enrolled", "unknown", "revoked", "revoked later", "not verified"
    sequence: int
    created: str
    recipients: tuple[str, ...]
    records: int
    attachments: int
    data_size: int
    addressed_to_us: bool
    already_imported: bool = False
    outcomes: Outcomes = field(default_factory=dict)
    attachments_new: int = 0
    gaps: list[tuple[int, int]] = field(default_factory=list)
    reused_sequence: bool = False
    problem: BundleError | None = None
    refused: list[RefusedRecord] = field(default_factory=list)  # imported without these
    sender_card: cardfmt.Card = field(kw_only=True)  # the card the bundle carries
    authors: tuple[str, ...] = ()  # fingerprints of the author cards a forwarded bundle carries
    statements_applied: int = 0  # key statements the bundle carried and this vault accepted
    statements_refused: list[AmanatError] = field(default_factory=list)  # and why not the rest


def sender_problem(
    vault: Vault, manifest: Manifest
) -> tuple[str, BundleError | None, KnownCard | None]:
    card = manifest.sender
    known = CardRegistry(vault).by_signing_key(card.ed25519_public)
    if known is None or known.fingerprint != card.fingerprint:
        return "unknown", UnknownSender(fingerprint=card.fingerprint), None
    if known.revoked and after_revocation(known, manifest):
        return "revoked", SenderRevoked(fingerprint=card.fingerprint), known
    if not known.verified:
        return "not verified", SenderNotVerified(fingerprint=card.fingerprint), known
    if manifest.forwarded and known.card.role != "coordinator":  # the enrolled role (§7.13)
        return "enrolled", ForwardNotAllowed(fingerprint=card.fingerprint), known
    if known.revoked:  # written before the key was lost, arriving late: §8.4
        return "revoked later", None, known
    return "enrolled", None, known


def after_revocation(known: KnownCard, manifest: Manifest) -> bool:
    """True when a revoked sender's bundle is one the revocation refuses (docs/bundle-format.md
    §8.4): signed at or after the time the key stopped being trusted, or numbered above the
    last bundle its owner stated. Without a known time, every bundle is refused."""
    effective = known.revoked_effective or known.revoked_at
    if effective is None or manifest.created >= effective:
        return True
    last = known.revoked_last_sequence
    return last is not None and manifest.sequence > last


def make_report(vault: Vault, manifest: Manifest) -> BundleReport:
    status, problem, known = sender_problem(vault, manifest)
    ours = {own_fingerprint(vault.identity), *(k.fingerprint for k in retired_keys(vault))}
    addressed = not ours.isdisjoint(manifest.recipients)  # also to keys from before a rotation
    if problem is None and not addressed:
        problem = BundleNotAddressed()
    conn = vault.conn
    earlier = conn.execute(
        "SELECT sender_fingerprint FROM bundles_received WHERE bundle_id = ?", (manifest.bundle,)
    ).fetchone()
    already = earlier is not None and str(earlier[0]) == manifest.sender.fingerprint
    if earlier is not None and not already and not isinstance(problem, SenderRevoked):
        problem = BundleIdReused()  # the same id from another sender: never "already imported"
    report = BundleReport(
        bundle_id=manifest.bundle,
        sender_fingerprint=manifest.sender.fingerprint,
        # the name the coordinator enrolled, not the one the bundle's card claims (§7.8 step 4)
        sender_name=manifest.sender.name if known is None else known.card.name,
        sender_status=status,
        sequence=manifest.sequence,
        created=manifest.created,
        recipients=manifest.recipients,
        records=len(manifest.records),
        attachments=len(manifest.attachments),
        data_size=manifest.data_size,
        addressed_to_us=addressed,
        already_imported=already,
        problem=problem,
        sender_card=manifest.sender,
        authors=tuple(c.fingerprint for c in manifest.authors),
    )
    seen = _sequences(conn, manifest.sender.fingerprint, exclude=manifest.bundle)
    report.reused_sequence = manifest.sequence in seen
    report.gaps = gaps(seen | {manifest.sequence})
    return report


def _sequences(conn: Any, sender: str, exclude: str) -> set[int]:
    rows = conn.execute(
        "SELECT sequence FROM bundles_received WHERE sender_fingerprint = ? AND bundle_id != ?",
        (sender, exclude),
    ).fetchall()
    return {int(r[0]) for r in rows}


def gaps(sequences: set[int]) -> list[tuple[int, int]]:
    """Missing ranges (first, last) below the highest sequence number received."""
    missing: list[tuple[int, int]] = []
    expected = 1
    for number in sorted(sequences):
        if number > expected:
            missing.append((expected, number - 1))
        expected = number + 1
    return missing
