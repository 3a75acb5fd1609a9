"""Testimony store: drafts, finalize, signed version chain, tamper detection, delete."""

from __future__ import annotations

from typing import Any

import pytest

from crypto.signing import verify
from intake.cards.identity import fingerprint
from intake.forms.definitions import FormRef
from intake.testimonies.canonical import VersionRecord, signing_message
from intake.testimonies.errors import (
    AlreadyFinalized,
    NotADraft,
    NotFinal,
    TestimonyNotFound,
    UnknownForm,
    VersionDamaged,
    VersionNotFound,
)
from intake.testimonies.exchange import export_version
from intake.testimonies.store import TestimonyStore, ValidationFailed
from intake.vault import Vault
from intake.vault.audit import AuditLog
from tests.intake.testimony_fixtures import Clock, example_content


@pytest.fixture
def store(vault: Vault) -> TestimonyStore:
    return TestimonyStore(vault, clock=Clock())


def _tamper(vault: Vault, sql: str, *args: Any) -> None:
    """Change a stored final version the way someone editing the database file would."""
    conn = vault.conn
    conn.execute("DROP TRIGGER testimony_versions_final_is_frozen")
    conn.execute(sql, args)


def test_draft_accepts_partial_content_and_autosaves(store: TestimonyStore) -> None:
    tid = store.create_draft({"interview": {"place": "  Almaty  "}})
    t = store.get(tid)
    assert (t.status, t.version_no, t.hash, t.prev_hash) == ("draft", 1, None, None)
    assert t.content == {"interview": {"place": "Almaty"}}  # normalized on save
    assert t.form_ref == FormRef("amanat.testimony", 1)
    store.update_draft(tid, {"interview": {"place": "Bishkek"}, "victims": [{}]})
    again = store.get(tid)
    assert again.content["interview"] == {"place": "Bishkek"}
    assert again.updated > t.updated and again.created == t.created
    assert [i.version_no for i in store.versions(tid)] == [1]


def test_draft_refuses_wrong_shape_but_not_missing_fields(store: TestimonyStore) -> None:
    with pytest.raises(ValidationFailed) as info:
        store.create_draft({"interview": {"place": "x" * 600}})
    assert [p.code for p in info.value.problems] == ["too_long"]
    with pytest.raises(ValidationFailed) as info:
        store.create_draft({"interview": {"no_such_field": "x"}})
    assert info.value.problems[0].code == "unknown_field"
    with pytest.raises(ValidationFailed):
        store.create_draft({"victims": {"not": "a list"}})
    with pytest.raises(UnknownForm):
        store.create_draft({}, FormRef("amanat.testimony", 99))
    assert store.list() == []


def test_finalize_validates_fully_and_names_fields(store: TestimonyStore) -> None:
    tid = store.create_draft({"interview": {"place": "Almaty"}})
    with pytest.raises(ValidationFailed) as info:
        store.finalize(tid, lang="ru")
    problems = info.value.problems
    assert {p.code for p in problems} >= {"required", "too_few"}
    required = next(p for p in problems if p.path == "/interview/date")
    assert "обязательно" in required.message  # the field is named in the volunteer's language
    assert info.value.exit_code == 8
    assert store.get(tid).status == "draft"  # nothing changed


def test_finalize_signs_the_canonical_record(vault: Vault, store: TestimonyStore) -> None:
    tid = store.create_draft(example_content())
    info = store.finalize(tid)
    t = store.get(tid)
    assert (t.status, info.status, t.hash, info.hash) == ("final", "final", info.hash, t.hash)
    assert t.author_fingerprint == fingerprint(vault.identity)
    assert t.signature is not None
    record = VersionRecord(
        testimony_id=tid,
        version=1,
        form=FormRef("amanat.testimony", 1),
        previous=None,
        author=t.author_public.hex(),
        created=str(t.finalized),
        status="final",
        content=t.content,
    )
    assert record.hash() == t.hash
    assert verify(t.author_public, signing_message(record.hash()), t.signature)
    canonical, signature, digest = export_version(store, tid)
    assert canonical == record.canonical() and signature == t.signature and digest == t.hash
    assert store.verify_version(tid, 1)
    with pytest.raises(NotADraft):
        store.update_draft(tid, example_content())
    with pytest.raises(NotADraft):
        store.finalize(tid)


def test_edit_final_chains_versions_and_keeps_history(store: TestimonyStore) -> None:
    content = example_content()
    tid = store.create_draft(content)
    v1 = store.finalize(tid)
    store.edit_final(tid)
    draft = store.get(tid)
    assert (draft.version_no, draft.status, draft.prev_hash) == (2, "draft", v1.hash)
    assert draft.content == store.get_version(tid, 1).content
    content["narrative"]["text"] = "Corrected account (fictional)."
    store.update_draft(tid, content)
    with pytest.raises(NotFinal):
        store.edit_final(tid)  # a draft is already open
    v2 = store.finalize(tid)
    assert v2.prev_hash == v1.hash and v2.hash != v1.hash
    old = store.get_version(tid, 1)
    assert old.status == "final" and "Corrected" not in old.content["narrative"]["text"]
    assert [(i.version_no, i.status) for i in store.versions(tid)] == [(1, "final"), (2, "final")]
    assert store.verify_version(tid, 1) and store.verify_version(tid, 2)
    assert export_version(store, tid)[2] == v2.hash
    assert export_version(store, tid, 1)[2] == v1.hash
    with pytest.raises(VersionNotFound):
        store.get_version(tid, 3)


@pytest.mark.parametrize(
    ("sql", "args"),
    [
        (
            "UPDATE testimony_versions SET content = replace(content, 'Tursun', 'Tursan')",
            (),
        ),
        ("UPDATE testimony_versions SET finalized = '2024-05-01T12:00:00Z'", ()),
        ("UPDATE testimony_versions SET form_version = 2", ()),
        ("UPDATE testimony_versions SET signature = zeroblob(64)", ()),
        ("UPDATE testimony_versions SET hash = ?", ("0" * 64,)),
        ("UPDATE testimony_versions SET author = ?", (bytes(32),)),
    ],
)
def test_a_changed_byte_in_a_final_version_is_detected(
    vault: Vault, store: TestimonyStore, sql: str, args: tuple[object, ...]
) -> None:
    tid = store.create_draft(example_content())
    store.finalize(tid)
    assert store.verify_version(tid, 1)
    _tamper(vault, sql + " WHERE testimony_id = ?", *args, tid)
    assert not store.verify_version(tid, 1)
    with pytest.raises(VersionDamaged):
        export_version(store, tid)
    with pytest.raises(VersionDamaged):
        store.require_intact(tid, 1)


def test_a_single_flipped_byte_of_content_is_detected(vault: Vault, store: TestimonyStore) -> None:
    tid = store.create_draft(example_content())
    store.finalize(tid)
    text = str(vault.conn.execute("SELECT content FROM testimony_versions").fetchone()[0])
    where = text.index("1962")
    changed = text[:where] + "1963" + text[where + 4 :]
    _tamper(vault, "UPDATE testimony_versions SET content = ?", changed)
    assert not store.verify_version(tid, 1)


def test_a_broken_link_between_versions_is_detected(vault: Vault, store: TestimonyStore) -> None:
    tid = store.create_draft(example_content())
    store.finalize(tid)
    store.edit_final(tid)
    store.finalize(tid)
    _tamper(vault, "UPDATE testimony_versions SET hash = ? WHERE version_no = 1", "1" * 64)
    assert not store.verify_version(tid, 2)  # version 2 names a hash version 1 no longer has


def test_final_versions_are_frozen_in_the_database(vault: Vault, store: TestimonyStore) -> None:
    tid = store.create_draft(example_content())
    store.finalize(tid)
    with pytest.raises(Exception, match="cannot be changed"):
        vault.conn.execute("UPDATE testimony_versions SET content = '{}'")


def test_delete_and_discard_drafts(store: TestimonyStore) -> None:
    tid = store.create_draft({})
    store.delete_draft(tid)
    with pytest.raises(TestimonyNotFound):
        store.get(tid)
    final = store.create_draft(example_content())
    v1 = store.finalize(final)
    with pytest.raises(AlreadyFinalized):
        store.delete_draft(final)
    store.edit_final(final)
    with pytest.raises(AlreadyFinalized):
        store.delete_draft(final)
    store.discard_draft(final)
    t = store.get(final)
    assert (t.version_no, t.status, t.hash) == (1, "final", v1.hash)
    assert [s.id for s in store.list()] == [final]
    with pytest.raises(NotADraft):
        store.discard_draft(final)


def test_every_change_is_audited_without_content(vault: Vault, store: TestimonyStore) -> None:
    tid = store.create_draft(example_content())
    store.update_draft(tid, example_content())  # unchanged: no entry
    changed = example_content()
    changed["interview"]["place"] = "Bishkek"
    store.update_draft(tid, changed)
    info = store.finalize(tid)
    store.edit_final(tid)
    store.discard_draft(tid)
    entries = AuditLog(vault).entries(subject=tid)
    assert [e.action for e in entries] == ["create", "edit", "finalize", "edit", "delete"]
    assert entries[2].details == {"version": 1, "hash": info.hash}
    raw = " ".join(
        str(r[0]) for r in vault.conn.execute("SELECT details || subject FROM audit").fetchall()
    )
    assert "Bishkek" not in raw and "Tursun" not in raw
    assert AuditLog(vault).verify().ok


def test_unknown_ids(store: TestimonyStore) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    for call in (
        lambda: store.get(missing),
        lambda: store.finalize(missing),
        lambda: store.versions(missing),
        lambda: store.update_draft(missing, {}),
        lambda: export_version(store, missing),
    ):
        with pytest.raises(TestimonyNotFound):
            call()
    tid = store.create_draft({})
    with pytest.raises(NotFinal):
        export_version(store, tid)
    with pytest.raises(NotFinal):
        store.verify_version(tid, 1)
