"""Key statements carried in card files (issue 18 item 4; docs/bundle-format.md §4.4, §8.6):
a rotated vault's card file carries its old keys' statements, the importer stores the card and
then applies each statement exactly as a statement file; a refused or damaged one is reported
and never fails the card. Real vaults on both sides; each hostile test names its check."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from crypto import statement as stmt
from crypto.card import serialize_card
from intake.cards.cardfile import (
    MAX_CARD_STATEMENTS,
    card_file_bytes,
    import_card_file,
    own_statements,
    read_card_file,
)
from intake.cards.errors import InvalidCard, InvalidStatement, StatementNotAllowed
from intake.cards.registry import CardRegistry, own_card
from intake.cards.statements import KeyStatements
from intake.vault import Vault
from tests.conftest import VaultFactory, create_closed_vault
from tests.intake.bundles.cli import amanat, fingerprint_of

SEIZED_TEXT = "2025-03-11T09:00:00Z"


def _enroll(a: Vault, b: Vault) -> None:
    CardRegistry(a).add(own_card(b), verified=True)
    CardRegistry(b).add(own_card(a), verified=True)


def _rotated(make_vault: VaultFactory) -> tuple[Vault, Vault, str, bytes]:
    """A volunteer enrolled with a coordinator rotates; returns both vaults, the old card's
    fingerprint and the new card file."""
    volunteer = make_vault("Aigul", "volunteer", folder="vol")
    coordinator = make_vault("Coordinator", "coordinator", folder="coord")
    _enroll(volunteer, coordinator)
    old_fp = own_card(volunteer).fingerprint
    KeyStatements(volunteer).rotate(SEIZED_TEXT, last_sequence=1)
    return volunteer, coordinator, old_fp, card_file_bytes(volunteer)


def test_a_card_file_without_statements_is_the_card_byte_for_byte(
    make_vault: VaultFactory,
) -> None:
    vault = make_vault("Aigul", "volunteer")
    assert card_file_bytes(vault) == serialize_card(own_card(vault))
    classic = serialize_card(own_card(vault, classic=True))  # a version 1 card still reads
    parsed = read_card_file(classic)
    assert serialize_card(parsed.card) == classic and parsed.statements == ()
    other = make_vault("Coordinator", "coordinator")
    result = import_card_file(other, classic, verified=True)
    assert result.new and result.statements_applied == 0 and result.statements_refused == ()


def test_the_coordinator_learns_the_old_keys_revocation_from_the_new_card(
    make_vault: VaultFactory,
) -> None:
    volunteer, coordinator, old_fp, data = _rotated(make_vault)
    card_line, statement_line = data.split(b"\n")[:2]
    assert card_line + b"\n" == serialize_card(own_card(volunteer))
    assert stmt.parse_statement(statement_line + b"\n").subject == old_fp
    assert not CardRegistry(coordinator).require(old_fp).revoked
    result = import_card_file(coordinator, data, verified=True)
    assert result.new and result.known.fingerprint == own_card(volunteer).fingerprint
    assert result.statements_applied == 1 and result.statements_refused == ()
    old = CardRegistry(coordinator).require(old_fp)
    assert old.revoked_effective == SEIZED_TEXT and old.revoked_last_sequence == 1


def test_a_tampered_statement_is_refused_and_the_card_imports(make_vault: VaultFactory) -> None:
    """One digit of the revocation's time changed (still canonical JSON): the statement fails
    its own signature check; the card, whose signature does not cover it, imports."""
    volunteer, coordinator, old_fp, data = _rotated(make_vault)
    tampered = data.replace(SEIZED_TEXT.encode(), b"2025-03-12T09:00:00Z")
    assert tampered != data and tampered.count(b"\n") == 2
    result = import_card_file(coordinator, tampered, verified=True)
    assert result.known.fingerprint == own_card(volunteer).fingerprint and result.known.verified
    assert result.statements_applied == 0
    [problem] = result.statements_refused
    assert isinstance(problem, InvalidStatement) and "signature" in problem.message("en")
    assert not CardRegistry(coordinator).require(old_fp).revoked


def _forge_in_card(volunteer: Vault, statement: stmt.Statement, seed: bytes) -> bytes:
    """The volunteer's own card file with a statement its (hostile) software added."""
    signed = stmt.sign_statement(statement, seed)
    return serialize_card(own_card(volunteer)) + stmt.serialize_statement(signed)


def test_a_statement_about_an_unrelated_key_does_nothing_the_bundle_path_refuses(
    make_vault: VaultFactory,
) -> None:
    """The volunteer's card carries a revocation of another volunteer's key, signed by the
    volunteer's key: refused at the §8.6 check (a card file carries only statements about its
    owner's earlier keys; the bundle path would refuse it at the issuer check, 8.3), the other
    card stays usable."""
    volunteer = make_vault("Aigul", "volunteer", folder="vol")
    coordinator = make_vault("Coordinator", "coordinator", folder="coord")
    other = make_vault("Other", "volunteer", folder="other")
    _enroll(volunteer, coordinator)
    _enroll(other, coordinator)
    victim = own_card(other)
    data = _forge_in_card(
        volunteer,
        stmt.Statement(
            kind="revoke",
            subject=victim.fingerprint,
            subject_key=victim.ed25519_public,
            effective=SEIZED_TEXT,
            issuer=bytes(32),
            created=SEIZED_TEXT,
        ),
        volunteer.identity.signing_seed,
    )
    result = import_card_file(coordinator, data, verified=True)
    assert result.known.fingerprint == own_card(volunteer).fingerprint
    [problem] = result.statements_refused
    assert isinstance(problem, StatementNotAllowed) and "earlier keys" in problem.message("en")
    assert CardRegistry(coordinator).require(victim.fingerprint).usable


def test_an_old_key_cannot_name_its_successor_through_a_card(make_vault: VaultFactory) -> None:
    """A thief holding the seized old key makes a card whose file says "the old key continues
    as this one": the card imports (a person still has to verify it), the succession does not."""
    volunteer = make_vault("Aigul", "volunteer", folder="vol")
    coordinator = make_vault("Coordinator", "coordinator", folder="coord")
    thief = make_vault("Aigul", "volunteer", folder="thief")
    _enroll(volunteer, coordinator)
    old = own_card(volunteer)
    data = _forge_in_card(
        thief,
        stmt.Statement(
            kind="succeed",
            subject=old.fingerprint,
            subject_key=old.ed25519_public,
            effective=SEIZED_TEXT,
            issuer=bytes(32),
            created=SEIZED_TEXT,
            successor=own_card(thief).fingerprint,
        ),
        volunteer.identity.signing_seed,
    )
    result = import_card_file(coordinator, data, verified=True)
    [problem] = result.statements_refused
    assert isinstance(problem, StatementNotAllowed) and "own successor" in problem.message("en")
    assert coordinator.conn.execute("SELECT count(*) FROM key_successions").fetchone()[0] == 0
    assert CardRegistry(coordinator).require(old.fingerprint).usable


def test_a_damaged_card_file_is_refused_whole(make_vault: VaultFactory) -> None:
    volunteer, coordinator, old_fp, data = _rotated(make_vault)
    broken_card = data.replace(b'"name":"Aigul"', b'"name":"Aigui"', 1)
    for bad in (data[:-1], broken_card, data + data.split(b"\n", 1)[1] * MAX_CARD_STATEMENTS):
        with pytest.raises(InvalidCard):
            import_card_file(coordinator, bad, verified=True)
    assert CardRegistry(coordinator).get(own_card(volunteer).fingerprint) is None
    assert not CardRegistry(coordinator).require(old_fp).revoked
    assert len(own_statements(volunteer)) == 1


def test_cli_rotate_export_and_import_carry_the_revocation(tmp_path: Path) -> None:
    vol = create_closed_vault(tmp_path / "vol", "volunteer", "Aigul")
    coord = create_closed_vault(tmp_path / "coord", "coordinator", "Coordinator")
    for a, b in ((vol, coord), (coord, vol)):
        card = tmp_path / f"{a.name}-{b.name}.card"
        amanat("card", "export", "--vault", b, "-o", card)
        amanat("card", "import", "--vault", a, "--verified", card)
    old_fp = fingerprint_of(tmp_path / "coord-vol.card")
    assert (tmp_path / "coord-vol.card").read_bytes().count(b"\n") == 1  # plain card

    amanat(
        "card", "rotate", "--vault", vol, "--card", tmp_path / "new.card",
        "-o", tmp_path / "self.statement", "--since", SEIZED_TEXT,
    )  # fmt: skip
    amanat("card", "export", "--vault", vol, "-o", tmp_path / "again.card", "--qr", tmp_path / "q")
    assert (tmp_path / "again.card").read_bytes() == (tmp_path / "new.card").read_bytes()
    assert (tmp_path / "new.card").read_bytes().count(b"\n") == 2
    new_fp = fingerprint_of(tmp_path / "new.card")  # `card show` reads a file with statements
    shown = amanat("card", "show", tmp_path / "new.card").stdout
    assert "carries 1 key statement" in shown

    r = amanat("card", "import", "--vault", coord, "--verified", tmp_path / "new.card")
    assert "1 key statement" in r.stdout and r.stderr == ""
    cards = {
        c["fingerprint"]: c
        for c in json.loads(amanat("card", "list", "--vault", coord, "--json").stdout)
    }
    assert cards[old_fp]["revoked"] and cards[old_fp]["revoked_effective"] == SEIZED_TEXT
    assert cards[new_fp]["verified"] and not cards[new_fp]["revoked"]

    tampered = (tmp_path / "new.card").read_bytes().replace(b"2025-03-11", b"2025-03-01")
    (tmp_path / "bad.card").write_bytes(tampered)
    second = create_closed_vault(tmp_path / "second", "coordinator", "Second")
    r = amanat("card", "import", "--vault", second, "--verified", tmp_path / "bad.card")
    assert r.returncode == 0 and "was not accepted" in r.stderr and "signature" in r.stderr


# ---- a coordinator's succession, carried by the volunteer's new card -------------------------


class Circle:
    """A volunteer known to two coordinators, A and B; B trusts A (verified coordinator card).
    The volunteer rotates; A compares the new card in person and states the succession."""

    def __init__(self, make_vault: VaultFactory) -> None:
        self.vol = make_vault("Aigul", "volunteer", folder="vol")
        self.a = make_vault("Coordinator A", "coordinator", folder="a")
        self.b = make_vault("Coordinator B", "coordinator", folder="b")
        for x, y in ((self.vol, self.a), (self.vol, self.b), (self.a, self.b)):
            _enroll(x, y)
        self.old = own_card(self.vol)
        KeyStatements(self.vol).rotate(SEIZED_TEXT)
        self.new = own_card(self.vol)
        import_card_file(self.a, card_file_bytes(self.vol), verified=True)
        self.succession = KeyStatements(self.a).succeed(
            self.old.fingerprint, self.new.fingerprint, SEIZED_TEXT
        )


def test_a_second_coordinator_learns_the_succession_from_the_new_card_file(
    make_vault: VaultFactory,
) -> None:
    """B learns of A's succession from the new card file, but it is never applied by itself
    (§8.5): B is told to compare the new card with the volunteer and state it; the old key's
    own revocation applies."""
    from intake.cards.errors import SuccessionNeedsConfirmation
    from intake.testimonies.ownership import successors

    c = Circle(make_vault)
    assert KeyStatements(c.vol).receive(c.succession) is None  # kept, changes nothing here
    assert [s.kind for s in own_statements(c.vol)] == ["revoke", "succeed"]
    result = import_card_file(c.b, card_file_bytes(c.vol), verified=True)
    assert result.statements_applied == 1
    [problem] = result.statements_refused
    assert isinstance(problem, SuccessionNeedsConfirmation)
    assert f"amanat card succeed {c.old.fingerprint} {c.new.fingerprint}" in problem.message("en")
    assert successors(c.b.conn, c.old.ed25519_public) == []
    assert CardRegistry(c.b).require(c.old.fingerprint).revoked_effective == SEIZED_TEXT
    KeyStatements(c.b).succeed(c.old.fingerprint, c.new.fingerprint, SEIZED_TEXT)
    assert successors(c.b.conn, c.old.ed25519_public) == [c.new.ed25519_public]


def test_an_unverified_new_card_gets_no_succession_from_its_own_file(
    make_vault: VaultFactory,
) -> None:
    """Whether the card is verified is for the person to decide: imported unverified, its
    file's succession is refused (8.3) and only the revocation applies."""
    from intake.testimonies.ownership import successors

    c = Circle(make_vault)
    KeyStatements(c.vol).receive(c.succession)
    result = import_card_file(c.b, card_file_bytes(c.vol), verified=False)
    assert result.statements_applied == 1
    [problem] = result.statements_refused
    assert isinstance(problem, StatementNotAllowed) and "not verified" in problem.message("en")
    assert successors(c.b.conn, c.old.ed25519_public) == []


def test_a_vault_keeps_no_succession_of_its_old_key_that_the_rules_refuse(
    make_vault: VaultFactory,
) -> None:
    """Signed by an unknown coordinator, by the old key itself, or naming someone else's key:
    refused when received, so it never rides in the card file."""
    c = Circle(make_vault)
    stranger = make_vault("Stranger", "coordinator", folder="stranger")
    base = stmt.Statement(
        kind="succeed",
        subject=c.old.fingerprint,
        subject_key=c.old.ed25519_public,
        effective=SEIZED_TEXT,
        issuer=bytes(32),
        created=SEIZED_TEXT,
        successor=c.new.fingerprint,
    )
    old_seed = c.vol.conn.execute("SELECT signing_seed FROM retired_keys").fetchone()[0]
    cases = [
        (stmt.sign_statement(base, stranger.identity.signing_seed), "verified coordinator"),
        (stmt.sign_statement(base, bytes(old_seed)), "own successor"),
        (
            stmt.sign_statement(
                replace(base, successor=own_card(stranger).fingerprint), c.a.identity.signing_seed
            ),
            "not one of this vault's keys",
        ),
    ]
    for forged, reason in cases:
        with pytest.raises(StatementNotAllowed, match=reason):
            KeyStatements(c.vol).receive(forged)
    assert [s.kind for s in own_statements(c.vol)] == ["revoke"]
