"""Identity cards: a small, versioned, self-signed JSON file with an identity's public keys.

Volunteers and coordinators exchange cards (file or QR code) to learn each other's signing key
and age recipients: version 1 carries the X25519 recipient, version 2 also the post-quantum
hybrid ``mlkem768x25519`` recipient (member ``pq``, base64 so the card still fits one QR
code). The card is signed by its own Ed25519 key over canonical bytes, and its file must be
exactly those canonical bytes, so any changed byte is refused. Who a card belongs to is
settled by people comparing its fingerprint (docs/bundle-format.md §4-5).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from crypto import bech32, fingerprint, hybrid, x25519
from crypto.errors import CardError, KeyFormatError

CARD_VERSION = 1  # classic card: X25519 recipient only
CARD_VERSION_PQ = 2  # also the hybrid recipient; any other version is refused
VERSIONS = (CARD_VERSION, CARD_VERSION_PQ)
CONTEXT = b"amanat-card-v1\n"  # prefix of the signed bytes: never valid as any other signature
CONTEXT_PQ = b"amanat-card-v2\n"  # version 2's own prefix: a v1 signature never verifies as v2
MAX_CARD_SIZE = 4096  # a card fits a QR code; larger input is refused before parsing
MAX_NAME = 64  # characters: readable on screen and in a QR code
ROLES = ("volunteer", "coordinator")
MEMBERS = {"amanat-card", "name", "role", "ed25519", "age", "created", "sig"}
MEMBERS_PQ = MEMBERS | {"pq"}  # "pq": base64 of the 1216-byte X-Wing public key
_TIME = "%Y-%m-%dT%H:%M:%SZ"  # UTC, second precision
_TIME_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_JOINERS = {"\u200c", "\u200d"}  # ZWNJ/ZWJ are needed in Arabic-script names
_BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # controls, invisible formatting, separators


@dataclass(frozen=True)
class Card:
    name: str
    role: str
    ed25519_public: bytes
    x25519_public: bytes
    created: str  # YYYY-MM-DDTHH:MM:SSZ
    signature: bytes = b""
    hybrid_public: bytes | None = None  # version 2 only: ML-KEM-768 || X25519 public keys

    @property
    def version(self) -> int:
        return CARD_VERSION if self.hybrid_public is None else CARD_VERSION_PQ

    @property
    def age_recipient(self) -> str:
        return str(x25519.X25519Recipient(self.x25519_public))

    @property
    def hybrid_recipient(self) -> str | None:
        """The ``age1pq1…`` recipient of a version 2 card, else None."""
        if self.hybrid_public is None:
            return None
        return bech32.encode(hybrid.RECIPIENT_HRP, self.hybrid_public)

    def classic(self) -> Card:
        """The same card without its hybrid recipient (unsigned: sign it again to use it)."""
        return replace(self, hybrid_public=None, signature=b"")

    @property
    def fingerprint(self) -> str:
        return fingerprint.fingerprint(self.ed25519_public, self.x25519_public)

    def members(self, signed: bool = True) -> dict[str, str | int]:
        out: dict[str, str | int] = {
            "amanat-card": self.version,
            "name": self.name,
            "role": self.role,
            "ed25519": base64.b64encode(self.ed25519_public).decode("ascii"),
            "age": self.age_recipient,
            "created": self.created,
        }
        if self.hybrid_public is not None:
            out["pq"] = base64.b64encode(self.hybrid_public).decode("ascii")
        if signed:
            out["sig"] = base64.b64encode(self.signature).decode("ascii")
        return out


def canonical(members: dict[str, str | int]) -> bytes:
    """RFC 8785 canonical JSON for string and integer members (see the spec, §4.3)."""
    return json.dumps(members, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _signed_bytes(card: Card) -> bytes:
    context = CONTEXT if card.hybrid_public is None else CONTEXT_PQ
    return context + canonical(card.members(signed=False))


def _check_fields(card: Card) -> None:
    name = card.name
    if not 1 <= len(name) <= MAX_NAME or name != name.strip():
        raise CardError("the name must be 1 to 64 characters without surrounding spaces")
    if not unicodedata.is_normalized("NFC", name):
        raise CardError("the name is not in Unicode normal form C")
    if any(unicodedata.category(c) in _BAD_CATEGORIES and c not in _JOINERS for c in name):
        raise CardError("the name contains control or invisible characters")
    if card.role not in ROLES:
        raise CardError("unknown role")
    if len(card.ed25519_public) != 32 or len(card.x25519_public) != 32:
        raise CardError("wrong key length")
    if card.hybrid_public is not None:
        try:
            hybrid.HybridRecipient(card.hybrid_public)  # lengths and ML-KEM key validity
        except KeyFormatError:
            raise CardError("invalid hybrid recipient in the card") from None
    try:
        if not _TIME_SHAPE.fullmatch(card.created):
            raise ValueError
        datetime.strptime(card.created, _TIME)
    except ValueError:
        raise CardError("invalid creation time") from None


def create_card(
    name: str,
    role: str,
    signing_seed: bytes,
    x25519_public: bytes,
    created: datetime | None = None,
    hybrid_public: bytes | None = None,
) -> Card:
    """A new card signed with ``signing_seed``; ``created`` defaults to now (injectable).
    With ``hybrid_public`` (an X-Wing public key) it is a version 2 card."""
    key = Ed25519PrivateKey.from_private_bytes(signing_seed)
    when = (created or datetime.now(UTC)).astimezone(UTC).strftime(_TIME)
    card = Card(
        name, role, key.public_key().public_bytes_raw(), x25519_public, when, b"", hybrid_public
    )
    _check_fields(card)
    return replace(card, signature=key.sign(_signed_bytes(card)))


def verify_card(card: Card) -> None:
    """Check the fields and the self-signature; raises CardError."""
    _check_fields(card)
    try:
        Ed25519PublicKey.from_public_bytes(card.ed25519_public).verify(
            card.signature, _signed_bytes(card)
        )
    except (InvalidSignature, ValueError):
        raise CardError("the card's signature does not verify: it was changed") from None


def serialize_card(card: Card) -> bytes:
    """The card file: canonical JSON and a final LF."""
    return canonical(card.members()) + b"\n"


def _b64(value: object, size: int) -> bytes:
    try:
        data = base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise CardError("invalid base64 in the card") from None
    if len(data) != size or base64.b64encode(data).decode("ascii") != value:
        raise CardError("invalid key or signature in the card")
    return data


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    if len({k for k, _ in pairs}) != len(pairs):
        raise CardError("duplicate member in the card")
    return dict(pairs)


def parse_card(data: bytes) -> Card:
    """Parse and verify a card file; raises CardError on any deviation."""
    if len(data) > MAX_CARD_SIZE:
        raise CardError("the card is too large")
    try:
        members = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise CardError("the card is not valid JSON") from None
    if not isinstance(members, dict) or "amanat-card" not in members:
        raise CardError("the card does not have the expected members")
    version = members["amanat-card"]
    if type(version) is not int or version not in VERSIONS:
        raise CardError("unsupported card version")
    expected = MEMBERS if version == CARD_VERSION else MEMBERS_PQ
    if set(members) != expected:
        raise CardError("the card does not have the expected members")
    if not all(isinstance(members[k], str) for k in expected - {"amanat-card"}):
        raise CardError("wrong member types in the card")
    try:
        hrp, x25519_public = bech32.decode(members["age"])
    except KeyFormatError:
        raise CardError("invalid age recipient in the card") from None
    if hrp != x25519.RECIPIENT_HRP:
        raise CardError("invalid age recipient in the card")
    card = Card(
        name=members["name"],
        role=members["role"],
        ed25519_public=_b64(members["ed25519"], 32),
        x25519_public=x25519_public,
        created=members["created"],
        signature=_b64(members["sig"], 64),
        hybrid_public=_b64(members["pq"], hybrid.PUBLIC_SIZE) if "pq" in members else None,
    )
    _check_fields(card)
    if serialize_card(card) != data:
        raise CardError("the card is not in canonical form: it was changed")
    verify_card(card)
    return card
