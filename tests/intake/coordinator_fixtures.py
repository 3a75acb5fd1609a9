"""Volunteer vaults that send real bundles to a coordinator vault, for the coordinator tests.

Everything is real: SQLCipher vaults (cheap KDF), signed final testimonies, age-encrypted
bundles written by intake.bundles.export. Names are fictional.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from intake.bundles.export import export_bundle
from intake.cards.registry import CardRegistry, own_card
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault


def victim_testimony(names: dict[str, Any], publish: bool, **victim: Any) -> dict[str, Any]:
    """A complete testimony about one victim (contact details are a sensitive field)."""
    return {
        "interview": {"place": "Almaty", "date": "2020-02-03", "languages": ["kk"]},
        "testifier": {
            "names": {"latin": "Gulnar Memet"},
            "how_obtained": "direct",
            "contact": "+7 700 000 0000",
        },
        "victims": [{"names": names, "relation": "sibling", "status": "missing", **victim}],
        "narrative": {"text": "Fictional test narrative."},
        "consent": {"publish_names": publish, "may_contact_again": True},
    }


def finalized(vault: Vault, *contents: dict[str, Any]) -> list[str]:
    store = TestimonyStore(vault)
    ids = []
    for content in contents:
        tid = store.create_draft(content)
        store.finalize(tid)
        ids.append(tid)
    return ids


def send(volunteer: Vault, coordinator: Vault, folder: Path, *, enroll: bool = True) -> Path:
    """Export every new final testimony of ``volunteer`` to ``coordinator`` as one bundle."""
    CardRegistry(volunteer).add(own_card(coordinator), verified=True)
    if enroll:
        CardRegistry(coordinator).add(own_card(volunteer), verified=True)
    folder.mkdir(parents=True, exist_ok=True)
    result = export_bundle(volunteer, [own_card(coordinator).fingerprint], folder)
    return Path(result.path)


def tampered_copy(bundle: Path, out: Path) -> Path:
    """The same bundle with one byte in the middle flipped."""
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    out.write_bytes(bytes(data))
    return out
