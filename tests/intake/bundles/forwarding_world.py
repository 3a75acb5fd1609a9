"""Three real vaults for the forwarding tests (docs/bundle-format.md §7.13): volunteer V,
coordinator A (V's coordinator) and coordinator B (the second coordinator), each with its own
keys; cards exchanged and verified V↔A and A↔B (and V↔B where a test sends directly). V's
testimony has two signed versions and a photo and reached A through a real export and import.
Hostile forwarded bundles are signed with A's real key by the real bundle writer."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crypto import card as cardfmt
from crypto.signing import sign
from intake.bundles.export import Selection, export_bundle
from intake.bundles.importer import import_bundle
from intake.bundles.manifest import AttachmentEntry, AttachmentRef, Manifest, RecordEntry
from intake.cards.registry import CardRegistry, own_card
from intake.testimonies.canonical import VersionRecord, signing_message
from intake.testimonies.exchange import export_version
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from tests.conftest import VaultFactory
from tests.intake.bundles import forge
from tests.intake.bundles.vaults import add_final, example_content, exchange_cards, photo

V_PHOTO = photo(7, 30_000)
V_SECOND_TEXT = "Second version by the volunteer (fictional)."


@dataclass
class World:
    v: Vault  # the volunteer who wrote the testimony
    a: Vault  # coordinator A, who received it and forwards it
    b: Vault  # coordinator B, the second coordinator
    folder: Path
    tid: str

    def fp(self, vault: Vault) -> str:
        return own_card(vault).fingerprint

    def path(self, name: str) -> Path:
        return self.folder / f"{name}-{uuid.uuid4().hex[:8]}.age"

    def direct(self, to: Vault, selection: Any = "all-final") -> Path:
        """V's real export to ``to``."""
        return export_bundle(self.v, [self.fp(to)], self.path("direct"), selection=selection).path

    def forward(self, ids: Sequence[str] = ()) -> Path:
        """A's real forwarded export to B (the given testimonies, or all)."""
        selection: Selection = "ids" if ids else "all-final"
        out = self.path("forward")
        return export_bundle(
            self.a, [self.fp(self.b)], out, selection=selection, ids=ids, forward=True
        ).path

    def held(self, vault: Vault, version: int) -> tuple[bytes, bytes, str]:
        return export_version(TestimonyStore(vault), self.tid, version)

    def send(self, data: bytes) -> Path:
        path = self.path("hostile")
        path.write_bytes(data)
        return path


def make_world(make_vault: VaultFactory, tmp_path: Path, *, v_to_b: bool = False) -> World:
    v = make_vault("Айгүл Сейітова", "volunteer", folder="volunteer")
    a = make_vault("Coordinator Almaty", "coordinator", folder="coord-a")
    b = make_vault("Coordinator Istanbul", "coordinator", folder="coord-b")
    exchange_cards(v, a)
    CardRegistry(a).add(own_card(b), verified=True)
    CardRegistry(b).add(own_card(a), verified=True)
    if v_to_b:
        exchange_cards(v, b)
    tid = add_final(v, (V_PHOTO,))
    store = TestimonyStore(v)
    store.edit_final(tid)
    content = example_content()
    content["narrative"]["text"] = V_SECOND_TEXT
    store.update_draft(tid, content)
    store.finalize(tid)
    w = World(v, a, b, tmp_path, tid)
    report = import_bundle(a, w.direct(a))
    assert report.problem is None and report.outcomes == {"new": 1, "updated": 1}
    return w


def forwarded_bundle(
    w: World,
    records: Sequence[tuple[bytes, bytes]],
    *,
    authors: Sequence[cardfmt.Card] | None = None,
    refs: Sequence[Sequence[AttachmentRef]] = (),
    attachments: Sequence[bytes] = (),
    sender: Vault | None = None,
) -> bytes:
    """A forwarded bundle to B, signed by ``sender`` (default A) with its real key: the
    records as (canonical bytes, the signature the entry carries), V's card as author unless
    ``authors`` is given."""
    sender = sender or w.a
    entries = []
    for i, (data, signature) in enumerate(records):
        record = VersionRecord.parse(data)
        digest = hashlib.sha256(data).hexdigest()
        these = tuple(refs[i]) if i < len(refs) else ()
        entries.append(
            RecordEntry(record.testimony_id, record.version, len(data), digest, signature, these)
        )
    manifest = Manifest(
        bundle=str(uuid.uuid4()),
        created="2025-03-03T12:00:00Z",
        sender=own_card(sender),
        recipients=(w.fp(w.b),),
        sequence=1,
        records=tuple(entries),
        attachments=tuple(
            AttachmentEntry(hashlib.sha256(d).hexdigest(), len(d), "image/jpeg")
            for d in attachments
        ),
        authors=tuple(authors if authors is not None else (own_card(w.v),)),
    )
    recipient = forge.Keys.of(sender, w.b).recipient
    return forge.write(
        manifest,
        [d for d, _ in records],
        list(attachments),
        sender.identity.signing_seed,
        [recipient],
    )


def signed_by(vault: Vault, record: VersionRecord) -> tuple[bytes, bytes]:
    """``record``'s canonical bytes and ``vault``'s real signature over them."""
    data = record.canonical()
    return data, sign(
        vault.identity.signing_seed, signing_message(hashlib.sha256(data).hexdigest())
    )
