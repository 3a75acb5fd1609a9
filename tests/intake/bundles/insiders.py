"""Two volunteers and a coordinator, all real vaults, for the insider tests: volunteer A (the
author), volunteer M (an insider, enrolled and verified like A) and the coordinator, with A's
first testimony imported. M's hostile records are signed with M's real key by the real signing
functions and written by the real bundle writer (the export cannot produce them)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from crypto.keys import signing_public_key
from crypto.signing import sign
from intake.bundles.export import export_bundle
from intake.bundles.importer import BundleReport, import_bundle
from intake.bundles.manifest import AttachmentEntry, AttachmentRef, Manifest, RecordEntry
from intake.cards.registry import own_card
from intake.testimonies.canonical import VersionRecord, signing_message
from intake.testimonies.exchange import export_version
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from tests.conftest import VaultFactory
from tests.intake.bundles import forge
from tests.intake.bundles.vaults import add_final, example_content, exchange_cards, photo

HOSTILE_TEXT = "Rewritten by another volunteer (fictional)."
A_PHOTO = photo(1, 20_000)
A_SECOND_TEXT = "Second version by its author (fictional)."


@dataclass
class Insiders:
    a: Vault  # the author
    m: Vault  # the malicious insider, enrolled and verified like A
    c: Vault  # the coordinator
    folder: Path
    a_tid: str  # A's testimony, version 1 imported at the coordinator
    a_v1_hash: str

    @property
    def c_fp(self) -> str:
        return own_card(self.c).fingerprint

    @property
    def m_fp(self) -> str:
        return own_card(self.m).fingerprint

    @property
    def m_public(self) -> bytes:
        return signing_public_key(self.m.identity.signing_seed)

    def path(self, name: str) -> Path:
        return self.folder / f"{name}-{uuid.uuid4().hex[:8]}.age"

    def export(self, vault: Vault, selection: Any = "new") -> Path:
        return export_bundle(vault, [self.c_fp], self.path("real"), selection=selection).path

    def send(self, data: bytes) -> Path:
        path = self.path("hostile")
        path.write_bytes(data)
        return path

    def shown(self) -> tuple[int, str, bytes]:
        """What the coordinator's archive shows for A's testimony: version, narrative, author."""
        got = TestimonyStore(self.c).get(self.a_tid)
        return got.version_no, got.content["narrative"]["text"], got.author_public

    def a_record(self, version: int = 1) -> VersionRecord:
        data, _, _ = export_version(TestimonyStore(self.a), self.a_tid, version)
        return VersionRecord.parse(data)

    def a_second_version(self) -> None:
        """A edits the testimony and signs version 2 in A's own vault."""
        store = TestimonyStore(self.a)
        store.edit_final(self.a_tid)
        content = example_content()
        content["narrative"]["text"] = A_SECOND_TEXT
        store.update_draft(self.a_tid, content)
        store.finalize(self.a_tid)

    def a_later_bundle_imports(self) -> BundleReport:
        """A's genuine version 2 (real export) imports and becomes what the archive shows."""
        self.a_second_version()
        report = import_bundle(self.c, self.export(self.a))
        assert report.problem is None
        assert self.shown() == (2, A_SECOND_TEXT, signing_public_key(self.a.identity.signing_seed))
        return report


def hostile_record(w: Insiders, base: VersionRecord, **changes: Any) -> VersionRecord:
    """``base`` changed as given, authored by M, with M's text."""
    content = dict(base.content)
    content["narrative"] = {"text": HOSTILE_TEXT}
    fields: dict[str, Any] = {"author": w.m_public.hex(), "content": content}
    fields.update(changes)
    return replace(base, **fields)


def signed_bundle(
    w: Insiders,
    records: Sequence[VersionRecord],
    *,
    refs: Sequence[Sequence[AttachmentRef]] = (),
    attachments: Sequence[tuple[bytes, str]] = (),
    bundle_id: str | None = None,
    sequence: int = 1,
    sender: Any = None,
    seed: bytes | None = None,
    record_seed: bytes | None = None,
) -> bytes:
    """A bundle to the coordinator signed by M (or ``seed``): the records signed with M's key
    (or ``record_seed``), attachments as (bytes, media type), written by the real writer."""
    seed = seed or w.m.identity.signing_seed
    record_seed = record_seed or w.m.identity.signing_seed
    entries, datas = [], []
    for i, record in enumerate(records):
        data = record.canonical()
        digest = hashlib.sha256(data).hexdigest()
        signature = sign(record_seed, signing_message(digest))
        these = tuple(refs[i]) if i < len(refs) else ()
        entries.append(
            RecordEntry(record.testimony_id, record.version, len(data), digest, signature, these)
        )
        datas.append(data)
    manifest = Manifest(
        bundle=bundle_id or str(uuid.uuid4()),
        created="2025-03-02T12:00:00Z",
        sender=sender or own_card(w.m),
        recipients=(w.c_fp,),
        sequence=sequence,
        records=tuple(entries),
        attachments=tuple(
            AttachmentEntry(hashlib.sha256(d).hexdigest(), len(d), t) for d, t in attachments
        ),
    )
    recipient = forge.Keys.of(w.m, w.c).recipient
    return forge.write(manifest, datas, [d for d, _ in attachments], seed, [recipient])


def make_world(
    make_vault: VaultFactory, tmp_path: Path, coordinator: Vault | None = None
) -> Insiders:
    """A, M and the coordinator (a new one unless given), cards exchanged, A's first testimony
    (with a photo) imported."""
    a = make_vault("Айгүл Сейітова", "volunteer", folder="author")
    m = make_vault("Mallory Insider", "volunteer", folder="insider")
    c = coordinator or make_vault("Coordinator One", "coordinator", folder="coordinator")
    exchange_cards(a, c)
    exchange_cards(m, c)
    tid = add_final(a, (A_PHOTO,))
    w = Insiders(a, m, c, tmp_path, tid, "")
    report = import_bundle(c, w.export(a))
    assert report.outcomes == {"new": 1}
    w.a_v1_hash = str(TestimonyStore(a).get(tid).hash)
    return w
