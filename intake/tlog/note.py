"""C2SP signed notes with Ed25519 (type 0x01) and C2SP tlog checkpoints.

A note is ``text`` (ending in a newline), an empty line, and signature lines
``— <key name> <base64(key ID || signature)>``. The key ID is the first four bytes of
SHA-256(name || 0x0A || 0x01 || public key); a verifier key is written
``<name>+<key ID hex>+<base64(0x01 || public key)>`` (golang.org/x/mod/sumdb/note). Signatures by
keys other than the pinned one are ignored, as signed-note requires (they may be cosignatures).
See docs/transparency-log.md §3.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from crypto.keys import signing_public_key
from crypto.signing import KEY_SIZE, SIGNATURE_SIZE, sign, verify
from intake.tlog.errors import (
    BadVerifierKey,
    CheckpointMismatch,
    MalformedCheckpoint,
    MalformedNote,
    NoteNotSigned,
    NoteSignatureInvalid,
)
from intake.tlog.merkle import HASH_SIZE

ED25519 = b"\x01"  # signed-note signature type of plain Ed25519
DASH = "\u2014 "  # em dash and space open every signature line
MAX_SIGNATURES = 100  # signed-note: accept at least 16; the Go reference stops at 100
MAX_NOTE = 64 * 1024  # a checkpoint is ~150 bytes; this leaves room for many cosignatures
_NAME = re.compile(r"[^\s+]+")
_SIZE = re.compile(r"0|[1-9][0-9]{0,18}")  # decimal, no leading zeros, fits in 64 bits


@dataclass(frozen=True)
class Verifier:
    """A pinned Ed25519 note key: name, key ID and 32-byte public key."""

    name: str
    key_id: int
    public: bytes

    def text(self) -> str:
        """``name+keyid+base64(0x01 || public)``."""
        encoded = base64.b64encode(ED25519 + self.public).decode("ascii")
        return f"{self.name}+{self.key_id:08x}+{encoded}"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        """The note text: origin, size and base64 root, each ending in a newline."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode('ascii')}\n"


def key_id(name: str, public: bytes) -> int:
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519 + public).digest()
    return int.from_bytes(digest[:4], "big")


def verifier_for(name: str, public: bytes) -> Verifier:
    if not _NAME.fullmatch(name) or len(public) != KEY_SIZE:
        raise BadVerifierKey
    return Verifier(name, key_id(name, public), public)


def parse_verifier_key(text: str) -> Verifier:
    """Read ``name+keyid+base64``; the key ID must be the one the name and key give."""
    parts = text.strip().split("+", 2)  # the base64 key may hold "+"; a name never does
    if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise BadVerifierKey
    name, hex_id, encoded = parts
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise BadVerifierKey from None
    if len(raw) != 1 + KEY_SIZE or raw[:1] != ED25519:
        raise BadVerifierKey
    verifier = verifier_for(name, raw[1:])
    if verifier.key_id != int(hex_id, 16):
        raise BadVerifierKey
    return verifier


def sign_note(text: str, name: str, seed: bytes) -> str:
    """The signed note of ``text`` by the Ed25519 key ``seed`` under ``name``."""
    _check_text(text)
    if text.startswith("\n") or "\n\n" in text:
        raise MalformedNote  # we sign no empty line, so where the text ends is never in doubt
    verifier = verifier_for(name, signing_public_key(seed))
    signature = sign(seed, text.encode("utf-8"))
    blob = verifier.key_id.to_bytes(4, "big") + signature
    return f"{text}\n{DASH}{name} {base64.b64encode(blob).decode('ascii')}\n"


def open_note(note: str, verifier: Verifier) -> str:
    """The text of ``note`` once its signature by ``verifier`` is checked.

    MalformedNote if it is not a signed note, NoteNotSigned if no signature line has the
    verifier's name and key ID, NoteSignatureInvalid if such a line does not verify."""
    if len(note) > MAX_NOTE or not note.endswith("\n"):
        raise MalformedNote
    split = note.rfind("\n\n")
    if split < 0:
        raise MalformedNote
    text, signatures = note[: split + 1], note[split + 2 :]
    _check_text(text)
    lines = signatures.split("\n")[:-1]
    if not lines or len(lines) > MAX_SIGNATURES:
        raise MalformedNote
    found = False
    for line in lines:
        name, blob = _signature_line(line)
        if name != verifier.name or int.from_bytes(blob[:4], "big") != verifier.key_id:
            continue  # someone else's key: ignored (signed-note)
        found = True
        signature = blob[4:]
        if len(signature) != SIGNATURE_SIZE or not verify(
            verifier.public, text.encode("utf-8"), signature
        ):
            raise NoteSignatureInvalid(key=verifier.name)
    if not found:
        raise NoteNotSigned(key=verifier.name)
    return text


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise MalformedNote
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise MalformedNote


def _signature_line(line: str) -> tuple[str, bytes]:
    if not line.startswith(DASH):
        raise MalformedNote
    parts = line[len(DASH) :].split(" ")
    if len(parts) != 2 or not _NAME.fullmatch(parts[0]):
        raise MalformedNote
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise MalformedNote from None
    if len(blob) < 5:
        raise MalformedNote
    return parts[0], blob


def sign_checkpoint(checkpoint: Checkpoint, seed: bytes) -> str:
    """The checkpoint as a note signed by the log key; key name = origin (tlog-checkpoint)."""
    return sign_note(checkpoint.text(), checkpoint.origin, seed)


def parse_checkpoint_text(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) != 4 or lines[3] != "" or not lines[0] or not _SIZE.fullmatch(lines[1]):
        raise MalformedCheckpoint
    try:
        root = base64.b64decode(lines[2], validate=True)
    except (binascii.Error, ValueError):
        raise MalformedCheckpoint from None
    if len(root) != HASH_SIZE or base64.b64encode(root).decode("ascii") != lines[2]:
        raise MalformedCheckpoint
    return Checkpoint(lines[0], int(lines[1]), root)


def open_checkpoint(note: str, verifier: Verifier, origin: str | None = None) -> Checkpoint:
    """The checkpoint in ``note``, signed by ``verifier`` and (when given) of ``origin``."""
    try:
        text = open_note(note, verifier)
    except MalformedNote:
        raise MalformedCheckpoint from None
    checkpoint = parse_checkpoint_text(text)
    if checkpoint.origin != (verifier.name if origin is None else origin):
        raise CheckpointMismatch
    return checkpoint
