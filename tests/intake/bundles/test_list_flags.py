"""The testimony list knows which testimonies have left in a bundle."""

from __future__ import annotations

from pathlib import Path

from intake.bundles.export import export_bundle
from intake.testimonies.store import TestimonyStore
from tests.conftest import VaultFactory
from tests.intake.bundles.vaults import add_final, make_pair


def test_list_marks_exported_testimonies(make_vault: VaultFactory, tmp_path: Path) -> None:
    pair = make_pair(make_vault)
    sent = add_final(pair.volunteer, ())
    store = TestimonyStore(pair.volunteer)
    assert [s.exported for s in store.list()] == [False]
    export_bundle(pair.volunteer, [pair.coordinator_fp], tmp_path / "b.age")
    kept = add_final(pair.volunteer, ())
    flags = {s.id: (s.exported, s.sealed) for s in store.list()}
    assert flags == {sent: (True, False), kept: (False, False)}
