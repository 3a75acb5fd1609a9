"""Checking a proof without the vault (intake/tlog/proofs.py, ``amanat log check``): a genuine
proof passes; a changed leaf, proof, tree size, root or signature is refused with its error."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from intake.tlog.errors import (
    MalformedCheckpoint,
    NoteNotSigned,
    NoteSignatureInvalid,
    ProofRefused,
)
from intake.tlog.log import TransparencyLog
from intake.tlog.note import Verifier, verifier_for
from intake.tlog.proofs import check_inclusion
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.coordinator_fixtures import finalized, victim_testimony
from tests.intake.test_cli_vault import amanat


def _proof(vault: Vault, count: int = 7, which: int = 4) -> tuple[dict[str, Any], Verifier]:
    ids = finalized(
        vault, *[victim_testimony({"latin": f"Person {i}"}, publish=False) for i in range(count)]
    )
    log = TransparencyLog(vault)
    p = log.prove(ids[which])
    data = {
        "testimony_id": p.testimony_id,
        "version": p.version,
        "version_hash": p.version_hash,
        "author": p.author.hex(),
        "leaf_index": p.index,
        "tree_size": p.size,
        "leaf_hash": base64.b64encode(p.leaf_hash).decode(),
        "inclusion_proof": [base64.b64encode(h).decode() for h in p.proof],
        "checkpoint": p.checkpoint,
    }
    return data, log.verifier()


def _flip_hex(text: str) -> str:
    return ("1" if text[0] == "0" else "0") + text[1:]


def test_a_genuine_proof_passes(vault: Vault) -> None:
    data, verifier = _proof(vault)
    checked = check_inclusion(data, verifier)
    assert (checked.index, checked.checkpoint.size) == (4, 7)
    assert checked.version_hash == data["version_hash"]


def test_a_changed_leaf_or_proof_is_refused(vault: Vault) -> None:
    data, verifier = _proof(vault)
    bent_proof = list(data["inclusion_proof"])
    first = base64.b64decode(bent_proof[0])
    bent_proof[0] = base64.b64encode(bytes([first[0] ^ 1]) + first[1:]).decode()
    for change in (
        {"version_hash": _flip_hex(data["version_hash"])},
        {"author": _flip_hex(data["author"])},
        {"leaf_index": 3},
        {"tree_size": 8},
        {"inclusion_proof": bent_proof},
        {"inclusion_proof": data["inclusion_proof"][:-1]},
        {"inclusion_proof": ["not base64!"]},
        {"leaf_index": "4"},
    ):
        with pytest.raises(ProofRefused):
            check_inclusion({**data, **change}, verifier)


def test_a_changed_checkpoint_is_refused(vault: Vault, make_vault: Any) -> None:
    data, verifier = _proof(vault)
    note = data["checkpoint"]
    _origin, size, root = note.split("\n")[:3]
    other_root = base64.b64encode(bytes(32)).decode()
    with pytest.raises(NoteSignatureInvalid):
        check_inclusion({**data, "checkpoint": note.replace(f"\n{size}\n", "\n8\n")}, verifier)
    with pytest.raises(NoteSignatureInvalid):
        check_inclusion({**data, "checkpoint": note.replace(root, other_root)}, verifier)
    signature = note.rsplit(" ", 1)[1].strip()
    bent = base64.b64decode(signature)
    bent = bent[:10] + bytes([bent[10] ^ 1]) + bent[11:]  # past the 4-byte key ID
    forged = note.replace(signature, base64.b64encode(bent).decode())
    with pytest.raises(NoteSignatureInvalid):
        check_inclusion({**data, "checkpoint": forged}, verifier)
    with pytest.raises(MalformedCheckpoint):
        check_inclusion({**data, "checkpoint": None}, verifier)
    other_data, other_verifier = _proof(make_vault("Other", role="coordinator"), 2, 1)
    with pytest.raises(NoteNotSigned):  # a checkpoint of another log
        check_inclusion(data, other_verifier)
    impostor = verifier_for(verifier.name, other_verifier.public)  # same name, other key
    with pytest.raises(NoteNotSigned):  # the key ID differs: not the pinned key's signature
        check_inclusion(data, impostor)
    assert other_data["tree_size"] == 2


def test_cli_log_check(tmp_path: Path) -> None:
    folder = tmp_path / "coordinator"
    with Vault.create(folder, PASSPHRASE, "coordinator", "Coordinator", FAST_KDF) as vault:
        data, verifier = _proof(vault, 3, 2)
    good = tmp_path / "proof.json"
    good.write_text(json.dumps(data), encoding="utf-8")
    r = amanat("log", "check", str(good), "--key", verifier.text(), passphrase=None)
    assert r.returncode == 0, r.stderr
    assert data["version_hash"] in r.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**data, "leaf_index": 1}), encoding="utf-8")
    r = amanat("log", "check", str(bad), "--key", verifier.text(), passphrase=None)
    assert r.returncode == 9 and "Traceback" not in r.stderr
    r = amanat("log", "check", str(good), "--key", "nonsense", passphrase=None)
    assert r.returncode == 8
    r = amanat("log", "check", str(tmp_path / "missing.json"), "--key", verifier.text())
    assert r.returncode == 8
