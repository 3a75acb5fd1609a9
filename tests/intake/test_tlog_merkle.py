"""The Merkle proofs of intake/tlog/merkle.py against an independent RFC 6962 §2.1 model.

The model below is written from the RFC's recursive definitions (MTH, PATH, PROOF/SUBPROOF)
and imports nothing from the production code; every tree size 1..64 and every index and
pair of sizes is checked, and tampered proofs are refused.
"""

from __future__ import annotations

import hashlib

import pytest

from intake.tlog import merkle

# ---- the independent model (RFC 6962 §2.1, literally) -------------------------------------


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    if not d:
        return _h(b"")
    if len(d) == 1:
        return _h(b"\x00" + d[0])
    k = _k(len(d))
    return _h(b"\x01" + mth(d[:k]) + mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def proof(m: int, d: list[bytes]) -> list[bytes]:
    return subproof(m, d, True)


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = _k(n)
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


DATA = [f"leaf {i}".encode() for i in range(64)]
LEAVES = [merkle.leaf_hash(x) for x in DATA]


# ---- the tests --------------------------------------------------------------------------


def test_hashes_use_the_rfc_prefixes() -> None:
    assert merkle.leaf_hash(b"x") == _h(b"\x00x")
    assert merkle.node_hash(b"a" * 32, b"b" * 32) == _h(b"\x01" + b"a" * 32 + b"b" * 32)
    assert merkle.root_of([]) == _h(b"")


@pytest.mark.parametrize("n", range(1, 65))
def test_roots_and_inclusion_proofs_match_the_rfc(n: int) -> None:
    d = DATA[:n]
    root = mth(d)
    assert merkle.root_of(LEAVES[:n]) == root
    subtree = merkle.subtree_of(LEAVES[:n])
    for m in range(n):
        got = merkle.inclusion_proof(m, n, subtree)
        assert got == path(m, d)
        assert merkle.verify_inclusion(m, n, LEAVES[m], got, root)


@pytest.mark.parametrize("n", range(1, 65))
def test_consistency_proofs_match_the_rfc(n: int) -> None:
    subtree = merkle.subtree_of(LEAVES[:n])
    new_root = mth(DATA[:n])
    for m in range(1, n + 1):
        got = merkle.consistency_proof(m, n, subtree)
        assert got == (proof(m, DATA[:n]) if m < n else [])
        assert merkle.verify_consistency(m, n, mth(DATA[:m]), new_root, got)


def test_a_changed_leaf_or_proof_or_root_is_refused() -> None:
    n = 37
    subtree = merkle.subtree_of(LEAVES[:n])
    root = mth(DATA[:n])
    for m in range(n):
        good = merkle.inclusion_proof(m, n, subtree)
        assert not merkle.verify_inclusion(m, n, merkle.leaf_hash(b"forged"), good, root)
        assert not merkle.verify_inclusion(m, n, LEAVES[m], good, _h(b"other root"))
        assert not merkle.verify_inclusion(m, n, LEAVES[m], [*good, good[0]], root)
        assert not merkle.verify_inclusion(m, n, LEAVES[m], good[:-1], root)
        for i in range(len(good)):
            bent = list(good)
            bent[i] = bytes([bent[i][0] ^ 1]) + bent[i][1:]
            assert not merkle.verify_inclusion(m, n, LEAVES[m], bent, root)
    assert not merkle.verify_inclusion(n, n, LEAVES[0], [], root)


def test_a_changed_consistency_proof_is_refused() -> None:
    n = 45
    subtree = merkle.subtree_of(LEAVES[:n])
    new_root = mth(DATA[:n])
    for m in range(1, n):
        good = merkle.consistency_proof(m, n, subtree)
        old_root = mth(DATA[:m])
        assert not merkle.verify_consistency(m, n, _h(b"x"), new_root, good)
        assert not merkle.verify_consistency(m, n, old_root, _h(b"x"), good)
        assert not merkle.verify_consistency(m, n, old_root, new_root, [])
        assert not merkle.verify_consistency(m, n, old_root, new_root, good[:-1])
        assert not merkle.verify_consistency(m, n, old_root, new_root, [*good, good[0]])
        # a rewritten history: a new tree whose first m leaves are not the old tree's
        forged = [*LEAVES[: m - 1], merkle.leaf_hash(b"rewritten"), *LEAVES[m:n]]
        forged_proof = merkle.consistency_proof(m, n, merkle.subtree_of(forged))
        forged_root = merkle.root_of(forged)
        assert merkle.verify_consistency(
            m, n, merkle.root_of(forged[:m]), forged_root, forged_proof
        )
        assert not merkle.verify_consistency(m, n, old_root, forged_root, forged_proof)
        for i in range(len(good)):
            bent = list(good)
            bent[i] = bytes([bent[i][0] ^ 1]) + bent[i][1:]
            assert not merkle.verify_consistency(m, n, old_root, new_root, bent)


def test_equal_and_empty_sizes() -> None:
    root = mth(DATA[:5])
    assert merkle.verify_consistency(5, 5, root, root, [])
    assert not merkle.verify_consistency(5, 5, root, _h(b"x"), [])
    assert merkle.verify_consistency(0, 5, _h(b""), root, [])
    assert not merkle.verify_consistency(6, 5, root, root, [])
    with pytest.raises(ValueError, match="outside"):
        merkle.inclusion_proof(5, 5, merkle.subtree_of(LEAVES[:5]))


def test_a_proof_for_a_smaller_tree_is_refused_under_a_larger_size() -> None:
    # the RFC's final "sn == 0" checks: without them these short proofs would pass
    root2, root4 = mth(DATA[:2]), mth(DATA[:4])
    assert not merkle.verify_inclusion(0, 3, LEAVES[0], path(0, DATA[:2]), root2)
    assert not merkle.verify_consistency(2, 5, root2, root4, proof(2, DATA[:4]))
    for n in range(2, 33):
        for m in range(n):
            assert not merkle.verify_inclusion(
                m, 2 * n, LEAVES[m], path(m, DATA[:n]), mth(DATA[:n])
            )


def test_the_known_answer_vector() -> None:
    """tests/vectors/tlog/log-v1.json pins the leaf bytes, the tree, the checkpoint note and
    both proofs. Leaves and root are recomputed here from the spec and the RFC model above;
    the note is re-signed by the production code (Ed25519 is deterministic) and checked."""
    import base64
    import json
    from pathlib import Path

    from crypto.keys import signing_public_key
    from intake.tlog.log import origin_for
    from intake.tlog.note import Checkpoint, open_checkpoint, parse_verifier_key, sign_checkpoint

    vector_file = Path(__file__).resolve().parents[1] / "vectors" / "tlog" / "log-v1.json"
    vector = json.loads(vector_file.read_text(encoding="utf-8"))
    data = [
        b"amanat tlog leaf v1\n" + bytes.fromhex(e["version_hash"]) + bytes.fromhex(e["author"])
        for e in vector["entries"]
    ]
    for e, d in zip(vector["entries"], data, strict=True):
        assert base64.b64decode(e["leaf_hash"]) == _h(b"\x00" + d)
    root = base64.b64decode(vector["root"])
    assert root == mth(data)
    inclusion = vector["inclusion"]
    m, n = inclusion["leaf_index"], inclusion["tree_size"]
    assert [base64.b64decode(h) for h in inclusion["proof"]] == path(m, data[:n])
    consistency = vector["consistency"]
    old = consistency["old_size"]
    assert base64.b64decode(consistency["old_root"]) == mth(data[:old])
    assert [base64.b64decode(h) for h in consistency["proof"]] == proof(old, data)
    seed = bytes.fromhex(vector["log_seed_hex"])
    verifier = parse_verifier_key(vector["verifier_key"])
    assert verifier.public == signing_public_key(seed)
    assert verifier.name == origin_for(verifier.public)
    assert sign_checkpoint(Checkpoint(verifier.name, len(data), root), seed) == vector["checkpoint"]
    assert open_checkpoint(vector["checkpoint"], verifier) == Checkpoint(verifier.name, 7, root)


def test_the_c2sp_example_checkpoint_text_parses() -> None:
    from intake.tlog.note import parse_checkpoint_text

    text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    checkpoint = parse_checkpoint_text(text)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert checkpoint.text() == text
