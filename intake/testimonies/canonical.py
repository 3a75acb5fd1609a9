"""Canonical serialization of testimony versions, for hashing and signing.

A finalized testimony version is signed over exactly one byte string, so two programs (or two
versions of Amanat) must turn the same record into the same bytes. The rules (specified in
docs/testimony-format.md) are the subset of RFC 8785 (JSON Canonicalization Scheme) that a
testimony needs: UTF-8, object keys sorted by UTF-16 code units, no insignificant whitespace,
JCS string escaping, integers only (|n| <= 2^53-1, no floats, no NaN), and every string already
in Unicode NFC. Strings are never normalized silently here: a non-NFC string is an error, so
the bytes that are hashed are always the bytes that are stored. ``VersionRecord`` is the
record that is hashed (SHA-256) and signed; signing itself happens in crypto/.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, NoReturn, cast

from intake.forms.definitions import FormRef
from intake.testimonies.errors import NotCanonical

MAX_SAFE_INTEGER = 2**53 - 1  # integers beyond this lose precision in JavaScript/JCS numbers
MAX_DEPTH = 32  # a testimony nests 5 levels deep; anything deeper is hostile or broken
MAX_RECORD_BYTES = 16 << 20  # 2 M characters of content at up to 4 UTF-8 bytes each, plus room

RECORD_FORMAT = "amanat.testimony-version/1"
# Domain separation: a signature on a testimony version can never pass for a signature on
# anything else Amanat signs (bundle manifests use minisign's own format).
SIGNATURE_CONTEXT = b"amanat testimony version v1\n"

Status = Literal["draft", "final"]
STATUSES: tuple[Status, ...] = ("draft", "final")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # as str(UUID)
_CREATED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_CONTENT_KEY = b'"content":'
_RECORD_KEYS = frozenset(
    {"format", "id", "version", "form", "previous", "author", "created", "status", "content"}
)


def _reject(reason: str) -> NoReturn:
    raise NotCanonical(reason=reason)


def _utf16_order(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _check_string(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        _reject("a string contains a lone surrogate")
    if not unicodedata.is_normalized("NFC", text):
        _reject("a string is not in Unicode NFC")


def _write(value: object, out: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        _reject("nested too deeply")
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            _reject("an integer is too large")
        out.append(str(int(value)))
    elif isinstance(value, str):
        _check_string(value)
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            _reject("an object key is not a string")
        out.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_order)):
            _check_string(key)
            out.append("," if i else "")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            _write(value[key], out, depth + 1)
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out.append("[")
        for i, item in enumerate(value):
            out.append("," if i else "")
            _write(item, out, depth + 1)
        out.append("]")
    elif isinstance(value, float):
        _reject("floating-point numbers are not allowed")
    else:
        _reject(f"values of type {type(value).__name__} are not allowed")


def _fits(value: object, depth: int) -> bool:
    """True when ``value`` holds only exact dict/list/tuple/str/int/bool/None, string keys,
    integers in range and nesting within the limit: then the C JSON encoder writes it exactly
    as ``_write`` would, provided the text is NFC and all in the Basic Multilingual Plane
    (``_fast_text`` checks those on the whole text). False means "let the exact writer
    decide" (it also raises the precise error)."""
    kind = type(value)
    if kind is dict:
        if not value:
            return True
        if depth >= MAX_DEPTH:
            return False
        for key in cast(dict[object, object], value):
            if type(key) is not str:
                return False
        return _items_fit(cast(dict[str, object], value).values(), depth + 1)
    if kind is list or kind is tuple:
        return not value or (
            depth < MAX_DEPTH and _items_fit(cast(Sequence[object], value), depth + 1)
        )
    return _items_fit((value,), depth)


def _items_fit(items: Iterable[object], depth: int) -> bool:
    for item in items:  # scalars inline: one function call per container, not per value
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if -MAX_SAFE_INTEGER <= cast(int, item) <= MAX_SAFE_INTEGER:
                continue
            return False
        if (kind is dict or kind is list or kind is tuple) and _fits(item, depth):
            continue
        return False
    return True


def _fast_text(value: object) -> str | None:
    """The canonical text of ``value`` by the C encoder, or None when only the exact writer
    can tell. Checking NFC once over the whole text is enough: every string sits between
    quotes, which never compose or reorder with their neighbours, and escaping only replaces
    characters that compose with nothing (controls, quote, backslash) by ASCII starters, so a
    string that is not NFC leaves the text not NFC. (The converse can fail: "\\n" before a
    combining mark is "n" and the mark; the exact writer then decides.) Outside the BMP, key
    order by code point differs from UTF-16 order, so such text goes to the exact writer."""
    if not _fits(value, 0):
        return None
    text = _dumps(value)
    if text.isascii() or (_in_bmp(text) and unicodedata.is_normalized("NFC", text)):
        return text
    return None


def _in_bmp(text: str) -> bool:
    """No character outside the BMP: UTF-16 needs two code units only for those (and this is
    much faster than ``max(text)``)."""
    return len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)


_dumps = json.JSONEncoder(
    ensure_ascii=False, check_circular=False, sort_keys=True, separators=(",", ":")
).encode


def canonical_bytes(value: object) -> bytes:
    """The canonical UTF-8 serialization of a JSON-like value; raises NotCanonical.

    Plain values (see ``_fast_text``) are serialized by the C JSON encoder, which writes
    exactly what ``_write`` writes for them; anything else goes through ``_write``.
    """
    text = _fast_text(value)
    if text is not None:
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: ``_write`` names the problem
            pass
    return canonical_bytes_exact(value)


def canonical_bytes_exact(value: object) -> bytes:
    """``canonical_bytes`` by the reference writer only (tests compare the two)."""
    out: list[str] = []
    _write(value, out, 0)
    return "".join(out).encode("utf-8")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        _reject("an object repeats a key")
    return result


def _no_float(text: str) -> NoReturn:
    _reject("floating-point numbers are not allowed")


def _no_constant(text: str) -> NoReturn:
    _reject(f"{text} is not allowed")


class _Undecided(Exception):
    """The fast parse cannot decide; the exact parser will."""


def _int_in_range(text: str) -> int:
    value = int(text)
    if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise _Undecided
    return value


def _undecided(text: str) -> NoReturn:
    raise _Undecided


def _nesting_fits(value: object, depth: int) -> bool:
    """``_fits`` for a value just parsed from JSON with the hooks of ``parse_canonical``
    (only dict, list, str, bool, None and in-range int, string keys): only the depth is left
    to check, so scalars are merely stepped over."""
    kind = type(value)
    if (kind is not dict and kind is not list) or not value:
        return True
    if depth >= MAX_DEPTH:
        return False
    items = cast(dict[str, object], value).values() if kind is dict else cast(list[object], value)
    for item in items:
        kind = type(item)
        if (kind is dict or kind is list) and item and not _nesting_fits(item, depth + 1):
            return False
    return True


def parse_canonical(data: bytes) -> Any:
    """Parse canonical bytes; raises NotCanonical unless ``data`` is exactly canonical.

    The fast path accepts only what ``_fast_text`` would write exactly as ``data``: the parse
    hooks leave only strings, booleans, null, in-range integers, objects and arrays (anything
    else goes to the exact parser), so only the nesting depth, the C encoder's text, NFC and
    the BMP remain to check. Anything else is decided by ``parse_canonical_exact``.
    """
    if len(data) > MAX_RECORD_BYTES:
        _reject("the record is too large")
    try:
        text = data.decode("utf-8")
        value = json.loads(
            text, parse_int=_int_in_range, parse_float=_undecided, parse_constant=_undecided
        )
    except (_Undecided, ValueError, RecursionError):
        pass
    else:
        if (
            _nesting_fits(value, 0)
            and _dumps(value) == text
            and (text.isascii() or (_in_bmp(text) and unicodedata.is_normalized("NFC", text)))
        ):
            return value
    return parse_canonical_exact(data)


def parse_canonical_exact(data: bytes) -> Any:
    """``parse_canonical`` by the strict parser and the reference writer only."""
    if len(data) > MAX_RECORD_BYTES:
        _reject("the record is too large")
    try:
        text = data.decode("utf-8")
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_float=_no_float,
            parse_constant=_no_constant,
        )
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        _reject("it is not UTF-8 JSON")
    except ValueError:  # more digits than Python converts
        _reject("an integer is too large")
    if canonical_bytes_exact(value) != data:
        _reject("the bytes differ from the canonical serialization")
    return value


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def created_now(now: datetime | None = None) -> str:
    """RFC 3339 UTC timestamp to the second, as records store it (inject ``now`` in tests)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def signing_message(record_hash: str) -> bytes:
    """What the author's Ed25519 key signs: the context string, then the 32-byte hash."""
    if not _HEX64.fullmatch(record_hash):
        _reject("a record hash is 64 lower-case hex digits")
    return SIGNATURE_CONTEXT + bytes.fromhex(record_hash)


@dataclass(frozen=True)
class VersionRecord:
    """One version of one testimony, exactly as it is hashed and signed."""

    testimony_id: str  # UUID, lower-case hyphenated form
    version: int  # 1, 2, 3… per testimony
    form: FormRef
    previous: str | None  # SHA-256 hex of version - 1; None for version 1
    author: str  # Ed25519 public key of the author, 64 lower-case hex digits
    created: str  # "2019-04-16T10:20:30Z"
    status: Status
    content: Mapping[str, Any] = field(repr=False)  # never in logs or tracebacks

    def __post_init__(self) -> None:
        self._check()

    def _check(self) -> None:
        if not (isinstance(self.testimony_id, str) and _UUID.fullmatch(self.testimony_id)):
            try:
                uuid.UUID(self.testimony_id)
            except (ValueError, TypeError, AttributeError):
                _reject("id is not a UUID")
            _reject("id is not a lower-case hyphenated UUID")
        if isinstance(self.version, bool) or not isinstance(self.version, int):
            _reject("version is not a whole number")
        if not 1 <= self.version <= MAX_SAFE_INTEGER:
            _reject("version must be 1 or more")
        if not isinstance(self.form.id, str) or isinstance(self.form.version, bool):
            _reject("form is not an id and a version")
        if (self.previous is None) != (self.version == 1):
            _reject("only version 1 has no previous hash")
        if self.previous is not None and not _HEX64.fullmatch(str(self.previous)):
            _reject("previous is not a SHA-256 hex digest")
        if not isinstance(self.author, str) or not _HEX64.fullmatch(self.author):
            _reject("author is not a 32-byte public key in hex")
        if not isinstance(self.created, str) or not _CREATED.fullmatch(self.created):
            _reject("created is not a UTC timestamp like 2019-04-16T10:20:30Z")
        try:  # the pattern matched, so this checks only that the date and time exist
            datetime.fromisoformat(self.created[:-1])
        except ValueError:
            _reject("created is not a real date and time")
        if self.status not in STATUSES:
            _reject("status is neither draft nor final")
        if not isinstance(self.content, Mapping):
            _reject("content is not an object")

    def to_record(self) -> dict[str, Any]:
        return {
            "format": RECORD_FORMAT,
            "id": self.testimony_id,
            "version": self.version,
            "form": {"id": self.form.id, "version": self.form.version},
            "previous": self.previous,
            "author": self.author,
            "created": self.created,
            "status": self.status,
            "content": self.content,
        }

    def canonical(self) -> bytes:
        return canonical_bytes(self.to_record())

    def hash(self) -> str:
        """SHA-256 of the canonical bytes, lower-case hex: what ``previous`` and signatures name."""
        return sha256_hex(self.canonical())

    def envelope(self) -> tuple[bytes, bytes]:
        """The canonical bytes before and after the content: ``canonical()`` is ``head +
        canonical_bytes(content) + tail`` (when the content is at most ``MAX_DEPTH - 1`` deep).
        Keys are sorted, so "author" (64 hex digits) comes first and the first
        ``"content":`` is the key."""
        record = self.to_record()
        record["content"] = {}
        data = canonical_bytes(record)
        cut = data.index(_CONTENT_KEY) + len(_CONTENT_KEY)
        return data[:cut], data[cut + 2 :]

    def content_of(self, data: bytes) -> bytes:
        """The canonical bytes of the content, cut out of this record's canonical bytes
        ``data`` (e.g. as received, already proven canonical)."""
        head, tail = self.envelope()
        if not (
            len(data) >= len(head) + len(tail) and data.startswith(head) and data.endswith(tail)
        ):
            _reject("the bytes differ from the canonical serialization")
        return data[len(head) : len(data) - len(tail)]

    @classmethod
    def from_record(cls, record: object) -> VersionRecord:
        """Check and build from a parsed record (e.g. from ``parse_canonical``)."""
        if not isinstance(record, dict) or set(record) != _RECORD_KEYS:
            _reject("the record does not have exactly the version record keys")
        if record["format"] != RECORD_FORMAT:
            _reject("unknown record format")
        form = record["form"]
        if not isinstance(form, dict) or set(form) != {"id", "version"}:
            _reject("form is not an id and a version")
        return cls(
            testimony_id=record["id"],
            version=record["version"],
            form=FormRef(form["id"], form["version"]),
            previous=record["previous"],
            author=record["author"],
            created=record["created"],
            status=cast(Status, record["status"]),
            content=record["content"],
        )

    @classmethod
    def parse(cls, data: bytes) -> VersionRecord:
        """Parse stored or received canonical bytes into a checked record."""
        return cls.from_record(parse_canonical(data))
