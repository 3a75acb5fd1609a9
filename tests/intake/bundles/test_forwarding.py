"""A second coordinator (docs/bundle-format.md §7.13): volunteer V → coordinator A → coordinator
B with three real vaults and real crypto. B verifies both layers (A's manifest signature and V's
signature on every version), keeps V's card as *known via A* (not enrolled), shows "received
from coordinator A, originally from V", and stores a version that arrives by both paths once.
Hostile forwarders (a real coordinator vault with a valid, enrolled key) are refused at the
check each test names."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from crypto.keys import signing_public_key
from intake.bundles import errors
from intake.bundles.export import export_bundle
from intake.bundles.forwarding import origins
from intake.bundles.importer import import_bundle, verify_bundle
from intake.bundles.manifest import AttachmentRef, parse_manifest
from intake.bundles.quarantine import import_quarantined, receive_bundle
from intake.cards.registry import CardRegistry, own_card
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.canonical import VersionRecord, canonical_bytes
from intake.testimonies.store import TestimonyStore
from intake.vault.audit import AuditLog
from tests.conftest import VaultFactory
from tests.intake.bundles.forwarding_world import (
    V_PHOTO,
    V_SECOND_TEXT,
    World,
    forwarded_bundle,
    make_world,
    signed_by,
)
from tests.intake.bundles.vaults import exchange_cards, logical_dump


@pytest.fixture
def world(make_vault: VaultFactory, tmp_path: Path) -> World:
    return make_world(make_vault, tmp_path)


def count(w: World, table: str) -> int:
    return int(w.b.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608


# ---- the three-vault path ---------------------------------------------------------------------


def test_volunteer_to_coordinator_a_to_coordinator_b(world: World) -> None:
    w = world
    path = w.forward()
    report = import_bundle(w.b, path)
    assert report.problem is None and report.refused == []
    assert report.outcomes == {"new": 1, "updated": 1}
    assert report.authors == (w.fp(w.v),)
    assert report.sender_name == "Coordinator Almaty"

    # B holds both versions, each with V's own signature, V as author, the photo's bytes
    store = TestimonyStore(w.b)
    v_key = signing_public_key(w.v.identity.signing_seed)
    shown = store.get(w.tid)
    assert (shown.version_no, shown.content["narrative"]["text"]) == (2, V_SECOND_TEXT)
    for number in (1, 2):
        assert store.get_version(w.tid, number).author_public == v_key
        assert store.verify_version(w.tid, number)
        assert w.held(w.b, number) == w.held(w.v, number)  # byte for byte, V's signature
    (info,) = AttachmentStore(w.b).list(w.tid)
    with AttachmentStore(w.b).open(info.sha256) as f:
        assert f.read() == V_PHOTO
    assert info.filename == "photo 0.jpg"

    # V's card is known via A, not enrolled: B's registry has only A
    assert [k.fingerprint for k in CardRegistry(w.b).all()] == [w.fp(w.a)]
    row = w.b.conn.execute("SELECT fingerprint, via_fingerprint FROM introduced_cards").fetchall()
    assert [tuple(r) for r in row] == [(w.fp(w.v), w.fp(w.a))]
    assert store.get(w.tid).author_fingerprint == w.fp(w.v)

    # provenance: received from coordinator A, originally from volunteer V
    found = origins(w.b, w.tid)
    assert [(o.version_no, o.forwarded) for o in found] == [(1, True), (2, True)]
    line = found[1].line("en")
    assert line.startswith("Version 2: received from coordinator Coordinator Almaty")
    assert "originally from Айгүл Сейітова" in line
    assert "known via coordinator Coordinator Almaty" in line


def test_a_forwards_selected_testimonies_only(world: World) -> None:
    from tests.intake.bundles.vaults import add_final

    other = add_final(world.a)  # A's own testimony, not forwarded
    report = import_bundle(world.b, world.forward(ids=[world.tid]))
    assert report.outcomes == {"new": 1, "updated": 1}
    assert report.authors == (world.fp(world.v),)
    assert not world.b.conn.execute("SELECT 1 FROM testimonies WHERE id = ?", (other,)).fetchone()


def test_b_forwards_on_to_a_third_coordinator(world: World, make_vault: VaultFactory) -> None:
    """B holds V's card only as forwarded; it can still forward V's versions (with V's card)."""
    c = make_vault("Coordinator Three", "coordinator", folder="coord-c")
    CardRegistry(world.b).add(own_card(c), verified=True)
    CardRegistry(c).add(own_card(world.b), verified=True)
    import_bundle(world.b, world.forward())
    out = export_bundle(
        world.b, [world.fp(c)], world.path("again"), selection="all-final", forward=True
    )
    report = import_bundle(c, out.path)
    assert report.outcomes == {"new": 1, "updated": 1}
    assert report.authors == (world.fp(world.v),)
    assert TestimonyStore(c).verify_version(world.tid, 2)


def test_forward_refuses_a_testimony_whose_authors_card_is_missing(world: World) -> None:
    world.a.conn.execute("DELETE FROM cards WHERE fingerprint = ?", (world.fp(world.v),))
    with pytest.raises(errors.NotExportable) as caught:
        world.forward()
    assert world.tid in caught.value.message("en")
    assert list(world.folder.glob("forward-*")) == []


# ---- idempotent across paths -----------------------------------------------------------------


@pytest.mark.parametrize("first", ["direct", "forwarded"])
def test_the_same_version_by_both_paths_is_stored_once(
    make_vault: VaultFactory, tmp_path: Path, first: str
) -> None:
    w = make_world(make_vault, tmp_path, v_to_b=True)
    direct, forwarded = w.direct(w.b), w.forward()
    order = [direct, forwarded] if first == "direct" else [forwarded, direct]
    one = import_bundle(w.b, order[0])
    assert one.outcomes == {"new": 1, "updated": 1}
    versions, attachments = count(w, "testimony_versions"), count(w, "attachments")
    two = import_bundle(w.b, order[1])
    assert two.problem is None and two.refused == []
    assert two.outcomes == {"unchanged": 2}
    assert (count(w, "testimony_versions"), count(w, "attachments")) == (versions, attachments)
    assert (versions, attachments) == (2, 1)
    assert count(w, "testimony_attachments") == 1
    # both arrivals are in the provenance; the forwarded one names A as sender, V as author
    found = origins(w.b, w.tid)
    assert sorted((o.version_no, o.sender.fingerprint) for o in found) == sorted(
        [(1, w.fp(w.v)), (2, w.fp(w.v)), (1, w.fp(w.a)), (2, w.fp(w.a))]
    )
    direct_line = next(o for o in found if not o.forwarded).line("en")
    assert direct_line.startswith("Version ") and "coordinator" not in direct_line
    # V is enrolled at B: named as enrolled, not "known via"
    assert all(o.author.how == "enrolled" for o in found)
    assert TestimonyStore(w.b).verify_version(w.tid, 2)


def test_forwarded_bundle_again_is_already_imported(world: World) -> None:
    path = world.forward()
    import_bundle(world.b, path)
    before = logical_dump(world.b)
    again = import_bundle(world.b, path)
    assert again.already_imported
    assert logical_dump(world.b) == before


# ---- hostile forwarders ----------------------------------------------------------------------


def test_a_forwarded_version_altered_by_the_forwarder_is_refused(world: World) -> None:
    """A changes V's version 1 (V still named as author) and signs the manifest with its real,
    enrolled key: V's signature no longer verifies (the author-signature check, layer 2)."""
    data, signature, _ = world.held(world.a, 1)
    record = VersionRecord.parse(data)
    content = dict(record.content)
    content["narrative"] = {"text": "Altered by the forwarding coordinator (fictional)."}
    altered = replace(record, content=content).canonical()
    before = logical_dump(world.b)
    with pytest.raises(errors.RecordInvalid) as caught:
        import_bundle(world.b, world.send(forwarded_bundle(world, [(altered, signature)])))
    assert "signature" in caught.value.message("en")
    assert logical_dump(world.b) == before
    with pytest.raises(errors.RecordInvalid):  # verify says the same, storing nothing
        verify_bundle(world.b, world.send(forwarded_bundle(world, [(altered, signature)])))


def test_a_forwarder_cannot_add_its_own_version_to_a_volunteers_testimony(world: World) -> None:
    """A forwards V's two versions and a version 3 of V's testimony signed by A itself: the
    testimony belongs to V (version 1), so version 3 is refused on its own (``not-author``);
    V's versions import."""
    v1, v2 = world.held(world.a, 1), world.held(world.a, 2)
    base = VersionRecord.parse(v2[0])
    content = dict(base.content)
    content["narrative"] = {"text": "Added by the forwarding coordinator (fictional)."}
    hostile = replace(
        base,
        version=3,
        previous=v2[2],
        author=signing_public_key(world.a.identity.signing_seed).hex(),
        content=content,
    )
    records = [(v1[0], v1[1]), (v2[0], v2[1]), signed_by(world.a, hostile)]
    report = import_bundle(world.b, world.send(forwarded_bundle(world, records)))
    assert report.outcomes == {"new": 1, "updated": 1}
    (refused,) = report.refused
    assert (refused.code, refused.version, refused.testimony_id) == ("not-author", 3, world.tid)
    assert refused.sender_fingerprint == world.fp(world.a)
    shown = TestimonyStore(world.b).get(world.tid)
    assert (shown.version_no, shown.content["narrative"]["text"]) == (2, V_SECOND_TEXT)
    entries = [e for e in AuditLog(world.b).entries() if e.action == "refuse"]
    assert [e.details["check"] for e in entries] == ["not-author"]


def test_a_record_whose_author_card_is_not_carried_is_refused(world: World) -> None:
    """V's real versions, but the bundle carries no card for V (another author's card
    instead): the record's author must be the sender or one of the carried cards."""
    v1 = world.held(world.a, 1)
    before = logical_dump(world.b)
    bundle = forwarded_bundle(world, [(v1[0], v1[1])], authors=[own_card(world.b)])
    with pytest.raises(errors.RecordInvalid) as caught:
        import_bundle(world.b, world.send(bundle))
    assert "card is not in the bundle" in caught.value.message("en")
    assert logical_dump(world.b) == before


def test_a_forward_from_an_unknown_coordinator_waits_in_the_quarantine(
    world: World, make_vault: VaultFactory
) -> None:
    """A coordinator B never enrolled: *unknown sender*, kept in the quarantine, nothing
    imported, until B enrolls that coordinator's card explicitly."""
    x = make_vault("Unknown Coordinator", "coordinator", folder="coord-x")
    exchange_cards(world.v, x)
    import_bundle(x, world.direct(x))
    CardRegistry(x).add(own_card(world.b), verified=True)
    out = export_bundle(
        x, [world.fp(world.b)], world.path("x"), selection="all-final", forward=True
    )
    with pytest.raises(errors.UnknownSender):
        import_bundle(world.b, out.path)
    receipt = receive_bundle(world.b, out.path)
    assert receipt.outcome == "quarantined"
    assert count(world, "testimonies") == 0
    CardRegistry(world.b).add(own_card(x), verified=False)  # known, not verified
    with pytest.raises(errors.SenderNotVerified):
        import_bundle(world.b, out.path)
    CardRegistry(world.b).mark_verified(world.fp(x))
    # the copy kept in the quarantine imports, checked again completely
    report = import_quarantined(world.b, receipt.report.bundle_id)
    assert report.outcomes == {"new": 1, "updated": 1}
    assert report.authors == (world.fp(world.v),)
    assert import_bundle(world.b, out.path).already_imported


def test_a_volunteer_cannot_forward(world: World, make_vault: VaultFactory) -> None:
    """A volunteer enrolled at B (role volunteer in B's registry) sends a bundle with author
    cards, even with a card claiming the coordinator role: refused as ``not-forwarder``."""
    m = make_vault("Mallory Insider", "volunteer", folder="insider")
    CardRegistry(world.b).add(own_card(m), verified=True)
    v1 = world.held(world.a, 1)
    bundle = forwarded_bundle(world, [(v1[0], v1[1])], sender=m)
    before = logical_dump(world.b)
    with pytest.raises(errors.ForwardNotAllowed):
        import_bundle(world.b, world.send(bundle))
    assert logical_dump(world.b) == before


def test_a_revoked_authors_forwarded_versions_are_refused_alone(world: World) -> None:
    """B revoked V's card: V's versions forwarded by A are refused one by one
    (``author-revoked``), A's own testimony in the same bundle imports."""
    from tests.intake.bundles.vaults import add_final

    CardRegistry(world.b).add(own_card(world.v), verified=True)
    CardRegistry(world.b).revoke(world.fp(world.v))
    own = add_final(world.a)
    report = import_bundle(world.b, world.forward())
    assert sorted(r.code for r in report.refused) == ["author-revoked", "author-revoked"]
    assert report.outcomes == {"new": 1}
    assert not world.b.conn.execute(
        "SELECT 1 FROM testimonies WHERE id = ?", (world.tid,)
    ).fetchone()
    assert world.b.conn.execute("SELECT 1 FROM testimonies WHERE id = ?", (own,)).fetchone()
    assert count(world, "attachments") == 0  # V's photo was only on refused records


def test_a_forwarded_chain_without_its_predecessor_is_refused_whole(world: World) -> None:
    """A drops V's version 1 and forwards only version 2: as on the direct path, the whole
    bundle is refused (``previous-missing``) and it imports once version 1 arrived."""
    v2 = world.held(world.a, 2)
    sha = AttachmentStore(world.a).list(world.tid)[0].sha256
    bundle = forwarded_bundle(
        world,
        [(v2[0], v2[1])],
        refs=[[AttachmentRef(sha, "photo 0.jpg")]],
        attachments=[V_PHOTO],
    )
    before = logical_dump(world.b)
    with pytest.raises(errors.PreviousVersionMissing):
        import_bundle(world.b, world.send(bundle))
    assert logical_dump(world.b) == before


# ---- the command line --------------------------------------------------------------------------


def test_cli_export_forward_and_import(world: World) -> None:
    from tests.intake.bundles.cli import amanat

    a_folder, b_folder, b_fp = world.a.path, world.b.path, world.fp(world.b)
    world.a.close()
    world.b.close()
    usage = amanat(
        "export", "--vault", a_folder, "--forward", "--to", b_fp, "-o", world.folder, check=False
    )
    assert usage.returncode != 0 and "--all-final" in usage.stderr
    out = world.folder / "forwarded.age"
    amanat("export", "--vault", a_folder, "--forward", "--to", b_fp, "--all-final", "-o", out)
    verified = amanat("verify", "--vault", b_folder, out).stdout
    assert "Forwarded by this coordinator" in verified and world.fp(world.v) in verified
    imported = amanat("import", "--vault", b_folder, out).stdout
    assert "new 1, updated 1" in imported
    assert "Forwarded by this coordinator" in imported
    as_json = json.loads(amanat("import", "--vault", b_folder, out, "--json").stdout)
    assert as_json[0]["already_imported"] is True
    assert as_json[0]["forwarded_authors"] == [world.fp(world.v)]
    shown = amanat("testimony", "show", "--vault", b_folder, world.tid).stdout
    assert "received from coordinator Coordinator Almaty" in shown
    assert "originally from Айгүл Сейітова" in shown
    shown_json = json.loads(
        amanat("testimony", "show", "--vault", b_folder, world.tid, "--json").stdout
    )
    assert [(r["version"], r["forwarded"]) for r in shown_json["received"]] == [
        (1, True),
        (2, True),
    ]


# ---- the manifest's author cards ---------------------------------------------------------------


def _forwarded_manifest_json(w: World) -> dict[str, object]:
    from intake.bundles.manifest import Manifest

    manifest = Manifest(
        bundle="0f8e3a4c-6b1d-4e2f-8a9b-0c1d2e3f4a5b",
        created="2025-03-03T12:00:00Z",
        sender=own_card(w.a),
        recipients=(w.fp(w.b),),
        sequence=1,
        records=(),
        attachments=(),
        authors=(own_card(w.v),),
    )
    value = manifest.to_json()
    assert parse_manifest(canonical_bytes(value)) == manifest  # the writer's form parses
    return value


@pytest.mark.parametrize(
    "change",
    ["empty", "sender's own card", "twice", "out of order"],
)
def test_author_cards_must_be_unique_ordered_and_not_the_senders(world: World, change: str) -> None:
    value = _forwarded_manifest_json(world)
    v_card, b_card, a_card = (own_card(x).members() for x in (world.v, world.b, world.a))
    ordered = sorted([v_card, b_card], key=lambda c: own_fp(c))
    value["authors"] = {
        "empty": [],
        "sender's own card": [a_card],
        "twice": [v_card, v_card],
        "out of order": list(reversed(ordered)),
    }[change]
    with pytest.raises(errors.ManifestInvalid) as caught:
        parse_manifest(canonical_bytes(value))
    reason = "is empty" if change == "empty" else "not unique and in order"
    assert reason in caught.value.message("en")


def test_a_changed_author_card_fails_as_a_bad_signature(world: World) -> None:
    value = _forwarded_manifest_json(world)
    card = dict(own_card(world.v).members())
    card["name"] = "Someone Else"  # the card's self-signature no longer verifies
    value["authors"] = [card]
    with pytest.raises(errors.ManifestSignatureInvalid):
        parse_manifest(canonical_bytes(value))


def own_fp(members: Mapping[str, object]) -> str:
    from crypto.card import parse_card

    return parse_card(canonical_bytes(members) + b"\n").fingerprint


def test_verify_lists_what_an_import_would_refuse_and_changes_nothing(world: World) -> None:
    CardRegistry(world.b).add(own_card(world.v), verified=True)
    CardRegistry(world.b).revoke(world.fp(world.v))
    path = world.forward()
    before = logical_dump(world.b)
    report = verify_bundle(world.b, path)
    assert report.problem is None
    assert [r.code for r in report.refused] == ["author-revoked", "author-revoked"]
    assert logical_dump(world.b) == before


def test_an_attachment_a_forwarder_adds_is_audited_as_the_forwarders(world: World) -> None:
    """Attachment references are signed by the bundle's sender only (the testimony format
    signs the version record, not its attachments; SECURITY.md, "A forwarding coordinator").
    An extra file A links to V's testimony is kept, and the audit trail names A as the one who
    linked it; the file name of a file already linked does not change."""
    import_bundle(world.b, world.forward())
    v1 = world.held(world.a, 1)
    held = AttachmentStore(world.b).list(world.tid)[0].sha256
    extra = b"\xff\xd8\xff\xe0 a file only the forwarder vouches for"
    extra_sha = hashlib.sha256(extra).hexdigest()
    refs = [[AttachmentRef(extra_sha, "added.jpg"), AttachmentRef(held, "renamed.jpg")]]
    bundle = forwarded_bundle(world, [(v1[0], v1[1])], refs=refs, attachments=[extra, V_PHOTO])
    report = import_bundle(world.b, world.send(bundle))
    assert report.outcomes == {"unchanged": 1}
    names = {i.sha256: i.filename for i in AttachmentStore(world.b).list(world.tid)}
    assert names == {held: "photo 0.jpg", extra_sha: "added.jpg"}
    linked = [e for e in AuditLog(world.b).entries(world.tid) if e.action == "attach"]
    by_a = [e for e in linked if e.details.get("sha256") == extra_sha]
    assert [e.details["forwarded_by"] for e in by_a] == [world.fp(world.a)]
    assert by_a[0].details["bundle"] == report.bundle_id


def test_the_receivers_own_testimony_forwarded_back_is_unchanged(world: World) -> None:
    """B sent one of its own testimonies to A; A forwards everything to B: B's own version
    comes back unchanged, and B's own card is not kept as a forwarded card."""
    from tests.intake.bundles.vaults import add_final

    own = add_final(world.b)
    out = export_bundle(world.b, [world.fp(world.a)], world.path("b-to-a"), selection="all-final")
    import_bundle(world.a, out.path)
    report = import_bundle(world.b, world.forward())
    assert sorted(report.authors) == sorted([world.fp(world.v), world.fp(world.b)])
    assert report.outcomes == {"new": 1, "updated": 1, "unchanged": 1}
    assert TestimonyStore(world.b).verify_version(own, 1)
    rows = world.b.conn.execute("SELECT fingerprint FROM introduced_cards").fetchall()
    assert [r[0] for r in rows] == [world.fp(world.v)]
