"""Shared helpers for the testimony storage tests: the documented example and small contents."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import REPO

EXAMPLE_PATH = REPO / "docs" / "examples" / "testimony.json"


def example_content() -> dict[str, Any]:
    """A fresh copy of the content of docs/examples/testimony.json (fictional people)."""
    data = json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))
    return copy.deepcopy(data["content"])


def one_victim(names: dict[str, Any], **victim: Any) -> dict[str, Any]:
    """A complete, valid testimony about one victim with the given names."""
    return {
        "interview": {"place": "Almaty", "date": "2020-02-03", "languages": ["kk"]},
        "testifier": {"names": {"latin": "Aigul Test"}, "how_obtained": "direct"},
        "victims": [
            {"names": names, "relation": "sibling", "status": "missing", **victim},
        ],
        "narrative": {"text": "Fictional test narrative."},
        "consent": {"publish_names": False, "may_contact_again": True},
    }


class Clock:
    """A clock for known-answer tests: starts at a fixed time, one second per call."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def chunks_of(data: bytes, size: int) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]
