"""The bundle manifest: what a bundle holds, signed by its sender (docs/bundle-format.md §7.4).

A ``Manifest`` names the format, bundle id, creation time, the sender's card, the recipients'
fingerprints, the sender's sequence number, and every record (id, version, size, SHA-256,
author signature, attachment references) and attachment (SHA-256, size, media type), and in a
forwarded bundle (§7.13) the cards of the other authors whose versions it carries. From it
follow the exact member plan of the tar stream and the padding (§7.6). ``parse_manifest`` is
strict and bounded: it accepts only canonical JSON within the limits below and reports the
first deviation as a typed error.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from crypto import card as cardfmt
from crypto import statement as stmt
from crypto.errors import CardError
from crypto.fingerprint import normalize as normalize_fingerprint
from intake.bundles.errors import (
    BundleLimitExceeded,
    ManifestInvalid,
    ManifestSignatureInvalid,
    UnsupportedBundle,
)
from intake.bundles.tarstream import BLOCK, END_OF_ARCHIVE, Expected, member_span
from intake.i18n import tr
from intake.testimonies.canonical import MAX_RECORD_BYTES, canonical_bytes
from intake.testimonies.errors import NotCanonical

BUNDLE_FORMAT = "amanat-bundle/1"  # other values are refused: a future format is never half-read
MANIFEST_NAME = "manifest.json"  # first member: sizes and hashes are known before any data
SIGNATURE_NAME = "manifest.json.minisig"  # the name `minisign -V -m manifest.json` looks for
UNTRUSTED_COMMENT = "amanat bundle manifest"  # the signature file's first line (§7.5)
RECORD_PREFIX = "records/"
ATTACHMENT_PREFIX = "attachments/"  # + SHA-256: content-addressed, one name per content
PADDING_NAME = "padding"  # last member: zeros that hide the exact size
MAX_MANIFEST_SIZE = 24 << 20  # 50,000 records at ~350 bytes, with room; read into memory
MAX_SIGNATURE_SIZE = 2048  # a minisign file with a 1000-byte trusted comment is < 1.3 KiB
MAX_RECORDS = 50_000  # years of a volunteer group's work in one bundle; bounds manifest memory
MAX_ATTACHMENTS = 50_000
MAX_REFS = 1000  # attachments of one testimony
MAX_RECIPIENTS = 16  # coordinators of one bundle, one age stanza each
MAX_RECORD_SIZE = MAX_RECORD_BYTES  # the testimony format's limit on one version record
MAX_ATTACHMENT_SIZE = 4 << 30  # a long video; below ustar's 8 GiB size field
MAX_TOTAL_SIZE = 64 << 30  # sum of declared sizes: bounds the disk an import can claim
MAX_NAME_BYTES = 255  # an attachment's original file name (common file system limit)
MAX_MEDIA_TYPE = 127  # RFC 6838 limits each part to 127 characters
MAX_SEQUENCE = 2**53 - 1  # largest integer canonical JSON allows
MAX_AUTHORS = 1000  # author cards of a forwarded bundle (§7.13): a large group's volunteers
MAX_DIGITS = 32  # a literal this long is over every limit here; longer ones are not converted
_TIME = "%Y-%m-%dT%H:%M:%SZ"
EARLIEST_CREATED = "1970-01-01T00:00:00Z"
LATEST_CREATED = "2242-03-16T12:56:31Z"  # 8**11 - 1 seconds: 11 octal digits of tar mtime
_TIME_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_MEDIA_TYPE = re.compile(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+")  # RFC 6838, lower case
_TOP = {"format", "bundle", "created", "sender", "recipients", "sequence", "records", "attachments"}
AUTHORS = "authors"  # optional: present only in a forwarded bundle (§7.13)
STATEMENTS = "statements"  # optional: key statements the sender issued (§8.5)
MAX_STATEMENTS = 100  # a coordinator's revocations and successions of a few years
_RECORD = {"id", "version", "size", "sha256", "signature", "attachments"}
_REF = {"name", "sha256"}
_ATTACHMENT = {"sha256", "size", "type"}
_JOINERS = {"\u200c", "\u200d"}
_BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


@dataclass(frozen=True)
class AttachmentRef:
    """A record's use of an attachment, with the file name it had."""

    sha256: str
    name: str


@dataclass(frozen=True)
class RecordEntry:
    id: str
    version: int
    size: int
    sha256: str
    signature: bytes  # 64-byte Ed25519 signature of the author
    attachments: tuple[AttachmentRef, ...] = ()

    @property
    def member_name(self) -> str:
        return f"{RECORD_PREFIX}{self.id}/{self.version}.json"


@dataclass(frozen=True)
class AttachmentEntry:
    sha256: str
    size: int
    type: str

    @property
    def member_name(self) -> str:
        return ATTACHMENT_PREFIX + self.sha256


@dataclass(frozen=True)
class Manifest:
    bundle: str
    created: str
    sender: cardfmt.Card
    recipients: tuple[str, ...]
    sequence: int
    records: tuple[RecordEntry, ...]
    attachments: tuple[AttachmentEntry, ...]
    authors: tuple[cardfmt.Card, ...] = ()  # forwarded bundles only: other authors' cards
    statements: tuple[stmt.Statement, ...] = ()  # key statements the sender issued (§8.5)

    @property
    def forwarded(self) -> bool:
        return bool(self.authors)

    @property
    def mtime(self) -> int:
        """``created`` as seconds since 1970: the mtime of every tar header."""
        return int(datetime.strptime(self.created, _TIME).replace(tzinfo=UTC).timestamp())

    @property
    def trusted_comment(self) -> str:
        return (
            f"{BUNDLE_FORMAT} bundle={self.bundle} sequence={self.sequence} created={self.created}"
        )

    @property
    def data_size(self) -> int:
        return sum(r.size for r in self.records) + sum(a.size for a in self.attachments)

    def to_json(self) -> dict[str, Any]:
        value = self._to_json()
        if self.authors:  # absent from direct bundles: they stay byte for byte as before
            value[AUTHORS] = [card.members() for card in self.authors]
        if self.statements:  # likewise absent when the sender issued none
            value[STATEMENTS] = [s.members() for s in self.statements]
        return value

    def _to_json(self) -> dict[str, Any]:
        return {
            "format": BUNDLE_FORMAT,
            "bundle": self.bundle,
            "created": self.created,
            "sender": self.sender.members(),
            "recipients": list(self.recipients),
            "sequence": self.sequence,
            "records": [
                {
                    "id": r.id,
                    "version": r.version,
                    "size": r.size,
                    "sha256": r.sha256,
                    "signature": base64.b64encode(r.signature).decode("ascii"),
                    "attachments": [{"name": a.name, "sha256": a.sha256} for a in r.attachments],
                }
                for r in self.records
            ],
            "attachments": [
                {"sha256": a.sha256, "size": a.size, "type": a.type} for a in self.attachments
            ],
        }

    def encode(self) -> bytes:
        """The manifest member's bytes (canonical JSON)."""
        return canonical_bytes(self.to_json())

    def data_members(self, first_number: int = 3) -> list[Expected]:
        """Record then attachment members, numbered from ``first_number``."""
        entries: list[RecordEntry | AttachmentEntry] = [*self.records, *self.attachments]
        return [Expected(first_number + i, e.member_name, e.size) for i, e in enumerate(entries)]

    def padding(self, manifest_size: int, signature_size: int) -> int:
        return padding_for(
            member_span(manifest_size)
            + member_span(signature_size)
            + sum(member_span(e.size) for e in self.data_members())
            + BLOCK
            + len(END_OF_ARCHIVE)
        )

    def plan(self, manifest_size: int, signature_size: int) -> list[Expected]:
        """Every member in stream order, with sizes (manifest and signature included)."""
        data = self.data_members()
        pad = Expected(3 + len(data), PADDING_NAME, self.padding(manifest_size, signature_size))
        return [
            Expected(1, MANIFEST_NAME, manifest_size),
            Expected(2, SIGNATURE_NAME, signature_size),
            *data,
            pad,
        ]


def padding_for(length: int) -> int:
    """Padmé (Nikitin et al. 2019): zero bytes to add to ``length``, a multiple of BLOCK."""
    exponent = length.bit_length() - 1
    mask = (1 << (exponent - exponent.bit_length())) - 1 if exponent > 1 else 0
    padded = (length + mask) & ~mask
    return -(-padded // BLOCK) * BLOCK - length


def time_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_TIME)


# ---- parsing ------------------------------------------------------------------------------


def _invalid(reason: str) -> ManifestInvalid:
    return ManifestInvalid(reason=reason)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _invalid(tr("a name appears twice in one object"))
    return result


def _reject_number(text: str) -> None:
    raise _invalid(tr("it contains a number that is not a whole number"))


def _bounded_int(text: str) -> int:
    """An integer literal, refused before conversion if it is longer than any valid one
    (Python refuses to convert more than 4,300 digits with a ValueError)."""
    if len(text) > MAX_DIGITS:
        raise _invalid(tr("it contains a number that is too large"))
    return int(text)


def _object(value: object, members: set[str], what: str) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) != members:
        raise _invalid(tr("{what} does not have exactly the expected members", what=what))
    return value


def _int(value: object, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value:
        raise _invalid(tr("{what} is not a valid number", what=what))
    if value > high:
        raise BundleLimitExceeded(what=what, limit=high)
    return value


def _uuid(value: object, what: str, version: int | None = None) -> str:
    try:
        parsed = uuid.UUID(str(value))
    except ValueError:
        parsed = None
    if (
        not isinstance(value, str)
        or parsed is None
        or str(parsed) != value
        or (version is not None and parsed.version != version)
    ):
        raise _invalid(tr("{what} is not a valid id", what=what))
    return value


def _hex64(value: object, what: str) -> str:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise _invalid(tr("{what} is not a SHA-256 hash", what=what))
    return value


def _signature(value: object) -> bytes:
    try:
        data = base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if len(data) != 64 or base64.b64encode(data).decode("ascii") != value:
        raise _invalid(tr("a testimony signature is not 64 bytes in base64"))
    return data


def _list(value: object, limit: int, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise _invalid(tr("{what} is not a list", what=what))
    if len(value) > limit:
        raise BundleLimitExceeded(what=what, limit=limit)
    return value


def file_name_ok(name: str) -> bool:
    """The spec's rule for an attachment's original file name (shown, never used as a path)."""
    return (
        bool(name)
        and len(name.encode("utf-8", "surrogatepass")) <= MAX_NAME_BYTES
        and name == name.strip()
        and name not in {".", ".."}
        and "/" not in name
        and "\\" not in name
        and unicodedata.is_normalized("NFC", name)
        and not any(unicodedata.category(c) in _BAD_CATEGORIES and c not in _JOINERS for c in name)
    )


def _created(value: object) -> str:
    try:
        if not isinstance(value, str) or not _TIME_SHAPE.fullmatch(value):
            raise ValueError
        datetime.strptime(value, _TIME)
    except ValueError:
        raise _invalid(tr("the creation time is not valid")) from None
    if not EARLIEST_CREATED <= value <= LATEST_CREATED:  # fits the tar headers' mtime field
        raise _invalid(tr("the creation time is not valid"))
    return value


def _sender(value: object) -> cardfmt.Card:
    pq = isinstance(value, dict) and value.get("amanat-card") == cardfmt.CARD_VERSION_PQ
    members = _object(value, cardfmt.MEMBERS_PQ if pq else cardfmt.MEMBERS, tr("the sender card"))
    try:
        return cardfmt.parse_card(canonical_bytes(members) + b"\n")
    except (CardError, NotCanonical):
        raise ManifestSignatureInvalid from None


def _authors(value: object, sender: cardfmt.Card) -> tuple[cardfmt.Card, ...]:
    items = _list(value, MAX_AUTHORS, tr("the number of author cards"))
    if not items:
        raise _invalid(tr("the list of author cards is empty"))
    cards = tuple(_sender(item) for item in items)
    keys = {card.ed25519_public for card in cards}
    prints = [card.fingerprint for card in cards]
    if len(keys) != len(cards) or sender.ed25519_public in keys or prints != sorted(set(prints)):
        raise _invalid(tr("the author cards are not unique and in order"))
    return cards


def _statements(value: object) -> tuple[stmt.Statement, ...]:
    items = _list(value, MAX_STATEMENTS, tr("the number of key statements"))
    if not items:
        raise _invalid(tr("the list of key statements is empty"))
    found = []
    for item in items:
        if not isinstance(item, dict):
            raise _invalid(tr("a key statement is not valid"))
        try:
            found.append(stmt.parse_statement(canonical_bytes(item) + b"\n"))
        except (stmt.StatementError, NotCanonical):
            raise _invalid(tr("a key statement is not valid")) from None
    if len(set(found)) != len(found):
        raise _invalid(tr("a key statement is listed twice"))
    return tuple(found)


def _recipients(value: object) -> tuple[str, ...]:
    items = _list(value, MAX_RECIPIENTS, tr("the number of recipients"))
    if not items:
        raise _invalid(tr("there are no recipients"))
    for item in items:
        if not isinstance(item, str) or normalize_fingerprint(item) != item:
            raise _invalid(tr("a recipient is not a fingerprint"))
    if items != sorted(set(items)):
        raise _invalid(tr("the recipients are not unique and in order"))
    return tuple(items)


def _refs(value: object) -> tuple[AttachmentRef, ...]:
    refs = []
    for item in _list(value, MAX_REFS, tr("the number of attachments of one testimony")):
        ref = _object(item, _REF, tr("an attachment reference"))
        name = ref["name"]
        if not isinstance(name, str) or not file_name_ok(name):
            raise _invalid(tr("an attachment has a file name that is not allowed"))
        refs.append(AttachmentRef(_hex64(ref["sha256"], tr("an attachment hash")), name))
    if len(set(refs)) != len(refs):
        raise _invalid(tr("a testimony lists the same attachment twice"))
    return tuple(refs)


def _records(value: object) -> tuple[RecordEntry, ...]:
    entries = []
    last_version: dict[str, int] = {}
    for item in _list(value, MAX_RECORDS, tr("the number of testimonies")):
        raw = _object(item, _RECORD, tr("a testimony entry"))
        entry = RecordEntry(
            id=_uuid(raw["id"], tr("a testimony id")),
            version=_int(raw["version"], 1, MAX_SEQUENCE, tr("a version number")),
            size=_int(raw["size"], 1, MAX_RECORD_SIZE, tr("the size of a testimony")),
            sha256=_hex64(raw["sha256"], tr("a testimony hash")),
            signature=_signature(raw["signature"]),
            attachments=_refs(raw["attachments"]),
        )
        if entry.version <= last_version.get(entry.id, 0):
            raise _invalid(tr("versions of one testimony are repeated or out of order"))
        last_version[entry.id] = entry.version
        entries.append(entry)
    return tuple(entries)


def _attachments(value: object) -> tuple[AttachmentEntry, ...]:
    entries = []
    for item in _list(value, MAX_ATTACHMENTS, tr("the number of attachments")):
        raw = _object(item, _ATTACHMENT, tr("an attachment entry"))
        kind = raw["type"]
        if (
            not isinstance(kind, str)
            or len(kind) > MAX_MEDIA_TYPE
            or not _MEDIA_TYPE.fullmatch(kind)
        ):
            raise _invalid(tr("an attachment has an invalid media type"))
        entries.append(
            AttachmentEntry(
                sha256=_hex64(raw["sha256"], tr("an attachment hash")),
                size=_int(raw["size"], 0, MAX_ATTACHMENT_SIZE, tr("the size of an attachment")),
                type=kind,
            )
        )
    if len({e.sha256 for e in entries}) != len(entries):
        raise _invalid(tr("an attachment is listed twice"))
    return tuple(entries)


def parse_manifest(data: bytes) -> Manifest:
    """Parse and check manifest bytes (§7.4); raises a BundleError subclass."""
    if len(data) > MAX_MANIFEST_SIZE:
        raise BundleLimitExceeded(what=tr("the list of contents"), limit=MAX_MANIFEST_SIZE)
    try:
        value = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_no_duplicates,
            parse_int=_bounded_int,
            parse_float=_reject_number,
            parse_constant=_reject_number,
        )
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        raise _invalid(tr("it is not UTF-8 JSON")) from None
    if isinstance(value, dict) and "format" in value and value["format"] != BUNDLE_FORMAT:
        raise UnsupportedBundle
    optional = {AUTHORS, STATEMENTS} & (set(value) if isinstance(value, dict) else set())
    members = _TOP | optional
    top = _object(value, members, tr("the list of contents"))
    sender = _sender(top["sender"])
    manifest = Manifest(
        bundle=_uuid(top["bundle"], tr("the bundle id"), version=4),
        created=_created(top["created"]),
        sender=sender,
        recipients=_recipients(top["recipients"]),
        sequence=_int(top["sequence"], 1, MAX_SEQUENCE, tr("the sequence number")),
        records=_records(top["records"]),
        attachments=_attachments(top["attachments"]),
        authors=_authors(top[AUTHORS], sender) if AUTHORS in top else (),
        statements=_statements(top[STATEMENTS]) if STATEMENTS in top else (),
    )
    referenced = {ref.sha256 for r in manifest.records for ref in r.attachments}
    if referenced != {a.sha256 for a in manifest.attachments}:
        raise _invalid(tr("the attachments listed and the attachments used differ"))
    if manifest.data_size > MAX_TOTAL_SIZE:
        raise BundleLimitExceeded(what=tr("the total size"), limit=MAX_TOTAL_SIZE)
    try:
        canonical = manifest.encode()
    except NotCanonical:
        canonical = b""
    if canonical != data:
        raise _invalid(tr("it is not in canonical form"))
    return manifest


def portable_name(name: str) -> str:
    """A file name that passes ``file_name_ok``: the stored name, minus what the rule forbids."""
    text = unicodedata.normalize("NFC", name.replace("/", "_").replace("\\", "_"))
    text = "".join(
        c for c in text if unicodedata.category(c) not in _BAD_CATEGORIES or c in _JOINERS
    ).strip()
    while len(text.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        text = text[:-1].rstrip()
    return text if file_name_ok(text) else "attachment"


def portable_media_type(media_type: str) -> str:
    """The media type without parameters, lower case; ``application/octet-stream`` if odd."""
    text = media_type.split(";", 1)[0].strip().lower()
    if len(text) <= MAX_MEDIA_TYPE and _MEDIA_TYPE.fullmatch(text):
        return text
    return "application/octet-stream"
