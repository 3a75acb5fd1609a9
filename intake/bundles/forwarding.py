"""Forwarded bundles: one coordinator passes testimonies on to another (docs/bundle-format.md
§7.13), so that the archive survives one coordinator's laptop being seized.

Writing: ``forward_selection`` picks every final version (any author's) of the chosen
testimonies, in order, and ``author_cards`` the cards of their authors (from the registry, or
forwarded here earlier) for the manifest's ``authors``; the export itself is
``export_bundle(..., forward=True)``. Reading: ``ForwardedAuthors`` finds the key a forwarded
record must be signed with (the sender's or one of the carried cards', nothing else) and which
authors this vault revoked; ``remember_introduced`` keeps the cards of authors whose versions
were stored as *known via coordinator X*, never in the registry. ``origins`` says, for every
version a bundle brought, who sent it and who wrote it ("received from coordinator X,
originally from volunteer Y").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from crypto import card as cardfmt
from crypto.keys import signing_public_key
from intake.bundles.errors import NotExportable, RecordInvalid
from intake.bundles.manifest import Manifest
from intake.cards.identity import fingerprint as own_fingerprint
from intake.cards.registry import CardRegistry
from intake.i18n import tr
from intake.testimonies.canonical import VersionRecord
from intake.testimonies.errors import NotCanonical
from intake.vault import Vault

ForwardSelection = Literal["ids", "all-final"]


# ---- writing -------------------------------------------------------------------------------


def _finals(conn: Any, testimony_id: str) -> list[tuple[int, bytes]]:
    rows = conn.execute(
        "SELECT version_no, author FROM testimony_versions"
        " WHERE testimony_id = ? AND status = 'final' ORDER BY version_no",
        (testimony_id,),
    ).fetchall()
    return [(int(r[0]), bytes(r[1])) for r in rows]


def forward_selection(
    vault: Vault, selection: ForwardSelection, ids: Sequence[str] = ()
) -> tuple[list[tuple[str, list[int]]], set[bytes]]:
    """(testimony id, every final version held) of each chosen testimony, and the keys that
    signed them. A chosen id without a final version is refused (NotExportable)."""
    conn = vault.conn
    if selection == "ids":
        wanted = list(dict.fromkeys(ids))
    else:
        wanted = [
            str(r[0])
            for r in conn.execute(
                "SELECT DISTINCT testimony_id FROM testimony_versions WHERE status = 'final'"
                " ORDER BY testimony_id"
            ).fetchall()
        ]
    chosen: list[tuple[str, list[int]]] = []
    keys: set[bytes] = set()
    for testimony_id in wanted:
        finals = _finals(conn, testimony_id)
        if not finals:
            held = conn.execute("SELECT 1 FROM testimonies WHERE id = ?", (testimony_id,))
            reason = (
                tr("it has no final version. Finalize it first.")
                if held.fetchone()
                else tr("it is not in this vault.")
            )
            raise NotExportable(id=testimony_id, reason=reason)
        chosen.append((testimony_id, [number for number, _ in finals]))
        keys.update(author for _, author in finals)
    return chosen, keys


def known_card(vault: Vault, key: bytes) -> cardfmt.Card | None:
    """The card of ``key``: enrolled in the registry, else forwarded to this vault earlier."""
    known = CardRegistry(vault).by_signing_key(key)
    if known is not None:
        return known.card
    row = vault.conn.execute(
        "SELECT card FROM introduced_cards WHERE ed25519_public = ?", (key,)
    ).fetchone()
    return None if row is None else cardfmt.parse_card(bytes(row[0]))


def author_cards(
    vault: Vault, chosen: Sequence[tuple[str, Sequence[int]]], keys: Iterable[bytes]
) -> tuple[cardfmt.Card, ...]:
    """The cards of every author but this vault, in fingerprint order (the manifest's
    ``authors``); refuses a testimony whose author's card this vault does not have."""
    own = signing_public_key(vault.identity.signing_seed)
    cards: dict[bytes, cardfmt.Card] = {}
    for key in set(keys) - {own}:
        card = known_card(vault, key)
        if card is None:
            testimony_id = next(t for t, _ in chosen if _signed_by(vault, t, key))
            raise NotExportable(
                id=testimony_id, reason=tr("the card of its author is not in this vault.")
            )
        cards[key] = card
    return tuple(sorted(cards.values(), key=lambda c: c.fingerprint))


def _signed_by(vault: Vault, testimony_id: str, key: bytes) -> bool:
    return any(author == key for _, author in _finals(vault.conn, testimony_id))


# ---- reading -------------------------------------------------------------------------------


class ForwardedAuthors:
    """Whose signatures a bundle's records may carry: the sender's, and in a forwarded bundle
    the keys of its author cards; and which of those authors this vault revoked."""

    def __init__(self, manifest: Manifest, vault: Vault | None = None) -> None:
        self.sender = manifest.sender.ed25519_public
        self.cards = {card.ed25519_public: card for card in manifest.authors}
        self.revoked: dict[bytes, str] = {}  # key -> fingerprint of the revoked card
        if vault is not None:
            registry = CardRegistry(vault)
            for key in self.cards:
                known = registry.by_signing_key(key)
                if known is not None and known.revoked:
                    self.revoked[key] = known.fingerprint

    def key_of(self, number: int, data: bytes) -> bytes:
        """The key record ``data`` must be signed with (§7.13 step 3)."""
        if not self.cards:
            return self.sender  # a direct bundle: the sender's own records only
        try:
            author = bytes.fromhex(VersionRecord.parse(data).author)
        except (NotCanonical, ValueError):
            return self.sender  # check_record words the problem
        if author != self.sender and author not in self.cards:
            raise RecordInvalid(number=number, reason=tr("its author's card is not in the bundle"))
        return author


def remember_introduced(
    conn: Any, manifest: Manifest, used: Iterable[bytes], bundle_id: str, now: str
) -> None:
    """Keep the cards of the authors in ``used`` as known via the sender (first time only)."""
    by_key = {card.ed25519_public: card for card in manifest.authors}
    for key in used:
        card = by_key.get(key)
        if card is None:
            continue
        conn.execute(
            "INSERT INTO introduced_cards (fingerprint, ed25519_public, card, name, role,"
            " via_fingerprint, bundle_id, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (
                card.fingerprint,
                card.ed25519_public,
                cardfmt.serialize_card(card),
                card.name,
                card.role,
                manifest.sender.fingerprint,
                bundle_id,
                now,
            ),
        )


# ---- provenance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """A key as this vault knows it: ``how`` is "own", "enrolled" (in the registry, verified
    or not), "via" (a forwarded card; ``via`` names the coordinator) or "unknown"."""

    fingerprint: str
    name: str
    role: str
    how: str
    via: str = ""


def party(vault: Vault, key: bytes) -> Party:
    if key == signing_public_key(vault.identity.signing_seed):
        ident = vault.identity
        return Party(own_fingerprint(ident), ident.name, ident.role, "own")
    known = CardRegistry(vault).by_signing_key(key)
    if known is not None:
        return Party(known.fingerprint, known.card.name, known.card.role, "enrolled")
    row = vault.conn.execute(
        "SELECT fingerprint, name, role, via_fingerprint FROM introduced_cards"
        " WHERE ed25519_public = ?",
        (key,),
    ).fetchone()
    if row is None:
        return Party(key.hex(), "", "", "unknown")
    via = CardRegistry(vault).get(str(row[3]))
    return Party(
        str(row[0]), str(row[1]), str(row[2]), "via", via.card.name if via else str(row[3])
    )


@dataclass(frozen=True)
class Origin:
    """One arrival of one version: the bundle, who sent it and who wrote it."""

    version_no: int
    bundle_id: str
    imported_at: str
    outcome: str
    sender: Party
    author: Party

    @property
    def forwarded(self) -> bool:
        return self.sender.fingerprint != self.author.fingerprint

    def line(self, lang: str | None = None, mark: Callable[[str], str] = str) -> str:
        """'Version 2: received from coordinator X, originally from volunteer Y' (§7.13);
        ``mark`` wraps each fingerprint (the GUI keeps it left to right in Uyghur text)."""
        author = _named(self.author, lang, mark)
        if not self.forwarded:
            return tr(
                "Version {version}: received from {author}",
                lang=lang,
                version=self.version_no,
                author=author,
            )
        return tr(
            "Version {version}: received from coordinator {sender}, originally from {author}",
            lang=lang,
            version=self.version_no,
            sender=_named(self.sender, lang, mark),
            author=author,
        )


def _named(who: Party, lang: str | None, mark: Callable[[str], str]) -> str:
    if who.how == "unknown":
        return tr("an unknown key", lang=lang)
    if who.how == "via":
        return tr(
            "{name} (fingerprint {fingerprint}; card known via coordinator {via}, not enrolled "
            "here)",
            lang=lang,
            name=who.name,
            fingerprint=mark(who.fingerprint),
            via=who.via,
        )
    return tr(
        "{name} (fingerprint {fingerprint})",
        lang=lang,
        name=who.name,
        fingerprint=mark(who.fingerprint),
    )


def origins(vault: Vault, testimony_id: str) -> list[Origin]:
    """Every bundle that brought a version of the testimony, oldest import first, with its
    sender and the version's author as this vault knows them."""
    rows = vault.conn.execute(
        "SELECT p.version_no, p.bundle_id, p.imported_at, p.outcome, p.sender_fingerprint,"
        " v.author FROM record_provenance p JOIN testimony_versions v"
        " ON v.testimony_id = p.testimony_id AND v.version_no = p.version_no"
        " WHERE p.testimony_id = ? ORDER BY p.imported_at, p.rowid",
        (testimony_id,),
    ).fetchall()
    registry = CardRegistry(vault)
    found: list[Origin] = []
    for row in rows:
        sender_card = registry.get(str(row[4]))
        sender = (
            Party(sender_card.fingerprint, sender_card.card.name, sender_card.card.role, "enrolled")
            if sender_card is not None
            else Party(str(row[4]), "", "", "unknown")
        )
        found.append(
            Origin(
                int(row[0]),
                str(row[1]),
                str(row[2]),
                str(row[3]),
                sender,
                party(vault, bytes(row[5])),
            )
        )
    return found
