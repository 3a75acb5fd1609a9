"""Key changes without losing the archive (issue 18 item 4; docs/bundle-format.md §8): revocation
with an effective time and a last sequence number, succession that only a coordinator (or the
vault itself) may state, rotation of a vault's own keys. Real vaults on both sides; each hostile
test names the check that stops it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crypto import statement as stmt
from crypto.card import parse_card, serialize_card
from intake.bundles import errors
from intake.bundles import export as export_module
from intake.bundles.export import export_bundle
from intake.bundles.importer import import_bundle
from intake.cards.errors import InvalidStatement, StatementConflict, StatementNotAllowed
from intake.cards.registry import CardRegistry, own_card
from intake.cards.statements import KeyStatements, parse
from intake.testimonies.errors import NotYourTestimony
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from tests.conftest import FAST_KDF, VaultFactory, create_closed_vault
from tests.intake.bundles.cli import amanat, fingerprint_of
from tests.intake.bundles.vaults import add_final, example_content, logical_dump

T0 = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)  # the volunteer's genuine exports
SEIZED = T0 + timedelta(days=10)  # the laptop is taken
SEIZED_TEXT = stmt.time_text(SEIZED)


def _enroll(volunteer: Vault, coordinator: Vault) -> None:
    CardRegistry(volunteer).add(own_card(coordinator), verified=True)
    CardRegistry(coordinator).add(own_card(volunteer), verified=True)


def _bundle(volunteer: Vault, coordinator: Vault, when: datetime, out: Path) -> Path:
    fp = own_card(coordinator).fingerprint
    return export_bundle(volunteer, [fp], out, selection="all-final", clock=lambda: when).path


class Field:
    """A volunteer (whose laptop is seized: the same vault is then the thief's), a coordinator,
    and the volunteer's new vault after the seizure."""

    def __init__(self, make_vault: VaultFactory, tmp_path: Path) -> None:
        self.old = make_vault("Aigul", "volunteer", folder="old")
        self.coord = make_vault("Coordinator", "coordinator", folder="coord")
        self.new = make_vault("Aigul", "volunteer", folder="new")
        _enroll(self.old, self.coord)
        _enroll(self.new, self.coord)
        self.tmp = tmp_path
        self.tid = add_final(self.old)
        first = _bundle(self.old, self.coord, T0, tmp_path / "1.age")
        assert import_bundle(self.coord, first).outcomes == {"new": 1}

    @property
    def old_fp(self) -> str:
        return own_card(self.old).fingerprint

    @property
    def new_fp(self) -> str:
        return own_card(self.new).fingerprint


@pytest.fixture
def field(make_vault: VaultFactory, tmp_path: Path) -> Field:
    return Field(make_vault, tmp_path)


# ---- the statement format --------------------------------------------------------------------


def test_statement_round_trip_and_every_changed_byte_is_refused(field: Field) -> None:
    statement = KeyStatements(field.coord).revoke(field.old_fp, SEIZED_TEXT, 1)
    data = stmt.serialize_statement(statement)
    assert parse(data) == statement
    assert statement.issuer == own_card(field.coord).ed25519_public
    for i in range(0, len(data) - 1, 7):
        changed = bytearray(data)
        changed[i] ^= 0x01
        with pytest.raises(InvalidStatement):
            parse(bytes(changed))


def test_a_succession_without_a_successor_is_refused() -> None:
    statement = stmt.Statement(
        "succeed", "0" * 5 + " 00000" * 6, bytes(32), SEIZED_TEXT, bytes(32), SEIZED_TEXT
    )
    with pytest.raises(stmt.StatementError, match="successor"):
        stmt.sign_statement(statement, bytes(32))


# ---- revocation: from when ---------------------------------------------------------------------


def test_bundles_signed_after_the_seizure_are_refused_and_earlier_ones_kept(field: Field) -> None:
    KeyStatements(field.coord).revoke(field.old_fp, SEIZED_TEXT)
    held = logical_dump(field.coord)["testimony_versions"]
    assert len(held) == 1  # what arrived before the revocation is kept

    add_final(field.old)  # the thief writes a testimony with the seized key
    forged = _bundle(field.old, field.coord, SEIZED + timedelta(hours=1), field.tmp / "f.age")
    before = logical_dump(field.coord)
    with pytest.raises(errors.SenderRevoked):
        import_bundle(field.coord, forged)
    assert logical_dump(field.coord) == before


def test_a_late_genuine_bundle_dated_before_the_seizure_imports_marked(field: Field) -> None:
    KeyStatements(field.coord).revoke(field.old_fp, SEIZED_TEXT)
    add_final(field.old)
    late = _bundle(field.old, field.coord, SEIZED - timedelta(days=1), field.tmp / "late.age")
    report = import_bundle(field.coord, late)
    assert report.sender_status == "revoked later" and report.problem is None
    assert report.outcomes.get("new") == 1


def test_last_sequence_refuses_a_backdated_forgery(field: Field) -> None:
    """The thief dates a bundle before the seizure; its sequence number (2) is above the
    last one the volunteer really sent (1), so the check on ``last_sequence`` refuses it."""
    KeyStatements(field.coord).revoke(field.old_fp, SEIZED_TEXT, last_sequence=1)
    add_final(field.old)
    backdated = _bundle(field.old, field.coord, SEIZED - timedelta(days=2), field.tmp / "b.age")
    with pytest.raises(errors.SenderRevoked):
        import_bundle(field.coord, backdated)


def test_revocations_only_tighten(field: Field) -> None:
    keys = KeyStatements(field.coord)
    keys.revoke(field.old_fp, SEIZED_TEXT, last_sequence=3)
    later = stmt.time_text(SEIZED + timedelta(days=30))
    known = keys.revoke(field.old_fp, later, last_sequence=9)
    stored = CardRegistry(field.coord).require(known.subject)
    assert stored.revoked_effective == SEIZED_TEXT and stored.revoked_last_sequence == 3


# ---- succession: who may state it --------------------------------------------------------------


def test_the_new_key_continues_the_old_testimonies_only_after_a_coordinator_says_so(
    field: Field,
) -> None:
    """The volunteer (from a backup) rotates keys and edits the old testimony. The coordinator
    refuses the new key's version as not-author until it states the succession itself."""
    rotation = KeyStatements(field.old).rotate(SEIZED_TEXT, last_sequence=1)
    new_card = parse_card(rotation.card_bytes)
    store = TestimonyStore(field.old)
    store.edit_final(field.tid)  # allowed locally: this vault made the succession itself
    store.finalize(field.tid)
    CardRegistry(field.coord).add(new_card, verified=True)
    fp = own_card(field.coord).fingerprint

    first = export_bundle(field.old, [fp], field.tmp / "2.age", selection="ids", ids=[field.tid])
    report = import_bundle(field.coord, first.path)
    assert [r.code for r in report.refused] == ["not-author"]

    KeyStatements(field.coord).accept(rotation.revocation)  # the old key revokes itself
    KeyStatements(field.coord).succeed(rotation.revocation.subject, new_card.fingerprint)
    again = export_bundle(field.old, [fp], field.tmp / "3.age", selection="ids", ids=[field.tid])
    report = import_bundle(field.coord, again.path)
    assert report.refused == [] and report.outcomes.get("updated") == 1
    assert len(TestimonyStore(field.coord).versions(field.tid)) == 2


def test_a_stolen_key_cannot_name_its_own_successor(field: Field, make_vault: VaultFactory) -> None:
    """The thief enrolls (or already is) a verified insider key and signs, with the seized
    key, "my successor is the insider". Refused at the issuer check: only a coordinator or this
    vault may state a succession."""
    insider = make_vault("Insider", "volunteer", folder="insider")
    CardRegistry(field.coord).add(own_card(insider), verified=True)
    forged = stmt.sign_statement(
        stmt.Statement(
            kind="succeed",
            subject=field.old_fp,
            subject_key=own_card(field.old).ed25519_public,
            effective=SEIZED_TEXT,
            issuer=bytes(32),
            created=SEIZED_TEXT,
            successor=own_card(insider).fingerprint,
        ),
        field.old.identity.signing_seed,
    )
    before = logical_dump(field.coord)
    with pytest.raises(StatementNotAllowed) as caught:
        KeyStatements(field.coord).accept(parse(stmt.serialize_statement(forged)))
    assert "own successor" in caught.value.message("en")
    assert logical_dump(field.coord) == before
    # and so the insider's version of the volunteer's testimony stays refused
    with pytest.raises(NotYourTestimony):
        _continue_as(insider, field)


def _continue_as(insider: Vault, field: Field) -> None:
    from intake.testimonies.ownership import may_continue, owner_of

    conn = field.coord.conn
    owner = owner_of(conn, field.tid)
    assert owner is not None
    if not may_continue(conn, owner, own_card(insider).ed25519_public):
        raise NotYourTestimony(owner="volunteer")


def test_a_volunteer_key_cannot_state_a_succession(field: Field, make_vault: VaultFactory) -> None:
    """An enrolled, verified volunteer (not a coordinator) signs a succession: refused at the
    issuer check (role)."""
    insider = make_vault("Insider", "volunteer", folder="insider")
    CardRegistry(field.coord).add(own_card(insider), verified=True)
    forged = _succession_signed_by(insider, field)
    with pytest.raises(StatementNotAllowed, match="verified coordinator"):
        KeyStatements(field.coord).accept(forged)


def _succession_signed_by(issuer: Vault, field: Field) -> stmt.Statement:
    return stmt.sign_statement(
        stmt.Statement(
            kind="succeed",
            subject=field.old_fp,
            subject_key=own_card(field.old).ed25519_public,
            effective=SEIZED_TEXT,
            issuer=bytes(32),
            created=SEIZED_TEXT,
            successor=field.new_fp,
        ),
        issuer.identity.signing_seed,
    )


def test_an_unverified_coordinator_cannot_state_a_succession(
    field: Field, make_vault: VaultFactory
) -> None:
    other = make_vault("Other Coordinator", "coordinator", folder="other")
    CardRegistry(field.coord).add(own_card(other), verified=False)
    with pytest.raises(StatementNotAllowed, match="verified coordinator"):
        KeyStatements(field.coord).accept(_succession_signed_by(other, field))


def test_a_verified_coordinators_succession_travels_to_a_second_coordinator(
    field: Field, make_vault: VaultFactory
) -> None:
    second = make_vault("Second Coordinator", "coordinator", folder="second")
    _enroll(field.old, second)
    CardRegistry(second).add(own_card(field.new), verified=True)
    CardRegistry(second).add(own_card(field.coord), verified=True)
    statement = KeyStatements(field.coord).succeed(field.old_fp, field.new_fp, SEIZED_TEXT)
    data = stmt.serialize_statement(statement)
    known = KeyStatements(second).accept(parse(data))
    assert known.revoked and known.revoked_effective == SEIZED_TEXT
    from intake.testimonies.ownership import successors

    old_key = own_card(field.old).ed25519_public
    assert successors(second.conn, old_key) == [own_card(field.new).ed25519_public]


def test_the_successor_must_be_verified_by_a_person_here(
    field: Field, make_vault: VaultFactory
) -> None:
    stranger = make_vault("Stranger", "volunteer", folder="stranger")
    CardRegistry(field.coord).add(own_card(stranger), verified=False)
    with pytest.raises(StatementNotAllowed, match="not verified"):
        KeyStatements(field.coord).succeed(field.old_fp, own_card(stranger).fingerprint)
    assert not CardRegistry(field.coord).require(field.old_fp).revoked  # nothing applied


def test_a_key_has_one_successor(field: Field, make_vault: VaultFactory) -> None:
    keys = KeyStatements(field.coord)
    keys.succeed(field.old_fp, field.new_fp, SEIZED_TEXT)
    third = make_vault("Aigul again", "volunteer", folder="third")
    CardRegistry(field.coord).add(own_card(third), verified=True)
    with pytest.raises(StatementConflict):
        keys.succeed(field.old_fp, own_card(third).fingerprint, SEIZED_TEXT)


def test_a_statement_about_this_vaults_own_key_is_refused(field: Field) -> None:
    """A coordinator's own key is not revoked or handed on by anyone else's statement."""
    forged = replace(
        _succession_signed_by(field.old, field),
        subject=own_card(field.coord).fingerprint,
        subject_key=own_card(field.coord).ed25519_public,
    )
    forged = stmt.sign_statement(replace(forged, kind="revoke", successor=None), bytes(32))
    with pytest.raises(StatementNotAllowed, match="own key"):
        KeyStatements(field.coord).accept(forged)


# ---- the command line ----------------------------------------------------------------------


def test_cli_rotate_succeed_and_statement(tmp_path: Path) -> None:
    vol = create_closed_vault(tmp_path / "vol", "volunteer", "Aigul")
    coord = create_closed_vault(tmp_path / "coord", "coordinator", "Coordinator")
    second = create_closed_vault(tmp_path / "second", "coordinator", "Second")
    for a, b in ((vol, coord), (coord, vol), (second, coord), (second, vol)):
        card = tmp_path / f"{a.name}-{b.name}.card"
        amanat("card", "export", "--vault", b, "-o", card)
        amanat("card", "import", "--vault", a, "--verified", card)
    old_fp = fingerprint_of(tmp_path / "coord-vol.card")

    r = amanat(
        "card", "rotate", "--vault", vol, "--card", tmp_path / "new.card",
        "-o", tmp_path / "self.statement", "--since", SEIZED_TEXT,
    )  # fmt: skip
    assert "amanat card succeed" in r.stdout
    new_fp = fingerprint_of(tmp_path / "new.card")
    assert new_fp != old_fp
    amanat("card", "import", "--vault", coord, "--verified", tmp_path / "new.card")
    amanat("card", "statement", "--vault", coord, tmp_path / "self.statement")
    r = amanat(
        "card", "succeed", "--vault", coord, old_fp, new_fp, "-o", tmp_path / "succ.statement"
    )
    assert "continues the testimonies" in r.stdout

    # the second coordinator accepts the first one's succession once it verified the new card
    r = amanat("card", "statement", "--vault", second, tmp_path / "succ.statement", check=False)
    assert r.returncode == 10 and "not verified" in r.stderr
    amanat("card", "import", "--vault", second, "--verified", tmp_path / "new.card")
    amanat("card", "statement", "--vault", second, tmp_path / "succ.statement")

    # a changed byte: refused, exit 9
    data = bytearray((tmp_path / "succ.statement").read_bytes())
    data[40] ^= 1
    (tmp_path / "bad.statement").write_bytes(bytes(data))
    r = amanat("card", "statement", "--vault", second, tmp_path / "bad.statement", check=False)
    assert r.returncode == 9

    r = amanat("card", "revoke", "--vault", coord, new_fp, "--since", "yesterday", check=False)
    assert r.returncode != 0 and "--since" in r.stderr


def test_rotation_keeps_the_old_testimonies_editable_here(make_vault: VaultFactory) -> None:
    vault = make_vault("Aigul", "volunteer")
    tid = add_final(vault)
    old = own_card(vault)
    rotation = KeyStatements(vault).rotate()
    assert rotation.revocation.self_issued and rotation.revocation.subject == old.fingerprint
    assert own_card(vault).fingerprint != old.fingerprint
    store = TestimonyStore(vault)
    store.edit_final(tid)
    store.update_draft(tid, example_content())
    store.finalize(tid)
    assert store.verify_version(tid, 2) and store.verify_version(tid, 1)
    assert serialize_card(own_card(vault)) == rotation.card_bytes


# ---- statements carried in bundles (§8.5) ------------------------------------------------------


def test_a_rotated_vaults_bundle_carries_the_old_keys_revocation(field: Field) -> None:
    """After ``rotate``, the vault's bundles (signed with the new key) carry the old key's
    revocation of itself: the coordinator learns it without a separate file."""
    rotation = KeyStatements(field.old).rotate(SEIZED_TEXT, last_sequence=1)
    CardRegistry(field.coord).add(parse_card(rotation.card_bytes), verified=True)
    add_final(field.old)
    fp = own_card(field.coord).fingerprint
    result = export_bundle(field.old, [fp], field.tmp / "r.age", clock=lambda: SEIZED)
    report = import_bundle(field.coord, result.path)
    assert report.statements_applied == 1 and report.statements_refused == []
    old = CardRegistry(field.coord).require(rotation.revocation.subject)
    assert old.revoked_effective == SEIZED_TEXT and old.revoked_last_sequence == 1


def test_a_carried_self_succession_is_refused_and_the_bundle_kept(
    field: Field, make_vault: VaultFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A thief with the seized vault slips a succession to an insider's key, signed by the
    seized key, into its bundle. The bundle (dated before the seizure is known) imports; the
    statement is refused at the issuer check and no succession is stored."""
    insider = make_vault("Insider", "volunteer", folder="insider")
    CardRegistry(field.coord).add(own_card(insider), verified=True)
    forged = stmt.sign_statement(
        stmt.Statement(
            kind="succeed",
            subject=field.old_fp,
            subject_key=own_card(field.old).ed25519_public,
            effective=SEIZED_TEXT,
            issuer=bytes(32),
            created=SEIZED_TEXT,
            successor=own_card(insider).fingerprint,
        ),
        field.old.identity.signing_seed,
    )
    # a hostile sender's software puts whatever it wants in its manifest
    monkeypatch.setattr(export_module, "carried_statements", lambda vault, limit: (forged,))
    add_final(field.old)
    bundle = _bundle(field.old, field.coord, T0 + timedelta(days=1), field.tmp / "t.age")
    report = import_bundle(field.coord, bundle)
    assert report.outcomes.get("new") == 1 and report.statements_applied == 0
    [problem] = report.statements_refused
    assert isinstance(problem, StatementNotAllowed) and "own successor" in problem.message("en")
    rows = field.coord.conn.execute("SELECT count(*) FROM key_successions").fetchone()[0]
    assert rows == 0 and not CardRegistry(field.coord).require(field.old_fp).revoked


def test_a_rotated_coordinator_still_opens_bundles_sent_to_its_old_card(field: Field) -> None:
    """Volunteers keep exporting to the coordinator's old card until they have the new one:
    those bundles are addressed to the retired key, and still import."""
    old_coordinator_fp = own_card(field.coord).fingerprint
    rotation = KeyStatements(field.coord).rotate()
    assert own_card(field.coord).fingerprint != old_coordinator_fp
    add_final(field.old)
    result = export_bundle(
        field.old, [old_coordinator_fp], field.tmp / "o.age", clock=lambda: T0 + timedelta(1)
    )
    assert result.post_quantum
    assert import_bundle(field.coord, result.path).outcomes.get("new") == 1
    # the volunteer then accepts the coordinator's own revocation of its old key: no more exports
    KeyStatements(field.old).accept(rotation.revocation)
    with pytest.raises(errors.RecipientNotUsable):
        export_bundle(field.old, [old_coordinator_fp], field.tmp / "x.age")


def test_a_volunteers_revocation_of_a_coordinator_card_stays_home(field: Field) -> None:
    """Only a coordinator's statements (and a rotated key's own revocation) travel in bundles:
    a volunteer who revokes a coordinator card does not send the others a statement they
    would have to refuse."""
    other = Vault.create(field.tmp / "o", "pass phrase x", "coordinator", "O", FAST_KDF)
    try:
        CardRegistry(field.old).add(own_card(other), verified=True)
        KeyStatements(field.old).revoke(own_card(other).fingerprint)
    finally:
        other.close()
    add_final(field.old)
    bundle = _bundle(field.old, field.coord, T0 + timedelta(days=1), field.tmp / "v.age")
    report = import_bundle(field.coord, bundle)
    assert report.statements_applied == 0 and report.statements_refused == []


def test_manifest_statements_are_checked_with_the_manifest(field: Field) -> None:
    """The manifest's optional ``statements``: absent when empty, never an empty list, and a
    statement with a changed byte makes the manifest invalid (the whole bundle)."""
    import io
    import json

    from intake.bundles.manifest import parse_manifest
    from tests.intake.bundles.forge import Keys

    bundle = _bundle(field.old, field.coord, T0 + timedelta(days=1), field.tmp / "m.age")
    from intake.bundles.reader import BundleReader

    keys = Keys.of(field.old, field.coord)
    manifest = (
        BundleReader(
            io.BytesIO(bundle.read_bytes()), keys.coordinator_x25519, keys.coordinator_hybrid
        )
        .read_head()
        .manifest
    )
    assert "statements" not in manifest.to_json()
    statement = KeyStatements(field.coord).revoke(field.old_fp, SEIZED_TEXT)
    carried = replace(manifest, statements=(statement,))
    assert parse_manifest(carried.encode()).statements == (statement,)
    value = json.loads(carried.encode())
    value["statements"] = []
    with pytest.raises(errors.ManifestInvalid):
        parse_manifest(json.dumps(value, sort_keys=True, separators=(",", ":")).encode())
    value = json.loads(carried.encode())
    value["statements"][0]["effective"] = "2025-03-01T00:00:00Z"  # signed over another time
    with pytest.raises(errors.ManifestInvalid):
        parse_manifest(json.dumps(value, sort_keys=True, separators=(",", ":")).encode())


def test_the_hybrid_key_migration_draws_a_random_seed() -> None:
    """Schema 11 on an existing identity row: a 32-byte seed, different for every vault."""
    import sqlite3

    from intake.vault.migrations import m0001_core, m0011_hybrid_identity

    seeds = []
    for _ in range(2):
        conn = sqlite3.connect(":memory:")
        m0001_core.upgrade(conn)
        conn.execute(
            "INSERT INTO identity VALUES (1, 'volunteer', 'A', ?, ?, '2025-03-01T12:00:00Z')",
            (bytes(32), bytes(32)),
        )
        m0011_hybrid_identity.upgrade(conn)
        seeds.append(conn.execute("SELECT hybrid_seed FROM identity").fetchone()[0])
    assert all(len(s) == 32 for s in seeds) and seeds[0] != seeds[1]


def test_a_statement_naming_a_card_with_another_key_is_refused(
    field: Field, make_vault: VaultFactory
) -> None:
    """A coordinator's statement whose fingerprint names the volunteer but whose key is
    another's: refused at the check that the key matches the card, nothing applied."""
    other = make_vault("Other", "volunteer", folder="other2")
    statement = stmt.sign_statement(
        stmt.Statement(
            kind="revoke",
            subject=field.old_fp,
            subject_key=own_card(other).ed25519_public,
            effective=SEIZED_TEXT,
            issuer=bytes(32),
            created=SEIZED_TEXT,
        ),
        field.coord.identity.signing_seed,
    )
    with pytest.raises(InvalidStatement):
        KeyStatements(field.coord).accept(statement)
    assert not CardRegistry(field.coord).require(field.old_fp).revoked
