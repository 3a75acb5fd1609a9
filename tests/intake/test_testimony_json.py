"""The `testimony add --json` input file: the documented example, strict parsing, limits."""

from __future__ import annotations

import json
from datetime import date

import pytest

from intake.errors import InvalidInput, UnsupportedFormat
from intake.forms.validation import validate_content
from intake.names.keys import name_similarity, search_keys
from intake.testimonies.errors import (
    InputNotATestimony,
    InputNotJson,
    InputNumber,
    InputRepeatedKey,
    InputTooLarge,
    UnknownForm,
)
from intake.testimonies.json_input import (
    MAX_INPUT_BYTES,
    read_testimony_json,
)
from tests.conftest import REPO

EXAMPLE = REPO / "docs" / "examples" / "testimony.json"


def test_documented_example_validates_without_problems() -> None:
    parsed = read_testimony_json(EXAMPLE.read_bytes())
    assert parsed.form.ref.id == "amanat.testimony" and parsed.form.ref.version == 1
    assert validate_content(parsed.form, parsed.content, today=date(2019, 5, 1)) == []
    # Normalization has nothing to change in the example: it is already in stored form.
    assert parsed.content == json.loads(EXAMPLE.read_text(encoding="utf-8"))["content"]


def test_example_is_fictional_and_uses_every_script() -> None:
    content = read_testimony_json(EXAMPLE.read_bytes()).content
    assert content["narrative"]["text"].startswith("FICTIONAL EXAMPLE")
    victim = content["victims"][0]["names"]
    assert {"latin", "cyrillic", "arabic", "chinese"} <= set(victim)
    assert name_similarity("Tursun Ablimit", victim) == 1.0
    assert name_similarity("Турсун", victim) >= 0.9  # the given name alone
    assert "tuerxun abulimiti" in search_keys(victim)
    assert len(content["victims"]) == 3


def test_windows_byte_order_mark_is_accepted() -> None:
    parsed = read_testimony_json(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    assert parsed.content["interview"]["place"] == "Almaty, Kazakhstan"


def test_form_defaults_to_the_builtin_testimony_form() -> None:
    parsed = read_testimony_json(b'{"content": {}}')
    assert parsed.form.ref.id == "amanat.testimony" and parsed.content == {}


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", InputNotJson),
        (b"\xff\xfe{}", InputNotJson),
        (b'{"content": {}', InputNotJson),
        (b"[]", InputNotATestimony),
        (b'{"form": {"id": "amanat.testimony", "version": 1}}', InputNotATestimony),
        (b'{"content": {}, "status": "final"}', InputNotATestimony),
        (b'{"content": []}', InputNotATestimony),
        (b'{"form": "amanat.testimony", "content": {}}', InputNotATestimony),
        (
            b'{"form": {"id": "amanat.testimony", "version": "1"}, "content": {}}',
            InputNotATestimony,
        ),
        (b'{"content": {"interview": {"place": "A", "place": "B"}}}', InputRepeatedKey),
        (b'{"content": {"interview": {"date": 2019.5}}}', InputNumber),
        (b'{"content": {"interview": {"date": Infinity}}}', InputNumber),
        (b'{"form": {"id": "amanat.testimony", "version": 2}, "content": {}}', UnknownForm),
        (b'{"form": {"id": "other.form", "version": 1}, "content": {}}', UnknownForm),
        (b"[" * 100_000, InputNotATestimony),
    ],
)
def test_bad_files_raise_typed_errors(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        read_testimony_json(data)


def test_errors_map_to_exit_codes_and_never_quote_the_file() -> None:
    with pytest.raises(InvalidInput) as info:
        read_testimony_json(b'{"content": {"victims": "Tursun Ablimit 653121196203081532"')
    assert info.value.exit_code == 8
    assert "Tursun" not in info.value.message("en") and "6531" not in info.value.message("ru")
    assert "(line 1, column" in info.value.message("en")
    with pytest.raises(UnsupportedFormat) as unknown:
        read_testimony_json(b'{"form": {"id": "x", "version": 9}, "content": {}}')
    assert unknown.value.exit_code == 7


def test_size_limit() -> None:
    with pytest.raises(InputTooLarge) as info:
        read_testimony_json(b" " * (MAX_INPUT_BYTES + 1))
    assert str(MAX_INPUT_BYTES) in info.value.message("en")
