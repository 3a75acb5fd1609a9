"""Images decoded from bytes in memory, with limits: never a temporary file, never a bomb.

``decode_image`` reads the size from the image's header first and refuses more than
``VIEW_MAX_PIXELS`` (intake.core.app.check_image_size) before anything is decoded; Qt's own
allocation limit stays on as a second guard. A small file can claim a picture of a billion
pixels (a "decompression bomb"); this refuses it with a typed, translated error.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QImageReader

from intake.core.app import check_image_size
from intake.testimonies.errors import ImageUnreadable

ALLOCATION_LIMIT_MB = 256  # Qt refuses to allocate more for one decoded image (50 Mpx = 200 MB)


def decode_image(data: bytes) -> QImage:
    """An image from bytes in memory; refuses a header that claims too many pixels before
    anything is decoded (ImageTooLarge) and a file that does not decode (ImageUnreadable)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAllocationLimit(ALLOCATION_LIMIT_MB)
    size = reader.size()  # from the header only
    check_image_size(size.width(), size.height())
    image = reader.read()
    buffer.close()
    if image.isNull():
        raise ImageUnreadable()
    return image
