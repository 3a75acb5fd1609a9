"""Regression tests for the card / key-statement takeovers of the security review: a newer
card never changes the enrolled role (§4.4, §7.13); a succession cannot name its issuer or a
card of another role, and one carried from another vault is never applied by itself (§8.3,
§8.5); a card file applies only statements about its owner's earlier keys (§8.6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crypto import statement as stmt
from crypto.card import create_card, serialize_card
from crypto.keys import x25519_public_key
from intake.cards.cardfile import import_card_file
from intake.cards.errors import CardNotAllowed, StatementNotAllowed, SuccessionNeedsConfirmation
from intake.cards.registry import CardRegistry, own_card
from intake.cards.statements import KeyStatements, apply_carried
from intake.testimonies.ownership import may_continue, successors
from intake.vault import Vault
from tests.conftest import VaultFactory

NOW = stmt.time_text(datetime.now(UTC))


def _succession(issuer: Vault, subject: Vault, successor: Vault) -> stmt.Statement:
    old, new = own_card(subject), own_card(successor)
    return stmt.sign_statement(
        stmt.Statement(
            kind="succeed",
            subject=old.fingerprint,
            subject_key=old.ed25519_public,
            effective="2000-01-01T00:00:00Z",
            issuer=bytes(32),
            created=NOW,
            successor=new.fingerprint,
        ),
        issuer.identity.signing_seed,
    )


def _promoted_card(attacker: Vault) -> bytes:
    ident = attacker.identity
    later = datetime.now(UTC) + timedelta(minutes=5)
    card = create_card(
        ident.name,
        "coordinator",
        ident.signing_seed,
        x25519_public_key(ident.x25519_private),
        created=later,
    )
    assert card.fingerprint == own_card(attacker).fingerprint
    return serialize_card(card)


# ---- 1. a newer card never changes the enrolled role ----------------------------------------


def test_a_volunteer_cannot_promote_itself_with_a_newer_card(make_vault: VaultFactory) -> None:
    """Refused at the role check of CardRegistry.add: the enrolled role stays, the card too."""
    coord = make_vault("Coordinator", "coordinator", folder="c")
    attacker = make_vault("Mallory", "volunteer", folder="m")
    victim = make_vault("Aigul", "volunteer", folder="v")
    registry = CardRegistry(coord)
    registry.add(own_card(attacker), verified=True)
    registry.add(own_card(victim), verified=True)
    data = _promoted_card(attacker) + stmt.serialize_statement(
        _succession(attacker, victim, attacker)
    )
    with pytest.raises(CardNotAllowed) as caught:
        import_card_file(coord, data, verified=False)
    assert "role" in caught.value.message("en") and "enrol" in caught.value.message("en")
    known = registry.require(own_card(attacker).fingerprint)
    assert known.card.role == "volunteer" and known.card == own_card(attacker)
    assert not registry.require(own_card(victim).fingerprint).revoked
    assert coord.conn.execute("SELECT count(*) FROM key_successions").fetchone()[0] == 0


# ---- 2. a coordinator cannot take over a volunteer's testimonies ----------------------------


def _coordinators(make_vault: VaultFactory) -> tuple[Vault, Vault, Vault, Vault]:
    hostile = make_vault("Hostile", "coordinator", folder="c1")
    honest = make_vault("Honest", "coordinator", folder="c2")
    vol = make_vault("Aigul", "volunteer", folder="v")
    vol_new = make_vault("Aigul new laptop", "volunteer", folder="v2")
    for card in (own_card(hostile), own_card(vol), own_card(vol_new)):
        CardRegistry(honest).add(card, verified=True)
    return hostile, honest, vol, vol_new


def test_a_coordinator_cannot_name_itself_successor(make_vault: VaultFactory) -> None:
    """Refused at the successor check (successor = issuer), even accepted by hand."""
    hostile, honest, vol, vol_new = _coordinators(make_vault)
    with pytest.raises(StatementNotAllowed, match="issued"):
        KeyStatements(honest).accept(_succession(hostile, vol, hostile))
    assert not may_continue(
        honest.conn, own_card(vol).ed25519_public, own_card(hostile).ed25519_public
    )
    assert not CardRegistry(honest).require(own_card(vol).fingerprint).revoked
    KeyStatements(honest).succeed(own_card(vol).fingerprint, own_card(vol_new).fingerprint)


def test_a_succession_to_a_card_of_another_role_is_refused(make_vault: VaultFactory) -> None:
    """Refused at the same-role check: a volunteer's key is continued only by a volunteer's."""
    hostile, honest, vol, _ = _coordinators(make_vault)
    third = make_vault("Third", "coordinator", folder="c3")
    CardRegistry(honest).add(own_card(third), verified=True)
    with pytest.raises(StatementNotAllowed, match="role"):
        KeyStatements(honest).accept(_succession(hostile, vol, third))
    with pytest.raises(StatementNotAllowed, match="role"):
        KeyStatements(honest).succeed(own_card(vol).fingerprint, own_card(third).fingerprint)
    assert honest.conn.execute("SELECT count(*) FROM key_successions").fetchone()[0] == 0


def test_a_carried_succession_waits_for_the_coordinator(make_vault: VaultFactory) -> None:
    """A succession from another (trusted) vault arriving in a bundle or card file is reported
    as needing confirmation and changes nothing; its revocations still apply."""
    hostile, honest, vol, vol_new = _coordinators(make_vault)
    succession = _succession(hostile, vol, vol_new)
    other = make_vault("Other volunteer", "volunteer", folder="o")
    CardRegistry(honest).add(own_card(other), verified=True)
    CardRegistry(hostile).add(own_card(other), verified=True)
    revoke = KeyStatements(hostile).revoke(own_card(other).fingerprint, "2001-01-01T00:00:00Z")
    applied, refused = apply_carried(honest, (succession, revoke))
    assert applied == 1
    [problem] = refused
    assert isinstance(problem, SuccessionNeedsConfirmation)
    text = problem.message("en")
    assert "amanat card succeed" in text and own_card(vol).fingerprint in text
    assert successors(honest.conn, own_card(vol).ed25519_public) == []
    assert not CardRegistry(honest).require(own_card(vol).fingerprint).revoked
    assert CardRegistry(honest).require(own_card(other).fingerprint).revoked
    # the coordinator confirms it herself, after comparing the new card with the volunteer
    KeyStatements(honest).succeed(own_card(vol).fingerprint, own_card(vol_new).fingerprint)
    assert successors(honest.conn, own_card(vol).ed25519_public) == [
        own_card(vol_new).ed25519_public
    ]


# ---- 3. a card file carries only statements about its owner's earlier keys -------------------


def test_a_card_file_applies_no_statement_about_someone_else(make_vault: VaultFactory) -> None:
    """A coordinator's card file carrying its revocation of another volunteer: the card
    imports, the revocation is refused (not about the owner's earlier keys)."""
    coord = make_vault("Coordinator", "coordinator", folder="c")
    receiver = make_vault("Receiver", "coordinator", folder="r")
    vol = make_vault("Aigul", "volunteer", folder="v")
    CardRegistry(coord).add(own_card(vol), verified=True)
    CardRegistry(receiver).add(own_card(vol), verified=True)
    CardRegistry(receiver).add(own_card(coord), verified=True)
    revoke = KeyStatements(coord).revoke(own_card(vol).fingerprint, "2001-01-01T00:00:00Z")
    data = serialize_card(own_card(coord)) + stmt.serialize_statement(revoke)
    result = import_card_file(receiver, data, verified=True)
    assert result.statements_applied == 0
    [problem] = result.statements_refused
    assert isinstance(problem, StatementNotAllowed) and "earlier keys" in problem.message("en")
    assert not CardRegistry(receiver).require(own_card(vol).fingerprint).revoked
