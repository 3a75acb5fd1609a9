"""The outbox over a real sshd: a cut during send is retried after a pause and resumed without
sending again what arrived; state survives closing the vault; sealed bundles go from the vault's
copy; a changed file is never sent; a wrong password is reported on the bundle."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from intake.bundles import seal
from intake.cards.registry import CardRegistry, own_card
from intake.core.app import AmanatCore
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.store import TestimonyStore
from intake.transport import description, outbox
from intake.transport.errors import (
    AuthenticationFailed,
    BundleFileGone,
    ConnectionLost,
    DropFull,
)
from intake.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.intake.coordinator_fixtures import victim_testimony
from tests.intake.transport.servers import SshServer, cutting_proxy

VaultFactory = Callable[..., Vault]
MB = 1024 * 1024


def _volunteer(
    make_vault: VaultFactory, ssh: SshServer, port: int | None = None, folder: Path | None = None
) -> AmanatCore:
    coordinator = AmanatCore(make_vault("Coordinator", "coordinator"))
    volunteer = make_vault("Aigul Test", "volunteer")
    CardRegistry(volunteer).add(own_card(coordinator.vault), verified=True)
    coordinator.drop.set(ssh.url(port, folder), host_key=ssh.host_key, identity=ssh.client_key)
    core = AmanatCore(volunteer)
    core.drop.import_description(coordinator.drop.export_description(), identity=ssh.client_key)
    core.vault.set_setting("test.coordinator", own_card(coordinator.vault).fingerprint)
    return core


def _export(core: AmanatCore, folder: Path, attachment: int = 0) -> outbox.OutboxEntry:
    store = TestimonyStore(core.vault)
    tid = store.create_draft(victim_testimony({"latin": "Erkin Test"}, publish=False))
    if attachment:
        AttachmentStore(core.vault).add(tid, io.BytesIO(os.urandom(attachment)), "audio.ogg")
    store.finalize(tid)
    folder.mkdir(exist_ok=True)
    fingerprint = core.vault.get_setting("test.coordinator")
    assert fingerprint
    result = core.export_bundle([fingerprint], folder)
    return next(e for e in core.drop.outbox() if e.bundle_id == result.bundle_id)


@pytest.mark.slow
def test_cut_during_send_is_retried_after_a_pause_and_resumed(
    ssh: SshServer, make_vault: VaultFactory, tmp_path: Path
) -> None:
    with cutting_proxy(ssh.port, cut_after=6 * MB) as proxy:
        core = _volunteer(make_vault, ssh, proxy.port)
        entry = _export(core, tmp_path / "out", attachment=12 * MB)
        pauses: list[float] = []
        results = core.drop.send(sleep=pauses.append)
        assert proxy.cuts == 1 and pauses == [outbox.BACKOFF[0]]
        assert [(r.outcome, r.error) for r in results] == [("sent", None)]
        sent = results[0].sent_bytes
        assert sent < entry.size - 4 * MB  # only what had not arrived
        assert proxy.upstream - proxy.cut_at < sent * 1.05 + 300_000  # and nothing more
    assert (ssh.drop / entry.name).stat().st_size == entry.size
    assert [e.state for e in core.drop.outbox()] == ["sent"]


@pytest.mark.slow
def test_an_interrupted_send_goes_on_after_the_vault_is_opened_again(
    ssh: SshServer, make_vault: VaultFactory, tmp_path: Path
) -> None:
    with cutting_proxy(ssh.port, cut_after=6 * MB) as proxy:
        core = _volunteer(make_vault, ssh, proxy.port)
        entry = _export(core, tmp_path / "out", attachment=12 * MB)
        settings = description.settings(core.vault)
        results = outbox.send(core.vault, settings, sleep=lambda s: None, retries=1)
        assert isinstance(results[0].error, ConnectionLost)
        folder = Path(core.vault.path)
        core.vault.close()
        reopened = Vault.open(folder, PASSPHRASE)
        try:
            [waiting] = outbox.entries(reopened)
            assert waiting.state == "pending" and waiting.last_error and waiting.attempts == 1
            [result] = AmanatCore(reopened).drop.send()
            assert result.outcome == "sent" and 0 < result.sent_bytes < entry.size - 4 * MB
        finally:
            reopened.close()
    assert (ssh.drop / entry.name).stat().st_size == entry.size
    assert FAST_KDF  # the vaults here use the cheap KDF (tests/conftest.py)


def test_sealed_bundle_is_sent_from_the_vault_copy_and_a_changed_file_never(
    ssh: SshServer, make_vault: VaultFactory, tmp_path: Path
) -> None:
    core = _volunteer(make_vault, ssh)
    seal.set_policy(core.vault, True)
    sealed = _export(core, tmp_path / "a")
    assert sealed.path is not None
    Path(sealed.path).unlink()
    seal.set_policy(core.vault, False)
    changed = _export(core, tmp_path / "b")
    assert changed.path is not None
    data = bytearray(Path(changed.path).read_bytes())
    data[100] ^= 1
    Path(changed.path).write_bytes(bytes(data))
    results = {r.bundle_id: r for r in core.drop.send()}
    assert results[sealed.bundle_id].outcome == "sent"
    assert results[changed.bundle_id].outcome == "failed"
    assert isinstance(results[changed.bundle_id].error, BundleFileGone)
    assert (ssh.drop / sealed.name).stat().st_size == sealed.size
    assert not (ssh.drop / changed.name).exists()
    assert not (ssh.drop / (changed.name + ".part")).exists()


def test_wrong_password_is_reported_and_kept_pending(
    ssh: SshServer, make_vault: VaultFactory, tmp_path: Path
) -> None:
    if ssh.password is None:
        pytest.skip("sshd checks passwords only when it runs as root")
    coordinator = AmanatCore(make_vault("Coordinator", "coordinator"))
    volunteer = AmanatCore(make_vault("Aigul Test", "volunteer"))
    CardRegistry(volunteer.vault).add(own_card(coordinator.vault), verified=True)
    coordinator.drop.set(ssh.url(), host_key=ssh.host_key, password=ssh.password)
    volunteer.drop.import_description(coordinator.drop.export_description(), password="wrong")
    volunteer.vault.set_setting("test.coordinator", own_card(coordinator.vault).fingerprint)
    _export(volunteer, tmp_path / "out")
    [result] = volunteer.drop.send(sleep=lambda s: pytest.fail("no retry for a refused login"))
    assert isinstance(result.error, AuthenticationFailed)
    [entry] = volunteer.drop.outbox()
    assert entry.state == "pending" and entry.last_error and "refused the login" in entry.last_error


def test_full_drop_stops_the_send(ssh: SshServer, make_vault: VaultFactory, tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (as in CI)")
    import subprocess

    full = ssh.drop / "small"
    full.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0777", "tmpfs", str(full)], check=True
    )
    try:
        core = _volunteer(make_vault, ssh, folder=full)
        _export(core, tmp_path / "out", attachment=3 * MB)
        [result] = core.drop.send(sleep=lambda s: pytest.fail("no retry when the drop is full"))
        assert isinstance(result.error, DropFull)
        assert core.drop.outbox()[0].state == "pending"
    finally:
        subprocess.run(["umount", str(full)], check=True)
