"""``amanat drop set|export|import|show``, ``outbox``, ``send`` and ``fetch`` as a volunteer and
a coordinator would type them, against a real sshd on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from intake.cards.registry import CardRegistry, own_card
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.bundles.cli import amanat
from tests.intake.coordinator_fixtures import finalized, victim_testimony
from tests.intake.transport.servers import SshServer


def _vaults(tmp_path: Path) -> tuple[Path, Path, str]:
    coordinator, volunteer = tmp_path / "coordinator", tmp_path / "volunteer"
    with (
        Vault.create(coordinator, PASSPHRASE, "coordinator", "Dana", FAST_KDF) as c,
        Vault.create(volunteer, PASSPHRASE, "volunteer", "Aigul Test", FAST_KDF) as v,
    ):
        CardRegistry(v).add(own_card(c), verified=True)
        CardRegistry(c).add(own_card(v), verified=True)
        finalized(v, victim_testimony({"latin": "Erkin Test"}, publish=False))
        fingerprint = own_card(c).fingerprint
    return coordinator, volunteer, fingerprint


def test_volunteer_and_coordinator_steps(ssh: SshServer, tmp_path: Path) -> None:
    coordinator, volunteer, fingerprint = _vaults(tmp_path)
    key = tmp_path / "drop_key"
    key.write_text(ssh.client_key)
    amanat(
        "drop",
        "set",
        ssh.url(),
        "--host-key",
        ssh.host_key,
        "--identity-file",
        key,
        "--vault",
        coordinator,
    )
    amanat("drop", "export", "-o", tmp_path / "drop.json", "--vault", coordinator)
    shown = amanat(
        "drop", "import", tmp_path / "drop.json", "--identity-file", key, "--vault", volunteer
    ).stdout
    assert ssh.host_key in shown and "BEGIN" not in shown
    assert ssh.url() in amanat("drop", "show", "--vault", volunteer).stdout

    assert "Nothing to send." in amanat("send", "--vault", volunteer).stdout
    (tmp_path / "usb").mkdir()
    amanat("export", "--to", fingerprint, "-o", tmp_path / "usb", "--vault", volunteer)
    assert "waiting" in amanat("outbox", "--vault", volunteer).stdout
    sent = amanat("send", "--vault", volunteer).stdout
    assert "sent." in sent and "1 bundle is on the drop." in sent
    assert "sent" in amanat("outbox", "--vault", volunteer).stdout
    assert "Nothing to send." in amanat("send", "--vault", volunteer).stdout

    fetched = amanat("fetch", "--vault", coordinator).stdout
    assert "imported" in fetched
    assert "No new bundles on the drop." in amanat("fetch", "--vault", coordinator).stdout
    assert len(list((ssh.drop / "done").iterdir())) == 1


def test_wrong_host_key_is_one_clear_line_and_exit_9(ssh: SshServer, tmp_path: Path) -> None:
    coordinator, volunteer, fingerprint = _vaults(tmp_path)
    key = tmp_path / "drop_key"
    key.write_text(ssh.client_key)
    wrong = "SHA256:" + "B" * 43
    amanat(
        "drop",
        "set",
        ssh.url(),
        "--host-key",
        wrong,
        "--identity-file",
        key,
        "--vault",
        coordinator,
    )
    amanat("drop", "export", "-o", tmp_path / "drop.json", "--vault", coordinator)
    amanat("drop", "import", tmp_path / "drop.json", "--identity-file", key, "--vault", volunteer)
    (tmp_path / "usb").mkdir()
    amanat("export", "--to", fingerprint, "-o", tmp_path / "usb", "--vault", volunteer)
    result = amanat("send", "--vault", volunteer, check=False)
    assert result.returncode == 9
    assert "does not match" in result.stderr and ssh.host_key in result.stderr
    assert list(ssh.drop.iterdir()) == []


def test_import_without_the_coordinator_card_is_refused(ssh: SshServer, tmp_path: Path) -> None:
    coordinator, _, _ = _vaults(tmp_path)
    stranger = tmp_path / "stranger"
    Vault.create(stranger, PASSPHRASE, "volunteer", "Nobody", FAST_KDF).close()
    key = tmp_path / "drop_key"
    key.write_text(ssh.client_key)
    amanat(
        "drop",
        "set",
        ssh.url(),
        "--host-key",
        ssh.host_key,
        "--identity-file",
        key,
        "--vault",
        coordinator,
    )
    amanat("drop", "export", "-o", tmp_path / "drop.json", "--vault", coordinator)
    result = amanat(
        "drop",
        "import",
        tmp_path / "drop.json",
        "--identity-file",
        key,
        "--vault",
        stranger,
        check=False,
    )
    assert result.returncode == 8 and "verified" in result.stderr
