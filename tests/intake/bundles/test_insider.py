"""What a malicious enrolled volunteer can send with a valid signature of their own (SECURITY.md,
"Insiders"): volunteer M, enrolled and verified at the coordinator like volunteer A, tries to
replace, shadow, hide or block A's testimonies. Every vault here is real (its own init, its own
keys, cards exchanged and verified); A's bundles come from the real export; M's hostile records
are signed with M's real key by the real signing functions and written by the real bundle
writer (the export cannot produce them). After each case the coordinator's archive still shows
A's text, and A's next bundle still imports.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crypto.card import create_card
from crypto.keys import signing_public_key
from crypto.signing import sign
from intake.bundles import errors, seal
from intake.bundles.importer import BundleReport, import_bundle, verify_bundle
from intake.bundles.manifest import AttachmentEntry, AttachmentRef, Manifest, RecordEntry
from intake.bundles.writer import BundleWriter
from intake.cards.registry import own_card
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.canonical import VersionRecord, signing_message
from intake.testimonies.errors import NotYourTestimony
from intake.testimonies.exchange import export_version
from intake.testimonies.store import TestimonyStore
from intake.vault.audit import AuditLog
from tests.conftest import VaultFactory
from tests.intake.bundles import forge
from tests.intake.bundles.cli import amanat
from tests.intake.bundles.insiders import (
    A_PHOTO,
    Insiders,
    hostile_record,
    make_world,
    signed_bundle,
)
from tests.intake.bundles.vaults import (
    add_final,
    example_content,
    logical_dump,
    photo,
)


@pytest.fixture
def world(make_vault: VaultFactory, tmp_path: Path) -> Insiders:
    return make_world(make_vault, tmp_path)


def assert_refused_as_takeover(w: Insiders, report: BundleReport, count: int = 1) -> None:
    """The report names each refused record, the check (``not-author``) and the sender."""
    assert len(report.refused) == count
    for refusal in report.refused:
        assert refusal.testimony_id == w.a_tid
        assert refusal.code == "not-author"
        assert refusal.sender_name == "Mallory Insider"
        assert refusal.sender_fingerprint == w.m_fp
        assert "not-author" not in refusal.message("en")  # a sentence, not a code
        assert w.a_tid in refusal.message("en")


def a_text_intact(w: Insiders) -> None:
    version, text, author = w.shown()
    assert (version, author) == (1, signing_public_key(w.a.identity.signing_seed))
    assert text == example_content()["narrative"]["text"]
    assert [s.id for s in TestimonyStore(w.c).search("Rewritten")] == []


# ---- the two takeovers of the issue (regression) ---------------------------------------------


def test_takeover_with_a_higher_version_is_refused(world: Insiders) -> None:
    """M signs version 5 of A's testimony with an arbitrary ``previous``."""
    record = hostile_record(world, world.a_record(), version=5, previous="ab" * 32)
    report = import_bundle(world.c, world.send(signed_bundle(world, [record])))
    a_text_intact(world)
    assert_refused_as_takeover(world, report)
    world.a_later_bundle_imports()


def test_takeover_chained_to_version_1_is_refused(world: Insiders) -> None:
    """M signs version 2 of A's testimony, chained to A's real version-1 hash."""
    record = hostile_record(world, world.a_record(), version=2, previous=world.a_v1_hash)
    report = import_bundle(world.c, world.send(signed_bundle(world, [record])))
    a_text_intact(world)
    assert_refused_as_takeover(world, report)
    world.a_later_bundle_imports()


# ---- other authors' ids, versions and hashes -------------------------------------------------


def test_version_1_under_another_authors_id_is_refused(world: Insiders) -> None:
    record = hostile_record(world, world.a_record())  # version 1, previous null, M's key
    report = import_bundle(world.c, world.send(signed_bundle(world, [record])))
    a_text_intact(world)
    assert_refused_as_takeover(world, report)
    world.a_later_bundle_imports()


def test_a_takeover_chain_in_one_bundle_is_refused_whole(world: Insiders) -> None:
    """Version 2 chained to A's version 1, then version 3 chained to that version 2."""
    v2 = hostile_record(world, world.a_record(), version=2, previous=world.a_v1_hash)
    v3 = replace(v2, version=3, previous=v2.hash())
    report = import_bundle(world.c, world.send(signed_bundle(world, [v2, v3])))
    a_text_intact(world)
    assert_refused_as_takeover(world, report, count=2)
    world.a_later_bundle_imports()


def test_the_rest_of_the_insiders_bundle_imports_and_the_refusal_is_audited(
    world: Insiders,
) -> None:
    """M's own testimony (versions 1 and 2 in one bundle) imports beside the refused record."""
    m_tid = add_final(world.m)
    own = VersionRecord.parse(export_version(TestimonyStore(world.m), m_tid)[0])
    own2 = replace(own, version=2, previous=own.hash(), created="2025-03-02T10:00:00Z")
    hostile = hostile_record(world, world.a_record(), version=2, previous=world.a_v1_hash)
    bundle = signed_bundle(world, [own, own2, hostile])
    report = import_bundle(world.c, world.send(bundle))
    assert report.outcomes == {"new": 1, "updated": 1}
    assert TestimonyStore(world.c).get(m_tid).version_no == 2
    assert_refused_as_takeover(world, report)
    a_text_intact(world)
    entries = [e for e in AuditLog(world.c).entries(subject=world.a_tid) if e.action == "refuse"]
    assert [dict(e.details) for e in entries] == [
        {
            "version": 2,
            "hash": hostile.hash(),
            "sender": world.m_fp,
            "bundle": entries[0].details["bundle"],
            "check": "not-author",
        }
    ]
    assert AuditLog(world.c).verify().ok
    world.a_later_bundle_imports()


def test_verify_names_the_records_an_import_would_refuse(world: Insiders) -> None:
    record = hostile_record(world, world.a_record(), version=2, previous=world.a_v1_hash)
    path = world.send(signed_bundle(world, [record]))
    before = logical_dump(world.c)
    report = verify_bundle(world.c, path)
    assert logical_dump(world.c) == before
    assert report.problem is None
    assert_refused_as_takeover(world, report)


def test_another_authors_signed_record_replayed_in_the_insiders_bundle(world: Insiders) -> None:
    """A's own bytes and signature, sent by M: format 1 carries only the sender's records."""
    a_v1 = world.a_record()
    bundle = signed_bundle(world, [a_v1], record_seed=world.a.identity.signing_seed)
    before = logical_dump(world.c)
    with pytest.raises(errors.RecordInvalid) as info:
        import_bundle(world.c, world.send(bundle))
    assert "not written by the sender" in info.value.message("en")
    assert logical_dump(world.c) == before
    world.a_later_bundle_imports()


def test_the_insiders_own_fork_refuses_the_insiders_bundle(world: Insiders) -> None:
    """M's version 2 that does not chain to M's version 1: a conflict of M's own history."""
    m_tid = add_final(world.m)
    import_bundle(world.c, world.export(world.m))
    own = VersionRecord.parse(export_version(TestimonyStore(world.m), m_tid)[0])
    fork = replace(own, version=2, previous="cd" * 32, created="2025-03-02T10:00:00Z")
    before = logical_dump(world.c)
    with pytest.raises(errors.RecordInvalid):
        import_bundle(world.c, world.send(signed_bundle(world, [fork], sequence=2)))
    assert logical_dump(world.c) == before
    world.a_later_bundle_imports()


def test_a_version_without_its_predecessor_refuses_the_bundle(world: Insiders) -> None:
    """Version 2 of an id nobody holds yet: nothing is held back to be displaced later."""
    unknown = hostile_record(
        world,
        world.a_record(),
        testimony_id="3e0c2b7a-5d4f-4e1a-9b8c-7d6e5f4a3b2c",
        version=2,
        previous="ab" * 32,
    )
    before = logical_dump(world.c)
    with pytest.raises(errors.PreviousVersionMissing):
        import_bundle(world.c, world.send(signed_bundle(world, [unknown])))
    assert logical_dump(world.c) == before
    world.a_later_bundle_imports()


def test_the_authors_version_that_arrives_before_its_predecessor_waits_for_it(
    world: Insiders,
) -> None:
    """A's real bundles, with the seal policy on so the second carries version 2 alone: it is
    refused whole until the first arrives, then imports unchanged."""
    seal.set_policy(world.a, True)
    tid = add_final(world.a)
    store = TestimonyStore(world.a)
    store.edit_final(tid)  # a draft of version 2 stays when version 1 is sealed
    first = world.export(world.a)
    store.finalize(tid)
    store.edit_final(tid)
    second = world.export(world.a)  # version 2 alone
    store.finalize(tid)
    third = world.export(world.a)  # version 3 alone
    before = logical_dump(world.c)
    with pytest.raises(errors.PreviousVersionMissing):  # the testimony is not held at all
        import_bundle(world.c, second)
    assert logical_dump(world.c) == before
    assert import_bundle(world.c, first).outcomes == {"new": 1}
    before = logical_dump(world.c)
    with pytest.raises(errors.PreviousVersionMissing):  # held, but not version 2
        import_bundle(world.c, third)
    assert logical_dump(world.c) == before
    assert import_bundle(world.c, second).outcomes == {"updated": 1}
    assert import_bundle(world.c, third).outcomes == {"updated": 1}
    assert TestimonyStore(world.c).get(tid).version_no == 3


def test_an_id_claimed_first_by_an_insider_does_not_block_the_authors_bundle(
    world: Insiders,
) -> None:
    """The limit of first-come ownership (SECURITY.md, Insiders): M learns the id of A's next
    testimony (from a printed PDF) and sends a version 1 under it before A's bundle arrives.
    A's record is then refused alone, naming M's key as the holder; A's other testimony in the
    same bundle imports, and the coordinator sees both names."""
    claimed = add_final(world.a)
    other = add_final(world.a)
    a_record = VersionRecord.parse(export_version(TestimonyStore(world.a), claimed)[0])
    squat = hostile_record(world, a_record)
    assert import_bundle(world.c, world.send(signed_bundle(world, [squat]))).outcomes == {"new": 1}
    report = import_bundle(world.c, world.export(world.a))
    assert [(r.testimony_id, r.code) for r in report.refused] == [(claimed, "not-author")]
    assert report.refused[0].sender_name == "Айгүл Сейітова"
    assert world.m_fp in report.refused[0].message("en")
    assert TestimonyStore(world.c).get(other).version_no == 1


# ---- attachments -----------------------------------------------------------------------------


def test_attachments_named_by_a_refused_record_are_not_linked(world: Insiders) -> None:
    planted = photo(7, 5_000)
    sha = hashlib.sha256(planted).hexdigest()
    record = hostile_record(world, world.a_record(), version=2, previous=world.a_v1_hash)
    bundle = signed_bundle(
        world,
        [record],
        refs=[[AttachmentRef(sha, "confession.jpg")]],
        attachments=[(planted, "image/jpeg")],
    )
    before = AttachmentStore(world.c).list(world.a_tid)
    report = import_bundle(world.c, world.send(bundle))
    assert_refused_as_takeover(world, report)
    assert report.attachments_new == 0
    assert AttachmentStore(world.c).list(world.a_tid) == before
    stored = world.c.conn.execute("SELECT 1 FROM attachments WHERE sha256 = ?", (sha,))
    assert stored.fetchone() is None  # referenced by nothing stored: not kept
    world.a_later_bundle_imports()


def test_another_authors_attachment_hash_without_its_bytes(world: Insiders) -> None:
    """M lists the hash of A's photo (printed on A's PDF) with other bytes."""
    a_sha = hashlib.sha256(A_PHOTO).hexdigest()
    m_tid = add_final(world.m)
    own = VersionRecord.parse(export_version(TestimonyStore(world.m), m_tid)[0])
    fake = photo(8, len(A_PHOTO))
    # The manifest is M's to write: it claims A's hash for M's bytes (M does not have A's
    # photo). The real writer hashes what it writes unless told that its source checks itself
    # (``verifies``): M's copy of the writer claims that.
    manifest = Manifest(
        bundle=str(uuid.uuid4()),
        created="2025-03-02T12:00:00Z",
        sender=own_card(world.m),
        recipients=(world.c_fp,),
        sequence=1,
        records=(_entry(world, own, (AttachmentRef(a_sha, "renamed.jpg"),)),),
        attachments=(AttachmentEntry(a_sha, len(fake), "image/jpeg"),),
    )
    before = logical_dump(world.c)
    out = io.BytesIO()
    recipient = forge.Keys.of(world.m, world.c).recipient
    writer = BundleWriter(out, manifest, world.m.identity.signing_seed, [recipient])
    writer.add_record(own.canonical())
    writer.add_attachment(io.BytesIO(fake), verifies=a_sha)
    writer.finish()
    with pytest.raises(errors.MemberHashMismatch):
        import_bundle(world.c, world.send(out.getvalue()))
    assert logical_dump(world.c) == before
    world.a_later_bundle_imports()


def test_the_same_attachment_bytes_do_not_rename_the_authors_attachment(world: Insiders) -> None:
    """M holds the same photo bytes (a public photo) and attaches it to M's own testimony
    under another name: M's testimony gets its link, A's keeps its own name."""
    a_sha = hashlib.sha256(A_PHOTO).hexdigest()
    m_tid = add_final(world.m)
    own = VersionRecord.parse(export_version(TestimonyStore(world.m), m_tid)[0])
    bundle = signed_bundle(
        world,
        [own],
        refs=[[AttachmentRef(a_sha, "renamed.jpg")]],
        attachments=[(A_PHOTO, "image/jpeg")],
    )
    before = AttachmentStore(world.c).list(world.a_tid)
    report = import_bundle(world.c, world.send(bundle))
    assert report.refused == [] and report.outcomes == {"new": 1}
    assert AttachmentStore(world.c).list(world.a_tid) == before
    assert [a.filename for a in AttachmentStore(world.c).list(m_tid)] == ["renamed.jpg"]
    world.a_later_bundle_imports()


def _entry(w: Insiders, record: VersionRecord, refs: tuple[AttachmentRef, ...]) -> RecordEntry:
    data = record.canonical()
    digest = hashlib.sha256(data).hexdigest()
    signature = sign(w.m.identity.signing_seed, signing_message(digest))
    return RecordEntry(record.testimony_id, record.version, len(data), digest, signature, refs)


# ---- bundle ids, sequence numbers, cards, replays --------------------------------------------


def _a_bundle_id(w: Insiders) -> tuple[str, int]:
    row = w.c.conn.execute(
        "SELECT bundle_id, sequence FROM bundles_received WHERE sender_fingerprint = ?",
        (own_card(w.a).fingerprint,),
    ).fetchone()
    return str(row[0]), int(row[1])


def test_another_senders_bundle_id_is_refused(world: Insiders) -> None:
    m_tid = add_final(world.m)
    own = VersionRecord.parse(export_version(TestimonyStore(world.m), m_tid)[0])
    bundle_id, _ = _a_bundle_id(world)
    before = logical_dump(world.c)
    with pytest.raises(errors.BundleIdReused):
        import_bundle(world.c, world.send(signed_bundle(world, [own], bundle_id=bundle_id)))
    assert logical_dump(world.c) == before
    world.a_later_bundle_imports()


def test_another_senders_sequence_numbers_touch_only_the_insiders_count(world: Insiders) -> None:
    """M numbers bundles as A does (1, then A's next, 2) and far ahead (50): A's reports show
    no gap and no reused number."""
    _, a_sequence = _a_bundle_id(world)
    for sequence in (a_sequence, a_sequence + 1, 50):
        m_tid = add_final(world.m)
        own = VersionRecord.parse(export_version(TestimonyStore(world.m), m_tid)[0])
        import_bundle(world.c, world.send(signed_bundle(world, [own], sequence=sequence)))
    report = world.a_later_bundle_imports()
    assert (report.sequence, report.gaps, report.reused_sequence) == (2, [], False)


def test_a_card_claiming_the_authors_name_is_shown_under_the_enrolled_name(
    world: Insiders,
) -> None:
    """M signs a card with M's own keys and A's name: the fingerprint stays M's, and reports
    name M as the coordinator enrolled M."""
    disguised = create_card(
        "Айгүл Сейітова",
        "volunteer",
        world.m.identity.signing_seed,
        own_card(world.m).x25519_public,
        datetime(2025, 3, 2, tzinfo=UTC),
    )
    assert disguised.fingerprint == world.m_fp
    record = hostile_record(world, world.a_record(), version=2, previous=world.a_v1_hash)
    report = import_bundle(world.c, world.send(signed_bundle(world, [record], sender=disguised)))
    assert report.sender_name == "Mallory Insider"
    assert_refused_as_takeover(world, report)
    a_text_intact(world)


def test_a_card_with_the_authors_signing_key_is_refused(world: Insiders) -> None:
    """M's card carrying A's Ed25519 key: its self-signature (by M) does not verify."""
    a_key = signing_public_key(world.a.identity.signing_seed)
    stolen = replace(own_card(world.m), ed25519_public=a_key)
    record = hostile_record(world, world.a_record(), version=2, previous=world.a_v1_hash)
    before = logical_dump(world.c)
    with pytest.raises(errors.ManifestSignatureInvalid):
        import_bundle(world.c, world.send(signed_bundle(world, [record], sender=stolen)))
    assert logical_dump(world.c) == before


def test_a_card_with_the_authors_encryption_key_is_unknown(world: Insiders) -> None:
    """M's signing key with A's age key: a fingerprint nobody enrolled."""
    mixed = create_card(
        "Mallory Insider",
        "volunteer",
        world.m.identity.signing_seed,
        own_card(world.a).x25519_public,
        datetime(2025, 3, 2, tzinfo=UTC),
    )
    record = hostile_record(world, world.a_record(), version=2, previous=world.a_v1_hash)
    before = logical_dump(world.c)
    with pytest.raises(errors.UnknownSender):
        import_bundle(world.c, world.send(signed_bundle(world, [record], sender=mixed)))
    assert logical_dump(world.c) == before


def test_replays(world: Insiders) -> None:
    """The hostile bundle again, and M's own old version in a new bundle: nothing changes."""
    record = hostile_record(world, world.a_record(), version=2, previous=world.a_v1_hash)
    path = world.send(signed_bundle(world, [record]))
    assert len(import_bundle(world.c, path).refused) == 1
    before = logical_dump(world.c)
    again = import_bundle(world.c, path)
    assert again.already_imported and logical_dump(world.c) == before
    m_tid = add_final(world.m)
    import_bundle(world.c, world.export(world.m))
    own = VersionRecord.parse(export_version(TestimonyStore(world.m), m_tid)[0])
    replay = import_bundle(world.c, world.send(signed_bundle(world, [own], sequence=9)))
    assert replay.outcomes == {"unchanged": 1} and replay.refused == []
    a_text_intact(world)
    world.a_later_bundle_imports()


def test_the_coordinator_cannot_start_a_version_of_the_authors_testimony(
    world: Insiders,
) -> None:
    before = logical_dump(world.c)
    with pytest.raises(NotYourTestimony) as info:
        TestimonyStore(world.c).edit_final(world.a_tid)
    assert own_card(world.a).fingerprint in info.value.message("en")
    assert logical_dump(world.c) == before
    world.a_later_bundle_imports()


# ---- how the refusal is reported -------------------------------------------------------------


def test_the_cli_lists_each_refusal_with_the_sender_and_exits_10(world: Insiders) -> None:
    record = hostile_record(world, world.a_record(), version=2, previous=world.a_v1_hash)
    path = world.send(signed_bundle(world, [record]))
    folder = world.c.path
    world.c.close()  # the command opens the vault itself
    checked = amanat("verify", "--vault", folder, path)
    assert "would be refused" in checked.stderr and world.m_fp in checked.stderr
    result = amanat("import", "--vault", folder, path, check=False)
    assert result.returncode == 10, result.stderr
    line = next(x for x in result.stderr.splitlines() if x.startswith("REFUSED"))
    assert world.a_tid in line and "Mallory Insider" in line and world.m_fp in line
    assert "only its author can add versions" in line
    assert "imported 1 testimony version (" in result.stdout
    again = amanat("import", "--vault", folder, "--json", path, check=False)
    assert again.returncode == 0 and '"already_imported": true' in again.stdout


def test_the_cli_json_names_the_check_and_the_sender(world: Insiders) -> None:
    record = hostile_record(world, world.a_record(), version=5, previous="ab" * 32)
    path = world.send(signed_bundle(world, [record]))
    folder = world.c.path
    world.c.close()
    result = amanat("import", "--vault", folder, "--json", path, check=False)
    assert result.returncode == 10
    (report,) = json.loads(result.stdout)
    (refused,) = report["refused"]
    assert (refused["testimony"], refused["version"], refused["code"]) == (
        world.a_tid,
        5,
        "not-author",
    )
    assert refused["sender"] == {"name": "Mallory Insider", "fingerprint": world.m_fp}


def test_a_takeover_stored_by_an_older_amanat_no_longer_verifies(world: Insiders) -> None:
    """A vault filled before this rule may hold M's version on top of A's. Made here as the
    old importer left it (rows written directly: today's importer refuses it)."""
    record = hostile_record(world, world.a_record(), version=2, previous=world.a_v1_hash)
    data = record.canonical()
    digest = hashlib.sha256(data).hexdigest()
    signature = sign(world.m.identity.signing_seed, signing_message(digest))
    with world.c.transaction() as conn:
        conn.execute(
            "INSERT INTO testimony_versions (testimony_id, version_no, status, form_id,"
            " form_version, content, created, updated, finalized, author, prev_hash, hash,"
            " signature) VALUES (?, 2, 'final', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                world.a_tid,
                record.form.id,
                record.form.version,
                record.content_of(data).decode(),
                record.created,
                record.created,
                record.created,
                world.m_public,
                world.a_v1_hash,
                digest,
                signature,
            ),
        )
        conn.execute("UPDATE testimonies SET head_version = 2 WHERE id = ?", (world.a_tid,))
    store = TestimonyStore(world.c)
    assert store.verify_version(world.a_tid, 1)
    assert not store.verify_version(world.a_tid, 2)  # signed, intact, but not by the owner
