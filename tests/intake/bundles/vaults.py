"""Real vaults for bundle tests: a volunteer and a coordinator who exchanged verified cards,
the example testimony (finalized, with a photo), and a dump of a vault's logical content."""

from __future__ import annotations

import io
import os
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from intake.bundles import record_checks
from intake.cards.registry import CardRegistry, own_card
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.json_input import read_testimony_json
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from intake.vault.db import OperationalError
from tests.conftest import REPO, VaultFactory

EXAMPLE = REPO / "docs" / "examples" / "testimony.json"
CLOCK = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


def photo(seed: int = 1, size: int = 300_000) -> bytes:
    rng = random.Random(seed)  # reproducible bytes, not secrets
    return b"\xff\xd8\xff\xe0" + rng.randbytes(size)


@dataclass
class Pair:
    volunteer: Vault
    coordinator: Vault

    @property
    def coordinator_fp(self) -> str:
        return own_card(self.coordinator).fingerprint

    @property
    def volunteer_fp(self) -> str:
        return own_card(self.volunteer).fingerprint


def exchange_cards(volunteer: Vault, coordinator: Vault, verified: bool = True) -> None:
    CardRegistry(volunteer).add(own_card(coordinator), verified=verified)
    CardRegistry(coordinator).add(own_card(volunteer), verified=verified)


def make_pair(make_vault: VaultFactory) -> Pair:
    volunteer = make_vault("Айгүл Сейітова", "volunteer")
    coordinator = make_vault("Coordinator One", "coordinator")
    exchange_cards(volunteer, coordinator)
    return Pair(volunteer, coordinator)


def example_content() -> dict[str, Any]:
    return read_testimony_json(EXAMPLE.read_bytes()).content


def add_final(
    vault: Vault, photos: tuple[bytes, ...] = (), content: dict[str, Any] | None = None
) -> str:
    store = TestimonyStore(vault)
    tid = store.create_draft(content or example_content())
    for i, data in enumerate(photos):
        AttachmentStore(vault).add(tid, io.BytesIO(data), f"photo {i}.jpg")
    store.finalize(tid)
    return tid


def logical_dump(vault: Vault) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (FTS shadow tables included), sorted: the vault's content."""
    conn = vault.conn
    names = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        ).fetchall()
    ]
    dump: dict[str, list[tuple[Any, ...]]] = {}
    for name in names:
        try:  # rowid too: FTS5 contentless rows are only rowids
            rows = conn.execute(f'SELECT rowid, * FROM "{name}"').fetchall()  # noqa: S608
        except OperationalError:  # WITHOUT ROWID tables (FTS5 shadow tables)
            rows = conn.execute(f'SELECT * FROM "{name}"').fetchall()  # noqa: S608
        dump[name] = sorted(
            (tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows),
            key=repr,
        )
    return dump


def helper_parents(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, each RecordChecker made adds its helper's parent process id to the list
    returned: this process's id when the helper was forked from it, another (the fork
    server's) when not."""
    parents: list[int] = []
    real = record_checks.RecordChecker.__init__

    def recording(self: record_checks.RecordChecker, author: bytes) -> None:
        real(self, author)
        parents.append(self._pool.submit(os.getppid).result())

    monkeypatch.setattr(record_checks.RecordChecker, "__init__", recording)
    return parents
