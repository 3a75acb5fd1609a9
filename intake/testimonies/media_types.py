"""Media type of an attachment from its first bytes (magic numbers), never from its file name.

Volunteers attach photos of ID cards, scans, PDFs and voice recordings from phones; the type
decides how the GUI previews a file, so it comes from the content. Recognised: JPEG, PNG, GIF,
WebP, TIFF, HEIC/HEIF, PDF, ZIP (and Office files), MP3, Ogg, WAV, M4A and MP4/QuickTime.
Anything else is ``text/plain`` when its start is clean UTF-8 text, else
``application/octet-stream``.
"""

from __future__ import annotations

OCTET_STREAM = "application/octet-stream"
TEXT = "text/plain"
SNIFF_BYTES = 8192  # enough for every signature here and a fair look at text

_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
)
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1", b"avif"})
_M4A_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P "})


def _iso_media(head: bytes) -> str | None:
    """ISO base media files (MP4, M4A, HEIC, QuickTime): ``size 'ftyp' brand``."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    brand = head[8:12]
    if brand in _HEIC_BRANDS:
        return "image/heic"
    if brand in _HEIF_BRANDS:
        return "image/avif" if brand == b"avif" else "image/heif"
    if brand in _M4A_BRANDS:
        return "audio/mp4"
    if brand == b"qt  ":
        return "video/quicktime"
    return "video/mp4"


def _is_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # only a character cut at the end of the sample is fine
            return False
        text = head[: exc.start].decode("utf-8")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    return controls * 100 <= len(text)


def detect_media_type(head: bytes) -> str:
    """The media type of a file that starts with ``head`` (give at least SNIFF_BYTES if any)."""
    head = head[:SNIFF_BYTES]
    for prefix, media_type in _PREFIXES:
        if head.startswith(prefix):
            return media_type
    if head[:4] == b"RIFF" and len(head) >= 12:
        kind = head[8:12]
        if kind == b"WEBP":
            return "image/webp"
        if kind == b"WAVE":
            return "audio/wav"
    iso = _iso_media(head)
    if iso is not None:
        return iso
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return "audio/mpeg"  # MPEG audio frame sync without an ID3 tag (layer bits non-zero)
    return TEXT if _is_text(head) else OCTET_STREAM
