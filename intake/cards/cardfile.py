"""Card files that carry key statements about their owner's earlier keys
(docs/bundle-format.md §4.4 and §8.6).

The card line is read exactly as a plain card file (any fault refuses it); each line after it
is a statement file that counts only through its own signature and ``KeyStatements.accept``,
so a damaged or forged statement is reported and never refuses the card.
"""

from __future__ import annotations

from dataclasses import dataclass

from crypto import card as cardfmt
from crypto import statement as stmt
from intake.cards.errors import InvalidCard, InvalidStatement, StatementNotAllowed
from intake.cards.registry import CardRegistry, KnownCard, own_card, parse
from intake.errors import AmanatError
from intake.i18n import ntr, tr
from intake.vault import Vault

MAX_CARD_STATEMENTS = 60  # lines after the card; each valid statement is under 700 bytes
MAX_CARD_FILE = 65536  # the whole file: a card (4096) and 60 statements fit


@dataclass(frozen=True)
class CardFile:
    """A parsed card file: the verified card, the statements that parsed and verified, and
    why the other lines did not (they never refuse the card)."""

    card: cardfmt.Card
    statements: tuple[stmt.Statement, ...]
    damaged: tuple[AmanatError, ...]


def own_statements(vault: Vault) -> tuple[stmt.Statement, ...]:
    """The statements this vault holds about its own retired keys, oldest first (§8.6)."""
    retired = {bytes(r[0]) for r in vault.conn.execute("SELECT signing_public FROM retired_keys")}
    out: list[stmt.Statement] = []
    for (data,) in vault.conn.execute("SELECT statement FROM key_statements ORDER BY added, rowid"):
        statement = stmt.parse_statement(bytes(data))
        if statement.subject_key in retired:
            out.append(statement)
    return tuple(out[:MAX_CARD_STATEMENTS])


def card_file_bytes(vault: Vault) -> bytes:
    """This vault's card file: the card line, then the statements about its earlier keys
    (none for a vault that never rotated: then exactly the plain card file)."""
    data = cardfmt.serialize_card(own_card(vault))
    return data + b"".join(stmt.serialize_statement(s) for s in own_statements(vault))


def read_card_file(data: bytes) -> CardFile:
    """Split and check a card file; InvalidCard for a bad card line or a malformed file."""
    if len(data) > MAX_CARD_FILE:
        raise InvalidCard(reason=tr("the file is too large"))
    head, sep, rest = data.partition(b"\n")
    card = parse(head + sep)
    if not rest:
        return CardFile(card, (), ())
    if not rest.endswith(b"\n"):
        raise InvalidCard(reason=tr("the file does not end with a line break"))
    lines = rest.split(b"\n")[:-1]
    if len(lines) > MAX_CARD_STATEMENTS:
        raise InvalidCard(reason=tr("the file carries too many key statements"))
    statements: list[stmt.Statement] = []
    damaged: list[AmanatError] = []
    for line in lines:
        try:
            statements.append(stmt.parse_statement(line + b"\n"))
        except stmt.StatementError as exc:
            damaged.append(InvalidStatement(reason=str(exc)))
    return CardFile(card, tuple(statements), tuple(damaged))


@dataclass(frozen=True)
class CardImport:
    """What importing a card file did: the card as stored, whether it was new, how many carried
    statements were applied, and why the others were not."""

    known: KnownCard
    new: bool
    statements_applied: int
    statements_refused: tuple[AmanatError, ...]


def import_card_file(vault: Vault, data: bytes, *, verified: bool) -> CardImport:
    """Store the card (as ``CardRegistry.add``), then apply each carried statement on its own
    through ``KeyStatements.accept`` (§8.6); a refused statement never fails the import."""
    from intake.cards.statements import apply_carried

    parsed = read_card_file(data)
    registry = CardRegistry(vault)
    known, new = registry.add(parsed.card, verified=verified)
    about_owner, foreign = _about_earlier_keys(parsed.card, parsed.statements)
    applied, refused = apply_carried(vault, about_owner)
    return CardImport(
        registry.require(known.fingerprint),
        new,
        applied,
        parsed.damaged + foreign + tuple(refused),
    )


def _about_earlier_keys(
    card: cardfmt.Card, statements: tuple[stmt.Statement, ...]
) -> tuple[tuple[stmt.Statement, ...], tuple[AmanatError, ...]]:
    """§8.6: a card file carries only statements about its owner's earlier keys. Those are the
    keys a succession in the file leads from to this card (directly or through other earlier
    keys), and any key revoking itself; every other statement is refused with its reason."""
    earlier = {card.fingerprint}
    grew = True
    while grew:
        grew = False
        for s in statements:
            if s.kind == "succeed" and s.successor in earlier and s.subject not in earlier:
                earlier.add(s.subject)
                grew = True
    earlier.discard(card.fingerprint)
    kept: list[stmt.Statement] = []
    foreign: list[AmanatError] = []
    for s in statements:
        if s.subject in earlier or (
            s.kind == "revoke" and s.self_issued and s.subject != card.fingerprint
        ):
            kept.append(s)
        else:
            foreign.append(
                StatementNotAllowed(
                    reason=tr(
                        "a card file carries only statements about its owner's earlier keys, "
                        "and this one is about another card."
                    )
                )
            )
    return tuple(kept), tuple(foreign)


def report_lines(result: CardImport) -> list[str]:
    """What the carried statements did, as sentences to show (empty when there were none)."""
    lines = []
    if result.statements_applied:
        lines.append(
            ntr(
                "{n} key statement (revocation or succession) from this card file was accepted.",
                "{n} key statements (revocations or successions) from this card file were "
                "accepted.",
                result.statements_applied,
            )
        )
    lines += [
        tr("A key statement in this card file was not accepted: {reason}", reason=p.message())
        for p in result.statements_refused
    ]
    return lines
