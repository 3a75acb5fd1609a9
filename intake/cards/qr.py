"""QR code images of identity cards, so a card can be shown on screen or printed and scanned.

The whole card file (canonical JSON, a few hundred bytes) is encoded in byte mode, so a scanner
gets back exactly the bytes that ``crypto.card.parse_card`` verifies. The PNG is built in
memory: nothing is written to disk here.
"""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pil import PilImage

BOX_PIXELS = 8  # pixels per module: sharp on screen and on a 300 dpi printout
BORDER_MODULES = 4  # the quiet zone the QR standard requires


def card_qr_png(card_bytes: bytes) -> bytes:
    """A PNG of a QR code (error correction M, ~15 %) holding ``card_bytes`` exactly."""
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, box_size=BOX_PIXELS, border=BORDER_MODULES
    )
    code.add_data(qrcode.util.QRData(card_bytes, mode=qrcode.util.MODE_8BIT_BYTE))
    code.make(fit=True)
    image = code.make_image(image_factory=PilImage)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
