"""The age v1 header: stanzas, strict parsing, canonical encoding and the header MAC.

A header is the intro line, one stanza per recipient, and a footer carrying an HMAC of
everything before it, keyed from the file key. Parsing is strict (canonical base64, exact line
structure), so the bytes we MAC are exactly the bytes a re-encoding would produce.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from crypto.bufread import BufferedSource
from crypto.errors import HeaderError, HMACError
from crypto.primitives import b64decode, b64encode, hkdf_sha256

INTRO = b"age-encryption.org/v1\n"  # the only version; anything else is refused
VERSION_PREFIX = b"age-encryption.org/"  # lets us say "unsupported version" rather than "not age"
STANZA_PREFIX = b"->"
FOOTER_PREFIX = b"---"
COLUMNS = 64  # stanza bodies are wrapped at 64 base64 columns; the last line is always shorter
MAC_SIZE = 32  # HMAC-SHA-256
MAX_LINE = 16 * 1024  # a hybrid stanza line is ~1.5 KiB; longer lines are refused, not buffered
MAX_HEADER = 1024 * 1024  # bounds memory and unwrap work for a hostile header


@dataclass
class Stanza:
    """One recipient stanza: a type, string arguments and a binary body."""

    type: str
    args: list[str] = field(default_factory=list)
    body: bytes = b""

    def encode(self) -> bytes:
        text = b64encode(self.body)
        lines = [text[i : i + COLUMNS] for i in range(0, len(text), COLUMNS)]
        if len(text) % COLUMNS == 0:
            lines.append("")  # the final body line must be short, so possibly empty
        head = " ".join(["->", self.type, *self.args])
        return "\n".join([head, *lines]).encode("ascii") + b"\n"


@dataclass
class Header:
    stanzas: list[Stanza]
    mac: bytes = b""
    raw: bytes = b""  # the parsed bytes up to and including "---": what the MAC covers

    def encode_without_mac(self) -> bytes:
        return INTRO + b"".join(s.encode() for s in self.stanzas) + FOOTER_PREFIX


def header_mac(file_key: bytes, header_without_mac: bytes) -> bytes:
    """HMAC-SHA-256 under HKDF(file key, info "header")."""
    key = hkdf_sha256(file_key, b"", b"header")
    return hmac.new(key, header_without_mac, hashlib.sha256).digest()


def encode_header(stanzas: list[Stanza], file_key: bytes) -> bytes:
    """The full header, footer and MAC included."""
    body = Header(stanzas).encode_without_mac()
    return body + b" " + b64encode(header_mac(file_key, body)).encode("ascii") + b"\n"


def verify_mac(header: Header, file_key: bytes) -> None:
    """Constant-time check of the footer MAC; raises HMACError."""
    if not hmac.compare_digest(header_mac(file_key, header.raw), header.mac):
        raise HMACError("the header MAC does not match")


def _is_arg(word: bytes) -> bool:
    return len(word) > 0 and all(33 <= c <= 126 for c in word)


def _b64(text: bytes) -> bytes:
    try:
        return b64decode(text.decode("ascii"))
    except ValueError:  # UnicodeDecodeError is a ValueError too
        raise HeaderError("invalid base64 in header") from None


def parse_header(src: BufferedSource) -> Header:
    """Read a header from ``src``, leaving it at the first payload byte; raises HeaderError."""
    raw: list[bytes] = []
    size = 0

    def line() -> bytes:
        nonlocal size
        text = src.readline(MAX_LINE)
        if text is None:
            raise HeaderError("header line too long")
        if not text.endswith(b"\n"):
            raise HeaderError("header is truncated")
        size += len(text)
        if size > MAX_HEADER:
            raise HeaderError("header too large")
        raw.append(text)
        return text[:-1]

    first = line()
    if first + b"\n" != INTRO:
        if first.startswith(VERSION_PREFIX):
            raise HeaderError("unsupported age version")
        raise HeaderError("not an age file")
    stanzas: list[Stanza] = []
    while True:
        text = line()
        words = text.split(b" ")
        if text.startswith(FOOTER_PREFIX):
            if words[0] != FOOTER_PREFIX or len(words) != 2:
                raise HeaderError("malformed header footer")
            mac = _b64(words[1])
            if len(mac) != MAC_SIZE:
                raise HeaderError("malformed header MAC")
            raw[-1] = FOOTER_PREFIX
            return Header(stanzas, mac, b"".join(raw))
        if words[0] != STANZA_PREFIX or len(words) < 2 or not all(map(_is_arg, words[1:])):
            raise HeaderError("malformed stanza")
        body = []
        while True:
            chunk = line()
            if len(chunk) > COLUMNS:
                raise HeaderError("stanza body line too long")
            body.append(_b64(chunk))
            if len(chunk) < COLUMNS:
                break
        args = [w.decode("ascii") for w in words[1:]]
        stanzas.append(Stanza(args[0], args[1:], b"".join(body)))
