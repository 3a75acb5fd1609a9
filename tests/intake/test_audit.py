"""Audit trail: append inside transactions, hash chain, and where a broken chain breaks."""

from __future__ import annotations

from typing import Any

import pytest

from intake.audit import GENESIS, AuditLog, entry_hash
from intake.testimony_errors import AuditEntryInvalid
from intake.vault import Vault
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
