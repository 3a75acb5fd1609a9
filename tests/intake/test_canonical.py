"""Canonical serialization: round trip, key-order stability, rejections, version-record vector."""

from __future__ import annotations

import contextlib
import hashlib
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake.forms.definitions import FormRef
from intake.testimonies import canonical
from intake.testimonies.canonical import (
    MAX_DEPTH,
    MAX_SAFE_INTEGER,
    RECORD_FORMAT,
    SIGNATURE_CONTEXT,
    VersionRecord,
    canonical_bytes,
    canonical_bytes_exact,
    created_now,
    parse_canonical,
    signing_message,
)
from intake.testimonies.errors import NotCanonical

nfc_text = st.text().map(lambda s: unicodedata.normalize("NFC", s))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | nfc_text,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(nfc_text, children, max_size=5)
    ),
    max_leaves=25,
)


@given(json_values)
def test_parse_inverts_serialize(value: Any) -> None:
    data = canonical_bytes(value)
    assert parse_canonical(data) == value
    assert canonical_bytes(parse_canonical(data)) == data


def _reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(v) for v in value]
    return value


@given(json_values)
def test_serialization_ignores_key_insertion_order(value: Any) -> None:
    assert canonical_bytes(_reversed_keys(value)) == canonical_bytes(value)


@given(st.dictionaries(nfc_text, st.integers(0, 9), min_size=2, max_size=8))
def test_keys_are_sorted_by_utf16_code_units(value: dict[str, int]) -> None:
    keys = list(parse_canonical(canonical_bytes(value)))
    assert keys == sorted(value, key=lambda k: k.encode("utf-16-be", "surrogatepass"))


def test_jcs_details() -> None:
    # Outside the BMP, UTF-16 order differs from code point order (RFC 8785, section 3.2.3).
    assert canonical_bytes({"\uffff": 1, "\U0001f600": 2}) == '{"😀":2,"\uffff":1}'.encode()
    assert canonical_bytes('a\u2028\x7f\x1f"\\\n') == b'"a\xe2\x80\xa8\x7f\\u001f\\"\\\\\\n"'
    assert (
        canonical_bytes([True, False, None, -0, 10**15]) == b"[true,false,null,0,1000000000000000]"
    )
    assert canonical_bytes({"b": [], "a": {}}) == b'{"a":{},"b":[]}'


@pytest.mark.parametrize(
    "value",
    [
        1.5,
        float("nan"),
        2**53,
        -(2**53),
        "e\u0301",  # not NFC
        {"e\u0301": 1},
        "\ud800",  # lone surrogate
        {1: "non-string key"},
        b"bytes",
        {"a": {1, 2}},
    ],
)
def test_values_outside_the_canonical_subset_are_rejected(value: object) -> None:
    with pytest.raises(NotCanonical):
        canonical_bytes(value)


def test_depth_is_limited() -> None:
    deep: Any = []
    for _ in range(MAX_DEPTH):
        deep = [deep]
    canonical_bytes(deep)
    with pytest.raises(NotCanonical, match="too deeply"):
        canonical_bytes([deep])


@pytest.mark.parametrize(
    "data",
    [
        b'{"b":1,"a":2}',  # unsorted
        b'{"a": 1}',  # whitespace
        b'{"a":1,"a":1}',  # repeated key
        b'{"a":1.0}',  # float
        b'{"a":NaN}',
        b'"\\u00e9"',  # escaped where JCS writes the character
        b'"e\xcc\x81"',  # not NFC
        b"\xef\xbb\xbf{}",  # byte-order mark
        b'"\xff"',  # not UTF-8
        b"[1,2",
        b"[" * 100_000,  # deep nesting must not crash
    ],
)
def test_parse_accepts_only_exactly_canonical_bytes(data: bytes) -> None:
    with pytest.raises(NotCanonical):
        parse_canonical(data)


# --- version records --------------------------------------------------------------------

# RFC 8032 test 1 public key, so the signing code can reuse its secret key for a vector.
AUTHOR = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
TESTIMONY_ID = "0f8c4b1e-6d2a-4c3b-9e7f-5a1b2c3d4e5f"
CONTENT = {
    "narrative": {"text": "Fictional. Тұрсын تۇرسۇن 吐尔逊"},
    "consent": {"publish_names": False, "may_contact_again": True, "share_with": []},
}
VECTOR_BYTES = (
    '{"author":"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",'
    '"content":{"consent":{"may_contact_again":true,"publish_names":false,"share_with":[]},'
    '"narrative":{"text":"Fictional. Тұрсын تۇرسۇن 吐尔逊"}},"created":"2019-04-16T10:20:30Z",'
    '"form":{"id":"amanat.testimony","version":1},"format":"amanat.testimony-version/1",'
    '"id":"0f8c4b1e-6d2a-4c3b-9e7f-5a1b2c3d4e5f","previous":null,"status":"final","version":1}'
).encode()
VECTOR_HASH = "821dc3a8dcd4a4a0b1b8e41df2b606fba488425e9b7a01921213fcef1638b584"
VECTOR_HASH_V2 = "d38f98fbfd4084f17bec004b04430eeb7e70fb61d9495c16d73411fd1f454bbd"


def first_version(**changes: Any) -> VersionRecord:
    fields: dict[str, Any] = {
        "testimony_id": TESTIMONY_ID,
        "version": 1,
        "form": FormRef("amanat.testimony", 1),
        "previous": None,
        "author": AUTHOR,
        "created": "2019-04-16T10:20:30Z",
        "status": "final",
        "content": CONTENT,
    }
    fields.update(changes)
    return VersionRecord(**fields)


def test_version_record_known_answer() -> None:
    record = first_version()
    assert record.canonical() == VECTOR_BYTES
    assert record.hash() == VECTOR_HASH == hashlib.sha256(VECTOR_BYTES).hexdigest()
    assert record.to_record()["format"] == RECORD_FORMAT
    second = first_version(version=2, previous=VECTOR_HASH, created="2019-04-17T08:00:00Z")
    assert second.hash() == VECTOR_HASH_V2


def test_version_record_parses_back() -> None:
    record = first_version()
    assert VersionRecord.parse(VECTOR_BYTES) == record
    with pytest.raises(NotCanonical):
        VersionRecord.parse(VECTOR_BYTES.replace(b'"version":1}', b'"version":1,"x":1}'))
    with pytest.raises(NotCanonical):
        VersionRecord.parse(VECTOR_BYTES.replace(b"testimony-version/1", b"testimony-version/2"))


def test_any_changed_byte_changes_the_hash_or_breaks_parsing() -> None:
    for i in range(0, len(VECTOR_BYTES), 7):
        changed = bytearray(VECTOR_BYTES)
        changed[i] ^= 0x01
        try:
            parsed = VersionRecord.parse(bytes(changed))
        except NotCanonical:
            continue
        assert parsed.hash() != VECTOR_HASH


@pytest.mark.parametrize(
    "changes",
    [
        {"testimony_id": "not-a-uuid"},
        {"testimony_id": TESTIMONY_ID.upper()},
        {"testimony_id": "{" + TESTIMONY_ID + "}"},
        {"testimony_id": TESTIMONY_ID.replace("-", "")},
        {"testimony_id": TESTIMONY_ID + "\n"},
        {"testimony_id": 5},
        {"version": 0},
        {"version": True},
        {"version": 2},  # version 2 needs a previous hash
        {"previous": VECTOR_HASH},  # version 1 has none
        {"version": 2, "previous": "abc"},
        {"author": AUTHOR.upper()},
        {"author": AUTHOR[:-2]},
        {"created": "2019-04-16 10:20:30"},
        {"created": "2019-02-30T10:20:30Z"},
        {"created": "2019-04-16T24:00:00Z"},
        {"created": "2019-04-16T10:20:60Z"},
        {"created": "0000-04-16T10:20:30Z"},
        {"created": "2019-04-16T10:20:30Z\n"},
        {"status": "published"},
        {"content": ["not", "an", "object"]},
    ],
)
def test_version_record_rejects_bad_fields(changes: dict[str, Any]) -> None:
    with pytest.raises(NotCanonical):
        first_version(**changes)


def test_content_must_be_canonical_too() -> None:
    with pytest.raises(NotCanonical, match="NFC"):
        first_version(content={"narrative": {"text": "e\u0301"}}).canonical()


def test_signing_message_is_context_then_digest() -> None:
    message = signing_message(VECTOR_HASH)
    assert message == SIGNATURE_CONTEXT + bytes.fromhex(VECTOR_HASH)
    assert message.startswith(b"amanat testimony version v1\n") and len(message) == 60
    with pytest.raises(NotCanonical):
        signing_message(VECTOR_HASH.upper())


def test_created_timestamp_is_utc_to_the_second() -> None:
    almaty = timezone(timedelta(hours=5))
    assert created_now(datetime(2019, 4, 16, 15, 20, 30, 999, tzinfo=almaty)) == (
        "2019-04-16T10:20:30Z"
    )
    assert created_now().endswith("Z")
    assert created_now(datetime(2019, 4, 16, 10, 20, 30, tzinfo=UTC)) == "2019-04-16T10:20:30Z"


# ---- the fast path (C encoder) must agree with the reference writer -------------------------

any_text = st.text(alphabet=st.characters(codec=None)) | nfc_text  # also non-NFC, surrogates
tricky_text = st.sampled_from(["\U0001f600", "\uffff", "\ue000", "a", "é", "e\u0301", "\ud800"])
tricky_int = st.sampled_from([MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER, 2**53, -(2**53), 10**20])
any_values = st.recursive(
    st.none() | st.booleans() | st.integers() | tricky_int | st.floats() | any_text | tricky_text,
    lambda children: (
        st.lists(children, max_size=5)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(tricky_text | any_text, children, max_size=5)
    ),
    max_leaves=30,
)


def _outcome(serialize: Any, value: object) -> bytes | str:
    try:
        return bytes(serialize(value))
    except NotCanonical as exc:
        return exc.message()


@settings(max_examples=400)
@given(any_values)
def test_fast_path_equals_reference_writer(value: object) -> None:
    assert _outcome(canonical_bytes, value) == _outcome(canonical_bytes_exact, value)


@given(
    st.dictionaries(
        st.text("\U0001f600\uffff\ue000aé\u0301\ud800", max_size=2), st.integers(), min_size=2
    )
)
def test_fast_path_sorts_keys_in_utf16_order(value: dict[str, int]) -> None:
    assert _outcome(canonical_bytes, value) == _outcome(canonical_bytes_exact, value)


@given(json_values)
def test_fast_path_equals_reference_writer_on_canonical_values(value: Any) -> None:
    assert canonical_bytes(value) == canonical_bytes_exact(value)


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
@pytest.mark.parametrize("leaf", [None, 1, "a", "é", [], {}])
def test_fast_path_keeps_the_depth_limit(depth: int, leaf: object) -> None:
    deep: Any = leaf
    for i in range(depth):
        deep = [deep] if i % 2 else {"k": deep}
    assert _outcome(canonical_bytes, deep) == _outcome(canonical_bytes_exact, deep)


def test_plain_values_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("reference writer used")

    monkeypatch.setattr(canonical, "_write", refuse)
    assert (
        canonical_bytes({"b": ["é", 1, None], "a": (True,)})
        == '{"a":[true],"b":["é",1,null]}'.encode()
    )
    assert first_version().canonical() == VECTOR_BYTES
    with pytest.raises(AssertionError):  # keys outside the BMP need UTF-16 order
        canonical_bytes({"\U0001f600": 1})


@pytest.mark.parametrize(
    "content",
    [CONTENT, {"narrative": {"\U0001f600": "a", "\uffff": "b"}}, {"a": [[]] * 3}, {"content": {}}],
)
def test_envelope_around_the_content_is_the_record(content: dict[str, Any]) -> None:
    record = first_version(content=content, form=FormRef('"content":{}', 1))
    head, tail = record.envelope()
    data = canonical_bytes_exact(record.to_record())
    assert head + canonical_bytes_exact(content) + tail == data
    assert record.content_of(data) == canonical_bytes_exact(content)


def test_content_of_refuses_bytes_of_another_record() -> None:
    data = first_version().canonical()
    with pytest.raises(NotCanonical):
        first_version(created="2019-04-16T10:20:31Z").content_of(data)
    with pytest.raises(NotCanonical):
        first_version().content_of(data[:40])


# ---- parsing: the fast path must agree with the strict parser -------------------------------

_ESCAPES_BEFORE_MARKS = ["\n\u0301", '"\u0301', "\\\u0323\u0301", "\x1f\u0308", "\t\u0308"]
_NOT_NFC = ["a\u0301", "\u1100\u1161", "\n\u0301\u0323", '"\u0301\u0323', "\u212b"]
adversarial_text = any_text | st.sampled_from(_ESCAPES_BEFORE_MARKS + _NOT_NFC) | tricky_text


def _parse_outcome(parse: Any, data: bytes) -> object:
    try:
        return ("ok", parse(data))
    except NotCanonical as exc:
        return exc.message()


def _encodings(value: object) -> list[bytes]:
    """The canonical bytes (when there are any) and near misses of them."""
    import json

    found = []
    with contextlib.suppress(NotCanonical):
        found.append(canonical_bytes_exact(value))
    for ascii_only in (False, True):
        try:
            text = json.dumps(value, ensure_ascii=ascii_only, separators=(",", ":"))
        except (TypeError, ValueError):
            continue
        found.append(text.encode("utf-8", "surrogatepass"))
        found.append(text.replace(":", ": ", 1).encode("utf-8", "surrogatepass"))
    return found


adversarial_values = st.recursive(
    st.none() | st.booleans() | st.integers() | tricky_int | st.floats() | adversarial_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(adversarial_text, children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400)
@given(adversarial_values)
def test_fast_parse_equals_strict_parse(value: object) -> None:
    for data in _encodings(value):
        assert _parse_outcome(parse_canonical, data) == _parse_outcome(
            canonical.parse_canonical_exact, data
        )


@pytest.mark.parametrize("text", _ESCAPES_BEFORE_MARKS)
def test_escapes_before_combining_marks_are_canonical(text: str) -> None:
    # NFC strings whose escaped form is not NFC ("\n" + U+0301 is written as "\\n" + U+0301):
    # the fast path must not refuse them, it hands them to the exact writer.
    assert canonical_bytes(text) == canonical_bytes_exact(text)
    assert parse_canonical(canonical_bytes_exact(text)) == text


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 2])
@pytest.mark.parametrize("leaf", [b"1", b"", b"{}", b'{"a":1}'])
def test_fast_parse_keeps_the_depth_limit(depth: int, leaf: bytes) -> None:
    data = b"[" * depth + leaf + b"]" * depth
    assert _parse_outcome(parse_canonical, data) == _parse_outcome(
        canonical.parse_canonical_exact, data
    )


def test_huge_integers_are_refused_with_a_reason() -> None:
    with pytest.raises(NotCanonical, match="too large"):
        parse_canonical(b"1" * 5000)


def test_canonical_bytes_take_the_fast_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("strict parser used")

    monkeypatch.setattr(canonical, "parse_canonical_exact", refuse)
    assert VersionRecord.parse(VECTOR_BYTES) == first_version()
    with pytest.raises(AssertionError):  # not canonical: the strict parser words the reason
        parse_canonical(b'{"a": 1}')
