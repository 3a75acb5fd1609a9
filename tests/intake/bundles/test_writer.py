"""The bundle writer never completes a bundle whose attachment data differs from its manifest,
also when the source vouches for the content's hash itself (the vault's attachment reader)."""

from __future__ import annotations

import io

import pytest

from crypto.keys import x25519_public_key
from crypto.x25519 import X25519Recipient
from intake.bundles import errors
from intake.bundles.writer import BundleWriter
from tests.intake.bundles.synthetic import (
    COORDINATOR,
    VOLUNTEER,
    manifest_for,
    sample_content,
    seeded,
)


@pytest.mark.parametrize("mode", ["other hash", "vouched, short", "vouched, long"])
def test_writer_checks_attachments_it_does_not_hash_itself(mode: str) -> None:
    content = sample_content(seeded(1))
    manifest = manifest_for(content)
    writer = BundleWriter(
        io.BytesIO(),
        manifest,
        VOLUNTEER.seed,
        [X25519Recipient(x25519_public_key(COORDINATOR.x25519))],
        random=seeded(7).randbytes,
    )
    for _, _, data in content.records:
        writer.add_record(data)
    entry, (data, _, _) = manifest.attachments[0], content.attachments[0]
    changed = bytes([data[0] ^ 1]) + data[1:]
    src = {"other hash": changed, "vouched, short": data[:-1], "vouched, long": data + b"x"}
    vouched = "0" * 64 if mode == "other hash" else entry.sha256
    with pytest.raises(errors.ExportInconsistent):
        writer.add_attachment(io.BytesIO(src[mode]), verifies=vouched)


def test_vouched_attachments_make_the_same_bundle() -> None:
    content = sample_content(seeded(1))
    manifest = manifest_for(content)
    out = []
    for vouch in (False, True):
        dst = io.BytesIO()
        writer = BundleWriter(
            dst,
            manifest,
            VOLUNTEER.seed,
            [X25519Recipient(x25519_public_key(COORDINATOR.x25519))],
            random=seeded(7).randbytes,
        )
        for _, _, data in content.records:
            writer.add_record(data)
        for entry, (data, _, _) in zip(manifest.attachments, content.attachments, strict=True):
            writer.add_attachment(io.BytesIO(data), verifies=entry.sha256 if vouch else None)
        writer.finish()
        out.append(dst.getvalue())
    assert out[0] == out[1]
