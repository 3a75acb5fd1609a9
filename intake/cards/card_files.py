"""Card files in and out: a card file (``.card``/``.json``) or a picture of its QR code.

People exchange cards as files or show them as QR codes (on a screen, on paper). Whatever
they hand over, ``read_card_file`` returns the verified card: a PNG or JPEG (a screenshot, the
saved QR, a phone photo of a screen or a printout) is decoded from memory with zxing-cpp and
the QR code's bytes must be exactly a card file (crypto/card.py checks every byte and the
self-signature). Nothing is written while reading; a picture is refused before it is decoded
when it is too large (bytes or pixels), so a crafted image cannot exhaust memory.

``MyCard`` is this vault's own card with its QR code, and ``save_public_file`` writes either
of them atomically (a card is public: no private mode, but never a half-written file).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from crypto import card as cardfmt
from intake.cards.errors import CardPictureTooLarge, CardPictureUnreadable
from intake.errors import InvalidInput
from intake.i18n import tr

MAX_PICTURE_BYTES = 25 * 1024 * 1024  # a phone photo is 2-10 MB; more is not a card picture
MAX_PICTURE_PIXELS = 50_000_000  # a 48-megapixel phone camera; refuses decompression bombs
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
CARD_FILE_PATTERNS = "*.card *.json *.png *.jpg *.jpeg"  # what the open dialogs offer


def is_picture(data: bytes) -> bool:
    """True for PNG and JPEG data (by their first bytes, not by the file name)."""
    return data.startswith(PNG_MAGIC) or data.startswith(JPEG_MAGIC)


def card_bytes_from_picture(data: bytes) -> bytes:
    """The bytes held by the QR code in a PNG or JPEG picture (decoded in memory)."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_PICTURE_BYTES:
        raise CardPictureTooLarge
    try:
        image = Image.open(io.BytesIO(data), formats=["PNG", "JPEG"])  # reads the header only
        width, height = image.size
        if width * height > MAX_PICTURE_PIXELS:
            raise CardPictureTooLarge
        gray = image.convert("L")  # decodes the pixels; one byte per pixel from here on
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        raise CardPictureUnreadable from None
    found = zxingcpp.read_barcodes(
        gray, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    for code in found:
        raw = bytes(code.bytes)
        if 0 < len(raw) <= cardfmt.MAX_CARD_SIZE:
            return raw
    raise CardPictureUnreadable


def card_file_data(data: bytes) -> bytes:
    """The card file's bytes: ``data`` itself, or what the QR code in a picture holds (a card
    alone; key statements travel only in card files, docs/bundle-format.md)."""
    return card_bytes_from_picture(data) if is_picture(data) else data


def read_card_data(path: Path) -> bytes:
    """The card file's bytes from ``path``: a card file, or a PNG/JPEG of its QR code."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_PICTURE_BYTES + 1)
    except OSError:
        raise InvalidInput(reason=tr("cannot read {path}", path=path)) from None
    return card_file_data(data)


def card_from_bytes(data: bytes) -> cardfmt.Card:
    """A verified card from a card file's bytes or from a picture of its QR code."""
    from intake.cards.cardfile import read_card_file as parse_card_file

    return parse_card_file(card_file_data(data)).card


def read_card_file(path: Path) -> cardfmt.Card:
    """The verified card in ``path``: a ``.card``/``.json`` file or a PNG/JPEG of its QR code."""
    from intake.cards.cardfile import read_card_file as parse_card_file

    return parse_card_file(read_card_data(path)).card


@dataclass(frozen=True)
class MyCard:
    """This vault's own public card: the file's bytes and a PNG of its QR code."""

    card: cardfmt.Card
    data: bytes
    qr_png: bytes

    @property
    def fingerprint(self) -> str:
        return self.card.fingerprint


def save_public_file(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write public bytes (a card, its QR) to ``path`` atomically; an existing file is kept
    unless ``overwrite`` (the person agreed to replace it)."""
    from intake.bundles import files

    part = files.open_part(path, overwrite=overwrite)
    try:
        part.write(data)
        files.flush(part, path)
        files.publish(path)
    except BaseException:
        files.discard(part, path)
        raise
