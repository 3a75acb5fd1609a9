"""Reading the JSON file that ``amanat testimony add --json FILE`` takes.

The file (format in docs/testimony-format.md, example in docs/examples/testimony.json) is an
object with ``content`` (keyed by section id) and optionally ``form`` ({"id", "version"};
default: the built-in testimony form). Reading is strict and bounded: size limit, UTF-8 (a
Windows byte-order mark is accepted), no repeated keys, no fractional numbers, and the form must
be one this Amanat knows. The content comes back normalized (``intake.forms.normalization``) but
not yet validated: call ``intake.forms.validation.validate_content`` with the form to get the
problems in the volunteer's language. Errors never quote the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, NoReturn

from intake.forms.definitions import DEFAULT_FORM, FormDefinition, FormRef, builtin_form
from intake.forms.errors import FormDefinitionError
from intake.forms.normalization import normalize_content
from intake.testimonies.errors import (
    InputNotATestimony,
    InputNotJson,
    InputNumber,
    InputRepeatedKey,
    InputTooLarge,
    UnknownForm,
)

MAX_INPUT_BYTES = 8 << 20


@dataclass(frozen=True)
class ParsedTestimony:
    """A testimony read from a file: which form, and the normalized content."""

    form: FormDefinition
    content: dict[str, Any]


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise InputRepeatedKey()
    return result


def _no_number(text: str) -> NoReturn:
    raise InputNumber()


MAX_DIGITS = 32  # longer integers are refused before conversion (Python stops at 4,300 digits)


def _whole_number(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise InputNumber()
    return int(text)


def read_testimony_json(data: bytes) -> ParsedTestimony:
    """Parse the bytes of a testimony file; raises an InvalidInput or UnknownForm subclass."""
    if len(data) > MAX_INPUT_BYTES:
        raise InputTooLarge(size=len(data), limit=MAX_INPUT_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputNotJson(line=1, column=1) from None
    try:
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_int=_whole_number,
            parse_float=_no_number,
            parse_constant=_no_number,
        )
    except json.JSONDecodeError as exc:
        raise InputNotJson(line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise InputNotATestimony() from None
    if not isinstance(value, dict) or "content" not in value or set(value) - {"form", "content"}:
        raise InputNotATestimony()
    form = _form_of(value.get("form"))
    content = normalize_content(form, value["content"])
    if not isinstance(content, dict):
        raise InputNotATestimony()
    return ParsedTestimony(form, content)


def _form_of(value: object) -> FormDefinition:
    if value is None:
        return builtin_form(DEFAULT_FORM.id, DEFAULT_FORM.version)
    if not isinstance(value, dict) or set(value) != {"id", "version"}:
        raise InputNotATestimony()
    ref = FormRef(value["id"], value["version"])
    if not isinstance(ref.id, str) or isinstance(ref.version, bool):
        raise InputNotATestimony()
    if not isinstance(ref.version, int):
        raise InputNotATestimony()
    try:
        return builtin_form(ref.id, ref.version)
    except FormDefinitionError:
        raise UnknownForm() from None


def example_json() -> bytes:
    """The example testimony file shipped with the app (fictional people; the same file as
    docs/examples/testimony.json), so ``amanat testimony example`` works from any folder."""
    from importlib import resources

    return resources.files("resources").joinpath("examples", "testimony.json").read_bytes()
