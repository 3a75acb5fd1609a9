"""Every JSON parser that reads bytes from someone else answers a huge integer with its typed
error (issue 14, finding 4): Python refuses to convert more than 4,300 digits with a bare
ValueError, which used to escape as a traceback."""

from __future__ import annotations

import pytest

from crypto.card import MAX_CARD_SIZE, parse_card
from crypto.errors import CardError
from intake.bundles.errors import ManifestInvalid
from intake.bundles.manifest import parse_manifest
from intake.testimonies.canonical import parse_canonical
from intake.testimonies.errors import InputNumber, NotCanonical
from intake.testimonies.json_input import read_testimony_json
from intake.vault.errors import VaultDamaged
from intake.vault.header import parse_header

HUGE = "9" * 5000  # over CPython's int conversion limit


def test_manifest() -> None:
    with pytest.raises(ManifestInvalid, match="number that is too large"):
        parse_manifest(b'{"format":"amanat-bundle/1","sequence":' + HUGE.encode() + b"}")


def test_manifest_negative_and_nested() -> None:
    for text in ('{"sequence":-' + HUGE + "}", '{"records":[[[' + HUGE + "]]]}"):
        with pytest.raises(ManifestInvalid):
            parse_manifest(text.encode())


def test_testimony_file() -> None:
    with pytest.raises(InputNumber):
        read_testimony_json(b'{"content":{"victims":[{"birth_year":' + HUGE.encode() + b"}]}}")


def test_received_record() -> None:
    with pytest.raises(NotCanonical):
        parse_canonical(b'{"version":' + HUGE.encode() + b"}")


def test_card_is_bounded_below_the_limit() -> None:
    """A card is refused above 4,096 bytes, before parsing: no integer can reach the limit."""
    assert MAX_CARD_SIZE < 4300
    with pytest.raises(CardError):
        parse_card(b'{"amanat-card":' + b"9" * (MAX_CARD_SIZE - 16) + b"}")


@pytest.mark.parametrize(
    "raw",
    [b'{"format":' + HUGE.encode() + b"}", b"[" * 30_000 + b"]" * 30_000],
    ids=["5000 digits", "nested 30000 deep"],
)
def test_vault_header(raw: bytes) -> None:
    """A vault folder can come from a damaged disk or from someone else (a copied USB stick)."""
    with pytest.raises(VaultDamaged):
        parse_header(raw)
