"""Signed notes and checkpoints (intake/tlog/note.py): the Go reference vector and tampering.

The vector is the one of golang.org/x/mod/sumdb/note's note_test.go (BSD licence, the Go
authors): signer ``PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALV…`` and its note. Ed25519 is
deterministic, so signing the same text with the same seed must give the same bytes: that is
the interoperability proof with the reference implementation.
"""

from __future__ import annotations

import base64

import pytest

from crypto.keys import generate_signing_key, signing_public_key
from intake.tlog import note
from intake.tlog.errors import (
    BadVerifierKey,
    CheckpointMismatch,
    MalformedCheckpoint,
    MalformedNote,
    NoteNotSigned,
    NoteSignatureInvalid,
)

GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
    "gKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
GO_ENOCH = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox3"
    "3WWd1RvMc+QQ=\n"
)


def _go_seed() -> bytes:
    raw = base64.b64decode(GO_SIGNER.split("+", 4)[4])
    assert raw[0] == 1
    return raw[1:]


def test_the_go_reference_vector() -> None:
    verifier = note.parse_verifier_key(GO_VERIFIER)
    seed = _go_seed()
    assert verifier.public == signing_public_key(seed)
    assert verifier.key_id == 0xC74F20A3 == note.key_id("PeterNeumann", verifier.public)
    assert verifier.text() == GO_VERIFIER
    assert note.sign_note(GO_TEXT, "PeterNeumann", seed) == GO_NOTE
    assert note.open_note(GO_NOTE, verifier) == GO_TEXT
    # a second signature by an unknown key is ignored, as signed-note requires
    assert note.open_note(GO_NOTE + GO_ENOCH, verifier) == GO_TEXT


def test_a_verifier_key_with_a_wrong_id_or_shape_is_refused() -> None:
    for bad in (
        GO_VERIFIER.replace("c74f20a3", "c74f20a4"),
        GO_VERIFIER.replace("PeterNeumann", "PeterNeuman"),
        GO_VERIFIER.replace("+ARpc", "+AhpC"),
        GO_VERIFIER[:-4],
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ):
        with pytest.raises(BadVerifierKey):
            note.parse_verifier_key(bad)


def test_a_changed_note_is_refused() -> None:
    verifier = note.parse_verifier_key(GO_VERIFIER)
    with pytest.raises(NoteSignatureInvalid):
        note.open_note(GO_NOTE.replace("problem,", "problem;"), verifier)
    with pytest.raises(NoteSignatureInvalid):  # a signature byte changed (key ID kept)
        note.open_note(GO_NOTE.replace("x08go/ZJ", "x08go/ZK"), verifier)
    with pytest.raises(NoteNotSigned):
        note.open_note(GO_TEXT + "\n" + GO_ENOCH, verifier)
    for bad in (
        GO_TEXT,
        GO_TEXT + "\n",
        GO_NOTE[:-1],
        "\x01" + GO_NOTE,
        GO_NOTE.replace("— PeterNeumann", "— Peter Neumann"),
        GO_NOTE + "Unexpected line.\n",
        GO_NOTE.replace("x08go", "x08go!"),
    ):
        with pytest.raises(MalformedNote):
            note.open_note(bad, verifier)


def _log() -> tuple[bytes, note.Verifier, note.Checkpoint]:
    seed = generate_signing_key()
    verifier = note.verifier_for("example.org/log", signing_public_key(seed))
    return seed, verifier, note.Checkpoint("example.org/log", 20852163, bytes(range(32)))


def test_checkpoint_round_trip_and_format() -> None:
    seed, verifier, checkpoint = _log()
    signed = note.sign_checkpoint(checkpoint, seed)
    lines = signed.split("\n")
    assert lines[:4] == [
        "example.org/log",
        "20852163",
        base64.b64encode(bytes(range(32))).decode(),
        "",
    ]
    assert lines[4].startswith("— example.org/log ")
    assert note.open_checkpoint(signed, verifier) == checkpoint


def test_a_changed_checkpoint_is_refused() -> None:
    seed, verifier, checkpoint = _log()
    signed = note.sign_checkpoint(checkpoint, seed)
    with pytest.raises(NoteSignatureInvalid):  # tree size
        note.open_checkpoint(signed.replace("\n20852163\n", "\n20852164\n"), verifier)
    root_b64 = base64.b64encode(bytes(range(32))).decode()
    other = base64.b64encode(bytes(range(1, 33))).decode()
    with pytest.raises(NoteSignatureInvalid):  # root hash
        note.open_checkpoint(signed.replace(root_b64, other), verifier)
    other_seed = generate_signing_key()
    forged = note.sign_checkpoint(checkpoint, other_seed)
    blob = base64.b64decode(forged.rsplit(" ", 1)[1])[4:]
    fake = base64.b64encode(verifier.key_id.to_bytes(4, "big") + blob).decode()
    with pytest.raises(NoteSignatureInvalid):  # signed by another key under the same name/ID
        note.open_checkpoint(checkpoint.text() + "\n— example.org/log " + fake + "\n", verifier)
    with pytest.raises(NoteNotSigned):
        note.open_note(note.sign_checkpoint(checkpoint, other_seed), verifier)
    wrong = note.Checkpoint("example.org/other", 1, bytes(32))
    with pytest.raises(CheckpointMismatch):  # right key, another origin
        note.open_checkpoint(note.sign_note(wrong.text(), "example.org/log", seed), verifier)
    for text in (
        "example.org/log\n01\n" + root_b64 + "\n",
        "example.org/log\n1\nAAAA\n",
        "example.org/log\n1\n" + root_b64 + "\nextension\n",
    ):
        with pytest.raises(MalformedCheckpoint):
            note.open_checkpoint(note.sign_note(text, "example.org/log", seed), verifier)


def test_a_verifier_key_whose_base64_holds_a_plus_round_trips() -> None:
    public = bytes([0xFB] * 32)  # base64(0x01 || 0xfb…) is full of "+"
    verifier = note.verifier_for("example.org/log", public)
    assert "+" in verifier.text().split("+", 2)[2]
    assert note.parse_verifier_key(verifier.text()) == verifier
