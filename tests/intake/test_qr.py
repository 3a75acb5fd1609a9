"""The card QR code decodes back to the exact card bytes (with zbarimg, from Debian's
zbar-tools, when installed; otherwise the PNG is checked for shape and size)."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from crypto.card import create_card, parse_card, serialize_card
from crypto.keys import x25519_public_key
from intake.cards.qr import card_qr_png

CARD = serialize_card(
    create_card(
        "ئابدۇرەھىم تۇرسۇن",
        "coordinator",
        bytes(range(32)),
        x25519_public_key(bytes(range(32, 64))),
        created=datetime(2025, 3, 1, tzinfo=UTC),
    )
)


def test_card_qr_png_is_a_plausible_png() -> None:
    png = card_qr_png(CARD)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert 500 < len(png) < 20_000
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width == image.height
    assert 200 <= image.width <= 1200  # version ~13 at 8 px per module, with quiet zone
    assert set(image.convert("L").tobytes()) <= {0, 255}


def test_card_qr_decodes_to_the_card(tmp_path: Path) -> None:
    zbarimg = shutil.which("zbarimg")
    # CI installs zbar-tools (.ci/run): without a decoder this test fails, never passes weakly.
    assert zbarimg is not None, "apt-get install zbar-tools"
    png = card_qr_png(CARD)
    path = tmp_path / "card.png"  # a public card, not user data
    path.write_bytes(png)
    done = subprocess.run(
        [zbarimg, "--raw", "-q", "-Sbinary", str(path)], capture_output=True, check=True
    )
    assert done.stdout == CARD
    assert parse_card(done.stdout).role == "coordinator"
