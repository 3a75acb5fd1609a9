"""A vault whose search index was written by older name rules is reindexed once, at unlock."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.core.vaults import unlock_vault
from intake.testimonies import index
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.testimony_fixtures import one_victim


def _old_vault(folder: Path) -> str:
    """A vault with one testimony whose index rows are missing and no rules recorded, as an
    index written before INDEX_RULES existed would leave a name undiscoverable."""
    with Vault.create(folder, PASSPHRASE, "volunteer", "Aigul Test", FAST_KDF) as vault:
        store = TestimonyStore(vault)
        tid = store.create_draft(one_victim({"cyrillic": "Пәрһат Мәмәт"}, ethnicity="uyghur"))
        with vault.transaction() as conn:
            conn.execute("DELETE FROM testimony_search")
            conn.execute("DELETE FROM settings WHERE key = ?", (index.INDEX_RULES_SETTING,))
        assert not store.search("Perhat")
    return tid


def test_unlock_reindexes_a_vault_from_older_rules_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tid = _old_vault(tmp_path / "v")
    with unlock_vault(tmp_path / "v", PASSPHRASE) as vault:
        assert [s.id for s in TestimonyStore(vault).search("Perhat")] == [tid]
        assert vault.get_setting(index.INDEX_RULES_SETTING) == str(index.INDEX_RULES)

    calls: list[int] = []

    def counted(_self: TestimonyStore) -> int:
        calls.append(1)
        return 0

    monkeypatch.setattr(TestimonyStore, "rebuild_index", counted)
    unlock_vault(tmp_path / "v", PASSPHRASE).close()
    assert calls == []  # current rules: nothing to do


def test_a_new_vault_records_nothing_until_unlocked(tmp_path: Path) -> None:
    with Vault.create(tmp_path / "n", PASSPHRASE, "volunteer", "A", FAST_KDF) as vault:
        assert index.index_is_stale(vault)
    with unlock_vault(tmp_path / "n", PASSPHRASE) as vault:
        assert not index.index_is_stale(vault)
