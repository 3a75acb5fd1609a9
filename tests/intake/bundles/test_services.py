"""Export, verify and import between two real vaults (services, no CLI)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake.bundles import errors
from intake.bundles.export import export_bundle
from intake.bundles.importer import gaps, import_bundle, verify_bundle
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.store import TestimonyStore
from intake.vault.audit import AuditLog
from tests.conftest import VaultFactory
from tests.intake.bundles.vaults import (
    add_final,
    exchange_cards,
    logical_dump,
    make_pair,
    photo,
)


def test_testimony_with_photo_travels(make_vault: VaultFactory, tmp_path: Path) -> None:
    pair = make_pair(make_vault)
    tid = add_final(pair.volunteer, (photo(1),))
    result = export_bundle(
        pair.volunteer, [pair.coordinator_fp], tmp_path / "b.age", selection="all-final"
    )
    assert result.path.is_file() and not (tmp_path / "b.age.part").exists()
    assert (result.records, result.attachments, result.sequence) == (1, 1, 1)
    assert TestimonyStore(pair.volunteer).get(tid).exported

    report = verify_bundle(pair.coordinator, result.path)
    assert report.problem is None and report.sender_status == "enrolled"
    report = import_bundle(pair.coordinator, result.path)
    assert report.outcomes == {"new": 1} and report.attachments_new == 1
    store = TestimonyStore(pair.coordinator)
    got = store.get(tid)
    assert got.status == "final" and got.content == TestimonyStore(pair.volunteer).get(tid).content
    [att] = AttachmentStore(pair.coordinator).list(tid)
    with AttachmentStore(pair.coordinator).open(att.sha256) as f:
        assert f.read() == photo(1)
    assert att.media_type == "image/jpeg" and att.filename == "photo 0.jpg"
    assert AuditLog(pair.coordinator).verify().ok
    assert AuditLog(pair.volunteer).verify().ok
    provenance = pair.coordinator.conn.execute(
        "SELECT bundle_id, sender_fingerprint, outcome FROM record_provenance"
    ).fetchall()
    assert [tuple(r) for r in provenance] == [(result.bundle_id, pair.volunteer_fp, "new")]

    before = logical_dump(pair.coordinator)
    again = import_bundle(pair.coordinator, result.path)
    assert again.already_imported
    assert logical_dump(pair.coordinator) == before


def test_same_bundle_id_from_another_sender_is_refused(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    pair = make_pair(make_vault)
    other = make_vault("Second Volunteer", "volunteer")
    exchange_cards(other, pair.coordinator)
    add_final(pair.volunteer)
    add_final(other)

    def fixed(n: int) -> bytes:
        return b"\x11" * n

    first = export_bundle(pair.volunteer, [pair.coordinator_fp], tmp_path / "a.age", random=fixed)
    second = export_bundle(other, [pair.coordinator_fp], tmp_path / "b.age", random=fixed)
    assert first.bundle_id == second.bundle_id
    import_bundle(pair.coordinator, first.path)
    before = logical_dump(pair.coordinator)
    with pytest.raises(errors.BundleIdReused) as caught:
        import_bundle(pair.coordinator, second.path)
    assert caught.value.message("ru") != caught.value.message("en")
    assert isinstance(verify_bundle(pair.coordinator, second.path).problem, errors.BundleIdReused)
    assert not verify_bundle(pair.coordinator, second.path).already_imported
    assert logical_dump(pair.coordinator) == before
    assert import_bundle(pair.coordinator, first.path).already_imported


def test_new_selection_sequence_and_gaps(make_vault: VaultFactory, tmp_path: Path) -> None:
    pair = make_pair(make_vault)
    add_final(pair.volunteer)
    first = export_bundle(pair.volunteer, [pair.coordinator_fp], tmp_path, selection="new")
    with pytest.raises(errors.NothingToExport):
        export_bundle(pair.volunteer, [pair.coordinator_fp], tmp_path, selection="new")
    add_final(pair.volunteer)
    second = export_bundle(pair.volunteer, [pair.coordinator_fp], tmp_path, selection="new")
    add_final(pair.volunteer)
    third = export_bundle(pair.volunteer, [pair.coordinator_fp], tmp_path, selection="new")
    assert (first.sequence, second.sequence, third.sequence) == (1, 2, 3)
    assert (first.records, second.records, third.records) == (1, 1, 1)
    assert len(first.path.name) == 32 + len(".age")
    report = import_bundle(pair.coordinator, third.path)
    assert report.gaps == [(1, 2)]
    report = import_bundle(pair.coordinator, first.path)
    assert report.gaps == [(2, 2)]
    report = import_bundle(pair.coordinator, second.path)
    assert report.gaps == []


def test_gaps() -> None:
    assert gaps({1, 2, 3}) == []
    assert gaps({3}) == [(1, 2)]
    assert gaps({1, 4, 7}) == [(2, 3), (5, 6)]


def test_older_version_never_overwrites_newer(make_vault: VaultFactory, tmp_path: Path) -> None:
    pair = make_pair(make_vault)
    tid = add_final(pair.volunteer)
    old = export_bundle(
        pair.volunteer, [pair.coordinator_fp], tmp_path / "v1.age", ids=[tid], selection="ids"
    )
    store = TestimonyStore(pair.volunteer)
    store.edit_final(tid)
    store.finalize(tid)
    new = export_bundle(
        pair.volunteer, [pair.coordinator_fp], tmp_path / "v2.age", ids=[tid], selection="ids"
    )
    assert new.records == 2  # the whole chain of final versions
    assert import_bundle(pair.coordinator, new.path).outcomes == {"new": 1, "updated": 1}
    report = import_bundle(pair.coordinator, old.path)
    assert report.outcomes == {"unchanged": 1}
    assert TestimonyStore(pair.coordinator).get(tid).version_no == 2


def test_recipient_rules(make_vault: VaultFactory, tmp_path: Path) -> None:
    from intake.cards.registry import CardRegistry, own_card

    volunteer = make_vault("V", "volunteer")
    coordinator = make_vault("C", "coordinator")
    add_final(volunteer)
    fp = own_card(coordinator).fingerprint
    with pytest.raises(errors.RecipientNotUsable):
        export_bundle(volunteer, [fp], tmp_path, selection="all-final")
    CardRegistry(volunteer).add(own_card(coordinator), verified=False)
    with pytest.raises(errors.RecipientNotUsable, match="verif"):
        export_bundle(volunteer, [fp], tmp_path, selection="all-final")
    CardRegistry(volunteer).mark_verified(fp)
    CardRegistry(volunteer).revoke(fp)
    with pytest.raises(errors.RecipientNotUsable, match="revoked"):
        export_bundle(volunteer, [fp], tmp_path, selection="all-final")
    with pytest.raises(errors.NoRecipients):
        export_bundle(volunteer, [], tmp_path, selection="all-final")
    assert list(tmp_path.iterdir()) == [p for p in tmp_path.iterdir() if p.is_dir()]


def test_history(make_vault: VaultFactory, tmp_path: Path) -> None:
    from intake.bundles import history

    pair = make_pair(make_vault)
    tid = add_final(pair.volunteer)
    first = export_bundle(pair.volunteer, [pair.coordinator_fp], tmp_path / "1.age")
    add_final(pair.volunteer)
    export_bundle(pair.volunteer, [pair.coordinator_fp], tmp_path / "2.age")
    third = export_bundle(
        pair.volunteer, [pair.coordinator_fp], tmp_path / "3.age", ids=[tid], selection="ids"
    )
    sent = history.sent_bundles(pair.volunteer)
    assert [b.sequence for b in sent] == [1, 2, 3]
    assert sent[0].recipients == (pair.coordinator_fp,) and not sent[0].sealed
    carrying = history.bundles_carrying(pair.volunteer, tid)
    assert [(v, b.bundle_id) for v, b in carrying] == [(1, first.bundle_id), (1, third.bundle_id)]

    import_bundle(pair.coordinator, first.path)
    import_bundle(pair.coordinator, third.path)
    received = history.received_bundles(pair.coordinator)
    assert [(b.sequence, b.sender_fingerprint) for b in received] == [
        (1, pair.volunteer_fp),
        (3, pair.volunteer_fp),
    ]
    assert history.missing_sequences(pair.coordinator, pair.volunteer_fp) == [(2, 2)]
    origin = history.provenance(pair.coordinator, tid)
    assert [(p.bundle_id, p.outcome) for p in origin] == [
        (first.bundle_id, "new"),
        (third.bundle_id, "unchanged"),
    ]


def test_identical_attachments_are_stored_once(make_vault: VaultFactory, tmp_path: Path) -> None:
    pair = make_pair(make_vault)
    same = photo(9)
    first = add_final(pair.volunteer, (same,))
    second = add_final(pair.volunteer, (same, photo(10)))
    one = export_bundle(
        pair.volunteer, [pair.coordinator_fp], tmp_path / "1.age", ids=[first], selection="ids"
    )
    assert one.attachments == 1
    both = export_bundle(
        pair.volunteer, [pair.coordinator_fp], tmp_path / "2.age", selection="all-final"
    )
    assert both.attachments == 2  # the shared photo once, though two testimonies use it
    assert import_bundle(pair.coordinator, one.path).attachments_new == 1
    report = import_bundle(pair.coordinator, both.path)
    assert report.attachments_new == 1 and report.outcomes == {"unchanged": 1, "new": 1}
    conn = pair.coordinator.conn
    assert conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 2
    links = conn.execute("SELECT testimony_id FROM testimony_attachments ORDER BY 1").fetchall()
    assert sorted(r[0] for r in links) == sorted([first, second, second])


@pytest.mark.parametrize("fails", ["rename", "commit"])
@pytest.mark.parametrize("sealing", [False, True])
def test_export_that_cannot_be_named_or_committed_leaves_nothing(
    make_vault: VaultFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fails: str,
    sealing: bool,
) -> None:
    """A USB stick pulled as the file gets its name, or a commit that fails after it: no FILE,
    no FILE.part, the vault as before (nothing counted as sent, nothing sealed), and the next
    export sends the testimony."""
    from intake.bundles import files, seal
    from intake.errors import StorageFull
    from intake.vault import Vault

    pair = make_pair(make_vault)
    tid = add_final(pair.volunteer, (photo(2),))
    if sealing:
        seal.set_policy(pair.volunteer, True)
    before = logical_dump(pair.volunteer)
    plain = Vault._transaction

    @contextlib.contextmanager
    def failing_commit(self: Vault, conn: Any) -> Iterator[Any]:
        with plain(self, conn) as inside:
            yield inside
            assert (tmp_path / "b.age").is_file()  # named; now COMMIT fails
            raise StorageFull

    def failing_publish(path: Path) -> None:
        raise errors.OutputFailed(path=str(path))

    with monkeypatch.context() as patch:
        if fails == "rename":
            patch.setattr(files, "publish", failing_publish)
        else:
            patch.setattr(Vault, "_transaction", failing_commit)
        with pytest.raises((errors.OutputFailed, StorageFull)):
            export_bundle(pair.volunteer, [pair.coordinator_fp], tmp_path / "b.age")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("b.age")) == []
    assert logical_dump(pair.volunteer) == before
    assert not TestimonyStore(pair.volunteer).get(tid).exported
    result = export_bundle(
        pair.volunteer, [pair.coordinator_fp], tmp_path / "b.age", selection="new"
    )
    assert result.records == 1 and result.path.is_file()
    assert import_bundle(pair.coordinator, result.path).outcomes == {"new": 1}


@pytest.mark.parametrize("sealing", [False, True])
def test_export_of_a_damaged_attachment_is_refused_and_sends_nothing(
    make_vault: VaultFactory, tmp_path: Path, sealing: bool
) -> None:
    """A stored photo whose bytes no longer match its hash (the attachment is checked as it
    is exported: by the reading thread, or when the vault is read ahead, by the encrypting
    one): AttachmentDamaged, no FILE, nothing counted as sent."""
    from intake.bundles import seal
    from intake.testimonies.errors import AttachmentDamaged

    pair = make_pair(make_vault)
    tid = add_final(pair.volunteer, (photo(3, 2_500_000),))
    if sealing:
        seal.set_policy(pair.volunteer, True)
    with pair.volunteer.transaction() as conn:
        conn.execute("UPDATE attachment_chunks SET data = zeroblob(length(data)) WHERE seq = 1")
    before = logical_dump(pair.volunteer)
    stick = tmp_path / "stick"
    stick.mkdir()
    with pytest.raises(AttachmentDamaged):
        export_bundle(pair.volunteer, [pair.coordinator_fp], stick / "b.age")
    assert list(stick.iterdir()) == []
    assert logical_dump(pair.volunteer) == before
    assert not TestimonyStore(pair.volunteer).get(tid).exported
