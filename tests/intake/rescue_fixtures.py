"""A real vault worth rescuing, ways to damage it, and a snapshot of everything it holds.

The vault is made by the real code: testimonies (final, edited into a second version, drafts)
with long narratives so versions spread over several pages, attachments of one and several
1 MiB chunks, settings and the audit trail all of that wrote. ``snapshot`` reads every row
through the normal services, so a rescued vault can be compared with the original exactly.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault, db
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.testimony_fixtures import one_victim

PAGE = db.PAGE_SIZE


@dataclass
class Snapshot:
    identity: tuple[Any, ...]
    versions: dict[tuple[str, int], tuple[Any, ...]]
    attachments: dict[str, str]  # sha256 -> sha256 of the bytes read back
    sizes: dict[str, int]  # sha256 -> size
    links: set[tuple[str, str]]
    audit: dict[int, tuple[Any, ...]]
    settings: dict[str, str]

    @property
    def testimonies(self) -> set[str]:
        return {t for t, _ in self.versions}


def build_vault(folder: Path, *, testimonies: int = 14, big_attachment: int = 0) -> Vault:
    """A closed-and-reopened-ready vault in ``folder``; returns it open."""
    vault = Vault.create(folder, PASSPHRASE, "volunteer", "Aigul Test", FAST_KDF)
    store = TestimonyStore(vault)
    files = AttachmentStore(vault)
    for i in range(testimonies):
        content = one_victim({"latin": f"Victim Number{i}"})
        content["narrative"]["text"] = f"Testimony {i}. " + ("Fictional account. " * 400)
        tid = store.create_draft(content)
        if i % 3 != 2:
            store.finalize(tid)
        if i % 3 != 2 and i % 4 == 1:
            store.edit_final(tid)  # version 2, a draft chained to version 1
        if i % 5 == 0:
            data = (f"attachment {i} ".encode() * 300)[: 3000 + i]
            files.add(tid, io.BytesIO(data), f"note-{i}.txt")
    first = str(vault.conn.execute("SELECT id FROM testimonies ORDER BY id LIMIT 1").fetchone()[0])
    if big_attachment:
        files.add(first, io.BytesIO(os.urandom(big_attachment)), "recording.bin")
    with vault.transaction() as conn:
        for i in range(300):
            conn.execute("INSERT INTO settings VALUES (?, ?)", (f"test.key{i:04d}", "x" * 200))
    return vault


def snapshot(vault: Vault) -> Snapshot:
    conn = vault.conn
    versions = {
        (str(r[0]), int(r[1])): tuple(r)
        for r in conn.execute("SELECT * FROM testimony_versions ORDER BY testimony_id, version_no")
    }
    files = AttachmentStore(vault)
    attachments = {}
    for (sha,) in conn.execute("SELECT sha256 FROM attachments ORDER BY sha256").fetchall():
        with files.open(str(sha)) as reader:
            attachments[str(sha)] = hashlib.sha256(reader.read()).hexdigest()
    sizes = {str(r[0]): int(r[1]) for r in conn.execute("SELECT sha256, size FROM attachments")}
    links = {
        (str(r[0]), str(r[1]))
        for r in conn.execute("SELECT testimony_id, sha256 FROM testimony_attachments")
    }
    audit = {int(r[0]): tuple(r) for r in conn.execute("SELECT * FROM audit ORDER BY seq")}
    settings = {str(r[0]): str(r[1]) for r in conn.execute("SELECT key, value FROM settings")}
    identity = tuple(conn.execute("SELECT * FROM identity").fetchone())
    return Snapshot(identity, versions, attachments, sizes, links, audit, settings)


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in ``folder`` (names included: a new file shows up too)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def flip_bit(path: Path, offset: int) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)[0]
        f.seek(offset)
        f.write(bytes([byte ^ 0x10]))


def page_offset(page_no: int, within: int = PAGE // 2) -> int:
    """The byte offset of a point inside page ``page_no`` (1-based, as SQLite counts)."""
    return (page_no - 1) * PAGE + within
