"""Synthetic bundles for container-level tests: keys, cards, records and attachments as bytes.

Builds valid bundles with the real writer, and hostile ones the way a forger who knows a
coordinator's public card would: take a valid plaintext tar stream, change it, and encrypt it
again to the coordinator (age gives no authenticity, so this is exactly what an attacker can
do). Randomness is seeded so failures reproduce.
"""

from __future__ import annotations

import hashlib
import io
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from crypto import card as cardfmt
from crypto.age import Decryptor, encrypt
from crypto.keys import signing_public_key, x25519_public_key
from crypto.x25519 import X25519Identity, X25519Recipient
from intake.bundles.manifest import AttachmentEntry, AttachmentRef, Manifest, RecordEntry
from intake.bundles.reader import BundleReader
from intake.bundles.writer import BundleWriter

CREATED = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Party:
    seed: bytes
    x25519: bytes
    card: cardfmt.Card

    @property
    def public(self) -> bytes:
        return signing_public_key(self.seed)


def party(n: int, role: str, name: str) -> Party:
    seed = hashlib.sha256(b"seed%d" % n).digest()
    x = hashlib.sha256(b"x25519%d" % n).digest()
    card = cardfmt.create_card(name, role, seed, x25519_public_key(x), CREATED)
    return Party(seed, x, card)


VOLUNTEER = party(1, "volunteer", "Айгүл Сейітова")
COORDINATOR = party(2, "coordinator", "Coordinator One")
OTHER_COORDINATOR = party(3, "coordinator", "Coordinator Two")
FORGER = party(4, "volunteer", "Forger")


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # reproducible test data, not secrets


@dataclass
class Content:
    """What a synthetic bundle carries: record bytes and attachment bytes with references."""

    records: list[tuple[str, int, bytes]] = field(default_factory=list)  # (id, version, bytes)
    attachments: list[tuple[bytes, str, str]] = field(default_factory=list)  # (data, type, name)
    refs: dict[int, list[int]] = field(default_factory=dict)  # record index -> attachment indexes


def sample_content(rng: random.Random, n_records: int = 3, n_attachments: int = 2) -> Content:
    content = Content()
    for i in range(n_records):
        rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        data = b'{"record":%d,"text":"%s"}' % (i, rng.randbytes(rng.randint(1, 900)).hex().encode())
        content.records.append((rid, 1, data))
    for j in range(n_attachments):
        size = rng.choice([0, 1, 511, 512, 513, 70_000, 1_100_000])
        content.attachments.append((rng.randbytes(size), "image/jpeg", f"photo {j}.jpg"))
    for j in range(n_attachments):
        content.refs.setdefault(j % max(n_records, 1), []).append(j)
    return content


def manifest_for(
    content: Content,
    sender: Party = VOLUNTEER,
    recipients: tuple[Party, ...] = (COORDINATOR,),
    sequence: int = 1,
    bundle: str = "6f9a3c1e-2b4d-4e8f-9a0b-1c2d3e4f5a6b",
) -> Manifest:
    attachments = tuple(
        AttachmentEntry(hashlib.sha256(data).hexdigest(), len(data), kind)
        for data, kind, _ in content.attachments
    )
    records = []
    for i, (rid, version, data) in enumerate(content.records):
        refs = tuple(
            AttachmentRef(attachments[j].sha256, content.attachments[j][2])
            for j in content.refs.get(i, [])
        )
        records.append(
            RecordEntry(rid, version, len(data), hashlib.sha256(data).hexdigest(), bytes(64), refs)
        )
    return Manifest(
        bundle=bundle,
        created="2025-03-01T12:00:00Z",
        sender=sender.card,
        recipients=tuple(sorted(p.card.fingerprint for p in recipients)),
        sequence=sequence,
        records=tuple(records),
        attachments=attachments,
    )


def write_bundle(
    content: Content,
    manifest: Manifest | None = None,
    sender: Party = VOLUNTEER,
    recipients: tuple[Party, ...] = (COORDINATOR,),
    rng: random.Random | None = None,
) -> bytes:
    manifest = manifest or manifest_for(content, sender, recipients)
    rng = rng or seeded(7)
    out = io.BytesIO()
    writer = BundleWriter(
        out,
        manifest,
        sender.seed,
        [X25519Recipient(x25519_public_key(p.x25519)) for p in recipients],
        random=rng.randbytes,
    )
    for _, _, data in content.records:
        writer.add_record(data)
    for data, _, _ in content.attachments:
        writer.add_attachment(io.BytesIO(data))
    writer.finish()
    return out.getvalue()


def decrypt_bundle(bundle: bytes, party_: Party = COORDINATOR) -> bytes:
    return Decryptor([X25519Identity(party_.x25519)], io.BytesIO(bundle)).read()


def reencrypt(plaintext: bytes, recipients: tuple[Party, ...] = (COORDINATOR,)) -> bytes:
    out = io.BytesIO()
    encrypt(
        [X25519Recipient(x25519_public_key(p.x25519)) for p in recipients],
        io.BytesIO(plaintext),
        out,
    )
    return out.getvalue()


@dataclass
class Collected:
    records: list[tuple[int, RecordEntry, bytes]] = field(default_factory=list)
    attachments: list[tuple[int, AttachmentEntry, bytes]] = field(default_factory=list)

    def record(self, number: int, entry: RecordEntry, data: bytes) -> None:
        self.records.append((number, entry, data))

    def attachment(self, number: int, entry: AttachmentEntry, data: Iterator[bytes]) -> None:
        self.attachments.append((number, entry, b"".join(data)))


def read_bundle(bundle: bytes, party_: Party = COORDINATOR) -> tuple[Manifest, Collected]:
    reader = BundleReader(io.BytesIO(bundle), party_.x25519)
    head = reader.read_head()
    sink = Collected()
    reader.read_body(sink)
    return head.manifest, sink


# ---- raw tar surgery, for hostile plaintexts ------------------------------------------------


def split_members(plaintext: bytes) -> list[tuple[bytes, bytes]]:
    """(header, data with zero fill) of every member before the end of archive."""
    members = []
    pos = 0
    while plaintext[pos : pos + 512] != bytes(512):
        header = plaintext[pos : pos + 512]
        size = int(header[124:135], 8)
        span = -(-size // 512) * 512
        members.append((header, plaintext[pos + 512 : pos + 512 + span]))
        pos += 512 + span
    assert plaintext[pos:] == bytes(1024)
    return members


def join_members(members: list[tuple[bytes, bytes]]) -> bytes:
    return b"".join(h + d for h, d in members) + bytes(1024)


def edit_header(header: bytes, **fields: bytes | int) -> bytes:
    """Change ustar fields (name, size, typeflag, linkname, prefix, mode) and fix the checksum."""
    offsets = {
        "name": (0, 100),
        "mode": (100, 8),
        "size": (124, 12),
        "typeflag": (156, 1),
        "linkname": (157, 100),
        "prefix": (345, 155),
    }
    block = bytearray(header)
    for key, value in fields.items():
        start, length = offsets[key]
        raw = b"%011o\x00" % value if isinstance(value, int) else value
        block[start : start + length] = raw.ljust(length, b"\x00")[:length]
    block[148:156] = b" " * 8
    block[148:156] = b"%06o\x00 " % sum(block)
    return bytes(block)


def member(name: str, data: bytes, mtime: int = 0) -> tuple[bytes, bytes]:
    from intake.bundles.tarstream import member_header

    return member_header(name, len(data), mtime), data + bytes(-len(data) % 512)
