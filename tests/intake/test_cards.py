"""Card exchange between vaults, through the CLI and the registry service."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from crypto import minisign
from crypto.card import serialize_card
from intake.cards.errors import CardNotAllowed, InvalidCard
from intake.cards.identity import fingerprint
from intake.cards.registry import CardRegistry, own_card, parse
from tests.conftest import VaultFactory, create_closed_vault
from tests.intake.test_cli_vault import amanat


def _init(tmp_path: Path, name: str, role: str) -> str:
    vault = str(tmp_path / name)
    create_closed_vault(Path(vault), role, name)
    return vault


def test_card_travels_between_vaults_with_same_fingerprint(tmp_path: Path) -> None:
    coord = _init(tmp_path, "Coordinator", "coordinator")
    vol = _init(tmp_path, "Volunteer", "volunteer")
    card_file, qr = tmp_path / "coord.card", tmp_path / "coord.png"
    r = amanat("card", "export", "--vault", coord, "-o", str(card_file), "--qr", str(qr))
    assert r.returncode == 0, r.stderr
    assert qr.read_bytes().startswith(b"\x89PNG")
    shown = json.loads(amanat("card", "show", str(card_file), "--json").stdout)
    info = json.loads(amanat("info", "--vault", coord, "--json").stdout)
    assert shown["fingerprint"] == info["fingerprint"]
    assert shown["role"] == "coordinator"

    r = amanat("card", "import", "--vault", vol, str(card_file))
    assert r.returncode == 0, r.stderr
    assert "card verify" in r.stderr  # asks the volunteer to compare the fingerprint
    listed = json.loads(amanat("card", "list", "--vault", vol, "--json").stdout)
    assert [(c["fingerprint"], c["verified"]) for c in listed] == [(info["fingerprint"], False)]
    assert amanat("card", "verify", "--vault", vol, info["fingerprint"]).returncode == 0
    listed = json.loads(amanat("card", "list", "--vault", vol, "--json").stdout)
    assert listed[0]["verified"] is True
    # compact typing of the fingerprint works too
    r = amanat("card", "revoke", "--vault", vol, info["fingerprint"].replace(" ", ""))
    assert r.returncode == 0, r.stderr
    listed = json.loads(amanat("card", "list", "--vault", vol, "--json").stdout)
    assert listed[0]["revoked"] is True


def test_changed_byte_is_refused(tmp_path: Path, make_vault: VaultFactory) -> None:
    coord = make_vault(name="Coord", role="coordinator")
    data = serialize_card(own_card(coord))
    for i in (0, len(data) // 2, len(data) - 3):
        bad = bytearray(data)
        bad[i] = ord("A") if bad[i] != ord("A") else ord("B")
        path = tmp_path / f"bad{i}.card"
        path.write_bytes(bytes(bad))
        r = amanat("card", "show", str(path))
        assert r.returncode == 9, r.stderr
        assert "damaged or was changed" in r.stderr
        assert "Traceback" not in r.stderr
        with pytest.raises(InvalidCard):
            parse(bytes(bad))


def test_registry_rules(make_vault: VaultFactory) -> None:
    vol = make_vault(name="Vol", role="volunteer")
    other_vol = make_vault(name="Other", role="volunteer")
    coord = make_vault(name="Coord", role="coordinator")
    reg = CardRegistry(vol)
    with pytest.raises(CardNotAllowed):
        reg.add(own_card(vol))  # own card
    with pytest.raises(CardNotAllowed):
        reg.add(own_card(other_vol))  # volunteers export only to coordinators
    known, new = reg.add(own_card(coord))
    assert new and not known.verified
    assert reg.usable_coordinators() == []
    known, new = reg.add(own_card(coord), verified=True)
    assert not new and known.verified
    assert [k.fingerprint for k in reg.usable_coordinators()] == [fingerprint(coord.identity)]
    # a coordinator enrolls volunteers
    creg = CardRegistry(coord)
    enrolled, _ = creg.add(own_card(vol), verified=True)
    assert creg.by_signing_key(own_card(vol).ed25519_public) == enrolled
    assert creg.revoke(enrolled.fingerprint).revoked


def test_exported_minisign_key_verifies_with_minisign(tmp_path: Path) -> None:
    vol = _init(tmp_path, "Signer", "volunteer")
    pub = tmp_path / "signer.pub"
    assert amanat("keys", "export-minisign-pubkey", "--vault", vol, "-o", str(pub)).returncode == 0
    from intake.vault import Vault
    from tests.conftest import PASSPHRASE

    with Vault.open(vol, PASSPHRASE) as v:
        seed = v.identity.signing_seed
    message = tmp_path / "msg.txt"
    message.write_bytes(b"manifest bytes")
    sig = minisign.sign(seed, message.read_bytes(), "trusted: test")
    (tmp_path / "msg.txt.minisig").write_text(sig)
    r = subprocess.run(
        ["minisign", "-V", "-p", str(pub), "-m", str(message)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_export_age_identity_warns_and_is_private(tmp_path: Path) -> None:
    coord = _init(tmp_path, "Coord", "coordinator")
    out = tmp_path / "identity.txt"
    r = amanat("keys", "export-age-identity", "--vault", coord, "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "SECRET" in r.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    assert "AGE-SECRET-KEY-1" in out.read_text()
    r = amanat("keys", "export-age-identity", "--vault", coord, "-o", str(out))
    assert r.returncode == 8  # never overwrites


def test_card_decisions_are_audited(make_vault: VaultFactory) -> None:
    from intake.vault.audit import AuditLog

    vol = make_vault(name="Vol", role="volunteer")
    coord = make_vault(name="Coord", role="coordinator")
    reg = CardRegistry(vol)
    known, _ = reg.add(own_card(coord))
    reg.mark_verified(known.fingerprint)
    reg.revoke(known.fingerprint)
    reg.revoke(known.fingerprint)  # a second revoke changes nothing and is not audited again
    actions = [e.action for e in AuditLog(vol).entries(subject=known.fingerprint)]
    assert sorted(actions) == ["card_add", "card_revoke", "card_verify"]
    assert AuditLog(vol).verify().ok
