"""The container layer alone (manifest, strict tar, signature, age), with synthetic records.

Valid bundles round-trip; every hostile change a forger could make (a forger can encrypt to a
coordinator's public card, so plaintext changes are realistic) is refused with the spec's
typed error (docs/bundle-format.md §7.10).
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from dataclasses import replace

import pytest

from crypto import minisign
from crypto.minisign import sign
from intake.bundles import errors
from intake.bundles.manifest import (
    MAX_ATTACHMENT_SIZE,
    MAX_MANIFEST_SIZE,
    MAX_RECORDS,
    UNTRUSTED_COMMENT,
    Manifest,
    padding_for,
    parse_manifest,
)
from intake.bundles.tarstream import member_header
from intake.bundles.writer import sign_manifest
from intake.testimonies.canonical import canonical_bytes
from tests.intake.bundles.synthetic import (
    COORDINATOR,
    FORGER,
    OTHER_COORDINATOR,
    VOLUNTEER,
    Content,
    decrypt_bundle,
    edit_header,
    join_members,
    manifest_for,
    member,
    read_bundle,
    reencrypt,
    sample_content,
    seeded,
    split_members,
    write_bundle,
)


@pytest.fixture(scope="module")
def content() -> Content:
    return sample_content(seeded(1), n_records=3, n_attachments=3)


@pytest.fixture(scope="module")
def bundle(content: Content) -> bytes:
    return write_bundle(content)


@pytest.fixture(scope="module")
def plaintext(bundle: bytes) -> bytes:
    return decrypt_bundle(bundle)


def test_round_trip(content: Content, bundle: bytes) -> None:
    manifest, got = read_bundle(bundle)
    assert manifest == manifest_for(content)
    assert [data for _, _, data in got.records] == [d for _, _, d in content.records]
    assert [data for _, _, data in got.attachments] == [d for d, _, _ in content.attachments]
    assert [n for n, _, _ in got.records + got.attachments] == [3, 4, 5, 6, 7, 8]


def test_empty_bundle_and_several_recipients() -> None:
    recipients = (COORDINATOR, OTHER_COORDINATOR)
    bundle = write_bundle(Content(), recipients=recipients)
    for party in recipients:
        manifest, got = read_bundle(bundle, party)
        assert manifest.recipients == tuple(sorted(p.card.fingerprint for p in recipients))
        assert not got.records and not got.attachments


def test_plaintext_is_standard_ustar_with_padme_padding(plaintext: bytes) -> None:
    with tarfile.open(fileobj=io.BytesIO(plaintext), mode="r|") as tar:
        names = [m.name for m in tar]
    assert names[:2] == ["manifest.json", "manifest.json.minisig"]
    assert names[2].startswith("records/") and names[-1] == "padding"
    members = split_members(plaintext)
    unpadded = len(plaintext) - len(members[-1][1])
    assert len(plaintext) - unpadded == padding_for(unpadded)
    assert len(plaintext) % 512 == 0


def test_padding_hides_small_differences() -> None:
    sizes = set()
    for extra in range(0, 4000, 97):
        content = Content(attachments=[(bytes(300_000 + extra), "image/png", "a.png")])
        content.records = [("0b5c3f52-8d0e-4a57-9a39-7f7b7c1e8a10", 1, b"{}")]
        content.refs = {0: [0]}
        sizes.add(len(write_bundle(content)))
    assert len(sizes) == 1


def test_padme() -> None:
    assert padding_for(1536) == 0
    assert (100_000 + padding_for(100_000)) % 512 == 0
    for length in (1536, 10**5, 10**6, 10**8, 10**9):
        assert 0 <= padding_for(length) <= length * 0.12 + 512


# ---- hostile: the age layer --------------------------------------------------------------


def expect(bundle: bytes, error: type[errors.BundleError]) -> errors.BundleError:
    with pytest.raises(error) as info:
        read_bundle(bundle)
    assert info.value.code == error.code or issubclass(type(info.value), error)
    return info.value


@pytest.mark.parametrize("where", [0, 30, 100, 200, -20000, -1])
def test_changed_byte_in_file(bundle: bytes, where: int) -> None:
    data = bytearray(bundle)
    data[where] ^= 0x01
    with pytest.raises((errors.BundleDamaged, errors.BundleNotAddressed)):
        read_bundle(bytes(data))


@pytest.mark.parametrize("keep", [0, 10, 150, 300, -17, -1])
def test_truncated_file(bundle: bytes, keep: int) -> None:
    with pytest.raises((errors.BundleDamaged, errors.BundleNotAddressed)):
        read_bundle(bundle[:keep])


def test_extra_bytes_after_file(bundle: bytes) -> None:
    expect(bundle + b"\x00", errors.BundleDamaged)


def test_for_another_coordinator(content: Content) -> None:
    expect(write_bundle(content, recipients=(OTHER_COORDINATOR,)), errors.BundleNotAddressed)


def test_not_an_age_file() -> None:
    expect(b"PK\x03\x04 this is a zip file", errors.BundleDamaged)


# ---- hostile: the tar layer (re-encrypted plaintext) ---------------------------------------


def test_trailing_plaintext(plaintext: bytes) -> None:
    expect(reencrypt(plaintext + bytes(512)), errors.BundleTrailingData)
    expect(reencrypt(plaintext + b"x"), errors.BundleTrailingData)


@pytest.mark.parametrize("cut", [100, 512, 5000, -1024, -600, -1])
def test_truncated_plaintext(plaintext: bytes, cut: int) -> None:
    expect(reencrypt(plaintext[:cut]), errors.BundleTruncated)


def test_reordered_members(plaintext: bytes) -> None:
    members = split_members(plaintext)
    members[3], members[4] = members[4], members[3]
    err = expect(reencrypt(join_members(members)), errors.UnexpectedMember)
    assert "item 4" in err.message("en") and "out of order" in err.message("en")


def test_manifest_not_first(plaintext: bytes) -> None:
    members = split_members(plaintext)
    members[0], members[1] = members[1], members[0]
    expect(reencrypt(join_members(members)), errors.UnexpectedMember)


def test_duplicated_member(plaintext: bytes) -> None:
    members = split_members(plaintext)
    members.insert(4, members[3])
    err = expect(reencrypt(join_members(members)), errors.UnexpectedMember)
    assert "twice" in err.message("en")


def test_duplicated_last_member(plaintext: bytes) -> None:
    members = split_members(plaintext)
    members.append(members[-2])
    err = expect(reencrypt(join_members(members)), errors.UnexpectedMember)
    assert "twice" in err.message("en")


def test_missing_member(plaintext: bytes) -> None:
    members = split_members(plaintext)
    del members[3]
    expect(reencrypt(join_members(members)), errors.UnexpectedMember)


def test_missing_last_member(plaintext: bytes) -> None:
    members = split_members(plaintext)[:-1]
    err = expect(reencrypt(join_members(members)), errors.UnexpectedMember)
    assert "missing" in err.message("en")


@pytest.mark.parametrize("position", [2, 4, -1, None])
def test_unlisted_member(plaintext: bytes, position: int | None) -> None:
    members = split_members(plaintext)
    extra = member("records/extra.json", b"{}")
    if position is None:
        members.append(extra)
    else:
        members.insert(position, extra)
    err = expect(reencrypt(join_members(members)), errors.UnexpectedMember)
    assert "not on the list" in err.message("en")


@pytest.mark.parametrize(
    "name",
    [
        b"../manifest.json",
        b"/etc/passwd",
        b"records/../../x",
        b"records//x",
        b"./x",
        b"a\\b",
        b"caf\xc3\xa9",
        b"x" * 100,
    ],
)
def test_unsafe_names(plaintext: bytes, name: bytes) -> None:
    members = split_members(plaintext)
    header, data = members[3]
    members[3] = (edit_header(header, name=name), data)
    expect(reencrypt(join_members(members)), errors.UnsafeMember)


@pytest.mark.parametrize(
    "kind", [b"1", b"2", b"3", b"4", b"5", b"6", b"7", b"x", b"g", b"L", b"\x00"]
)
def test_links_devices_and_extension_headers(plaintext: bytes, kind: bytes) -> None:
    members = split_members(plaintext)
    header, data = members[3]
    members[3] = (edit_header(header, typeflag=kind, linkname=b"/etc/passwd"), data)
    expect(reencrypt(join_members(members)), errors.UnsafeMember)


def test_link_name_or_prefix_on_a_regular_file(plaintext: bytes) -> None:
    for field in ("linkname", "prefix"):
        members = split_members(plaintext)
        header, data = members[3]
        members[3] = (edit_header(header, **{field: b"../../etc"}), data)
        expect(reencrypt(join_members(members)), errors.UnsafeMember)


def test_member_longer_than_manifest_says(plaintext: bytes) -> None:
    members = split_members(plaintext)
    header, data = members[3]
    size = int(header[124:135], 8)
    longer = data[:size] + b"A" * 600
    members[3] = (edit_header(header, size=len(longer)), longer + bytes(-len(longer) % 512))
    expect(reencrypt(join_members(members)), errors.MemberSizeMismatch)


def test_member_shorter_than_manifest_says(plaintext: bytes) -> None:
    members = split_members(plaintext)
    header, data = members[3]
    members[3] = (edit_header(header, size=1), data[:1] + bytes(511))
    expect(reencrypt(join_members(members)), errors.MemberSizeMismatch)


@pytest.mark.parametrize("index", [2, 3, 4, 5])
def test_changed_member_byte(plaintext: bytes, index: int) -> None:
    members = split_members(plaintext)
    header, data = members[index]
    if int(header[124:135], 8) == 0:
        pytest.skip("empty member")
    members[index] = (header, bytes([data[0] ^ 1]) + data[1:])
    expect(reencrypt(join_members(members)), errors.MemberHashMismatch)


def test_nonzero_fill_padding_or_header_field(plaintext: bytes) -> None:
    members = split_members(plaintext)
    header, data = members[2]
    size = int(header[124:135], 8)
    filled = (header, data[:size] + b"\x01" + data[size + 1 :])
    for change in (
        filled,
        (edit_header(header, mode=b"0000755\x00"), data),
        (header[:148] + b"000000\x00 " + header[156:], data),  # wrong checksum
    ):
        bad = [*members]
        bad[2] = change
        expect(reencrypt(join_members(bad)), errors.BundleMalformed)
    bad = [*members]
    pad_header, pad = bad[-1]
    if pad:
        bad[-1] = (pad_header, pad[:-1] + b"\x01")
        expect(reencrypt(join_members(bad)), errors.BundleMalformed)


def test_manifest_bytes_changed(plaintext: bytes) -> None:
    members = split_members(plaintext)
    header, data = members[0]
    size = int(header[124:135], 8)
    text = data[:size]
    for bad in (
        text.replace(b'"sequence":1', b'"sequence":2'),  # still canonical: signature fails
        text.replace(b'"sequence":1', b'"sequence": 1'),  # not canonical
        text[:-1] + b"\xff",  # not UTF-8
        b"[" * 100_000,  # nested too deeply
        b'{"format":"amanat-bundle/1"}',
    ):
        members[0] = (edit_header(header, size=len(bad)), bad + bytes(-len(bad) % 512))
        with pytest.raises((errors.ManifestInvalid, errors.ManifestSignatureInvalid)):
            read_bundle(reencrypt(join_members(members)))


def test_newer_format_is_unsupported(plaintext: bytes) -> None:
    members = split_members(plaintext)
    text = b'{"format":"amanat-bundle/2","whatever":1}'
    members[0] = (edit_header(members[0][0], size=len(text)), text + bytes(-len(text) % 512))
    expect(reencrypt(join_members(members)), errors.UnsupportedBundle)


def _signed_plaintext(manifest_json: dict[str, object], seed: bytes, comment: str) -> bytes:
    data = canonical_bytes(manifest_json)
    signature = sign(seed, data, comment).encode()
    return join_members([member("manifest.json", data), member("manifest.json.minisig", signature)])


def test_manifest_signed_by_another_key(content: Content) -> None:
    manifest = manifest_for(content)
    forged = _signed_plaintext(manifest.to_json(), FORGER.seed, manifest.trusted_comment)
    expect(reencrypt(forged), errors.ManifestSignatureInvalid)


def test_signature_of_another_bundle(content: Content, plaintext: bytes) -> None:
    other = manifest_for(content, sequence=2)
    data = other.encode()
    members = split_members(plaintext)
    members[1] = member("manifest.json.minisig", sign_manifest(data, other, VOLUNTEER.seed))
    expect(reencrypt(join_members(members)), errors.ManifestSignatureInvalid)


def test_trusted_comment_must_match(content: Content, plaintext: bytes) -> None:
    """Only the trusted-comment check can refuse this: the real bundle, its signature member
    replaced by one in exactly the writer's form (same untrusted comment, size and tar header),
    by the sender's key, whose signature and global signature both verify, over a trusted
    comment naming another sequence number than the manifest's."""
    manifest = manifest_for(content)
    wrong = manifest.trusted_comment.replace("sequence=1", "sequence=9")
    assert wrong != manifest.trusted_comment
    data = manifest.encode()
    text = minisign.sign(VOLUNTEER.seed, data, wrong, UNTRUSTED_COMMENT)
    public = minisign.PublicKey(minisign.key_id_for(VOLUNTEER.public), VOLUNTEER.public)
    assert minisign.verify(public, data, text) == wrong
    exact = replace(minisign.parse_signature(text), untrusted_comment=UNTRUSTED_COMMENT)
    assert minisign.encode_signature(exact) == text
    members = split_members(plaintext)
    signature = member("manifest.json.minisig", text.encode(), manifest.mtime)
    assert signature[0] == members[1][0]  # the writer's header: same name, size and time
    members[1] = signature
    expect(reencrypt(join_members(members)), errors.ManifestSignatureInvalid)


def test_sender_card_changed(content: Content) -> None:
    manifest = manifest_for(content).to_json()
    manifest["sender"] = {**manifest["sender"], "name": "Someone Else"}
    data = canonical_bytes(manifest)
    with pytest.raises(errors.ManifestSignatureInvalid):
        parse_manifest(data)


# ---- absurd counts and sizes ------------------------------------------------------------


def test_manifest_too_large_is_refused_before_reading(plaintext: bytes) -> None:
    members = split_members(plaintext)
    members[0] = (edit_header(members[0][0], size=MAX_MANIFEST_SIZE + 1), b"")
    expect(reencrypt(join_members(members)), errors.BundleLimitExceeded)


def test_signature_too_large(plaintext: bytes) -> None:
    members = split_members(plaintext)
    members[1] = member("manifest.json.minisig", b"x" * 5000)
    expect(reencrypt(join_members(members)), errors.BundleLimitExceeded)


def test_too_many_records() -> None:
    record = {
        "attachments": [],
        "id": "0b5c3f52-8d0e-4a57-9a39-7f7b7c1e8a10",
        "sha256": "0" * 64,
        "signature": "A" * 86 + "==",
        "size": 1,
        "version": 1,
    }
    manifest = manifest_for(Content()).to_json()
    manifest["records"] = [record] * (MAX_RECORDS + 1)
    with pytest.raises(errors.BundleLimitExceeded):
        parse_manifest(canonical_bytes(manifest))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("attachment size", MAX_ATTACHMENT_SIZE + 1),
        ("record size", 16 * 2**20 + 1),
        ("sequence", 2**53),
        ("recipients", 17),
    ],
)
def test_absurd_values(path: str, value: int) -> None:
    import json

    content = Content(
        records=[("0b5c3f52-8d0e-4a57-9a39-7f7b7c1e8a10", 1, b"{}")],
        attachments=[(b"x", "image/png", "a.png")],
        refs={0: [0]},
    )
    manifest = manifest_for(content).to_json()
    if path == "attachment size":
        manifest["attachments"][0]["size"] = value
    elif path == "record size":
        manifest["records"][0]["size"] = value
    elif path == "sequence":
        manifest["sequence"] = value
    else:
        manifest["recipients"] = [
            f"{i:05d} 00000 00000 00000 00000 00000 00000" for i in range(value)
        ]
    with pytest.raises(errors.BundleLimitExceeded):
        parse_manifest(json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode())


def test_total_size_limit() -> None:
    content = Content(
        records=[("0b5c3f52-8d0e-4a57-9a39-7f7b7c1e8a10", 1, b"{}")],
        attachments=[(bytes([i]), "image/png", "a.png") for i in range(20)],
        refs={0: list(range(20))},
    )
    manifest = manifest_for(content).to_json()
    for entry in manifest["attachments"]:
        entry["size"] = MAX_ATTACHMENT_SIZE
    with pytest.raises(errors.BundleLimitExceeded):
        parse_manifest(canonical_bytes(manifest))


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m["records"][0].update(id="not-a-uuid"),
        lambda m: m["records"][0].update(version=True),
        lambda m: m["records"][0].update(sha256="A" * 64),
        lambda m: m["records"][0].update(signature="AAAA"),
        lambda m: m["records"][0].update(extra=1),
        lambda m: m["records"].append(dict(m["records"][0])),
        lambda m: m["records"][0]["attachments"][0].update(name="../../etc/passwd"),
        lambda m: m["records"][0]["attachments"][0].update(name="a\u202eb"),
        lambda m: m["records"][0]["attachments"].append(m["records"][0]["attachments"][0]),
        lambda m: m["records"][0].update(attachments=[]),
        lambda m: m["attachments"][0].update(type="Image/PNG; x=y"),
        lambda m: m["attachments"].append(dict(m["attachments"][0])),
        lambda m: m.update(recipients=[]),
        lambda m: m.update(recipients=["123"]),
        lambda m: m.update(bundle="6f9a3c1e-2b4d-1e8f-9a0b-1c2d3e4f5a6b"),
        lambda m: m.update(created="2025-02-30T00:00:00Z"),
        lambda m: m.update(created="1969-12-31T23:59:59Z"),
        lambda m: m.update(created="2242-03-16T12:56:32Z"),  # past the tar mtime field
        lambda m: m.update(sequence=0),
        lambda m: m.pop("created"),
        lambda m: m.update(records={}),
    ],
)
def test_invalid_manifest_values(change: object) -> None:
    content = Content(
        records=[("0b5c3f52-8d0e-4a57-9a39-7f7b7c1e8a10", 1, b"{}")],
        attachments=[(b"x", "image/png", "a.png")],
        refs={0: [0]},
    )
    manifest = manifest_for(content).to_json()
    change(manifest)  # type: ignore[operator]
    with pytest.raises(errors.ManifestInvalid):
        parse_manifest(canonical_bytes(manifest))


def test_writer_refuses_data_that_differs_from_its_manifest(content: Content) -> None:
    manifest = manifest_for(content)
    wrong = replace(
        manifest, records=(replace(manifest.records[0], sha256="0" * 64), *manifest.records[1:])
    )
    with pytest.raises(errors.ExportInconsistent):
        write_bundle(content, manifest=wrong)


def test_header_is_deterministic() -> None:
    header = member_header("manifest.json", 10, 0)
    parsed = tarfile.TarInfo.frombuf(header, "ascii", "strict")
    assert (parsed.name, parsed.size, parsed.type) == ("manifest.json", 10, tarfile.REGTYPE)
    assert (
        hashlib.sha256(header).hexdigest()
        == hashlib.sha256(member_header("manifest.json", 10, 0)).hexdigest()
    )


def test_manifest_round_trip(content: Content) -> None:
    manifest = manifest_for(content)
    assert parse_manifest(manifest.encode()) == manifest
    assert isinstance(manifest, Manifest)
