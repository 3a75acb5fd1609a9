"""Identity cards and fingerprints: known answers, round trips, and refusal of any changed byte."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from crypto.card import Card, create_card, parse_card, serialize_card, verify_card
from crypto.errors import CardError
from crypto.fingerprint import fingerprint, normalize
from crypto.keys import signing_public_key, x25519_public_key

SEED = bytes(range(32))
X25519_PUBLIC = x25519_public_key(bytes(range(32, 64)))
WHEN = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
# A spec vector: this exact file follows from the keys above (Ed25519 signatures are
# deterministic), so another implementation can check its canonical bytes against it.
KNOWN_CARD = (
    '{"age":"age1xkq8943ktzqdrth2x2ddlyfp8qu9rmfp528rka0fvhgd9ngkvf2qu2snyf","amanat-card":1,'
    '"created":"2025-03-01T12:00:00Z","ed25519":"A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=",'
    '"name":"Айгүл Сейітова","role":"volunteer","sig":"k7bd+gUdBJt8t2JXbtnq3C64/dype0y6ABAuJjcEQKu'
    'M5plwr1u+A+YxqT1ZduNzoU2RmHc8ETy+tO8W9GcwDw=="}\n'
).encode()
KNOWN_FINGERPRINT = "20660 68491 51873 07923 27363 18293 53834"


def make(name: str = "Айгүл Сейітова", role: str = "volunteer") -> Card:
    return create_card(name, role, SEED, X25519_PUBLIC, created=WHEN)


def test_known_answer() -> None:
    card = make()
    assert serialize_card(card) == KNOWN_CARD
    assert card.fingerprint == KNOWN_FINGERPRINT
    parsed = parse_card(KNOWN_CARD)
    assert parsed == card
    assert parsed.ed25519_public == signing_public_key(SEED)
    assert parsed.age_recipient.startswith("age1")


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("Mehmet Yılmaz", "coordinator"),
        ("ئابدۇرەھىم\u200cتۇرسۇن", "volunteer"),  # Uyghur with a zero-width non-joiner
        ("李明", "volunteer"),
        ("x" * 64, "coordinator"),
    ],
)
def test_round_trip(name: str, role: str) -> None:
    card = make(name, role)
    assert parse_card(serialize_card(card)) == card
    assert card.created == "2025-03-01T12:00:00Z"


def test_every_changed_byte_is_refused() -> None:
    for i in range(len(KNOWN_CARD)):
        for delta in (1, 0x20, 0x80):
            changed = bytearray(KNOWN_CARD)
            changed[i] ^= delta
            with pytest.raises(CardError):
                parse_card(bytes(changed))
    for cut in (1, len(KNOWN_CARD) // 2):
        with pytest.raises(CardError):
            parse_card(KNOWN_CARD[:-cut])
    with pytest.raises(CardError):
        parse_card(KNOWN_CARD + b"\n")


def test_resigned_or_swapped_content_is_refused() -> None:
    card = make()
    with pytest.raises(CardError, match="signature"):
        verify_card(replace(card, name="Someone Else"))
    with pytest.raises(CardError, match="signature"):
        parse_card(serialize_card(replace(card, role="coordinator")))
    other = x25519_public_key(bytes(32 * [9]))
    with pytest.raises(CardError, match="signature"):
        parse_card(serialize_card(replace(card, x25519_public=other)))
    stranger = create_card("Stranger", "volunteer", bytes(32 * [5]), X25519_PUBLIC, WHEN)
    with pytest.raises(CardError, match="signature"):
        verify_card(replace(card, signature=stranger.signature))


def test_non_canonical_and_malformed_files() -> None:
    members = json.loads(KNOWN_CARD)
    pretty = json.dumps(members, indent=2, ensure_ascii=False).encode() + b"\n"
    with pytest.raises(CardError, match="canonical"):
        parse_card(pretty)
    escaped = json.dumps(members, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    with pytest.raises(CardError, match="canonical"):
        parse_card(escaped)  # \u escapes instead of UTF-8
    dup = KNOWN_CARD.replace(b'"role":"volunteer"', b'"role":"volunteer","role":"volunteer"')
    with pytest.raises(CardError, match="duplicate"):
        parse_card(dup)
    for change in ({"extra": "x"}, {"amanat-card": 2}, {"amanat-card": True}, {"name": 5}):
        bad = {**members, **change}
        with pytest.raises(CardError):
            parse_card(json.dumps(bad, sort_keys=True, separators=(",", ":")).encode() + b"\n")
    for bad_bytes in (b"", b"[]", b"\xff", b"{" * 5000):
        with pytest.raises(CardError):
            parse_card(bad_bytes)


@pytest.mark.parametrize(
    "name",
    ["", " padded", "x" * 65, "line\nbreak", "evil\u202eexe", "e\u0301", "tab\there"],
)
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(CardError):
        make(name)


def test_bad_role_and_time() -> None:
    with pytest.raises(CardError, match="role"):
        make(role="admin")
    with pytest.raises(CardError, match="time"):
        verify_card(replace(make(), created="2025-3-1T12:00:00Z"))


def test_fingerprint_shape_and_sensitivity() -> None:
    ed, xk = signing_public_key(SEED), X25519_PUBLIC
    fp = fingerprint(ed, xk)
    assert re.fullmatch(r"(\d{5} ){6}\d{5}", fp)
    assert fp == KNOWN_FINGERPRINT
    assert fingerprint(bytes(32), xk) != fp
    assert fingerprint(ed, bytes(32)) != fp
    assert fingerprint(xk, ed) != fp  # the order of the keys matters
    assert normalize(fp.replace(" ", "")) == fp
    assert normalize(fp.replace(" ", "-")) == fp
    assert normalize(fp[:-1]) is None
    assert normalize("٠" * 35) is None  # only ASCII digits
    with pytest.raises(ValueError, match="32 bytes"):
        fingerprint(ed[:31], xk)
