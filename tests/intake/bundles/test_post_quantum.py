"""Post-quantum bundles (issue 18 item 3): version 2 cards with the hybrid ``mlkem768x25519``
recipient, exports that are hybrid exactly when every coordinator's card offers it (``classic``
forces X25519), imports with the vault's hybrid key, and the exported age identity. Real vaults,
real crypto; the ``age`` CLI only where it is new enough (1.3) to know hybrid recipients."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from crypto import card as cardfmt
from crypto.age import Decryptor, encrypt
from crypto.errors import CardError, NoMatch
from crypto.hybrid import HybridIdentity, parse_identity
from crypto.x25519 import X25519Identity
from intake.bundles.errors import BundleNotAddressed
from intake.bundles.export import export_bundle
from intake.bundles.importer import import_bundle
from intake.bundles.reader import BundleReader
from intake.cards.registry import CardRegistry, own_card
from intake.vault import Vault
from tests.conftest import VaultFactory, create_closed_vault
from tests.intake.bundles.cli import amanat, fingerprint_of
from tests.intake.bundles.vaults import CLOCK, add_final, make_pair, photo

HYBRID_STANZA = b"\n-> mlkem768x25519 "
X25519_STANZA = b"\n-> X25519 "
CHUNK = 64 * 1024


def _header(bundle: Path) -> bytes:
    data = bundle.read_bytes()
    return data[: data.index(b"\n---") + 1]


def _export(volunteer: Vault, recipients: list[str], out: Path, classic: bool = False) -> Path:
    return export_bundle(
        volunteer, recipients, out, selection="all-final", clock=lambda: CLOCK, classic=classic
    ).path


# ---- cards ---------------------------------------------------------------------------------


def test_own_card_is_version_2_and_round_trips(make_vault: VaultFactory) -> None:
    vault = make_vault("Coordinator", "coordinator")
    card = own_card(vault)
    assert card.version == cardfmt.CARD_VERSION_PQ
    assert card.hybrid_public == HybridIdentity(vault.identity.hybrid_seed).public
    data = cardfmt.serialize_card(card)
    assert cardfmt.parse_card(data) == card
    assert card.hybrid_recipient is not None and card.hybrid_recipient.startswith("age1pq1")
    # the fingerprint is the classic card's: people who compared it need not compare again
    assert card.fingerprint == own_card(vault, classic=True).fingerprint


def test_a_stripped_hybrid_key_is_refused_at_the_signature(make_vault: VaultFactory) -> None:
    """Downgrade: drop "pq" and call the card version 1. The signed bytes differ (another
    context and no "pq"), so the self-signature fails."""
    card = own_card(make_vault("Coordinator", "coordinator"))
    downgraded = replace_members(card, drop="pq", version=1)
    with pytest.raises(CardError, match="signature"):
        cardfmt.parse_card(downgraded)


def test_a_swapped_hybrid_key_is_refused_at_the_signature(make_vault: VaultFactory) -> None:
    card = own_card(make_vault("Coordinator", "coordinator"))
    other = HybridIdentity(bytes(32 * [9])).public
    members = card.members()
    members["pq"] = base64.b64encode(other).decode()
    with pytest.raises(CardError, match="signature"):
        cardfmt.parse_card(cardfmt.canonical(members) + b"\n")


def test_members_must_match_the_version(make_vault: VaultFactory) -> None:
    card = own_card(make_vault("Coordinator", "coordinator"))
    with pytest.raises(CardError, match="expected members"):  # v2 without "pq"
        cardfmt.parse_card(replace_members(card, drop="pq", version=2))
    classic = own_card(make_vault("Coordinator 2", "coordinator"), classic=True).members()
    classic["pq"] = card.members()["pq"]  # v1 with "pq"
    with pytest.raises(CardError, match="expected members"):
        cardfmt.parse_card(cardfmt.canonical(classic) + b"\n")
    members = card.members()
    members["amanat-card"] = 3
    with pytest.raises(CardError, match="unsupported card version"):
        cardfmt.parse_card(cardfmt.canonical(members) + b"\n")


def test_an_invalid_ml_kem_key_is_refused_before_the_signature() -> None:
    """A hybrid key that is not a valid ML-KEM-768 key (coefficients out of range) is refused
    as such, even when correctly signed: it could never be encrypted to."""
    seed = bytes(range(32))
    x25519 = X25519Identity(bytes(range(32, 64))).recipient()
    bad = b"\xff" * 1184 + bytes(32 * [9])
    with pytest.raises(CardError, match="invalid hybrid recipient"):
        cardfmt.create_card("C", "coordinator", seed, x25519.public, hybrid_public=bad)


def replace_members(card: cardfmt.Card, *, drop: str, version: int) -> bytes:
    members = card.members()
    del members[drop]
    members["amanat-card"] = version
    return cardfmt.canonical(members) + b"\n"


def test_a_version_1_card_is_upgraded_in_the_registry(make_vault: VaultFactory) -> None:
    """A volunteer who imported the coordinator's classic card gets post-quantum bundles once
    the same identity's version 2 card is imported (same fingerprint, still verified)."""
    volunteer, coordinator = make_vault("V", "volunteer"), make_vault("C", "coordinator")
    registry = CardRegistry(volunteer)
    registry.add(own_card(coordinator, classic=True), verified=True)
    assert registry.usable_coordinators()[0].card.hybrid_public is None
    known, new = registry.add(own_card(coordinator))
    assert not new and known.verified and known.card.version == 2
    registry.add(own_card(coordinator, classic=True))  # the older form does not come back
    assert registry.usable_coordinators()[0].card.version == 2


# ---- exports and imports -------------------------------------------------------------------


def test_export_is_hybrid_when_every_card_offers_it(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    pair = make_pair(make_vault)
    add_final(pair.volunteer, (photo(1),))
    result = export_bundle(
        pair.volunteer, [pair.coordinator_fp], tmp_path / "b.age", clock=lambda: CLOCK
    )
    assert result.post_quantum
    header = _header(result.path)
    assert header.count(HYBRID_STANZA) == 1 and X25519_STANZA not in header
    # X25519 alone cannot open it: the bundle is sealed only to the hybrid key
    with pytest.raises(BundleNotAddressed):
        BundleReader(io.BytesIO(result.path.read_bytes()), pair.coordinator.identity.x25519_private)
    report = import_bundle(pair.coordinator, result.path)
    assert report.outcomes.get("new") == 1


def test_one_classic_card_makes_the_whole_bundle_classic(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    """age never mixes hybrid and classic recipients: one coordinator without a hybrid key
    means X25519 for everyone, and both coordinators can open it."""
    pair = make_pair(make_vault)
    old = make_vault("Old Coordinator", "coordinator")
    CardRegistry(pair.volunteer).add(own_card(old, classic=True), verified=True)
    CardRegistry(old).add(own_card(pair.volunteer), verified=True)
    add_final(pair.volunteer)
    result = export_bundle(
        pair.volunteer,
        [pair.coordinator_fp, own_card(old).fingerprint],
        tmp_path / "b.age",
        clock=lambda: CLOCK,
    )
    assert not result.post_quantum
    header = _header(result.path)
    assert header.count(X25519_STANZA) == 2 and HYBRID_STANZA not in header
    assert import_bundle(old, result.path).outcomes.get("new") == 1
    assert import_bundle(pair.coordinator, result.path).outcomes.get("new") == 1


def test_classic_forces_x25519(make_vault: VaultFactory, tmp_path: Path) -> None:
    pair = make_pair(make_vault)
    add_final(pair.volunteer)
    path = _export(pair.volunteer, [pair.coordinator_fp], tmp_path / "b.age", classic=True)
    header = _header(path)
    assert header.count(X25519_STANZA) == 1 and HYBRID_STANZA not in header
    plain = Decryptor(
        [X25519Identity(pair.coordinator.identity.x25519_private)], io.BytesIO(path.read_bytes())
    ).read()
    assert plain.startswith(b"manifest.json")


@pytest.mark.parametrize(
    "size",
    [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 17, 5 * 1024 * 1024 + 3],
)
def test_hybrid_round_trip_at_every_size_class(size: int) -> None:
    """Our encrypt to our decrypt, hybrid, at empty, one byte, and each side of the STREAM
    chunk boundaries (the last chunk full, or one byte into a new chunk), and several MiB."""
    identity = HybridIdentity(bytes(32 * [7]))
    data = bytes((i * 31 + 7) % 251 for i in range(size))
    sealed = io.BytesIO()
    encrypt([identity.recipient()], io.BytesIO(data), sealed)
    assert Decryptor([identity], io.BytesIO(sealed.getvalue())).read() == data
    with pytest.raises(NoMatch):
        Decryptor([HybridIdentity(bytes(32 * [8]))], io.BytesIO(sealed.getvalue())).read()


@pytest.mark.parametrize("attachment_size", [0, CHUNK - 600, 3 * CHUNK + 5])
def test_hybrid_bundle_round_trip_with_attachments(
    make_vault: VaultFactory, tmp_path: Path, attachment_size: int
) -> None:
    pair = make_pair(make_vault)
    data = photo(3, attachment_size)
    add_final(pair.volunteer, (data,))
    path = _export(pair.volunteer, [pair.coordinator_fp], tmp_path / "b.age")
    assert HYBRID_STANZA in _header(path)
    report = import_bundle(pair.coordinator, path)
    assert report.outcomes.get("new") == 1
    stored = pair.coordinator.conn.execute("SELECT size FROM attachments").fetchall()
    assert [int(r[0]) for r in stored] == [len(data)]


# ---- the exported age identity and the CLI -------------------------------------------------


def _cli_pair(tmp_path: Path) -> tuple[Path, Path, str]:
    vol = create_closed_vault(tmp_path / "vol", "volunteer", "Aigul")
    coord = create_closed_vault(tmp_path / "coord", "coordinator", "Coordinator")
    amanat("card", "export", "--vault", coord, "-o", tmp_path / "coord.card")
    amanat("card", "export", "--vault", vol, "-o", tmp_path / "vol.card")
    amanat("card", "import", "--vault", vol, "--verified", tmp_path / "coord.card")
    amanat("card", "import", "--vault", coord, "--verified", tmp_path / "vol.card")
    example = Path(__file__).resolve().parents[3] / "docs" / "examples" / "testimony.json"
    tid = amanat("testimony", "add", "--vault", vol, "--json", example).stdout.strip()
    amanat("testimony", "finalize", "--vault", vol, tid)
    return vol, coord, fingerprint_of(tmp_path / "coord.card")


def _age_version() -> tuple[int, ...] | None:
    age = shutil.which("age")
    if age is None:
        return None
    text = subprocess.run([age, "--version"], capture_output=True, text=True).stdout
    found = re.search(r"(\d+)\.(\d+)\.(\d+)", text)
    return tuple(int(x) for x in found.groups()) if found else None


def test_cli_export_is_post_quantum_and_the_identity_file_opens_it(tmp_path: Path) -> None:
    vol, coord, coord_fp = _cli_pair(tmp_path)
    bundle = tmp_path / "pq.age"
    r = amanat("export", "--vault", vol, "--to", coord_fp, "--all-final", "-o", bundle)
    assert "post-quantum" in r.stdout
    assert HYBRID_STANZA in _header(bundle)
    key = tmp_path / "coord.key"
    amanat("keys", "export-age-identity", "--vault", coord, "-o", key)
    assert key.stat().st_mode & 0o777 == 0o600
    lines = [x for x in key.read_text().splitlines() if x and not x.startswith("#")]
    assert [x.split("1", 1)[0] for x in lines] == ["AGE-SECRET-KEY-", "AGE-SECRET-KEY-PQ-"]
    assert lines[1] == lines[1].upper()
    identity = parse_identity(lines[1])  # age's text form, as age 1.3 reads it
    plain = Decryptor([identity], io.BytesIO(bundle.read_bytes())).read()
    assert plain.startswith(b"manifest.json")
    classic_key = tmp_path / "classic.key"
    amanat("keys", "export-age-identity", "--classic", "--vault", coord, "-o", classic_key)
    assert "AGE-SECRET-KEY-PQ-" not in classic_key.read_text()


def test_age_cli_opens_a_hybrid_bundle(tmp_path: Path) -> None:
    version = _age_version()
    if version is None or version < (1, 3, 0):
        pytest.skip(
            f"the age CLI here is {version or 'missing'}; hybrid (mlkem768x25519) recipients "
            "need age 1.3 or later. Classic bundles are opened with age in test_cli_bundle.py."
        )
    vol, coord, coord_fp = _cli_pair(tmp_path)
    bundle = tmp_path / "pq.age"
    amanat("export", "--vault", vol, "--to", coord_fp, "--all-final", "-o", bundle)
    amanat("keys", "export-age-identity", "--vault", coord, "-o", tmp_path / "coord.key")
    plain = subprocess.run(
        ["age", "-d", "-i", str(tmp_path / "coord.key"), str(bundle)],
        capture_output=True,
        check=True,
    ).stdout
    assert plain.startswith(b"manifest.json")


def test_cli_classic_export_opens_with_the_classic_identity(tmp_path: Path) -> None:
    vol, coord, coord_fp = _cli_pair(tmp_path)
    bundle = tmp_path / "classic.age"
    r = amanat("export", "--vault", vol, "--to", coord_fp, "--all-final", "--classic", "-o", bundle)
    assert "classic X25519" in r.stdout
    assert X25519_STANZA in _header(bundle) and HYBRID_STANZA not in _header(bundle)
    import pyrage

    key = tmp_path / "c.key"
    amanat("keys", "export-age-identity", "--classic", "--vault", coord, "-o", key)
    secret = next(x for x in key.read_text().splitlines() if x.startswith("AGE-SECRET-KEY-1"))
    plain = pyrage.decrypt(bundle.read_bytes(), [pyrage.x25519.Identity.from_str(secret)])
    assert plain.startswith(b"manifest.json")


# ---- a version 2 card in one QR code -------------------------------------------------------


@pytest.mark.parametrize("name", ["李" * 64, "ئ" * 64, "Aigul"])
def test_a_version_2_card_fits_one_qr_code_and_scans_back(tmp_path: Path, name: str) -> None:
    """The largest v2 card (64 three-byte characters) still fits a QR code with error
    correction M (version 40 holds 2331 bytes), and zbarimg reads back the exact bytes."""
    from intake.cards.qr import card_qr_png

    seed, hybrid_seed = bytes(range(32)), bytes(32 * [5])
    x25519 = X25519Identity(bytes(range(32, 64))).recipient().public
    hybrid = HybridIdentity(hybrid_seed).public
    card = cardfmt.create_card(name, "coordinator", seed, x25519, hybrid_public=hybrid)
    data = cardfmt.serialize_card(card)
    assert len(data) <= 2331
    zbarimg = shutil.which("zbarimg")
    assert zbarimg is not None, "apt-get install zbar-tools"  # CI installs it (.ci/run)
    path = tmp_path / "card.png"  # a public card, not user data
    path.write_bytes(card_qr_png(data))
    done = subprocess.run(
        [zbarimg, "--raw", "-q", "-Sbinary", str(path)], capture_output=True, check=True
    )
    assert done.stdout == data
    assert cardfmt.parse_card(done.stdout).hybrid_public == hybrid


def test_version_2_card_known_answer() -> None:
    """The spec's vector (docs/bundle-format.md §6): section 6's keys plus hybrid seed
    0x80..0x9F give exactly this card (Ed25519 and the ML-KEM key expansion are deterministic)."""
    import hashlib
    from datetime import UTC, datetime

    from crypto.keys import hybrid_public_key, x25519_public_key

    card = cardfmt.create_card(
        "Айгүл Сейітова",
        "volunteer",
        bytes(range(32)),
        x25519_public_key(bytes(range(32, 64))),
        datetime(2025, 3, 1, 12, tzinfo=UTC),
        hybrid_public_key(bytes(range(0x80, 0xA0))),
    )
    data = cardfmt.serialize_card(card)
    assert len(data) == 1964
    assert hashlib.sha256(data).hexdigest() == (
        "73e2782b7175639ce33c86b9236efac9be707a6d2a6567427825c1409e674d87"
    )
    assert card.fingerprint == "20660 68491 51873 07923 27363 18293 53834"
    assert cardfmt.parse_card(data) == card
