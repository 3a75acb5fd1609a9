"""Key statements in a vault: revoking a key, and letting a new key continue an old one's
testimonies (docs/bundle-format.md §8).

``KeyStatements`` issues statements signed by this vault (a coordinator revokes a seized
volunteer key, or states that the volunteer's new card continues the old one), accepts
statements made elsewhere under the rules of §8.3, and rotates this vault's own keys. The rule
that matters most: a key can revoke itself, but only this vault or a verified coordinator can
name a successor, so a stolen key can never hand the testimonies it signed to another key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from crypto import statement as stmt
from crypto.fingerprint import fingerprint as key_fingerprint
from crypto.keys import (
    generate_hybrid_seed,
    generate_signing_key,
    generate_x25519_key,
    signing_public_key,
    x25519_public_key,
)
from intake.cards.errors import (
    InvalidStatement,
    StatementConflict,
    StatementNotAllowed,
    SuccessionNeedsConfirmation,
)
from intake.cards.registry import CardRegistry, KnownCard, own_card
from intake.errors import AmanatError
from intake.i18n import tr
from intake.vault import Vault
from intake.vault.audit import AuditLog


@dataclass(frozen=True)
class RetiredKey:
    """One of this vault's own keys from before a rotation: bundles sent to it still open."""

    fingerprint: str
    x25519_private: bytes
    hybrid_seed: bytes | None

    def __repr__(self) -> str:
        return f"RetiredKey({self.fingerprint!r})"


def retired_keys(vault: Vault) -> list[RetiredKey]:
    rows = vault.conn.execute(
        "SELECT signing_public, x25519_private, hybrid_seed FROM retired_keys ORDER BY retired"
    ).fetchall()
    return [
        RetiredKey(
            key_fingerprint(bytes(r[0]), x25519_public_key(bytes(r[1]))),
            bytes(r[1]),
            None if r[2] is None else bytes(r[2]),
        )
        for r in rows
    ]


def carried_statements(vault: Vault, limit: int) -> tuple[stmt.Statement, ...]:
    """The statements a bundle of this vault carries (docs/bundle-format.md §8.5), oldest
    first: its retired keys' revocations of themselves, and, from a coordinator, what it issued
    (a volunteer's own revocation of a coordinator card is a local decision no one else may
    act on, so it stays home)."""
    ident = vault.identity
    issuer = signing_public_key(ident.signing_seed) if ident.role == "coordinator" else b""
    rows = vault.conn.execute(
        "SELECT statement FROM key_statements WHERE issuer = ?"
        " OR issuer IN (SELECT signing_public FROM retired_keys) ORDER BY added, hash LIMIT ?",
        (issuer, limit),
    ).fetchall()
    return tuple(stmt.parse_statement(bytes(r[0])) for r in rows)


def apply_carried(
    vault: Vault, statements: tuple[stmt.Statement, ...]
) -> tuple[int, list[AmanatError]]:
    """Accept each statement a bundle or card file carried, as ``amanat card statement``
    would, except that a succession issued by another vault is never applied by itself: it is
    refused as SuccessionNeedsConfirmation, for the coordinator to compare the new card with
    the volunteer and state it here (§8.5). Returns how many were applied and why the others
    were not (they never fail the bundle)."""
    keys, applied, refused = KeyStatements(vault), 0, []
    own_key = signing_public_key(vault.identity.signing_seed)
    for statement in statements:
        try:
            if (
                statement.kind == "succeed"
                and statement.issuer != own_key
                and statement.subject_key not in keys._own_earlier_keys()
            ):
                keys.check(statement)  # a forged or disallowed one says why, as before
                raise SuccessionNeedsConfirmation(
                    fingerprint=statement.subject, successor=statement.successor
                )
            keys.receive(statement)
            applied += 1
        except AmanatError as exc:
            refused.append(exc)
    return applied, refused


def _now() -> str:
    return stmt.time_text(datetime.now(UTC))


def parse(data: bytes) -> stmt.Statement:
    """Parse and verify a statement file; a changed byte gives InvalidStatement."""
    try:
        return stmt.parse_statement(data)
    except stmt.StatementError as exc:
        raise InvalidStatement(reason=str(exc)) from None


@dataclass(frozen=True)
class Rotation:
    """What ``rotate`` made: the new card, and the old key's revocation of itself."""

    card_bytes: bytes
    revocation: stmt.Statement


class KeyStatements:
    """Issue, accept and apply key statements for one vault."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.registry = CardRegistry(vault)

    # ---- issued here ----------------------------------------------------------------------

    def revoke(
        self, fingerprint: str, effective: str | None = None, last_sequence: int | None = None
    ) -> stmt.Statement:
        """Revoke a card in this vault and return the statement, signed by this vault, that
        tells other vaults the same."""
        known = self.registry.require(fingerprint)
        statement = self._sign("revoke", known, effective or _now(), last_sequence, None)
        self.accept(statement)
        return statement

    def succeed(
        self,
        old_fingerprint: str,
        new_fingerprint: str,
        effective: str | None = None,
        last_sequence: int | None = None,
    ) -> stmt.Statement:
        """State, as this vault, that ``new`` continues ``old``'s testimonies (``old`` is
        revoked from ``effective``). The person compared the new fingerprint with the owner
        of the old key first."""
        old = self.registry.require(old_fingerprint)
        new = self.registry.require(new_fingerprint)
        statement = self._sign("succeed", old, effective or _now(), last_sequence, new.fingerprint)
        self.accept(statement)
        return statement

    def _sign(
        self,
        kind: str,
        subject: KnownCard,
        effective: str,
        last_sequence: int | None,
        successor: str | None,
    ) -> stmt.Statement:
        unsigned = stmt.Statement(
            kind=kind,
            subject=subject.fingerprint,
            subject_key=subject.card.ed25519_public,
            effective=effective,
            issuer=bytes(32),
            created=_now(),
            last_sequence=last_sequence,
            successor=successor,
        )
        try:
            return stmt.sign_statement(unsigned, self.vault.identity.signing_seed)
        except stmt.StatementError as exc:
            raise InvalidStatement(reason=str(exc)) from None

    # ---- accepted from anywhere -----------------------------------------------------------

    def _issuer_rights(self, statement: stmt.Statement) -> None:
        """§8.3: raises StatementNotAllowed unless the issuer may make this statement here."""
        own_key = signing_public_key(self.vault.identity.signing_seed)
        if statement.issuer == own_key:
            return
        if statement.self_issued:
            if statement.kind == "succeed":
                raise StatementNotAllowed(
                    reason=tr(
                        "a key cannot name its own successor. Whoever stole a key could "
                        "otherwise take over its testimonies; a coordinator must confirm the "
                        "new key."
                    )
                )
            return
        issuer = self.registry.by_signing_key(statement.issuer)
        if issuer is None or issuer.card.role != "coordinator" or not issuer.usable:
            raise StatementNotAllowed(
                reason=tr("it was not signed by the key itself or by a verified coordinator.")
            )

    def accept(self, statement: stmt.Statement) -> KnownCard:
        """Check and apply a statement; returns the subject's card as now stored."""
        subject, successor = self.check(statement)
        return self._apply(statement, subject, successor)

    def check(self, statement: stmt.Statement) -> tuple[KnownCard, KnownCard | None]:
        """The checks of ``accept`` without applying: the subject's and successor's cards."""
        try:
            stmt.verify_statement(statement)
        except stmt.StatementError as exc:
            raise InvalidStatement(reason=str(exc)) from None
        own = own_card(self.vault)
        if statement.subject == own.fingerprint:
            raise StatementNotAllowed(reason=tr("it is about this vault's own key."))
        subject = self.registry.get(statement.subject)
        if subject is None:
            raise StatementNotAllowed(reason=tr("the card it is about is not in this vault."))
        if subject.card.ed25519_public != statement.subject_key:
            raise InvalidStatement(reason=tr("the key does not match the card"))
        self._issuer_rights(statement)
        return subject, self._successor(statement, subject)

    def _apply(
        self, statement: stmt.Statement, subject: KnownCard, successor: KnownCard | None
    ) -> KnownCard:
        data = stmt.serialize_statement(statement)
        digest = hashlib.sha256(data).hexdigest()
        with self.vault.transaction() as conn:
            if successor is not None:
                row = conn.execute(
                    "SELECT new_key FROM key_successions WHERE old_key = ?",
                    (statement.subject_key,),
                ).fetchone()
                new_key = successor.card.ed25519_public
                if row is not None and bytes(row[0]) != new_key:
                    raise StatementConflict(fingerprint=subject.fingerprint)
                if row is None:
                    conn.execute(
                        "INSERT INTO key_successions (old_key, new_key, added) VALUES (?, ?, ?)",
                        (statement.subject_key, new_key, _now()),
                    )
                    AuditLog(self.vault).append(
                        conn,
                        "card_succeed",
                        subject.fingerprint,
                        {"successor": successor.fingerprint},
                    )
            self.registry.revoke_in(conn, subject, statement.effective, statement.last_sequence)
            conn.execute(
                "INSERT OR IGNORE INTO key_statements (hash, kind, subject, successor,"
                " effective, issuer, statement, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    digest,
                    statement.kind,
                    statement.subject,
                    statement.successor,
                    statement.effective,
                    statement.issuer,
                    data,
                    _now(),
                ),
            )
        return self.registry.require(subject.fingerprint)

    def receive(self, statement: stmt.Statement) -> KnownCard | None:
        """``accept``, or, for a statement about one of this vault's earlier (retired) keys,
        keep it to carry in this vault's card file (§8.6); then None."""
        if statement.subject_key in self._own_earlier_keys():
            self._keep_about_earlier_key(statement)
            return None
        return self.accept(statement)

    def _own_earlier_keys(self) -> dict[bytes, str]:
        rows = self.vault.conn.execute("SELECT signing_public, x25519_private FROM retired_keys")
        return {
            bytes(r[0]): key_fingerprint(bytes(r[0]), x25519_public_key(bytes(r[1]))) for r in rows
        }

    def _keep_about_earlier_key(self, statement: stmt.Statement) -> None:
        """§8.3 for a statement about this vault's own retired key: checked as anywhere, and
        only stored (this vault already continues its old keys); a succession must name one of
        this vault's own keys."""
        try:
            stmt.verify_statement(statement)
        except stmt.StatementError as exc:
            raise InvalidStatement(reason=str(exc)) from None
        earlier = self._own_earlier_keys()
        if earlier[statement.subject_key] != statement.subject:
            raise InvalidStatement(reason=tr("the key does not match the card"))
        self._issuer_rights(statement)
        own = {own_card(self.vault).fingerprint, *earlier.values()}
        if statement.successor is not None and statement.successor not in own:
            raise StatementNotAllowed(reason=tr("the new card is not one of this vault's keys."))
        data = stmt.serialize_statement(statement)
        with self.vault.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO key_statements (hash, kind, subject, successor,"
                " effective, issuer, statement, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    hashlib.sha256(data).hexdigest(),
                    statement.kind,
                    statement.subject,
                    statement.successor,
                    statement.effective,
                    statement.issuer,
                    data,
                    _now(),
                ),
            )

    def _successor(self, statement: stmt.Statement, subject: KnownCard) -> KnownCard | None:
        if statement.successor is None:
            return None
        successor = self.registry.get(statement.successor)
        if successor is None or not successor.usable:
            raise StatementNotAllowed(
                reason=tr(
                    "the new card is not in this vault, or not verified by a person, or "
                    "revoked. Import the new card and compare its fingerprint first."
                )
            )
        if successor.card.ed25519_public == subject.card.ed25519_public:
            raise StatementNotAllowed(reason=tr("the new card has the same key as the old one."))
        if successor.card.ed25519_public == statement.issuer:
            raise StatementNotAllowed(
                reason=tr("the new card is the card of whoever issued the statement.")
            )
        if successor.card.role != subject.card.role:
            raise StatementNotAllowed(
                reason=tr("the new card's role differs from the role enrolled for the old card.")
            )
        return successor

    # ---- this vault's own keys ------------------------------------------------------------

    def rotate(self, effective: str | None = None, last_sequence: int | None = None) -> Rotation:
        """Replace this vault's keys. The old ones are kept (retired); the vault's new card
        and the old key's revocation of itself (to give to the coordinators, who confirm the
        new key with a succession of their own) are returned. Testimonies of the old key may
        be continued by the new one in this vault."""
        from crypto import card as cardfmt

        ident = self.vault.identity
        old_card = own_card(self.vault)
        old_key = old_card.ed25519_public
        revocation = stmt.sign_statement(
            stmt.Statement(
                kind="revoke",
                subject=old_card.fingerprint,
                subject_key=old_key,
                effective=effective or _now(),
                issuer=old_key,
                created=_now(),
                last_sequence=last_sequence,
            ),
            ident.signing_seed,
        )
        seed, x25519, hybrid = generate_signing_key(), generate_x25519_key(), generate_hybrid_seed()
        now = _now()
        with self.vault.transaction() as conn:
            conn.execute(
                "INSERT INTO retired_keys (signing_public, signing_seed, x25519_private,"
                " hybrid_seed, created, retired) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    old_key,
                    ident.signing_seed,
                    ident.x25519_private,
                    ident.hybrid_seed,
                    ident.created,
                    now,
                ),
            )
            conn.execute(
                "UPDATE identity SET signing_seed = ?, x25519_private = ?, hybrid_seed = ?,"
                " created = ?",
                (seed, x25519, hybrid, now),
            )
            conn.execute(
                "INSERT INTO key_successions (old_key, new_key, added) VALUES (?, ?, ?)",
                (old_key, signing_public_key(seed), now),
            )
            data = stmt.serialize_statement(revocation)  # carried in this vault's bundles
            conn.execute(
                "INSERT INTO key_statements (hash, kind, subject, successor, effective, issuer,"
                " statement, added) VALUES (?, 'revoke', ?, NULL, ?, ?, ?, ?)",
                (
                    hashlib.sha256(data).hexdigest(),
                    revocation.subject,
                    revocation.effective,
                    old_key,
                    data,
                    now,
                ),
            )
            AuditLog(self.vault).append(conn, "key_rotate", old_card.fingerprint)
        new_card = own_card(self.vault)
        return Rotation(cardfmt.serialize_card(new_card), revocation)
