"""The seal policy: after a sealed export nothing readable of what was sent stays in the vault
(not in any table, not in the search index), what was not sent stays, and the kept bundle is
the same file and can be written out again."""

from __future__ import annotations

from pathlib import Path

from intake.bundles import seal
from intake.bundles.export import export_bundle
from intake.bundles.importer import import_bundle
from intake.duplicates.finder import DuplicateFinder
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.store import TestimonyStore
from tests.conftest import VaultFactory
from tests.intake.bundles.vaults import add_final, example_content, logical_dump, make_pair, photo

SECRET_WORDS = ("tursun", "ablimit", "тұрсын", "турсун", "تۇرسۇن", "kashgar", "吐尔逊")


def _leaks(dump: dict[str, list[tuple[object, ...]]]) -> list[str]:
    found = []
    for table, rows in dump.items():
        for row in rows:
            for value in row:
                raw = value if isinstance(value, bytes) else str(value).encode()
                for word in SECRET_WORDS:
                    if word.encode() in raw.lower():
                        found.append(f"{table}: {word}")
    return found


# Tables that may still name a sealed testimony by id after sealing (ids and hashes only).
ID_ONLY_TABLES = {"sealed_versions", "bundle_records", "audit"}


def _tables_naming(dump: dict[str, list[tuple[object, ...]]], testimony_id: str) -> set[str]:
    needle = testimony_id.encode()
    return {
        table
        for table, rows in dump.items()
        for row in rows
        for value in row
        if needle in (value if isinstance(value, bytes) else str(value).encode())
    }


def test_sealed_export_leaves_nothing_readable(make_vault: VaultFactory, tmp_path: Path) -> None:
    pair = make_pair(make_vault)
    tid = add_final(pair.volunteer, (photo(1),))
    assert DuplicateFinder(pair.volunteer).refresh() == 1  # derived victim features too
    before = logical_dump(pair.volunteer)
    assert {"duplicate_victims", "testimony_index"} <= {t.split(": ")[0] for t in _leaks(before)}
    assert {"duplicate_indexed", "duplicate_victims"} <= _tables_naming(before, tid)
    seal.set_policy(pair.volunteer, True)
    assert seal.is_on(pair.volunteer)
    result = export_bundle(pair.volunteer, [pair.coordinator_fp], tmp_path / "b.age")
    assert result.sealed
    after = logical_dump(pair.volunteer)
    assert _leaks(after) == []
    assert _tables_naming(after, tid) <= ID_ONLY_TABLES  # every table, not a known list
    assert TestimonyStore(pair.volunteer).list() == []
    assert TestimonyStore(pair.volunteer).search("Tursun") == []
    row = pair.volunteer.conn.execute(
        "SELECT testimony_id, version_no, hash, bundle_id FROM sealed_versions"
    ).fetchone()
    assert (row[0], row[1], row[3]) == (tid, 1, result.bundle_id) and len(row[2]) == 64
    assert pair.volunteer.conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 0
    status = seal.status(pair.volunteer)
    assert (
        status.on and status.sealed_versions == 1 and status.kept[0].bundle_id == result.bundle_id
    )

    again = seal.resend(pair.volunteer, result.bundle_id, tmp_path)
    assert again.read_bytes() == result.path.read_bytes()
    assert import_bundle(pair.coordinator, again).outcomes == {"new": 1}


def test_what_was_not_sent_stays(make_vault: VaultFactory, tmp_path: Path) -> None:
    pair = make_pair(make_vault)
    shared = photo(2)
    sent = add_final(pair.volunteer, (shared,))
    kept = add_final(pair.volunteer, (shared,))
    store = TestimonyStore(pair.volunteer)
    draft = store.create_draft(example_content())
    seal.set_policy(pair.volunteer, True)
    export_bundle(
        pair.volunteer, [pair.coordinator_fp], tmp_path / "b.age", ids=[sent], selection="ids"
    )
    ids = {t.id for t in store.list()}
    assert ids == {kept, draft}
    [info] = AttachmentStore(pair.volunteer).list(kept)
    with AttachmentStore(pair.volunteer).open(info.sha256) as f:
        assert f.read() == shared


def test_draft_made_from_a_sealed_version_stays(make_vault: VaultFactory, tmp_path: Path) -> None:
    pair = make_pair(make_vault)
    tid = add_final(pair.volunteer)
    store = TestimonyStore(pair.volunteer)
    store.edit_final(tid)
    seal.set_policy(pair.volunteer, True)
    export_bundle(pair.volunteer, [pair.coordinator_fp], tmp_path / "b.age", selection="all-final")
    current = store.get(tid)
    assert current.status == "draft" and current.version_no == 2 and current.sealed
    store.finalize(tid)
    second = export_bundle(
        pair.volunteer, [pair.coordinator_fp], tmp_path / "c.age", selection="new"
    )
    assert second.records == 1
    import_bundle(pair.coordinator, tmp_path / "b.age")
    assert import_bundle(pair.coordinator, second.path).outcomes == {"updated": 1}


def test_policy_is_off_by_default(make_vault: VaultFactory, tmp_path: Path) -> None:
    pair = make_pair(make_vault)
    tid = add_final(pair.volunteer)
    assert not seal.is_on(pair.volunteer)
    result = export_bundle(pair.volunteer, [pair.coordinator_fp], tmp_path / "b.age")
    assert not result.sealed and TestimonyStore(pair.volunteer).get(tid).exported
    assert seal.status(pair.volunteer).kept == ()
