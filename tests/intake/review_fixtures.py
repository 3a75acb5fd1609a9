"""A coordinator vault that received the documented example testimony in two signed versions,
with a photo, from a volunteer through a real bundle (for the review and record view tests)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from tests.intake.coordinator_fixtures import send
from tests.intake.testimony_fixtures import example_content


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png(width: int, height: int, rows: bytes | None = None) -> bytes:
    """A greyscale PNG; ``rows`` None: real pixel rows (all grey), else these IDAT bytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    if rows is None:
        rows = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def bomb_png() -> bytes:
    """A tiny file whose header claims 30,000 × 30,000 pixels (900 million)."""
    return png(30_000, 30_000, zlib.compress(b"\x00" * 30_001 * 4))


def coordinator_with_example(volunteer: Vault, coordinator: Vault, folder: Path) -> str:
    """The example testimony: version 1 (final) and version 2 (a victim released, consent
    changed), a photo attached; sent to ``coordinator``. Returns the testimony id."""
    store = TestimonyStore(volunteer)
    content = example_content()
    tid = store.create_draft(content)
    store.finalize(tid)
    AttachmentStore(volunteer).add(tid, io.BytesIO(png(40, 30)), "id-card.png")
    store.edit_final(tid)
    content["victims"][1]["status"] = "released"
    content["consent"]["may_contact_again"] = False
    store.update_draft(tid, content)
    store.finalize(tid)
    send(volunteer, coordinator, folder)
    return tid
