"""A filled testimony view for the PDF tests and the benchmark: the documented fictional example."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from intake.pdf.testimony_view import (
    AttachmentEntry,
    ProvenanceEntry,
    SignatureStatus,
    TestimonyView,
    VersionEntry,
)

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "testimony.json"
RECORD_HASH = "3f9a6c1e0b7d24e58a91c3f07b6d2e4a5c8f1b09e7d3a6c2b5f8e1d4a7c0b3e6"
PREVIOUS_HASH = "a1b2c3d4e5f60718293a4b5c6d7e8f9001122334455667788990aabbccddeeff"
FINGERPRINT = "48213 90577 12094 66830 05718 22951 37406"
TESTIMONY_ID = "0d3c5a2e-8f1b-4c7e-9a51-3f2b6c1d7e90"
ID_CARD_SHA = "6b1f0e2d9c8a7b6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29"


def example_content() -> dict[str, Any]:
    content = json.loads(EXAMPLE.read_text(encoding="utf-8"))["content"]
    assert isinstance(content, dict)
    return copy.deepcopy(content)


def example_view(
    content: dict[str, Any] | None = None,
    *,
    status: str = "final",
    signature: SignatureStatus = "valid",
) -> TestimonyView:
    final = status == "final"
    return TestimonyView(
        id=TESTIMONY_ID,
        version=2,
        status=status,
        content=content if content is not None else example_content(),
        hash=RECORD_HASH if final else None,
        author_fingerprint=FINGERPRINT,
        signature=signature if final else "unsigned",
        created="2019-04-17T09:12:00Z",
        versions=(
            VersionEntry(1, "final", "2019-04-16T18:40:00Z", PREVIOUS_HASH, FINGERPRINT),
            VersionEntry(2, status, "2019-04-17T09:12:00Z", RECORD_HASH if final else None),
        ),
        attachments=(
            AttachmentEntry("tursun-id-card.jpg", 1_834_221, ID_CARD_SHA, "image/jpeg"),
            AttachmentEntry("last-wechat-message.png", 402_113, "ab" * 32, "image/png"),
        ),
        provenance=(
            ProvenanceEntry(
                "5f0c9b1e-2d3a-4c5b-8e7f-9a0b1c2d3e4f",
                "Aigerim K. (12345 67890 …)",
                "2019-04-20T10:00:00Z",
                2,
            ),
        ),
    )
