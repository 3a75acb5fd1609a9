"""What a malicious enrolled volunteer can send with a valid signature of their own (SECURITY.md,
"Insiders"): volunteer M, enrolled and verified at the coordinator like volunteer A, tries to
replace, shadow, hide or block A's testimonies. Every vault here is real (its own init, its own
keys, cards exchanged and verified); A's bundles come from the real export; M's hostile records
are signed with M's real key by the real signing functions and written by the real bundle
writer (the export cannot produce them). After each case the coordinator's archive still shows
A's text, and A's next bundle still imports.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from crypto.keys import signing_public_key
from crypto.signing import sign
from intake.bundles.export import export_bundle
from intake.bundles.importer import BundleReport, import_bundle
from intake.bundles.manifest import AttachmentEntry, AttachmentRef, Manifest, RecordEntry
from intake.canonical import VersionRecord, signing_message
from intake.cards import CardRegistry, own_card
from intake.testimonies import TestimonyStore
from intake.vault import Vault
from tests.conftest import VaultFactory
from tests.intake.bundles import forge
from tests.intake.bundles.vaults import add_final, example_content, exchange_cards

HOSTILE_TEXT = "Rewritten by another volunteer (fictional)."
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
        data, _, _ = TestimonyStore(self.a).export_version(self.a_tid, version)
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


@pytest.fixture
def world(make_vault: VaultFactory, tmp_path: Path) -> Insiders:
    a = make_vault("Айгүл Сейітова", "volunteer")
    m = make_vault("Mallory Insider", "volunteer")
    c = make_vault("Coordinator One", "coordinator")
    exchange_cards(a, c)
    exchange_cards(m, c)
    tid = add_final(a)
    w = Insiders(a, m, c, tmp_path, tid, "")
    report = import_bundle(c, w.export(a))
    assert report.outcomes == {"new": 1}
    w.a_v1_hash = str(TestimonyStore(a).get(tid).hash)
    return w


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


def assert_refused_as_takeover(w: Insiders, report: BundleReport, count: int = 1) -> None:
    """The report names each refused record, the check (``not-author``) and the sender."""
    assert len(report.refused) == count
    for refusal in report.refused:
        assert refusal.testimony_id == w.a_tid
        assert refusal.code == "not-author"
        assert refusal.sender_name == "Mallory Insider"
        assert refusal.sender_fingerprint == w.m_fp
        assert "not-author" not in refusal.message("en")  # a sentence, not a code
        assert w.a_tid in refusal.message("en")
    assert report.outcomes.get("updated", 0) == 0


def a_text_intact(w: Insiders) -> None:
    version, text, author = w.shown()
    assert (version, author) == (1, signing_public_key(w.a.identity.signing_seed))
    assert text == example_content()["narrative"]["text"]
    assert [s.id for s in TestimonyStore(w.c).search("Rewritten")] == []


# ---- the two takeovers of the issue (regression) ---------------------------------------------


def test_takeover_with_a_higher_version_is_refused(world: Insiders) -> None:
    """M signs version 5 of A's testimony with an arbitrary ``previous``."""
    record = hostile_record(world, world.a_record(), version=5, previous="ab" * 32)
    report = import_bundle(world.c, world.send(signed_bundle(world, [record])))
    a_text_intact(world)
    assert_refused_as_takeover(world, report)
    world.a_later_bundle_imports()


def test_takeover_chained_to_version_1_is_refused(world: Insiders) -> None:
    """M signs version 2 of A's testimony, chained to A's real version-1 hash."""
    record = hostile_record(world, world.a_record(), version=2, previous=world.a_v1_hash)
    report = import_bundle(world.c, world.send(signed_bundle(world, [record])))
    a_text_intact(world)
    assert_refused_as_takeover(world, report)
    world.a_later_bundle_imports()
