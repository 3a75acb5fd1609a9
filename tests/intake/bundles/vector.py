"""The bundle test vector of docs/bundle-format.md §7.12: fixed keys, record, attachment and id.

Its plaintext is deterministic; the encrypted file in tests/vectors/bundle-v1.age (made once
with random age keys) decrypts with the coordinator key in tests/vectors/bundle-v1.key to it.
Run ``python -m tests.intake.bundles.vector`` to write both files again.
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

from crypto import card as cardfmt
from crypto.keys import signing_public_key, x25519_public_key
from crypto.signing import sign
from crypto.x25519 import X25519Identity, X25519Recipient
from intake.bundles.manifest import AttachmentEntry, AttachmentRef, Manifest, RecordEntry
from intake.bundles.tarstream import TarWriter
from intake.bundles.writer import BundleWriter, sign_manifest
from intake.forms.definitions import FormRef
from intake.testimonies.canonical import VersionRecord, signing_message
from tests.conftest import REPO

VECTORS = REPO / "tests" / "vectors"
SENDER_SEED, SENDER_X25519 = bytes(range(0, 32)), bytes(range(32, 64))  # §6 keys
COORDINATOR_SEED, COORDINATOR_X25519 = bytes(range(64, 96)), bytes(range(96, 128))
CREATED = "2025-03-01T12:00:00Z"
BUNDLE_ID = "0f8e3a4c-6b1d-4e2f-8a9b-0c1d2e3f4a5b"
TESTIMONY_ID = "5d7c2a1e-9b3f-4c6d-8e0a-1b2c3d4e5f60"
PHOTO = b"\xff\xd8\xff\xe0" + b"amanat bundle test vector " * 640


def _card(seed: bytes, x25519: bytes, name: str, role: str) -> cardfmt.Card:
    from datetime import UTC, datetime

    when = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
    return cardfmt.create_card(name, role, seed, x25519_public_key(x25519), when)


SENDER = _card(SENDER_SEED, SENDER_X25519, "Айгүл Сейітова", "volunteer")
COORDINATOR = _card(COORDINATOR_SEED, COORDINATOR_X25519, "Coordinator", "coordinator")


def record() -> bytes:
    return VersionRecord(
        testimony_id=TESTIMONY_ID,
        version=1,
        form=FormRef("amanat.testimony", 1),
        previous=None,
        author=signing_public_key(SENDER_SEED).hex(),
        created=CREATED,
        status="final",
        content={"interview": {"place": "Алматы"}},
    ).canonical()


def manifest() -> Manifest:
    data = record()
    digest = hashlib.sha256(data).hexdigest()
    photo = hashlib.sha256(PHOTO).hexdigest()
    return Manifest(
        bundle=BUNDLE_ID,
        created=CREATED,
        sender=SENDER,
        recipients=(COORDINATOR.fingerprint,),
        sequence=1,
        records=(
            RecordEntry(
                TESTIMONY_ID,
                1,
                len(data),
                digest,
                sign(SENDER_SEED, signing_message(digest)),
                (AttachmentRef(photo, "фото 1.jpg"),),
            ),
        ),
        attachments=(AttachmentEntry(photo, len(PHOTO), "image/jpeg"),),
    )


class _Plain:
    """Stands in for the age encryptor: the writer's plaintext, unencrypted."""

    def __init__(self) -> None:
        self.out = io.BytesIO()

    def write(self, data: bytes) -> int:
        return self.out.write(data)


def plaintext() -> bytes:
    """The vector's tar stream, built member by member (independently of BundleWriter)."""
    m = manifest()
    data = m.encode()
    signature = sign_manifest(data, m, SENDER_SEED)
    plan = m.plan(len(data), len(signature))
    sink = _Plain()
    tar = TarWriter(sink, m.mtime)
    tar.add("manifest.json", data)
    tar.add("manifest.json.minisig", signature)
    tar.add(m.records[0].member_name, record())
    tar.add(m.attachments[0].member_name, PHOTO)
    tar.add("padding", bytes(plan[-1].size))
    tar.finish()
    return sink.out.getvalue()


def write_files(folder: Path) -> None:
    out = io.BytesIO()
    writer = BundleWriter(
        out, manifest(), SENDER_SEED, [X25519Recipient(x25519_public_key(COORDINATOR_X25519))]
    )
    writer.add_record(record())
    writer.add_attachment(io.BytesIO(PHOTO))
    writer.finish()
    (folder / "bundle-v1.age").write_bytes(out.getvalue())
    key = str(X25519Identity(COORDINATOR_X25519))
    (folder / "bundle-v1.key").write_text(
        f"# test vector key of docs/bundle-format.md §7.12\n{key}\n"
    )


if __name__ == "__main__":
    write_files(VECTORS)
    print(hashlib.sha256(plaintext()).hexdigest(), len(plaintext()), file=sys.stderr)
