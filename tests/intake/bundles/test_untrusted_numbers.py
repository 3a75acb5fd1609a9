"""Numbers too large for Python, sent before any signature is checked (issue 14, finding 4).

Anyone with a coordinator's public card can encrypt a bundle to it. A manifest holding an
integer of 5,000 digits made ``json.loads`` raise ``ValueError: Exceeds the limit (4300
digits)``, a traceback in ``amanat verify`` and ``amanat import``. The bundle here is built as
such a sender would: a tar stream encrypted to the real coordinator's key from its card file.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from crypto.age import encrypt
from crypto.card import parse_card
from crypto.x25519 import X25519Recipient
from tests.conftest import create_closed_vault
from tests.intake.bundles.cli import amanat
from tests.intake.bundles.synthetic import join_members, member

pytestmark = pytest.mark.slow

HUGE = "9" * 5000  # over CPython's 4,300-digit int conversion limit


def _bundle_to(card: Path, manifest: bytes) -> bytes:
    """A bundle whose first member is ``manifest``, encrypted to the card's age key."""
    plain = join_members([member("manifest.json", manifest), member("manifest.json.minisig", b"")])
    out = io.BytesIO()
    recipient = X25519Recipient(parse_card(card.read_bytes()).x25519_public)
    encrypt([recipient], io.BytesIO(plain), out)
    return out.getvalue()


@pytest.mark.parametrize("where", ["sequence", "format", "nested"])
def test_manifest_with_a_5000_digit_integer(tmp_path: Path, where: str) -> None:
    coord = tmp_path / "coordinator"
    create_closed_vault(coord, "coordinator", "Coordinator One")
    amanat("card", "export", "--vault", coord, "-o", tmp_path / "coord.card")
    if where == "sequence":
        text = '{"format":"amanat-bundle/1","sequence":' + HUGE + "}"
    elif where == "format":
        text = '{"format":' + HUGE + "}"
    else:
        text = '{"records":[{"attachments":[' + HUGE + "]}]}"
    bundle = tmp_path / "huge.age"
    bundle.write_bytes(_bundle_to(tmp_path / "coord.card", text.encode()))
    for command in ("verify", "import"):
        result = amanat(command, "--vault", coord, bundle, check=False)
        assert "Traceback" not in result.stderr and "Exceeds the limit" not in result.stderr
        assert result.returncode == 9, (command, result.stdout, result.stderr)
        assert "list of contents of this bundle is not valid" in result.stderr
