"""Raw PDF bytes for redaction tests: every stream decoded, and the characters the fonts can show.

reportlab writes content streams as ASCII85 + Flate and fonts, ToUnicode maps as Flate. Text in
content streams is font codes (Latin text stays readable ASCII), and each embedded font subset
has a ToUnicode map saying which character every glyph in the file stands for: the set of those
characters is everything the file could show, drawn or not.
"""

from __future__ import annotations

import base64
import re
import zlib

_STREAM = re.compile(
    rb"<<((?:(?!<<|stream).)*?/Length (\d+)(?:(?!<<|stream).)*?)>>\s*stream\r?\n", re.DOTALL
)
_BFCHAR = re.compile(rb"<([0-9A-F]+)> <([0-9A-F]+)>")


def decoded_streams(pdf: bytes) -> list[bytes]:
    """Every stream of the file, with ASCII85 and Flate filters undone."""
    streams: list[bytes] = []
    for match in _STREAM.finditer(pdf):
        head, length = match.group(1), int(match.group(2))
        data = pdf[match.end() : match.end() + length]
        if b"/ASCII85Decode" in head:
            data = data.strip().removeprefix(b"<~").removesuffix(b"~>")
            data = base64.a85decode(data)
        if b"/FlateDecode" in head:
            data = zlib.decompress(data)
        streams.append(data)
    return streams


def all_bytes(pdf: bytes) -> bytes:
    """The file with every stream decoded, for a plain substring search."""
    return pdf + b"\n".join(decoded_streams(pdf))


def font_characters(pdf: bytes) -> set[str]:
    """Every character some embedded glyph stands for (from the ToUnicode maps)."""
    chars: set[str] = set()
    for stream in decoded_streams(pdf):
        if b"beginbfchar" not in stream:
            continue
        for _code, target in _BFCHAR.findall(stream.split(b"beginbfchar", 1)[1]):
            text = bytes.fromhex(target.decode()).decode("utf-16-be", "replace")
            chars.update(c for c in text if c != "\0")
    return chars
