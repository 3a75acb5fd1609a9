"""Card exchange for the desktop app: the core's door to intake/cards/card_files.py.

The GUI reads cards (a ``.card``/``.json`` file or a picture of its QR code) and shows this
vault's own card through here, not through the cards room directly (tests/test_architecture.py).
"""

from __future__ import annotations

from intake.cards.card_files import (
    CARD_FILE_PATTERNS,
    MyCard,
    card_file_data,
    card_from_bytes,
    read_card_data,
    read_card_file,
)

__all__ = [
    "CARD_FILE_PATTERNS",
    "MyCard",
    "card_file_data",
    "card_from_bytes",
    "read_card_data",
    "read_card_file",
]
