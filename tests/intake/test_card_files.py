"""Cards handed over as pictures of their QR code: saved PNGs, phone photos (JPEG), refusals.

The pictures are decoded from memory with zxing-cpp (intake/cards/card_files.py); a QR that
holds anything but an intact card is refused by the same byte-exact check as a card file.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from crypto.card import serialize_card
from intake.cards.card_files import card_from_bytes, read_card_file
from intake.cards.errors import CardPictureTooLarge, CardPictureUnreadable, InvalidCard
from intake.cards.qr import card_qr_png
from intake.cards.registry import CardRegistry, own_card
from intake.core.app import AmanatCore
from tests.conftest import VaultFactory, create_closed_vault
from tests.intake.test_cli_vault import amanat


def photo_of(png: bytes, *, angle: float = 8.0, scale: float = 0.6, quality: int = 55) -> bytes:
    """A JPEG that looks like a phone photo of a screen: smaller, tilted, grey paper, noise."""
    qr = Image.open(io.BytesIO(png)).convert("L")
    qr = qr.resize((int(qr.width * scale), int(qr.height * scale)))
    qr = qr.rotate(angle, expand=True, fillcolor=255)
    page = Image.new("L", (qr.width + 300, qr.height + 220), 205)
    page.paste(qr, (170, 90))
    draw = ImageDraw.Draw(page)
    draw.text((20, 20), "Amanat: My card", fill=40)
    out = io.BytesIO()
    page.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def test_my_card_qr_png_decodes_back_to_the_card_file(make_vault: VaultFactory) -> None:
    vault = make_vault(name="ئابدۇرەھىم تۇرسۇن", role="coordinator")
    mine = AmanatCore(vault).my_card()
    assert mine.data == serialize_card(own_card(vault))
    assert card_from_bytes(mine.qr_png) == mine.card
    assert card_from_bytes(mine.qr_png).fingerprint == mine.fingerprint


def test_a_phone_photo_of_the_qr_is_read(make_vault: VaultFactory) -> None:
    vault = make_vault(name="Coordinator", role="coordinator")
    mine = AmanatCore(vault).my_card()
    photo = photo_of(mine.qr_png)
    assert photo.startswith(b"\xff\xd8\xff")
    assert card_from_bytes(photo).fingerprint == mine.fingerprint


def test_a_picture_without_a_card_is_refused_clearly() -> None:
    blank = io.BytesIO()
    Image.new("RGB", (300, 200), (250, 250, 250)).save(blank, "PNG")
    with pytest.raises(CardPictureUnreadable):
        card_from_bytes(blank.getvalue())
    with pytest.raises(CardPictureUnreadable):  # PNG signature, then garbage
        card_from_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)


def test_a_qr_holding_a_changed_card_is_refused(make_vault: VaultFactory) -> None:
    data = bytearray(serialize_card(own_card(make_vault(role="coordinator"))))
    data[len(data) // 2] ^= 0x01
    with pytest.raises(InvalidCard):
        card_from_bytes(card_qr_png(bytes(data)))
    with pytest.raises(InvalidCard):  # a QR of some other text is not a card either
        card_from_bytes(card_qr_png(b"https://example.org/"))


def test_a_huge_picture_is_refused_before_decoding(tmp_path: Path) -> None:
    """A small PNG file that claims 60 megapixels: refused by its header, not decoded."""
    big = io.BytesIO()
    Image.new("1", (10_000, 6_000), 1).save(big, "PNG")  # compresses to a few kilobytes
    assert len(big.getvalue()) < 200_000
    with pytest.raises(CardPictureTooLarge):
        card_from_bytes(big.getvalue())
    path = tmp_path / "big.png"
    path.write_bytes(big.getvalue())
    with pytest.raises(CardPictureTooLarge):
        read_card_file(path)


def test_cli_imports_a_card_from_its_qr_png_and_from_a_photo(tmp_path: Path) -> None:
    coord = str(create_closed_vault(tmp_path / "coord", "coordinator", "Coordinator"))
    vol = str(create_closed_vault(tmp_path / "vol", "volunteer", "Volunteer"))
    card, qr = tmp_path / "coord.card", tmp_path / "coord.png"
    r = amanat("card", "export", "--vault", coord, "-o", str(card), "--qr", str(qr))
    assert r.returncode == 0, r.stderr
    assert str(qr) in r.stdout
    fingerprint = json.loads(amanat("card", "show", str(card), "--json").stdout)["fingerprint"]
    shown = json.loads(amanat("card", "show", str(qr), "--json").stdout)
    assert shown["fingerprint"] == fingerprint

    r = amanat("card", "import", "--vault", vol, str(qr))
    assert r.returncode == 0, r.stderr
    listed = json.loads(amanat("card", "list", "--vault", vol, "--json").stdout)
    assert [c["fingerprint"] for c in listed] == [fingerprint]

    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(photo_of(qr.read_bytes(), angle=-11))
    other = str(create_closed_vault(tmp_path / "vol2", "volunteer", "Other"))
    r = amanat("card", "import", "--vault", other, str(photo), "--verified")
    assert r.returncode == 0, r.stderr
    listed = json.loads(amanat("card", "list", "--vault", other, "--json").stdout)
    assert [(c["fingerprint"], c["verified"]) for c in listed] == [(fingerprint, True)]


def test_cli_refuses_a_picture_without_a_card(tmp_path: Path) -> None:
    vol = str(create_closed_vault(tmp_path / "vol", "volunteer", "Volunteer"))
    picture = tmp_path / "holiday.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(buffer, "JPEG")
    picture.write_bytes(buffer.getvalue())
    r = amanat("card", "import", "--vault", vol, str(picture))
    assert r.returncode == 8, r.stderr
    assert "No Amanat card was found in this picture" in r.stderr
    assert "Traceback" not in r.stderr
    assert amanat("card", "list", "--vault", vol, "--json").stdout.strip() == "[]"


def test_cli_export_never_replaces_a_file(tmp_path: Path) -> None:
    coord = str(create_closed_vault(tmp_path / "coord", "coordinator", "Coordinator"))
    card = tmp_path / "coord.card"
    card.write_bytes(b"keep me")
    r = amanat("card", "export", "--vault", coord, "-o", str(card))
    assert r.returncode == 8, r.stderr
    assert "already exists" in r.stderr
    assert card.read_bytes() == b"keep me"


def test_registry_accepts_the_card_read_from_a_picture(make_vault: VaultFactory) -> None:
    coord = make_vault(name="Coordinator", role="coordinator")
    vol = make_vault(name="Volunteer", role="volunteer")
    picture = AmanatCore(coord).my_card().qr_png
    known, new = CardRegistry(vol).add(card_from_bytes(picture), verified=True)
    assert new and known.fingerprint == AmanatCore(coord).my_card().fingerprint
