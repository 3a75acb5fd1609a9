"""Records checked in a helper process (record_checks.py): the same vault, row for row, as
when checked in this process; the same refusal, for the same record, in stream order; and a
helper that dies only costs time."""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import shutil
import sys
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from intake.bundles import errors, record_checks
from intake.bundles.export import export_bundle
from intake.bundles.importer import import_bundle
from intake.bundles.manifest import Manifest
from intake.bundles.reader import BundleReader
from intake.cards.registry import own_card
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.bundles import forge
from tests.intake.bundles.synthetic import split_members
from tests.intake.bundles.vaults import (
    add_final,
    exchange_cards,
    helper_parents,
    logical_dump,
    photo,
)

RECORDS = 7


def _clock() -> datetime:
    return datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@dataclass
class Setup:
    folder: Path
    coordinator: Path  # closed, never imported into: copied for each import
    bundle: Path  # RECORDS records and one photo
    keys: forge.Keys


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    folder = tmp_path_factory.mktemp("record-checks")
    volunteer = Vault.create(folder / "v", PASSPHRASE, "volunteer", "V", FAST_KDF)
    coordinator = Vault.create(folder / "c", PASSPHRASE, "coordinator", "C", FAST_KDF)
    exchange_cards(volunteer, coordinator)
    for i in range(RECORDS):
        add_final(volunteer, (photo(5, 40_000),) if i == 3 else ())
    bundle = export_bundle(
        volunteer, [own_card(coordinator).fingerprint], folder / "b.age", selection="new"
    ).path
    keys = forge.Keys.of(volunteer, coordinator)
    volunteer.close()
    coordinator.close()
    return Setup(folder, folder / "c", bundle, keys)


def _helper(monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    """``on``: records checked in forked helpers (whatever threads the test process has), in
    batches of 2, at most one batch ahead, so the batching paths all run; else in-process."""
    if not on:
        monkeypatch.setattr(record_checks, "MIN_RECORDS", RECORDS + 1)
        return
    monkeypatch.setattr(record_checks, "MIN_RECORDS", 1)
    monkeypatch.setattr(record_checks, "BATCH_RECORDS", 2)
    monkeypatch.setattr(record_checks, "AHEAD", 1)
    monkeypatch.setattr(record_checks, "_context", lambda: multiprocessing.get_context("fork"))


def _import(setup: Setup, name: str, bundle: Path | None) -> tuple[Any, dict[str, Any]]:
    """Import ``bundle`` (None: nothing) into a fresh copy of the coordinator: (report or
    error, vault dump)."""
    copy = setup.folder / name
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(setup.coordinator, copy)
    with Vault.open(copy, PASSPHRASE) as vault:
        outcome: Any = None
        try:
            if bundle is not None:
                outcome = import_bundle(vault, bundle, clock=_clock)
        except errors.BundleError as exc:
            outcome = exc
        return outcome, logical_dump(vault)


def test_helper_stores_exactly_what_this_process_stores(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    _helper(monkeypatch, False)
    report, alone = _import(setup, "alone", setup.bundle)
    assert report.outcomes == {"new": RECORDS} and report.attachments_new == 1
    _helper(monkeypatch, True)
    report, helped = _import(setup, "helped", setup.bundle)
    assert report.outcomes == {"new": RECORDS} and report.attachments_new == 1
    assert helped == alone


def _forged(setup: Setup, bad: int, damage_next: bool) -> Path:
    """The bundle with record ``bad``'s signature zeroed (manifest signed again by the
    volunteer); ``damage_next``: a byte of the member after it changed as well, so reading
    the stream fails right after that record (it is refused first all the same)."""
    plaintext = setup.keys.decrypt(setup.bundle.read_bytes())
    manifest: Manifest = (
        BundleReader(
            io.BytesIO(setup.bundle.read_bytes()),
            setup.keys.coordinator_x25519,
            setup.keys.coordinator_hybrid,
        )
        .read_head()
        .manifest
    )
    members = split_members(plaintext)
    n = len(manifest.records)
    records = [d[: e.size] for (_, d), e in zip(members[2 : 2 + n], manifest.records, strict=True)]
    atts = [
        d[: e.size] for (_, d), e in zip(members[2 + n : -1], manifest.attachments, strict=True)
    ]
    assert hashlib.sha256(records[bad]).hexdigest() == manifest.records[bad].sha256
    entries = list(manifest.records)
    entries[bad] = replace(entries[bad], signature=bytes(64))
    forged = forge.write(
        replace(manifest, records=tuple(entries)),
        records,
        atts,
        setup.keys.volunteer_seed,
        [setup.keys.recipient],
    )
    if damage_next:
        changed = bytearray(setup.keys.decrypt(forged))
        sizes = [len(h) + len(d) for h, d in split_members(bytes(changed))]
        changed[sum(sizes[: 2 + bad + 1]) + 512] ^= 1  # first data byte of the next member
        forged = setup.keys.encrypt(bytes(changed))
    path = setup.folder / f"forged-{bad}-{damage_next}.age"
    path.write_bytes(forged)
    return path


@pytest.mark.parametrize("damage_next", [False, True])
@pytest.mark.parametrize("bad", [0, 4, RECORDS - 1])
def test_the_same_record_is_refused_for_the_same_reason(
    setup: Setup, monkeypatch: pytest.MonkeyPatch, bad: int, damage_next: bool
) -> None:
    path = _forged(setup, bad, damage_next)
    _, before = _import(setup, "untouched", None)
    _helper(monkeypatch, False)
    alone, alone_dump = _import(setup, "alone", path)
    _helper(monkeypatch, True)
    helped, helped_dump = _import(setup, "helped", path)
    assert isinstance(alone, errors.RecordInvalid)
    assert type(helped) is type(alone) and helped.message() == alone.message()
    assert alone_dump == helped_dump == before  # nothing stored


def _dies(author: bytes, batch: list[tuple[bytes, bytes]]) -> list[Any]:
    os._exit(3)  # the helper process dies without a word


def test_a_dead_helper_only_costs_time(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    _helper(monkeypatch, False)
    _, alone = _import(setup, "alone", setup.bundle)
    _helper(monkeypatch, True)
    monkeypatch.setattr(record_checks, "_check_batch", _dies)
    report, helped = _import(setup, "helped", setup.bundle)
    assert report.outcomes == {"new": RECORDS}
    assert helped == alone


def test_helpers_run_behind_the_storing_process(monkeypatch: pytest.MonkeyPatch) -> None:
    _helper(monkeypatch, True)
    checker = record_checks.RecordChecker(bytes(32))
    try:
        niceness = checker._pool.submit(os.nice, 0).result()
    finally:
        checker.close()
    assert niceness == min(os.nice(0) + record_checks.NICENESS, 19)


def test_helpers_come_from_a_fork_server_while_other_threads_run(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A forked copy of a process with threads (the desktop app) could deadlock: there the
    # helpers are forked by a fork server (a fresh, single-threaded interpreter), with the same
    # result as checking in this process.
    monkeypatch.setattr(record_checks, "MIN_RECORDS", 1)
    monkeypatch.setattr(record_checks, "BATCH_RECORDS", 2)
    _, before = _import(setup, "alone", None)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    parents = helper_parents(monkeypatch)
    try:
        assert record_checks.available()
        report, dump = _import(setup, "threads", setup.bundle)
    finally:
        stop.set()
        other.join()
    assert len(parents) == 1 and parents[0] != os.getpid()  # forked by the fork server
    assert report.outcomes == {"new": RECORDS}
    _helper(monkeypatch, False)
    _, alone = _import(setup, "alone", setup.bundle)
    assert dump == alone != before


def test_no_helpers_outside_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    assert not record_checks.available()
    with pytest.raises(RuntimeError):
        record_checks.RecordChecker(bytes(32))
