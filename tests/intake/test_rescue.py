"""Rescue of a damaged vault: everything readable is copied, exactly the rest is reported.

Real vaults made by the real code, damaged the way disks damage them (one flipped bit in one
page, a file cut short), real SQLCipher. Each rescue is checked against a snapshot of the
original taken before the damage: every copied row is byte-for-byte the original's, and what
is missing is exactly what the report names. The damaged folder is hashed before and after.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from intake.testimonies.store import TestimonyStore
from intake.vault import Vault, db, header
from intake.vault.audit import AuditLog
from intake.vault.errors import VaultDamaged, VaultExists, WrongPassphrase
from intake.vault.rescue import RescueReport, rescue_vault
from intake.vault.salvage import SalvageReader
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.rescue_fixtures import (
    PAGE,
    Snapshot,
    build_vault,
    file_hashes,
    flip_bit,
    page_offset,
    snapshot,
)

BIG = 2_500_000  # an attachment of three 1 MiB chunks: the middle of vault.db is inside it


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Snapshot]:
    """One closed vault (WAL checkpointed by close) and its snapshot, copied per test."""
    folder = tmp_path_factory.mktemp("rescue") / "original"
    vault = build_vault(folder, big_attachment=BIG)
    before = snapshot(vault)
    vault.close()
    return folder, before


def _copy(original: tuple[Path, Snapshot], tmp_path: Path) -> tuple[Path, Snapshot]:
    folder = tmp_path / "damaged"
    shutil.copytree(original[0], folder)
    return folder, original[1]


def _expand(ranges: list[tuple[int, int]]) -> set[int]:
    return {seq for a, b in ranges for seq in range(a, b + 1)}


def _check(before: Snapshot, target: Path, report: RescueReport) -> Snapshot:
    """The rescued vault holds exactly the original minus what the report names."""
    with Vault.open(target, PASSPHRASE) as rescued:
        after = snapshot(rescued)
        audit = AuditLog(rescued).entries(limit=1)[-1]
    assert after.identity == before.identity  # same role, name, keys, creation time
    assert set(after.versions) <= set(before.versions)
    assert all(after.versions[k] == before.versions[k] for k in after.versions)
    assert set(before.versions) - set(after.versions) == set(report.lost_versions)
    assert before.testimonies - after.testimonies == set(report.lost_testimonies)
    assert all(after.attachments[s] == before.attachments[s] for s in after.attachments)
    lost_files = set(before.attachments) - set(after.attachments)
    assert lost_files == {a.sha256 for a in report.lost_attachments}
    for lost in report.lost_attachments:
        assert set(lost.testimonies) == {t for t, s in before.links if s == lost.sha256}
    assert after.links == {
        (t, s) for t, s in before.links if s not in lost_files and t in after.testimonies
    }
    copied_audit = {seq: row for seq, row in after.audit.items() if seq != audit.seq}
    assert all(copied_audit[s] == before.audit[s] for s in copied_audit)  # hashes kept
    assert set(before.audit) - set(copied_audit) == _expand(report.lost_audit)
    assert audit.action == "rescue" and audit.details["lost_versions"] == len(report.lost_versions)
    assert len(before.settings) - len(after.settings) == report.lost_rows.get("settings", 0)
    assert set(report.lost_rows) <= {"settings"}
    assert report.failed_verification == []  # every copied signed version verifies again
    return after


def _damaged_on_open(folder: Path) -> None:
    with pytest.raises(VaultDamaged):
        Vault.open(folder, PASSPHRASE)


def test_one_flipped_bit_in_the_middle_loses_only_that_attachment(
    original: tuple[Path, Snapshot], tmp_path: Path
) -> None:
    folder, before = _copy(original, tmp_path)
    pages = (folder / db.DB_NAME).stat().st_size // PAGE
    flip_bit(folder / db.DB_NAME, page_offset(pages // 2))
    _damaged_on_open(folder)  # today's open refuses the whole vault
    hashes = file_hashes(folder)
    report = rescue_vault(folder, tmp_path / "rescued", PASSPHRASE)
    assert file_hashes(folder) == hashes  # the damaged vault is byte-for-byte untouched
    _check(before, tmp_path / "rescued", report)
    # the middle of the file is the big attachment's chunks: that file alone is lost
    assert [before.sizes[a.sha256] for a in report.lost_attachments] == [BIG]
    assert not report.lost_versions and not report.lost_audit
    assert not report.complete


@pytest.mark.parametrize("fraction", [0.08, 0.2, 0.3, 0.4, 0.85, 0.97])
def test_a_flipped_bit_anywhere_loses_only_what_the_report_names(
    original: tuple[Path, Snapshot], tmp_path: Path, fraction: float
) -> None:
    folder, before = _copy(original, tmp_path)
    pages = (folder / db.DB_NAME).stat().st_size // PAGE
    flip_bit(folder / db.DB_NAME, page_offset(max(3, int(pages * fraction))))
    _damaged_on_open(folder)
    hashes = file_hashes(folder)
    report = rescue_vault(folder, tmp_path / "rescued", PASSPHRASE)
    assert file_hashes(folder) == hashes
    _check(before, tmp_path / "rescued", report)


@pytest.mark.parametrize("cut", [1, 700, PAGE + 5, 3 * PAGE])
def test_a_file_cut_short_loses_only_what_the_report_names(
    original: tuple[Path, Snapshot], tmp_path: Path, cut: int
) -> None:
    folder, before = _copy(original, tmp_path)
    path = folder / db.DB_NAME
    data = path.read_bytes()
    path.write_bytes(data[:-cut])
    _damaged_on_open(folder)
    hashes = file_hashes(folder)
    report = rescue_vault(folder, tmp_path / "rescued", PASSPHRASE)
    assert file_hashes(folder) == hashes
    _check(before, tmp_path / "rescued", report)
    assert not report.complete


def _root_page(folder: Path, table: str) -> int:
    key = header.unwrap(header.read_header(folder), PASSPHRASE)
    conn = db.connect_read_only(folder, key)
    try:
        return int(
            conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[
                0
            ]
        )
    finally:
        conn.close()


def test_lost_versions_are_named_from_the_key_index(
    original: tuple[Path, Snapshot], tmp_path: Path
) -> None:
    """The root page of testimony_versions is gone: no version reads, yet every one is named
    (the primary-key index still lists them) and every testimony is reported lost."""
    folder, before = _copy(original, tmp_path)
    flip_bit(folder / db.DB_NAME, page_offset(_root_page(folder, "testimony_versions")))
    _damaged_on_open(folder)
    report = rescue_vault(folder, tmp_path / "rescued", PASSPHRASE)
    after = _check(before, tmp_path / "rescued", report)
    assert set(report.lost_versions) == set(before.versions)
    assert set(report.lost_testimonies) == before.testimonies
    assert after.versions == {} and after.attachments  # files still copied, now unlinked


def test_lost_audit_entries_are_named_as_ranges(
    original: tuple[Path, Snapshot], tmp_path: Path
) -> None:
    folder, before = _copy(original, tmp_path)
    flip_bit(folder / db.DB_NAME, page_offset(_root_page(folder, "audit")))
    _damaged_on_open(folder)
    report = rescue_vault(folder, tmp_path / "rescued", PASSPHRASE)
    _check(before, tmp_path / "rescued", report)
    assert _expand(report.lost_audit) == set(before.audit)  # audit_head names the end
    with Vault.open(tmp_path / "rescued", PASSPHRASE) as rescued:
        assert AuditLog(rescued).verify().broken_at == 1  # the gap is visible, not hidden


def test_an_undamaged_vault_is_rescued_whole_and_still_works(
    original: tuple[Path, Snapshot], tmp_path: Path
) -> None:
    folder, before = _copy(original, tmp_path)
    report = rescue_vault(folder, tmp_path / "rescued", PASSPHRASE)
    assert report.complete and report.audit_broken_at is None
    _check(before, tmp_path / "rescued", report)
    with Vault.open(tmp_path / "rescued", PASSPHRASE) as rescued:
        store = TestimonyStore(rescued)
        assert store.search("Number3")  # the search index was rebuilt
        tid = store.create_draft(store.get(store.list()[0].id).content)
        store.finalize(tid)  # the same identity signs on
        assert store.verify_version(tid, 1)
        assert AuditLog(rescued).verify().ok
    # a new data key: the two databases share no key, the header differs
    assert (folder / "vault.json").read_bytes() != (
        tmp_path / "rescued" / "vault.json"
    ).read_bytes()


def test_a_log_left_by_a_crash_is_read_from_a_copy(tmp_path: Path) -> None:
    """Committed changes still in vault.db-wal (the process died) are rescued too, and the
    damaged folder, log included, is not changed."""
    vault = build_vault(tmp_path / "live", testimonies=3)
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    store = TestimonyStore(vault)
    tid = store.create_draft(store.get(store.list()[0].id).content)  # only in the log
    for name in ("vault.json", "vault.db", "vault.db-wal"):
        shutil.copyfile(vault.path / name, crashed / name)
    before = snapshot(vault)
    vault.close()
    assert (crashed / "vault.db-wal").stat().st_size > 0
    hashes = file_hashes(crashed)
    report = rescue_vault(crashed, tmp_path / "rescued", PASSPHRASE)
    assert file_hashes(crashed) == hashes
    assert report.complete
    after = _check(before, tmp_path / "rescued", report)
    assert (tid, 1) in after.versions
    assert sorted(p.name for p in (tmp_path / "rescued").iterdir()) == [
        "vault.db",
        "vault.json",
        "vault.lock",
    ]  # the scratch copy of the damaged database is gone


def test_wrong_passphrase_and_occupied_target(
    original: tuple[Path, Snapshot], tmp_path: Path
) -> None:
    folder, _ = _copy(original, tmp_path)
    with pytest.raises(WrongPassphrase):
        rescue_vault(folder, tmp_path / "rescued", "not the passphrase")
    assert not (tmp_path / "rescued").exists()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    with pytest.raises(VaultExists):
        rescue_vault(folder, tmp_path / "full", PASSPHRASE)


def test_a_failed_rescue_leaves_no_half_vault(
    original: tuple[Path, Snapshot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _ = _copy(original, tmp_path)

    def broken(self: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr("intake.vault.rescue_copy.RescueCopier._rebuild_and_verify", broken)
    with pytest.raises(OSError, match="disk gone"):
        rescue_vault(folder, tmp_path / "rescued", PASSPHRASE)
    assert not (tmp_path / "rescued").exists()


def test_identity_unreadable_rescues_nothing(
    original: tuple[Path, Snapshot], tmp_path: Path
) -> None:
    folder, _ = _copy(original, tmp_path)
    flip_bit(folder / db.DB_NAME, page_offset(_root_page(folder, "identity")))
    with pytest.raises(VaultDamaged):
        rescue_vault(folder, tmp_path / "rescued", PASSPHRASE)
    assert not (tmp_path / "rescued").exists()


def test_reader_skips_only_the_bad_leaf(tmp_path: Path) -> None:
    """The salvage reader, on its own: a table of many leaves with one bad leaf yields every
    row of the other leaves, in order, and remembers the damage."""
    vault = Vault.create(tmp_path / "v", PASSPHRASE, "volunteer", "A", FAST_KDF)
    with vault.transaction() as conn:
        for i in range(3000):
            conn.execute("INSERT INTO settings VALUES (?, ?)", (f"k{i:05d}", "v" * 300))
    key_rows = {int(r[0]) for r in vault.conn.execute("SELECT rowid FROM settings")}
    vault.close()
    root = _root_page(tmp_path / "v", "settings")
    key = header.unwrap(header.read_header(tmp_path / "v"), PASSPHRASE)
    # the first leaf after the root that holds settings rows: try pages until one costs rows
    for page in range(root + 1, (tmp_path / "v" / db.DB_NAME).stat().st_size // PAGE + 1):
        folder = tmp_path / f"p{page}"
        shutil.copytree(tmp_path / "v", folder)
        flip_bit(folder / db.DB_NAME, page_offset(page))

        def connect(folder: Path = folder) -> db.Connection:
            return db.connect_read_only(folder, key, check=False)

        try:
            reader = SalvageReader(connect(), connect)
        except VaultDamaged:  # a page of the schema table (it spans several pages as the
            continue  # schema grows), not a leaf of settings: the vault does not open at all
        rows = [int(r[0]) for r in reader.rows("settings", ["key"])]
        reader.close()
        if len(rows) < len(key_rows):
            break
    assert rows == sorted(rows) and set(rows) < key_rows
    assert "settings" in reader.damaged
    lost = len(key_rows) - len(rows)
    assert 0 < lost < 100  # one 16 KiB leaf holds about 50 of these rows
