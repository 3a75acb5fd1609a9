"""Checking a proof without the vault: what a third party runs on ``amanat log prove --json``.

Inputs are the proof's JSON object (docs/transparency-log.md §6) and the log's verifier key,
obtained separately (published by the coordinator). The checkpoint's signature is checked
first, then the leaf is recomputed from the version hash and the author key, then the
inclusion proof is walked to the checkpoint's root. Every refusal is a typed error.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intake.tlog import merkle
from intake.tlog.errors import MalformedCheckpoint, ProofRefused
from intake.tlog.log import leaf_data
from intake.tlog.note import Checkpoint, Verifier, open_checkpoint

_HEX64 = re.compile(r"[0-9a-f]{64}")
MAX_PROOF = 64  # a tree of 2^64 leaves needs no more


@dataclass(frozen=True)
class CheckedInclusion:
    """What the proof shows. The JSON's testimony id and version number are not here: the leaf
    does not hold them; the version hash binds them, for whoever holds the signed record."""

    version_hash: str
    author: str
    index: int
    checkpoint: Checkpoint


def check_inclusion(proof: Mapping[str, Any], verifier: Verifier) -> CheckedInclusion:
    """The checked claim of ``proof``: this version (hash, author) is leaf ``index`` of the log
    at the checkpoint's size. MalformedCheckpoint/NoteSignatureInvalid/NoteNotSigned for the
    checkpoint, ProofRefused for anything else that does not hold."""
    note = proof.get("checkpoint")
    if not isinstance(note, str):
        raise MalformedCheckpoint
    checkpoint = open_checkpoint(note, verifier)
    version_hash, author = proof.get("version_hash"), proof.get("author")
    index, size = proof.get("leaf_index"), proof.get("tree_size")
    path = proof.get("inclusion_proof")
    if not (
        isinstance(version_hash, str)
        and _HEX64.fullmatch(version_hash)
        and isinstance(author, str)
        and _HEX64.fullmatch(author)
        and isinstance(index, int)
        and isinstance(size, int)
        and isinstance(path, list)
        and len(path) <= MAX_PROOF
        and all(isinstance(p, str) for p in path)
    ):
        raise ProofRefused
    if size != checkpoint.size:
        raise ProofRefused
    try:
        hashes = [base64.b64decode(p, validate=True) for p in path]
    except (binascii.Error, ValueError):
        raise ProofRefused from None
    leaf = merkle.leaf_hash(leaf_data(version_hash, bytes.fromhex(author)))
    if not merkle.verify_inclusion(index, size, leaf, hashes, checkpoint.root):
        raise ProofRefused
    return CheckedInclusion(version_hash, author, index, checkpoint)
