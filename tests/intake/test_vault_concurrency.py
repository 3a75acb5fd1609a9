"""An import, a search, an autosave and a duplicates scan at once, on one real coordinator vault.

The import stops inside its transaction (its progress callback waits on an event) while the
other three run on their own threads; then it commits, or is cancelled and rolls back. The
search and the scan must show only committed rows, the autosave must land, and the import must
land whole or not at all. Real SQLCipher, real signed and encrypted bundles (cheap KDF).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from intake.bundles.importer import import_bundle
from intake.duplicates.finder import DuplicateFinder
from intake.testimonies.store import TestimonyStore
from intake.vault.errors import VaultBusy
from tests.conftest import VaultFactory
from tests.intake.coordinator_fixtures import finalized, send, victim_testimony

WAIT = 20.0  # seconds any step may take before the test gives up (never reached when green)
AUTOSAVE_TICKS = 5  # tries of the autosave, each waiting up to BUSY_WAIT for the import


class Cancelled(Exception):
    """What the import's progress raises to stop it (as the GUI does when the vault locks)."""


def _in_thread(target: Callable[[], Any], results: dict[str, Any], name: str) -> threading.Thread:
    def run() -> None:
        try:
            results[name] = target()
        except BaseException as exc:  # checked by the test, never lost
            results[name] = exc

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


@pytest.mark.parametrize("outcome", ["commit", "cancel"])
def test_import_search_autosave_and_duplicates_scan_at_once(
    make_vault: VaultFactory, tmp_path: Path, outcome: str
) -> None:
    volunteer = make_vault("Volunteer Test", "volunteer")
    coordinator = make_vault("Coordinator Test", "coordinator")
    (before,) = finalized(volunteer, victim_testimony({"latin": "Tursun Memet"}, True))
    import_bundle(coordinator, send(volunteer, coordinator, tmp_path / "one"))
    arriving = finalized(
        volunteer,
        victim_testimony({"latin": "Tursun Mamet"}, True, birth_date="1962"),
        victim_testimony({"latin": "Zulfiya Qadir"}, True),
    )
    bundle = send(volunteer, coordinator, tmp_path / "two")
    store = TestimonyStore(coordinator)
    draft = store.create_draft(victim_testimony({"latin": "Aynur Tohti"}, False))
    finder = DuplicateFinder(coordinator)
    finder.refresh()  # the committed archive is indexed; the scan below only reads

    paused, resume = threading.Event(), threading.Event()

    def progress(done: int, total: int) -> None:
        if done == total and not paused.is_set():  # every record read and stored
            paused.set()
            assert resume.wait(WAIT)
            if outcome == "cancel":
                raise Cancelled

    results: dict[str, Any] = {}
    importer = _in_thread(lambda: import_bundle(coordinator, bundle, progress), results, "import")
    assert paused.wait(WAIT)
    edited = victim_testimony({"latin": "Aynur Tohti"}, False, birth_date="1980")
    readers = [
        _in_thread(lambda: [s.id for s in store.search("Zulfiya")], results, "search"),
        _in_thread(lambda: [s.id for s in store.list()], results, "list"),
        _in_thread(lambda: finder.candidates(0.0), results, "scan"),
    ]
    for thread in readers:
        thread.join(WAIT)

    def autosave() -> None:
        for _tick in range(AUTOSAVE_TICKS):
            try:
                return store.update_draft(draft, edited)
            except VaultBusy:  # the import still writes: the editor tries again next tick
                continue
        raise VaultBusy

    saver = _in_thread(autosave, results, "autosave")
    resume.set()
    importer.join(WAIT)
    saver.join(WAIT)

    assert results["search"] == []  # the import's rows were never visible before its commit
    assert sorted(results["list"]) == sorted([before, draft])
    scanned = {c.testimony_a for c in results["scan"]} | {c.testimony_b for c in results["scan"]}
    assert not scanned & set(arriving)
    assert results["autosave"] is None  # landed, after the import's transaction ended
    assert store.get(draft).content["victims"][0]["birth_date"] == "1980"
    now = {s.id for s in TestimonyStore(coordinator).list()}
    if outcome == "commit":
        assert not isinstance(results["import"], BaseException), results["import"]
        assert now == {before, draft, *arriving}  # landed whole
        assert TestimonyStore(coordinator).search("Zulfiya")
    else:
        assert isinstance(results["import"], Cancelled)
        assert now == {before, draft}  # rolled back whole
        rows = coordinator.conn.execute("SELECT count(*) FROM bundles_received").fetchone()
        assert rows[0] == 1
