"""The card registry: whose public keys this vault knows, and whether people verified them.

On a volunteer vault the registry holds coordinator cards: the recipients bundles may be
exported to (only cards marked *verified*, i.e. the fingerprint was compared with the
coordinator in person or by phone). On a coordinator vault it holds enrolled volunteers (and
other coordinators): bundles are accepted only from verified, non-revoked cards.

Cards are parsed and checked by crypto/card.py; this module stores them and maps crypto
failures to typed, translated errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from crypto import card as cardfmt
from crypto.errors import CardError
from crypto.keys import hybrid_public_key, signing_public_key, x25519_public_key
from intake.cards.errors import CardNotAllowed, CardNotFound, InvalidCard
from intake.i18n import tr
from intake.vault import Vault
from intake.vault.audit import AuditLog


@dataclass(frozen=True)
class KnownCard:
    """A card stored in the registry, with what the vault owner decided about it."""

    card: cardfmt.Card
    added: str
    verified_at: str | None
    revoked_at: str | None
    revoked_effective: str | None = None  # from when the key is no longer trusted
    revoked_last_sequence: int | None = None  # the last bundle its owner really sent

    @property
    def fingerprint(self) -> str:
        return self.card.fingerprint

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def usable(self) -> bool:
        """Verified and not revoked: may receive bundles (volunteer) or send them (coordinator)."""
        return self.verified and not self.revoked


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def own_card(vault: Vault, *, classic: bool = False) -> cardfmt.Card:
    """The vault owner's public card (deterministic: its time is the identity's creation):
    version 2 with the hybrid recipient, or version 1 (``classic``), as bundles carry it."""
    ident = vault.identity
    created = datetime.strptime(ident.created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return cardfmt.create_card(
        ident.name,
        ident.role,
        ident.signing_seed,
        x25519_public_key(ident.x25519_private),
        created,
        None if classic else hybrid_public_key(ident.hybrid_seed),
    )


def parse(data: bytes) -> cardfmt.Card:
    """Parse and verify a card file; a changed byte gives InvalidCard."""
    try:
        return cardfmt.parse_card(data)
    except CardError as exc:
        raise InvalidCard(reason=str(exc)) from None


class CardRegistry:
    """Stores, lists, verifies and revokes the cards a vault knows."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def add(self, card: cardfmt.Card, verified: bool = False) -> tuple[KnownCard, bool]:
        """Store ``card``; returns (the stored card, True if it was new)."""
        ident = self.vault.identity
        if card.ed25519_public == signing_public_key(ident.signing_seed):
            raise CardNotAllowed(reason=tr("it is this vault's own card."))
        if ident.role == "volunteer" and card.role != "coordinator":
            raise CardNotAllowed(
                reason=tr("a volunteer vault only needs coordinator cards (to export to).")
            )
        now = _now()
        existing = self.get(card.fingerprint)
        with self.vault.transaction() as conn:
            if existing is None:
                clash = conn.execute(
                    "SELECT 1 FROM cards WHERE ed25519_public = ?", (card.ed25519_public,)
                ).fetchone()
                if clash:
                    raise CardNotAllowed(
                        reason=tr("another card with the same signing key is already stored.")
                    )
                conn.execute(
                    "INSERT INTO cards (fingerprint, name, role, ed25519_public, x25519_public,"
                    " card, card_created, added, verified_at, revoked_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                    (
                        card.fingerprint,
                        card.name,
                        card.role,
                        card.ed25519_public,
                        card.x25519_public,
                        cardfmt.serialize_card(card),
                        card.created,
                        now,
                        now if verified else None,
                    ),
                )
                AuditLog(self.vault).append(conn, "card_add", card.fingerprint, {"role": card.role})
            else:
                # a newer card (new name), or the same one now with its hybrid recipient; the
                # role is the one enrolled, never changed by the card's owner (§4.4, §7.13)
                if card.role != existing.card.role:
                    raise CardNotAllowed(
                        reason=tr(
                            "its role ({role}) differs from the role you enrolled ({enrolled}). "
                            "A newer card never changes an enrolled role: check with the person "
                            "face to face or by phone; a new role needs a new card (new keys), "
                            "enrolled and verified again.",
                            role=card.role,
                            enrolled=existing.card.role,
                        )
                    )
                if (card.created, card.version) > (existing.card.created, existing.card.version):
                    conn.execute(
                        "UPDATE cards SET name = ?, card = ?, card_created = ?"
                        " WHERE fingerprint = ?",
                        (
                            card.name,
                            cardfmt.serialize_card(card),
                            card.created,
                            card.fingerprint,
                        ),
                    )
                if verified and not existing.verified:
                    conn.execute(
                        "UPDATE cards SET verified_at = ? WHERE fingerprint = ?",
                        (now, card.fingerprint),
                    )
                    AuditLog(self.vault).append(conn, "card_verify", card.fingerprint)
        stored = self.get(card.fingerprint)
        assert stored is not None
        return stored, existing is None

    def _row_to_card(self, row: object) -> KnownCard:
        r = row  # sqlcipher Row
        return KnownCard(
            card=cardfmt.parse_card(bytes(r["card"])),  # type: ignore[index]
            added=str(r["added"]),  # type: ignore[index]
            verified_at=r["verified_at"],  # type: ignore[index]
            revoked_at=r["revoked_at"],  # type: ignore[index]
            revoked_effective=r["revoked_effective"],  # type: ignore[index]
            revoked_last_sequence=r["revoked_last_sequence"],  # type: ignore[index]
        )

    def get(self, fingerprint: str) -> KnownCard | None:
        row = self.vault.conn.execute(
            "SELECT card, added, verified_at, revoked_at, revoked_effective, revoked_last_sequence"
            " FROM cards WHERE fingerprint = ?",
            (fingerprint,),
        ).fetchone()
        return self._row_to_card(row) if row else None

    def by_signing_key(self, ed25519_public: bytes) -> KnownCard | None:
        row = self.vault.conn.execute(
            "SELECT card, added, verified_at, revoked_at, revoked_effective, revoked_last_sequence"
            " FROM cards WHERE ed25519_public = ?",
            (ed25519_public,),
        ).fetchone()
        return self._row_to_card(row) if row else None

    def require(self, fingerprint: str) -> KnownCard:
        from crypto.fingerprint import normalize

        found = self.get(normalize(fingerprint) or fingerprint)
        if found is None:
            raise CardNotFound(fingerprint=fingerprint)
        return found

    def all(self) -> list[KnownCard]:
        rows = self.vault.conn.execute(
            "SELECT card, added, verified_at, revoked_at, revoked_effective, revoked_last_sequence"
            " FROM cards ORDER BY name, fingerprint"
        ).fetchall()
        return [self._row_to_card(r) for r in rows]

    def mark_verified(self, fingerprint: str) -> KnownCard:
        known = self.require(fingerprint)
        with self.vault.transaction() as conn:
            conn.execute(
                "UPDATE cards SET verified_at = coalesce(verified_at, ?) WHERE fingerprint = ?",
                (_now(), known.fingerprint),
            )
            if not known.verified:
                AuditLog(self.vault).append(conn, "card_verify", known.fingerprint)
        return self.require(known.fingerprint)

    def revoke(
        self, fingerprint: str, effective: str | None = None, last_sequence: int | None = None
    ) -> KnownCard:
        """Revoke a card: no more exports to it, no more bundles accepted from it signed from
        ``effective`` on (default: now) or numbered above ``last_sequence``
        (docs/bundle-format.md §8.4). A second revocation only tightens both."""
        known = self.require(fingerprint)
        with self.vault.transaction() as conn:
            self.revoke_in(conn, known, effective or _now(), last_sequence)
        return self.require(known.fingerprint)

    def revoke_in(
        self, conn: Any, known: KnownCard, effective: str, last_sequence: int | None
    ) -> None:
        """``revoke`` inside the caller's transaction."""
        conn.execute(
            "UPDATE cards SET revoked_at = coalesce(revoked_at, ?),"
            " revoked_effective = min(coalesce(revoked_effective, ?), ?),"
            " revoked_last_sequence = CASE WHEN ? IS NULL THEN revoked_last_sequence"
            " ELSE min(coalesce(revoked_last_sequence, ?), ?) END"
            " WHERE fingerprint = ?",
            (
                _now(),
                effective,
                effective,
                last_sequence,
                last_sequence,
                last_sequence,
                known.fingerprint,
            ),
        )
        tighter_time = known.revoked_effective is None or effective < known.revoked_effective
        old_last = known.revoked_last_sequence
        tighter_count = last_sequence is not None and (old_last is None or last_sequence < old_last)
        if not known.revoked or tighter_time or tighter_count:  # a repeat is not audited again
            details = {"effective": effective, "last_sequence": last_sequence}
            AuditLog(self.vault).append(conn, "card_revoke", known.fingerprint, details)

    def usable_coordinators(self) -> list[KnownCard]:
        """Coordinators a volunteer may export to (verified, not revoked)."""
        return [k for k in self.all() if k.card.role == "coordinator" and k.usable]
