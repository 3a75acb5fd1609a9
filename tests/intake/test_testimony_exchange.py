"""Signed versions moving between vaults: export, import outcomes, forgeries and conflicts."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from crypto.keys import signing_public_key
from crypto.signing import sign
from intake.testimonies.canonical import VersionRecord, parse_canonical, signing_message
from intake.testimonies.errors import (
    BadSignature,
    ImportRejected,
    NotTheAuthor,
    NotYourTestimony,
    PreviousVersionMissing,
    VersionConflict,
)
from intake.testimonies.exchange import (
    NOT_CARRIED,
    check_version,
    export_version,
    import_version,
    store_version,
)
from intake.testimonies.store import TestimonyStore
from intake.vault.audit import AuditLog
from tests.conftest import VaultFactory
from tests.intake.testimony_fixtures import Clock, example_content


@pytest.fixture
def pair(make_vault: VaultFactory) -> tuple[TestimonyStore, TestimonyStore]:
    volunteer = make_vault("Volunteer", "volunteer")
    coordinator = make_vault("Coordinator", "coordinator")
    return TestimonyStore(volunteer, Clock()), TestimonyStore(coordinator, Clock())


def _export(store: TestimonyStore, tid: str, version: int | None = None) -> tuple[Any, bytes]:
    data, signature, _ = export_version(store, tid, version)
    return parse_canonical(data), signature


def _import(store: TestimonyStore, record: Any, signature: bytes, author: bytes) -> str:
    with store.vault.transaction() as conn:
        return import_version(store, record, signature, author, conn)


def _author(store: TestimonyStore) -> bytes:
    return signing_public_key(store.vault.identity.signing_seed)


def test_import_new_unchanged_updated_older(pair: tuple[TestimonyStore, TestimonyStore]) -> None:
    vol, coord = pair
    author = _author(vol)
    tid = vol.create_draft(example_content())
    v1 = vol.finalize(tid)
    rec1, sig1 = _export(vol, tid)
    assert _import(coord, rec1, sig1, author) == "new"
    assert _import(coord, rec1, sig1, author) == "unchanged"
    got = coord.get(tid)
    assert (got.status, got.hash, got.version_no) == ("final", v1.hash, 1)
    assert got.author_fingerprint is None  # the coordinator has not enrolled this card
    assert coord.verify_version(tid, 1)
    assert export_version(coord, tid)[0] == export_version(vol, tid)[0]  # byte for byte
    assert {s.id for s in coord.search("Tursun")} == {tid}

    vol.edit_final(tid)
    content = example_content()
    content["narrative"]["text"] = "Version two (fictional)."
    vol.update_draft(tid, content)
    vol.finalize(tid)
    rec2, sig2 = _export(vol, tid)
    assert _import(coord, rec2, sig2, author) == "updated"
    assert coord.get(tid).version_no == 2
    assert coord.get(tid).content["narrative"]["text"] == "Version two (fictional)."
    assert _import(coord, rec1, sig1, author) == "unchanged"  # never replaces version 2

    fresh = TestimonyStore(coord.vault)  # a third vault's view: version 2 first, then 1
    assert fresh.get(tid).version_no == 2
    outcomes = [e.details["outcome"] for e in AuditLog(coord.vault).entries(subject=tid)]
    assert outcomes == ["new", "updated"]


def test_a_version_before_its_predecessor_is_refused_then_stored(
    pair: tuple[TestimonyStore, TestimonyStore],
) -> None:
    """A version N > 1 is stored only on top of version N - 1 (testimony-format.md §5)."""
    vol, coord = pair
    author = _author(vol)
    tid = vol.create_draft(example_content())
    vol.finalize(tid)
    vol.edit_final(tid)
    vol.finalize(tid)
    rec2, sig2 = _export(vol, tid, 2)
    rec1, sig1 = _export(vol, tid, 1)
    with pytest.raises(PreviousVersionMissing):
        _import(coord, rec2, sig2, author)
    assert coord.list() == []  # nothing held back
    assert _import(coord, rec1, sig1, author) == "new"
    assert _import(coord, rec2, sig2, author) == "updated"
    assert [i.version_no for i in coord.versions(tid)] == [1, 2]
    assert coord.verify_version(tid, 2)


def test_a_version_by_another_key_is_refused(
    pair: tuple[TestimonyStore, TestimonyStore],
) -> None:
    """Whoever signs it and however it chains: only the author of version 1 adds versions."""
    vol, coord = pair
    tid = vol.create_draft(example_content())
    vol.finalize(tid)
    rec1, sig1 = _export(vol, tid, 1)
    _import(coord, rec1, sig1, _author(vol))
    other = TestimonyStore(coord.vault)  # a third key: the coordinator's own
    record = VersionRecord.from_record(rec1)
    for version, previous in ((2, record.hash()), (5, "ab" * 32), (1, None)):
        forged = VersionRecord.from_record(
            dict(rec1, version=version, previous=previous, author=_author(coord).hex())
        )
        signature = sign(coord.vault.identity.signing_seed, signing_message(forged.hash()))
        with pytest.raises(NotTheAuthor):
            _import(other, forged.to_record(), signature, _author(coord))
    assert [i.version_no for i in coord.versions(tid)] == [1]
    with pytest.raises(NotYourTestimony):  # nor can the coordinator start one locally
        coord.edit_final(tid)


def test_forgeries_are_rejected_and_change_nothing(
    pair: tuple[TestimonyStore, TestimonyStore],
) -> None:
    vol, coord = pair
    author = _author(vol)
    tid = vol.create_draft(example_content())
    vol.finalize(tid)
    record, signature = _export(vol, tid)
    changed = dict(record, content={**record["content"], "narrative": {"text": "forged"}})
    with pytest.raises(BadSignature):
        _import(coord, changed, signature, author)
    other = _author(coord)
    with pytest.raises(BadSignature):
        _import(coord, record, signature, other)  # the record names a different author
    with pytest.raises(BadSignature):
        _import(coord, record, bytes(64), author)
    draft = dict(record, status="draft")
    with pytest.raises(ImportRejected):
        _import(coord, draft, signature, author)
    assert coord.list() == []
    assert AuditLog(coord.vault).entries() == []


def test_signed_but_malformed_content_is_rejected(
    pair: tuple[TestimonyStore, TestimonyStore],
) -> None:
    """A validly signed record whose content breaks the form's limits is still refused."""
    vol, coord = pair
    author = _author(vol)
    tid = vol.create_draft(example_content())
    vol.finalize(tid)
    record, _ = _export(vol, tid)
    record = dict(record, content={"interview": {"place": "x" * 10_000}})
    digest = VersionRecord.from_record(record).hash()
    signature = sign(vol.vault.identity.signing_seed, signing_message(digest))
    with pytest.raises(ImportRejected):
        _import(coord, record, signature, author)


def test_two_texts_of_one_version_conflict(
    pair: tuple[TestimonyStore, TestimonyStore],
) -> None:
    vol, coord = pair
    author = _author(vol)
    tid = vol.create_draft(example_content())
    vol.finalize(tid)
    record, signature = _export(vol, tid)
    assert _import(coord, record, signature, author) == "new"
    # The same author signs a different text under the same id and version number.
    forked = dict(record, created="2030-01-01T00:00:00Z")
    digest = VersionRecord.from_record(forked).hash()
    fork_sig = sign(vol.vault.identity.signing_seed, signing_message(digest))
    with pytest.raises(VersionConflict):
        _import(coord, forked, fork_sig, author)
    # In the author's own vault, a local draft on top would be buried by an imported version 2
    # (the same author's, signed elsewhere: a vault restored from a backup).
    twin = dict(record, id="1b7e4c52-9a2d-4f6e-8c3b-0d1e2f3a4b5c")
    twin_sig = sign(vol.vault.identity.signing_seed, signing_message(_hash(twin)))
    own = TestimonyStore(vol.vault)
    assert _import(own, twin, twin_sig, author) == "new"
    own.edit_final(twin["id"])
    rec2 = dict(twin, version=2, previous=_hash(twin), created="2030-01-02T00:00:00Z")
    sig2 = sign(vol.vault.identity.signing_seed, signing_message(_hash(rec2)))
    with pytest.raises(VersionConflict):
        _import(own, rec2, sig2, author)
    assert own.get(twin["id"]).status == "draft"


def _hash(record: dict[str, Any]) -> str:
    return VersionRecord.from_record(record).hash()


def test_import_runs_inside_the_callers_transaction(
    pair: tuple[TestimonyStore, TestimonyStore],
) -> None:
    vol, coord = pair
    tid = vol.create_draft(example_content())
    vol.finalize(tid)
    record, signature = _export(vol, tid)

    def failing_bundle() -> None:
        with coord.vault.transaction() as conn:
            import_version(coord, record, signature, _author(vol), conn)
            raise RuntimeError("a later file of the bundle was bad")

    with pytest.raises(RuntimeError):
        failing_bundle()
    assert coord.list() == []
    assert AuditLog(coord.vault).verify().checked == 0


def test_checked_version_crosses_processes_without_its_content(
    pair: tuple[TestimonyStore, TestimonyStore],
) -> None:
    """As a helper process returns it (record_checks.py): with its index computed, the parsed
    content stays behind, and storing it gives exactly what storing the original gives."""
    vol, coord = pair
    tid = vol.create_draft(example_content())
    vol.finalize(tid)
    data, signature, _ = export_version(vol, tid)
    checked = check_version(data, signature, _author(vol), with_index=True)
    arrived = pickle.loads(pickle.dumps(checked))  # noqa: S301 - our own bytes
    assert arrived.record.content is NOT_CARRIED and not arrived.record.content
    assert checked.record.content  # the original keeps it
    for name in ("testimony_id", "version", "form", "previous", "author", "created", "status"):
        assert getattr(arrived.record, name) == getattr(checked.record, name)
    assert (arrived.content_text, arrived.digest, arrived.signature, arrived.index) == (
        checked.content_text,
        checked.digest,
        checked.signature,
        checked.index,
    )
    assert arrived.form is checked.form
    with coord.vault.transaction() as conn:
        assert store_version(coord, arrived, conn) == ("new", checked.digest)
    got = coord.get(tid)
    assert got.content == example_content() and coord.verify_version(tid, 1)
    assert {s.id for s in coord.search("Tursun")} == {tid}
    plain = check_version(data, signature, _author(vol))
    without_index = pickle.loads(pickle.dumps(plain))  # noqa: S301 - our own bytes
    assert without_index.record.content == checked.record.content  # carried when needed
