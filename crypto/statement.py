"""Key statements: a signed revocation of a key, or a signed succession of one key by another.

A statement is a small canonical JSON file like a card (docs/bundle-format.md §8): who it is
about (the subject card's fingerprint and Ed25519 key), from when the key is no longer trusted,
optionally the last bundle sequence number its owner really sent, for ``succeed`` the card that
continues the subject's testimonies, and who signed it. This module only builds, serializes,
parses and verifies; who may issue what is decided in intake/cards/statements.py.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, replace
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from crypto.card import canonical
from crypto.errors import CardError
from crypto.fingerprint import normalize

STATEMENT_VERSION = 1  # the "amanat-statement" member; other versions are refused
CONTEXT = b"amanat-statement-v1\n"  # never valid as a card, manifest or record signature
MAX_STATEMENT_SIZE = 2048  # the largest valid statement is under 700 bytes
KINDS = ("revoke", "succeed")
MAX_SEQUENCE = 2**53 - 1  # as in bundle manifests: the largest integer canonical JSON allows
_BASE = {"amanat-statement", "kind", "subject", "subject_key", "effective", "issuer", "created"}
_TIME = "%Y-%m-%dT%H:%M:%SZ"
_TIME_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


class StatementError(CardError):
    """A statement that does not parse or verify."""


@dataclass(frozen=True)
class Statement:
    kind: str
    subject: str  # fingerprint, grouped
    subject_key: bytes  # Ed25519 public key of the subject
    effective: str  # YYYY-MM-DDTHH:MM:SSZ
    issuer: bytes  # Ed25519 public key of the signer
    created: str
    last_sequence: int | None = None
    successor: str | None = None  # fingerprint, "succeed" only
    signature: bytes = b""

    @property
    def self_issued(self) -> bool:
        """Signed by the subject key itself."""
        return self.issuer == self.subject_key

    def members(self, signed: bool = True) -> dict[str, str | int]:
        out: dict[str, str | int] = {
            "amanat-statement": STATEMENT_VERSION,
            "kind": self.kind,
            "subject": self.subject,
            "subject_key": _b64(self.subject_key),
            "effective": self.effective,
            "issuer": _b64(self.issuer),
            "created": self.created,
        }
        if self.last_sequence is not None:
            out["last_sequence"] = self.last_sequence
        if self.successor is not None:
            out["successor"] = self.successor
        if signed:
            out["sig"] = _b64(self.signature)
        return out


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _signed_bytes(statement: Statement) -> bytes:
    return CONTEXT + canonical(statement.members(signed=False))


def time_text(when: datetime) -> str:
    return when.strftime(_TIME)


def _check_time(value: str, what: str) -> None:
    try:
        if not _TIME_SHAPE.fullmatch(value):
            raise ValueError
        datetime.strptime(value, _TIME)
    except ValueError:
        raise StatementError(f"invalid {what} time") from None


def _check_fields(st: Statement) -> None:
    if st.kind not in KINDS:
        raise StatementError("unknown kind of statement")
    if normalize(st.subject) != st.subject:
        raise StatementError("invalid subject fingerprint")
    if len(st.subject_key) != 32 or len(st.issuer) != 32:
        raise StatementError("wrong key length")
    _check_time(st.effective, "effective")
    _check_time(st.created, "creation")
    if st.last_sequence is not None and not 0 <= st.last_sequence <= MAX_SEQUENCE:
        raise StatementError("invalid last sequence number")
    if (st.kind == "succeed") != (st.successor is not None):
        raise StatementError("a successor belongs to a succession, and only there")
    if st.successor is not None and (
        normalize(st.successor) != st.successor or st.successor == st.subject
    ):
        raise StatementError("invalid successor fingerprint")


def sign_statement(statement: Statement, signing_seed: bytes) -> Statement:
    """``statement`` signed with ``signing_seed`` (its ``issuer`` is set to that key)."""
    key = Ed25519PrivateKey.from_private_bytes(signing_seed)
    unsigned = replace(statement, issuer=key.public_key().public_bytes_raw(), signature=b"")
    _check_fields(unsigned)
    return replace(unsigned, signature=key.sign(_signed_bytes(unsigned)))


def verify_statement(statement: Statement) -> None:
    """Check the fields and the issuer's signature; raises StatementError."""
    _check_fields(statement)
    try:
        Ed25519PublicKey.from_public_bytes(statement.issuer).verify(
            statement.signature, _signed_bytes(statement)
        )
    except (InvalidSignature, ValueError):
        raise StatementError("the statement's signature does not verify") from None


def serialize_statement(statement: Statement) -> bytes:
    return canonical(statement.members()) + b"\n"


def _key(value: object, size: int) -> bytes:
    try:
        data = base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise StatementError("invalid base64 in the statement") from None
    if len(data) != size or _b64(data) != value:
        raise StatementError("invalid key or signature in the statement")
    return data


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    if len({k for k, _ in pairs}) != len(pairs):
        raise StatementError("duplicate member in the statement")
    return dict(pairs)


def parse_statement(data: bytes) -> Statement:
    """Parse and verify a statement file; raises StatementError on any deviation."""
    if len(data) > MAX_STATEMENT_SIZE:
        raise StatementError("the statement is too large")
    try:
        members = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise StatementError("the statement is not valid JSON") from None
    if not isinstance(members, dict):
        raise StatementError("the statement does not have the expected members")
    optional = {"last_sequence"} | ({"successor"} if members.get("kind") == "succeed" else set())
    if not _BASE | {"sig"} <= set(members) <= _BASE | {"sig"} | optional:
        raise StatementError("the statement does not have the expected members")
    version = members["amanat-statement"]
    if type(version) is not int or version != STATEMENT_VERSION:
        raise StatementError("unsupported statement version")
    texts = set(members) - {"amanat-statement", "last_sequence"}
    if not all(isinstance(members[k], str) for k in texts):
        raise StatementError("wrong member types in the statement")
    last = members.get("last_sequence")
    if last is not None and type(last) is not int:
        raise StatementError("wrong member types in the statement")
    statement = Statement(
        kind=members["kind"],
        subject=members["subject"],
        subject_key=_key(members["subject_key"], 32),
        effective=members["effective"],
        issuer=_key(members["issuer"], 32),
        created=members["created"],
        last_sequence=last,
        successor=members.get("successor"),
        signature=_key(members["sig"], 64),
    )
    _check_fields(statement)
    if serialize_statement(statement) != data:
        raise StatementError("the statement is not in canonical form: it was changed")
    verify_statement(statement)
    return statement
