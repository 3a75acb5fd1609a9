"""The transparency log stored in a vault: hooks on finalize and import, backfill, proofs,
the full check, tampering, and the ``amanat log`` commands (real vaults, real bundles)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from intake.bundles.importer import import_bundle
from intake.testimonies import store as store_module
from intake.testimonies.store import TestimonyStore
from intake.tlog import merkle
from intake.tlog.errors import BadTreeSize, LogDamaged, NotInLog
from intake.tlog.log import TransparencyLog
from intake.tlog.note import open_checkpoint, parse_verifier_key
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE, VaultFactory
from tests.intake.coordinator_fixtures import finalized, send, victim_testimony
from tests.intake.test_cli_vault import amanat


def _content(i: int) -> dict[str, object]:
    return victim_testimony({"latin": f"Test Person {i}"}, publish=False)


def _leaf(version_hash: str, author: bytes) -> bytes:
    """The leaf hash, written from docs/transparency-log.md §1-§2 (not the production code)."""
    data = b"amanat tlog leaf v1\n" + bytes.fromhex(version_hash) + author
    assert len(data) == 84
    return hashlib.sha256(b"\x00" + data).digest()


def _final_rows(vault: Vault) -> list[tuple[str, bytes]]:
    rows = vault.conn.execute(
        "SELECT hash, author FROM testimony_versions WHERE status = 'final'"
        " ORDER BY finalized, testimony_id, version_no"
    ).fetchall()
    return [(str(r[0]), bytes(r[1])) for r in rows]


def test_finalize_logs_the_version_and_it_can_be_proven(vault: Vault) -> None:
    ids = finalized(vault, _content(1), _content(2), _content(3))
    log = TransparencyLog(vault)
    assert log.size() == 3
    verifier = log.verifier()
    checkpoint = open_checkpoint(log.checkpoint(), verifier)
    assert checkpoint.size == 3
    for tid in ids:
        proof = log.prove(tid)
        assert proof.leaf_hash == _leaf(proof.version_hash, proof.author)
        assert merkle.verify_inclusion(
            proof.index, proof.size, proof.leaf_hash, proof.proof, checkpoint.root
        )
        assert open_checkpoint(proof.checkpoint, verifier) == checkpoint
    assert log.verify() == 3


def test_import_logs_exactly_the_new_versions(make_vault: VaultFactory, tmp_path: Path) -> None:
    volunteer = make_vault("Volunteer")
    coordinator = make_vault("Coordinator", role="coordinator")
    ids = finalized(volunteer, _content(1), _content(2))
    first = send(volunteer, coordinator, tmp_path / "out1")
    import_bundle(coordinator, first)
    log = TransparencyLog(coordinator)
    assert log.size() == 2
    import_bundle(coordinator, first)  # the same bundle again: nothing new
    assert log.size() == 2
    store = TestimonyStore(volunteer)
    store.edit_final(ids[0])
    store.finalize(ids[0])
    import_bundle(coordinator, send(volunteer, coordinator, tmp_path / "out2"))
    assert log.size() == 3
    assert log.prove(ids[0]).version == 2
    assert log.prove(ids[0], 1).version == 1
    logged = [bytes(r[0]) for r in coordinator.conn.execute("SELECT leaf_hash FROM tlog_leaves")]
    assert sorted(logged) == sorted(_leaf(h, a) for h, a in _final_rows(coordinator))
    assert log.verify() == 3


def test_versions_from_before_the_log_are_backfilled_in_order(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "record_version", lambda *_args: None)
    finalized(vault, _content(1), _content(2), _content(3), _content(4))
    monkeypatch.undo()
    assert vault.conn.execute("SELECT count(*) FROM tlog_leaves").fetchone()[0] == 0
    log = TransparencyLog(vault)
    assert log.size() == 4
    logged = [
        bytes(r[0]) for r in vault.conn.execute("SELECT leaf_hash FROM tlog_leaves ORDER BY idx")
    ]
    assert logged == [_leaf(h, a) for h, a in _final_rows(vault)]
    assert log.size() == 4  # once
    assert log.verify() == 4


def test_consistency_between_checkpoints(vault: Vault) -> None:
    log = TransparencyLog(vault)
    finalized(vault, _content(1), _content(2), _content(3))
    old = open_checkpoint(log.checkpoint(), log.verifier())
    finalized(vault, _content(4), _content(5))
    new = open_checkpoint(log.checkpoint(), log.verifier())
    proof = log.consistency(old.size, new.size)
    assert (proof.old_root, proof.new_root) == (old.root, new.root)
    assert merkle.verify_consistency(3, 5, old.root, new.root, proof.proof)
    assert proof.checkpoint is not None
    with pytest.raises(BadTreeSize):
        log.consistency(3, 6)
    with pytest.raises(BadTreeSize):
        log.consistency(4, 3)


def test_a_draft_or_unknown_testimony_has_no_proof(vault: Vault) -> None:
    store = TestimonyStore(vault)
    draft = store.create_draft(_content(1))
    log = TransparencyLog(vault)
    with pytest.raises(NotInLog):
        log.prove(draft)
    (tid,) = finalized(vault, _content(2))
    with pytest.raises(NotInLog):
        log.prove(tid, 2)


def test_the_leaves_cannot_be_changed_or_removed(vault: Vault) -> None:
    finalized(vault, _content(1))
    TransparencyLog(vault).size()
    for statement in ("UPDATE tlog_leaves SET added = 'x'", "DELETE FROM tlog_leaves"):
        with pytest.raises(Exception, match="append-only"):
            vault.conn.execute(statement)


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE tlog_nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 0",
        "DELETE FROM tlog_nodes WHERE level = 2",
        "UPDATE tlog_checkpoints SET note = replace(note, char(10) || '4' || char(10),"
        " char(10) || '5' || char(10))",
        "UPDATE tlog_checkpoints SET root = zeroblob(32)",
        "DROP TRIGGER tlog_leaves_no_update; UPDATE tlog_leaves SET author = zeroblob(32)"
        " WHERE idx = 2",
    ],
)
def test_verify_finds_damage(vault: Vault, damage: str) -> None:
    finalized(vault, _content(1), _content(2), _content(3), _content(4))
    log = TransparencyLog(vault)
    log.checkpoint()
    assert log.verify() == 4
    with vault.transaction() as conn:
        for statement in damage.split("; "):
            conn.execute(statement)
    with pytest.raises(LogDamaged):
        log.verify()


def test_cli_log_commands(tmp_path: Path) -> None:
    folder = tmp_path / "coordinator"
    vault = Vault.create(folder, PASSPHRASE, "coordinator", "Coordinator", FAST_KDF)
    try:
        ids = finalized(vault, _content(1), _content(2), _content(3))
    finally:
        vault.close()
    where = ["--vault", str(folder)]
    key = amanat("log", "key", *where)
    assert key.returncode == 0, key.stderr
    verifier = parse_verifier_key(key.stdout.strip())
    checkpoint_run = amanat("log", "checkpoint", *where)
    assert checkpoint_run.returncode == 0, checkpoint_run.stderr
    checkpoint = open_checkpoint(checkpoint_run.stdout, verifier)
    assert checkpoint.size == 3
    proved = amanat("log", "prove", f"{ids[1]}@1", "--json", *where)
    assert proved.returncode == 0, proved.stderr
    data = json.loads(proved.stdout)
    leaf = base64.b64decode(data["leaf_hash"])
    assert leaf == _leaf(data["version_hash"], bytes.fromhex(data["author"]))
    path = [base64.b64decode(h) for h in data["inclusion_proof"]]
    assert merkle.verify_inclusion(data["leaf_index"], 3, leaf, path, checkpoint.root)
    assert data["checkpoint"] == checkpoint_run.stdout
    text = amanat("log", "prove", ids[0], *where)
    assert text.returncode == 0 and checkpoint_run.stdout in text.stdout
    consistency = amanat("log", "consistency", "1", "3", "--json", *where)
    assert consistency.returncode == 0, consistency.stderr
    c = json.loads(consistency.stdout)
    assert merkle.verify_consistency(
        1,
        3,
        base64.b64decode(c["old_root"]),
        checkpoint.root,
        [base64.b64decode(h) for h in c["consistency_proof"]],
    )
    verified = amanat("log", "verify", *where)
    assert verified.returncode == 0 and "3" in verified.stdout
    assert amanat("log", "prove", "no-such-id", *where).returncode == 8
    assert amanat("log", "prove", f"{ids[0]}@x", *where).returncode == 2
    assert amanat("log", "consistency", "2", "9", *where).returncode == 8


def test_a_rescued_vault_keeps_its_log_and_key(tmp_path: Path) -> None:
    from intake.vault.rescue import rescue_vault

    folder = tmp_path / "v"
    with Vault.create(folder, PASSPHRASE, "coordinator", "Coordinator", FAST_KDF) as vault:
        finalized(vault, _content(1), _content(2), _content(3))
        log = TransparencyLog(vault)
        before = log.checkpoint()
        key = log.verifier()
    report = rescue_vault(folder, tmp_path / "rescued", PASSPHRASE)
    assert report.complete and not report.lost_rows
    with Vault.open(tmp_path / "rescued", PASSPHRASE) as rescued:
        log = TransparencyLog(rescued)
        assert log.verifier() == key
        assert log.checkpoint() == before
        finalized(rescued, _content(4))
        assert log.verify() == 4
        after = open_checkpoint(log.checkpoint(), key)
        old = open_checkpoint(before, key)
        proof = log.consistency(3, 4)
        assert merkle.verify_consistency(3, 4, old.root, after.root, proof.proof)


def test_no_checkpoint_is_signed_over_a_changed_history(vault: Vault) -> None:
    finalized(vault, _content(1), _content(2), _content(3))
    log = TransparencyLog(vault)
    log.checkpoint()
    with vault.transaction() as conn:  # a leaf of the signed tree is changed behind the log
        conn.execute("DROP TRIGGER tlog_leaves_no_update")
        conn.execute("UPDATE tlog_leaves SET leaf_hash = zeroblob(32) WHERE idx = 2")
    finalized(vault, _content(4))
    with pytest.raises(LogDamaged):
        log.checkpoint()
    assert vault.conn.execute("SELECT count(*) FROM tlog_checkpoints").fetchone()[0] == 1


def test_a_read_only_vault_proves_what_was_signed_and_refuses_the_rest(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``read_only`` is what a vault on a write-protected medium gets (test_read_only_vault.py
    mounts one); here it is set on a writable vault so that any write would be seen."""
    from intake.vault.errors import VaultReadOnly

    ids = finalized(vault, _content(1), _content(2))
    log = TransparencyLog(vault)
    monkeypatch.setattr(vault, "read_only", True)
    with pytest.raises(VaultReadOnly):
        log.checkpoint()  # nothing signed yet: signing would write
    monkeypatch.setattr(vault, "read_only", False)
    signed = log.checkpoint()
    finalized(vault, _content(3))
    log.checkpoint()
    rows = vault.conn.execute("SELECT count(*) FROM tlog_checkpoints").fetchone()[0]
    monkeypatch.setattr(vault, "read_only", True)
    assert log.prove(ids[0]).size == 3
    assert log.verify() == 3
    assert merkle.verify_consistency(
        2,
        3,
        open_checkpoint(signed, log.verifier()).root,
        root_of_log(log),
        log.consistency(2, 3).proof,
    )
    assert vault.conn.execute("SELECT count(*) FROM tlog_checkpoints").fetchone()[0] == rows


def root_of_log(log: TransparencyLog) -> bytes:
    return open_checkpoint(log.checkpoint(), log.verifier()).root
