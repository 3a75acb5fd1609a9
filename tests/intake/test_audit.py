"""Audit trail: append inside transactions, hash chain, and where a broken chain breaks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from intake.testimonies.errors import AuditEntryInvalid
from intake.vault import Vault
from intake.vault.audit import GENESIS, AuditLog, entry_hash
from tests.conftest import FAST_KDF
from tests.intake.testimony_fixtures import Clock

HASH = "ab" * 32


def _fill(vault: Vault, count: int) -> AuditLog:
    log = AuditLog(vault, clock=Clock())
    with vault.transaction() as conn:
        for i in range(count):
            log.append(conn, "attach", f"t-{i}", {"sha256": HASH, "size": i})
    return log


def _unguarded(vault: Vault) -> None:
    vault.conn.execute("DROP TRIGGER audit_no_update")
    vault.conn.execute("DROP TRIGGER audit_no_delete")


def test_entries_chain_with_known_hashes(vault: Vault) -> None:
    log = _fill(vault, 3)
    entries = log.entries()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev == GENESIS and entries[1].prev == entries[0].hash
    assert entries[0].at == "2024-05-01T12:00:01Z"
    first = entries[0]
    assert first.hash == entry_hash(
        1, first.at, "attach", "t-0", {"sha256": HASH, "size": 0}, GENESIS
    )
    assert log.verify() == (log.verify().__class__(True, None, 3))


def test_empty_trail_is_intact(vault: Vault) -> None:
    report = AuditLog(vault).verify()
    assert (report.ok, report.broken_at, report.checked) == (True, None, 0)


def test_append_rolls_back_with_its_transaction(vault: Vault) -> None:
    log = _fill(vault, 1)

    def failing_change() -> None:
        with vault.transaction() as conn:
            log.append(conn, "export", "t-x", {})
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert [e.seq for e in log.entries()] == [1]
    assert log.verify().ok
    log.record("card_add", "12345 67890", {})
    assert log.verify().checked == 2


def _rows(vault: Vault) -> list[tuple[Any, ...]]:
    rows = vault.conn.execute("SELECT * FROM audit ORDER BY seq").fetchall()
    head = vault.conn.execute("SELECT seq, hash FROM audit_head").fetchall()
    return [tuple(r) for r in rows] + [tuple(h) for h in head]


def test_batch_writes_the_same_chain(vault: Vault, tmp_path: Any) -> None:
    """Appends in a batch (head read once, written once) leave exactly the rows, hashes and
    head that the same appends one by one leave."""
    _fill(vault, 2)
    other = Vault.create(tmp_path / "other", "correct horse battery", "volunteer", "O", FAST_KDF)
    try:
        _fill(other, 2)
        log = AuditLog(vault, clock=Clock(datetime(2024, 6, 1, tzinfo=UTC)))
        with vault.transaction() as conn, log.batch(conn):
            for i in range(3):
                log.append(conn, "export", f"b-{i}", {"size": i})
            assert vault.conn.execute("SELECT seq FROM audit_head").fetchone()[0] == 2
        single = AuditLog(other, clock=Clock(datetime(2024, 6, 1, tzinfo=UTC)))
        with other.transaction() as conn:
            for i in range(3):
                single.append(conn, "export", f"b-{i}", {"size": i})
        assert _rows(vault)[2:] == _rows(other)[2:]
        assert log.verify() == single.verify() and log.verify().checked == 5
        log.record("card_add", "12345 67890", {})  # appends after a batch chain on
        assert log.verify().ok and log.verify().checked == 6
    finally:
        other.close()


def _failing_batch(vault: Vault, log: AuditLog, commit_anyway: bool) -> None:
    """A batch that fails after one append; ``commit_anyway``: the caller catches the error
    inside the transaction and commits."""
    with vault.transaction() as conn:
        try:
            with log.batch(conn):
                log.append(conn, "export", "t-x", {})
                raise RuntimeError("the import failed")
        except RuntimeError:
            if not commit_anyway:
                raise


def test_batch_rolls_back_with_its_transaction(vault: Vault) -> None:
    log = _fill(vault, 1)
    with pytest.raises(RuntimeError):
        _failing_batch(vault, log, commit_anyway=False)
    assert [e.seq for e in log.entries()] == [1]
    assert log.verify().ok
    with vault.transaction() as conn, log.batch(conn):  # usable again, nothing left over
        log.append(conn, "export", "t-y", {})
    assert log.verify().checked == 2


def test_batch_kept_consistent_when_a_caller_commits_after_an_error(vault: Vault) -> None:
    """Should a caller catch the error and commit anyway, the head still matches the chain."""
    log = _fill(vault, 1)
    _failing_batch(vault, log, commit_anyway=True)
    assert log.verify().ok and log.verify().checked == 2


def _nested(vault: Vault, log: AuditLog) -> None:
    with vault.transaction() as conn, log.batch(conn), log.batch(conn):
        pass


def test_batches_do_not_nest(vault: Vault) -> None:
    with pytest.raises(RuntimeError):
        _nested(vault, AuditLog(vault))


def test_triggers_refuse_update_and_delete(vault: Vault) -> None:
    _fill(vault, 2)
    with pytest.raises(Exception, match="append-only"):
        vault.conn.execute("UPDATE audit SET action = 'edit' WHERE seq = 1")
    with pytest.raises(Exception, match="append-only"):
        vault.conn.execute("DELETE FROM audit WHERE seq = 2")


@pytest.mark.parametrize(
    ("sql", "args", "broken_at"),
    [
        ("UPDATE audit SET subject = 't-9' WHERE seq = 3", (), 3),
        ("UPDATE audit SET details = ? WHERE seq = 2", ('{"sha256":"' + HASH + '","size":99}',), 2),
        # the same details, not in canonical form (space, key order): a changed byte
        ("UPDATE audit SET details = ? WHERE seq = 2", ('{ "size":1,"sha256":"' + HASH + '"}',), 2),
        ("UPDATE audit SET at = '2030-01-01T00:00:00Z' WHERE seq = 4", (), 4),
        ("UPDATE audit SET hash = prev WHERE seq = 5", (), 5),
        ("DELETE FROM audit WHERE seq = 3", (), 3),  # a hole in the middle
        ("DELETE FROM audit WHERE seq >= 4", (), 4),  # the end cut off: audit_head says 5
        ("UPDATE audit SET seq = seq + 10 WHERE seq = 5", (), 5),
    ],
)
def test_verify_reports_where_the_chain_breaks(
    vault: Vault, sql: str, args: tuple[str, ...], broken_at: int
) -> None:
    log = _fill(vault, 5)
    _unguarded(vault)
    vault.conn.execute(sql, args)
    report = log.verify()
    assert not report.ok
    assert report.broken_at == broken_at
    assert report.checked == broken_at - 1


def test_details_hold_identifiers_only(vault: Vault) -> None:
    log = AuditLog(vault)
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("edit", "t", {"narrative": "He was taken on 5 March"}),  # prose: refused
        ("edit", "t", {"name": "Тұрсын"}),  # not an identifier
        ("edit", "t", {"Bad Key": 1}),
        ("edit", "t", {"version": 1.5}),
        ("publish", "t", {}),  # unknown action
        ("edit", "Tursun's father\n", {}),
    ]
    with vault.transaction() as conn:
        for action, subject, details in cases:
            with pytest.raises(AuditEntryInvalid):
                log.append(conn, action, subject, details)
    assert log.entries() == []
