"""Every hostile bundle of the issue against a real coordinator vault: each is refused with its
typed error, and the vault's logical content (every row of every table) is identical before
and after, for import and for verify. A bundle that was refused can still be imported intact."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from crypto.signing import sign
from intake.bundles import errors
from intake.bundles.export import export_bundle
from intake.bundles.importer import import_bundle, import_stream, verify_bundle
from intake.bundles.manifest import (
    MAX_ATTACHMENT_SIZE,
    MAX_RECORDS,
    UNTRUSTED_COMMENT,
    Manifest,
    RecordEntry,
    parse_manifest,
)
from intake.bundles.reader import BundleReader
from intake.cards.registry import CardRegistry, own_card
from intake.testimonies.canonical import VersionRecord, signing_message
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.bundles import forge
from tests.intake.bundles.synthetic import (
    edit_header,
    join_members,
    member,
    split_members,
)
from tests.intake.bundles.vaults import add_final, exchange_cards, logical_dump, photo


@dataclass
class World:
    volunteer: Vault
    coordinator: Vault
    other: Vault  # another coordinator
    forger: Vault  # a volunteer nobody enrolled
    keys: forge.Keys
    good: bytes  # a valid bundle not yet imported: 1 record, 1 photo of 2.5 MB
    folder: Path

    @property
    def plaintext(self) -> bytes:
        return self.keys.decrypt(self.good)

    @property
    def manifest(self) -> Manifest:
        reader = BundleReader(
            io.BytesIO(self.good), self.keys.coordinator_x25519, self.keys.coordinator_hybrid
        )
        return reader.read_head().manifest

    def parts(self) -> tuple[list[bytes], list[bytes]]:
        members = split_members(self.plaintext)
        manifest = self.manifest
        n = len(manifest.records)
        records = [
            d[: e.size] for (_, d), e in zip(members[2 : 2 + n], manifest.records, strict=True)
        ]
        atts = [
            d[: e.size] for (_, d), e in zip(members[2 + n : -1], manifest.attachments, strict=True)
        ]
        return records, atts


def _vault(folder: Path, name: str, role: str) -> Vault:
    return Vault.create(folder / name, PASSPHRASE, role, name, FAST_KDF)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("hostile")
    volunteer = _vault(folder, "volunteer", "volunteer")
    coordinator = _vault(folder, "coordinator", "coordinator")
    other = _vault(folder, "other", "coordinator")
    forger = _vault(folder, "forger", "volunteer")
    exchange_cards(volunteer, coordinator)
    CardRegistry(volunteer).add(own_card(other), verified=True)
    CardRegistry(forger).add(own_card(coordinator), verified=True)
    fp = own_card(coordinator).fingerprint
    add_final(volunteer, (photo(1, 50_000),))
    first = export_bundle(volunteer, [fp], folder / "first.age", selection="new")
    import_bundle(coordinator, first.path)  # the coordinator's vault is not empty
    add_final(volunteer, (photo(2, 2_500_000),))
    good = export_bundle(volunteer, [fp], folder / "good.age", selection="new")
    yield World(
        volunteer,
        coordinator,
        other,
        forger,
        forge.Keys.of(volunteer, coordinator),
        good.path.read_bytes(),
        folder,
    )
    for vault in (volunteer, coordinator, other, forger):
        vault.close()


ErrorTypes = type[Exception] | tuple[type[Exception], ...]


def refused(world: World, bundle: bytes, error: ErrorTypes, verify: bool = True) -> Exception:
    """Import and verify both refuse ``bundle`` with ``error``; the vault does not change."""
    path = world.folder / "hostile.age"
    path.write_bytes(bundle)
    before = logical_dump(world.coordinator)
    with pytest.raises(error) as info:
        import_bundle(world.coordinator, path)
    assert logical_dump(world.coordinator) == before
    if not verify:
        return info.value
    try:
        report = verify_bundle(world.coordinator, path)
    except error:
        pass
    else:
        assert isinstance(report.problem, error)
    assert logical_dump(world.coordinator) == before
    return info.value


# ---- bytes of the file ---------------------------------------------------------------------

Damage = (errors.BundleDamaged, errors.BundleNotAddressed)


@pytest.mark.parametrize("where", [0, 25, 60, 140, 200, 5000, 1_000_000, -40_000, -1])
def test_changed_byte_anywhere(world: World, where: int) -> None:
    data = bytearray(world.good)
    data[where] ^= 0x20
    refused(world, bytes(data), Damage)


@pytest.mark.parametrize("keep", [0, 20, 150, 1_000_000, -1000, -1])
def test_truncation(world: World, keep: int) -> None:
    refused(world, world.good[:keep], Damage)


def test_extra_bytes(world: World) -> None:
    refused(world, world.good + b"\x00" * 17, errors.BundleDamaged)


def test_bundle_for_another_coordinator(world: World) -> None:
    fp = own_card(world.other).fingerprint
    result = export_bundle(world.volunteer, [fp], world.folder / "other.age", selection="all-final")
    refused(world, result.path.read_bytes(), errors.BundleNotAddressed)
    result.path.unlink()


# ---- the tar stream, changed and encrypted again ---------------------------------------------

Change = Callable[[list[tuple[bytes, bytes]]], object]


def _swap(m: list[tuple[bytes, bytes]]) -> None:
    m[2], m[3] = m[3], m[2]


def _typed(kind: bytes) -> Change:
    def change(m: list[tuple[bytes, bytes]]) -> None:
        m[3] = (edit_header(m[3][0], typeflag=kind, linkname=b"../../../etc/passwd"), m[3][1])

    return change


def _renamed(name: bytes) -> Change:
    def change(m: list[tuple[bytes, bytes]]) -> None:
        m[3] = (edit_header(m[3][0], name=name), m[3][1])

    return change


def _longer(m: list[tuple[bytes, bytes]]) -> None:
    header, data = m[2]
    size = int(header[124:135], 8)
    longer = data[:size] + b" " * 1000
    m[2] = (edit_header(header, size=len(longer)), longer + bytes(-len(longer) % 512))


def _flip_attachment_end(m: list[tuple[bytes, bytes]]) -> None:
    header, data = m[3]
    size = int(header[124:135], 8)
    m[3] = (header, data[: size - 1] + bytes([data[size - 1] ^ 1]) + data[size:])


def _manifest_text(text: bytes) -> Change:
    def change(m: list[tuple[bytes, bytes]]) -> None:
        m[0] = (edit_header(m[0][0], size=len(text)), text + bytes(-len(text) % 512))

    return change


TAR_CASES: list[tuple[str, Change, ErrorTypes]] = [
    ("reordered", _swap, errors.UnexpectedMember),
    ("duplicated", lambda m: m.insert(3, m[2]), errors.UnexpectedMember),
    ("missing", lambda m: m.pop(3), errors.UnexpectedMember),
    (
        "unlisted",
        lambda m: m.insert(4, member("attachments/" + "0" * 64, b"x")),
        errors.UnexpectedMember,
    ),
    ("dot-dot path", _renamed(b"../../.bashrc"), errors.UnsafeMember),
    ("absolute path", _renamed(b"/etc/cron.d/x"), errors.UnsafeMember),
    ("hard link", _typed(b"1"), errors.UnsafeMember),
    ("symlink", _typed(b"2"), errors.UnsafeMember),
    ("character device", _typed(b"3"), errors.UnsafeMember),
    ("block device", _typed(b"4"), errors.UnsafeMember),
    ("directory", _typed(b"5"), errors.UnsafeMember),
    ("fifo", _typed(b"6"), errors.UnsafeMember),
    ("pax header", _typed(b"x"), errors.UnsafeMember),
    ("longer than the manifest says", _longer, errors.MemberSizeMismatch),
    (
        "changed record byte",
        lambda m: m.__setitem__(2, (m[2][0], b"X" + m[2][1][1:])),
        errors.MemberHashMismatch,
    ),
    ("changed last attachment byte", _flip_attachment_end, errors.MemberHashMismatch),
    ("invalid JSON", _manifest_text(b'{"format":"amanat-bundle/1",'), errors.ManifestInvalid),
    (
        "invalid UTF-8",
        _manifest_text(b'{"format":"amanat-bundle/1","x":"\xc3\x28"}'),
        errors.ManifestInvalid,
    ),
]


@pytest.mark.parametrize(("name", "change", "error"), TAR_CASES, ids=[c[0] for c in TAR_CASES])
def test_tar_stream(world: World, name: str, change: Change, error: ErrorTypes) -> None:
    members = split_members(world.plaintext)
    change(members)
    refused(world, world.keys.encrypt(join_members(members)), error)


def test_trailing_and_truncated_plaintext(world: World) -> None:
    plain = world.plaintext
    refused(world, world.keys.encrypt(plain + bytes(1024)), errors.BundleTrailingData)
    refused(world, world.keys.encrypt(plain[:-1536]), errors.BundleTruncated)


# ---- signatures, senders, recipients ----------------------------------------------------------


def test_manifest_signed_by_another_key(world: World) -> None:
    records, atts = world.parts()
    manifest = world.manifest
    forged = forge.write(
        manifest, records, atts, world.forger.identity.signing_seed, [world.keys.recipient]
    )
    refused(world, forged, errors.ManifestSignatureInvalid)


def _base64_respelled(line: bytes) -> bytes:
    """The same bytes in non-canonical base64: unused low bits of the last character set."""
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = line.rstrip(b"=")
    changed = alphabet[alphabet.index(last[-1:]) | 1 : alphabet.index(last[-1:]) + 2][:1]
    assert changed != last[-1:] and base64.b64decode(line) == base64.b64decode(
        last[:-1] + changed + line[len(last) :]
    )
    return last[:-1] + changed + line[len(last) :]


SIGNATURE_SPELLINGS: list[tuple[str, Callable[[list[bytes]], list[bytes]]]] = [
    ("untrusted comment", lambda s: [b"untrusted comment: Amanat bundle manifest", *s[1:]]),
    ("empty untrusted comment", lambda s: [b"untrusted comment: ", *s[1:]]),
    ("CRLF line ends", lambda s: [line + b"\r" for line in s]),
    ("no final line end", lambda s: [*s[:-1], s[-1] + b"\x00"]),
    ("base64 of the signature", lambda s: [s[0], _base64_respelled(s[1]), *s[2:]]),
    ("base64 of the global signature", lambda s: [*s[:3], _base64_respelled(s[3])]),
]


@pytest.mark.parametrize(
    "respell", [c[1] for c in SIGNATURE_SPELLINGS], ids=[c[0] for c in SIGNATURE_SPELLINGS]
)
def test_signature_member_in_another_spelling(
    world: World, respell: Callable[[list[bytes]], list[bytes]]
) -> None:
    """minisign leaves these unauthenticated (minisign -V accepts them); a bundle does not."""
    members = split_members(world.plaintext)
    header, data = members[1]
    text = data[: int(header[124:135], 8)]
    lines = respell(text.split(b"\n")[:4])
    changed = b"\n".join(lines) + b"\n"
    if lines[-1].endswith(b"\x00"):  # the last line without its LF (same size: a NUL pad)
        changed = b"\n".join([*lines[:-1], lines[-1][:-1]])
    assert changed != text
    members[1] = (edit_header(header, size=len(changed)), changed + bytes(-len(changed) % 512))
    refused(world, world.keys.encrypt(join_members(members)), errors.ManifestSignatureInvalid)


def test_unknown_sender(world: World) -> None:
    fp = own_card(world.coordinator).fingerprint
    add_final(world.forger)
    result = export_bundle(world.forger, [fp], world.folder / "forger.age", selection="new")
    err = refused(world, result.path.read_bytes(), errors.UnknownSender)
    text = err.message("en")  # type: ignore[attr-defined]
    assert own_card(world.forger).fingerprint in text and "amanat card import" in text


@pytest.mark.parametrize("state", ["revoked", "not verified"])
def test_revoked_or_unverified_sender(world: World, state: str, tmp_path: Path) -> None:
    coordinator = Vault.create(tmp_path / "c", PASSPHRASE, "coordinator", "C2", FAST_KDF)
    try:
        registry = CardRegistry(coordinator)
        registry.add(own_card(world.volunteer), verified=state == "revoked")
        if state == "revoked":
            registry.revoke(own_card(world.volunteer).fingerprint)
        CardRegistry(world.volunteer).add(own_card(coordinator), verified=True)
        fp = own_card(coordinator).fingerprint
        bundle = export_bundle(world.volunteer, [fp], tmp_path / "b.age", selection="all-final")
        before = logical_dump(coordinator)
        error = errors.SenderRevoked if state == "revoked" else errors.SenderNotVerified
        with pytest.raises(error):
            import_bundle(coordinator, bundle.path)
        assert logical_dump(coordinator) == before
    finally:
        coordinator.close()


def test_manifest_for_another_coordinator_reencrypted(world: World) -> None:
    records, atts = world.parts()
    manifest = replace(world.manifest, recipients=(own_card(world.other).fingerprint,))
    forged = forge.write(manifest, records, atts, world.keys.volunteer_seed, [world.keys.recipient])
    refused(world, forged, errors.BundleNotAddressed)


# ---- absurd counts and sizes, signed by the real sender ---------------------------------------


def _signed_raw(world: World, manifest_json: dict[str, object]) -> bytes:
    data = json.dumps(
        manifest_json, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    manifest = world.manifest
    from crypto.minisign import sign as minisign_sign

    signature = minisign_sign(
        world.keys.volunteer_seed, data, manifest.trusted_comment, UNTRUSTED_COMMENT
    ).encode()
    members = [
        member("manifest.json", data, manifest.mtime),
        member("manifest.json.minisig", signature, manifest.mtime),
    ]
    return world.keys.encrypt(join_members(members))


def test_creation_time_beyond_the_tar_headers(world: World) -> None:
    """Signed with a matching trusted comment, so only the time itself is wrong: a typed
    refusal (the tar mtime field cannot hold it), not a crash."""
    late = replace(world.manifest, created="2300-01-01T00:00:00Z")
    data = json.dumps(
        late.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    from crypto.minisign import sign as minisign_sign

    signature = minisign_sign(
        world.keys.volunteer_seed, data, late.trusted_comment, UNTRUSTED_COMMENT
    ).encode()
    members = [
        member("manifest.json", data, 0),
        member("manifest.json.minisig", signature, 0),
    ]
    refused(world, world.keys.encrypt(join_members(members)), errors.ManifestInvalid)


def test_absurd_record_count(world: World) -> None:
    manifest = world.manifest.to_json()
    manifest["records"] = manifest["records"] * (MAX_RECORDS + 1)
    refused(world, _signed_raw(world, manifest), errors.BundleLimitExceeded)


def test_absurd_attachment_size(world: World) -> None:
    manifest = world.manifest.to_json()
    manifest["attachments"][0]["size"] = MAX_ATTACHMENT_SIZE * 4
    refused(world, _signed_raw(world, manifest), errors.BundleLimitExceeded)


def test_declared_but_missing_data(world: World) -> None:
    manifest = world.manifest.to_json()
    manifest["attachments"][0]["size"] = MAX_ATTACHMENT_SIZE
    refused(world, _signed_raw(world, manifest), errors.UnexpectedMember)


def test_not_enough_disk_space_is_refused_before_any_write(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The free-space probe is replaced (a fake); test_disk_space.py uses a real small disk.
    import shutil

    from intake.bundles.errors import NotEnoughSpace

    usage = shutil.disk_usage(world.folder)
    monkeypatch.setattr(
        "intake.bundles.space.shutil.disk_usage", lambda _: usage._replace(free=300_000)
    )
    refused(world, world.good, NotEnoughSpace, verify=False)  # verify writes nothing


# ---- records that do not hold what the signed manifest promises -------------------------------


def _with_record(
    world: World,
    record: VersionRecord,
    seed: bytes,
    entry_id: str | None = None,
    signature: bytes | None = None,
) -> bytes:
    _records, atts = world.parts()
    data = record.canonical()
    digest = hashlib.sha256(data).hexdigest()
    sig = signature if signature is not None else sign(seed, signing_message(digest))
    manifest = world.manifest
    old = manifest.records[0]
    entry = RecordEntry(entry_id or old.id, old.version, len(data), digest, sig, old.attachments)
    manifest = replace(manifest, records=(entry,))
    return forge.write(manifest, [data], atts, world.keys.volunteer_seed, [world.keys.recipient])


def _record(world: World) -> VersionRecord:
    records, _ = world.parts()
    return VersionRecord.parse(records[0])


def test_record_by_another_author(world: World) -> None:
    seed = world.forger.identity.signing_seed
    from crypto.keys import signing_public_key

    record = replace(_record(world), author=signing_public_key(seed).hex())
    refused(world, _with_record(world, record, seed), errors.RecordInvalid)


def test_record_not_final(world: World) -> None:
    record = replace(_record(world), status="draft")
    refused(world, _with_record(world, record, world.keys.volunteer_seed), errors.RecordInvalid)


def test_record_under_another_id(world: World) -> None:
    record = _record(world)
    forged = _with_record(
        world, record, world.keys.volunteer_seed, entry_id="0b5c3f52-8d0e-4a57-9a39-7f7b7c1e8a10"
    )
    refused(world, forged, errors.RecordInvalid)


def test_record_signature_invalid(world: World) -> None:
    forged = _with_record(world, _record(world), world.keys.volunteer_seed, signature=bytes(64))
    refused(world, forged, errors.RecordInvalid)


def test_conflicting_version_is_refused_whole(world: World) -> None:
    first_id = world.coordinator.conn.execute(
        "SELECT testimony_id FROM record_provenance"
    ).fetchone()[0]
    record = replace(_record(world), testimony_id=str(first_id), created="2020-01-01T00:00:00Z")
    refused(world, _with_record(world, record, world.keys.volunteer_seed), errors.RecordInvalid)


# ---- after any of that, the real bundle still imports --------------------------------------


class _Undo(Exception):
    """Raised to roll the import below back, so the shared vault never holds the good bundle."""


def test_the_good_bundle_imports_whatever_ran_before(world: World) -> None:
    # Independent of order: the import happens inside a transaction that is then rolled back,
    # so the tests that refuse variants of this bundle never meet it as "already imported".
    before = logical_dump(world.coordinator)
    reports = []

    def import_then_undo() -> None:
        with world.coordinator.transaction() as conn:
            reports.append(import_stream(world.coordinator, io.BytesIO(world.good), conn=conn))
            raise _Undo

    with pytest.raises(_Undo):
        import_then_undo()
    assert reports[0].outcomes == {"new": 1} and reports[0].attachments_new == 1
    assert logical_dump(world.coordinator) == before
    assert parse_manifest(world.manifest.encode()) == world.manifest
