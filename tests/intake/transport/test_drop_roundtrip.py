"""Volunteer → drop → coordinator over each real transport: the drop description, the outbox,
send (twice), fetch (twice, interrupted, a refused bundle), against sshd and wsgidav."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from intake.cards.registry import CardRegistry, own_card
from intake.core.app import AmanatCore
from intake.errors import StorageFull
from intake.transport import outbox, sftp, webdav
from intake.transport.errors import Cancelled, InvalidDrop
from intake.vault import Vault
from tests.intake.coordinator_fixtures import finalized, tampered_copy, victim_testimony
from tests.intake.transport.servers import SshServer

VaultFactory = Callable[..., Vault]


def _pair(make_vault: VaultFactory) -> tuple[AmanatCore, AmanatCore]:
    coordinator = make_vault("Coordinator", "coordinator")
    volunteer = make_vault("Aigul Test", "volunteer")
    CardRegistry(volunteer).add(own_card(coordinator), verified=True)
    CardRegistry(coordinator).add(own_card(volunteer), verified=True)
    return AmanatCore(volunteer), AmanatCore(coordinator)


def _set_drop(kind: str, server: Any, coordinator: AmanatCore, volunteer: AmanatCore) -> None:
    if kind == "sftp":
        coordinator.drop.set(server.url(), host_key=server.host_key, identity=server.client_key)
        volunteer.drop.import_description(
            coordinator.drop.export_description(), identity=server.client_key
        )
    else:
        coordinator.drop.set(server.url(), cert_sha256=server.cert_sha256, password=server.password)
        volunteer.drop.import_description(
            coordinator.drop.export_description(), password=server.password
        )


@pytest.fixture(params=["sftp", "webdav"])
def setup(
    request: pytest.FixtureRequest, make_vault: VaultFactory
) -> tuple[str, Any, AmanatCore, AmanatCore]:
    kind = str(request.param)
    server = request.getfixturevalue("ssh" if kind == "sftp" else "dav")
    volunteer, coordinator = _pair(make_vault)
    _set_drop(kind, server, coordinator, volunteer)
    return kind, server, volunteer, coordinator


def _export(volunteer: AmanatCore, coordinator: AmanatCore, folder: Path, name: str) -> str:
    finalized(volunteer.vault, victim_testimony({"latin": name}, publish=False))
    folder.mkdir(exist_ok=True)
    result = volunteer.export_bundle([own_card(coordinator.vault).fingerprint], folder)
    return result.bundle_id


def _on_drop(server: Any) -> list[str]:
    drop: Path = server.drop
    return sorted(p.name for p in drop.iterdir())


def test_round_trip(setup: tuple[str, Any, AmanatCore, AmanatCore], tmp_path: Path) -> None:
    kind, server, volunteer, coordinator = setup
    first = _export(volunteer, coordinator, tmp_path / "out", "Erkin Test")
    assert [(e.bundle_id, e.state) for e in volunteer.drop.outbox()] == [(first, "pending")]

    results = volunteer.drop.send()
    assert [(r.bundle_id, r.outcome) for r in results] == [(first, "sent")]
    assert results[0].sent_bytes == volunteer.drop.outbox()[0].size
    assert _on_drop(server) == [f"{first}.amanat"]
    assert volunteer.drop.send() == []  # a second send is a no-op: no connection at all

    # the same bundle marked pending again (e.g. the vault was restored): found, not re-sent
    with volunteer.vault.transaction() as conn:
        conn.execute("UPDATE outbox SET state = 'pending'")
    again = volunteer.drop.send()
    assert [(r.outcome, r.sent_bytes) for r in again] == [("already", 0)]

    fetched = coordinator.drop.fetch()
    assert [(f.name, f.outcome) for f in fetched] == [(f"{first}.amanat", "imported")]
    assert len(coordinator.testimonies.list()) == 1
    assert _on_drop(server) == ["done"]
    assert coordinator.drop.fetch() == []  # nothing new
    # already in done/: the volunteer's next send of it is still a no-op
    with volunteer.vault.transaction() as conn:
        conn.execute("UPDATE outbox SET state = 'pending'")
    assert [r.outcome for r in volunteer.drop.send()] == ["already"]

    # a changed bundle on the drop is refused with a reason file and never imported
    second = _export(volunteer, coordinator, tmp_path / "out", "Nur Test")
    volunteer.drop.send()
    if kind == "sftp":
        path = server.drop / f"{second}.amanat"
        tampered_copy(path, path)
    else:
        piece = server.drop / f"{second}.amanat" / "000000"
        tampered_copy(piece, piece)
    refused = coordinator.drop.fetch()
    assert [(f.name, f.outcome) for f in refused] == [(f"{second}.amanat", "refused")]
    assert len(coordinator.testimonies.list()) == 1
    reason = (server.drop / "refused" / f"{second}.amanat.reason.txt").read_text()
    assert reason.strip() and "Erkin" not in reason
    assert not list((Path(coordinator.vault.path) / "incoming").iterdir())


def test_fetch_interrupted_then_repeated(
    setup: tuple[str, Any, AmanatCore, AmanatCore],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, _, volunteer, coordinator = setup
    monkeypatch.setattr(sftp, "BLOCK", 1024)  # small blocks: a small bundle has a middle
    monkeypatch.setattr(webdav, "SEND_BLOCK", 1024)
    for n in range(3):  # bigger bundles: attachments are not needed, several records are
        finalized(volunteer.vault, victim_testimony({"latin": f"Test Name {n}"}, publish=True))
    bundle = volunteer.export_bundle([own_card(coordinator.vault).fingerprint], tmp_path)
    volunteer.drop.send()
    seen: list[int] = []

    def stop_halfway(name: str, done: int, total: int) -> None:
        seen.append(done)
        if done >= total // 2 and done < total:
            raise Cancelled()

    with pytest.raises(Cancelled):
        coordinator.drop.fetch(stop_halfway)
    part = Path(coordinator.vault.path) / "incoming" / f"{bundle.bundle_id}.amanat.part"
    kept = part.stat().st_size
    assert 0 < kept < bundle.size
    starts: list[int] = []
    result = coordinator.drop.fetch(lambda name, done, total: starts.append(done))
    assert starts[0] >= kept  # resumed: what was downloaded is not fetched again
    assert [f.outcome for f in result] == ["imported"]
    assert len(coordinator.testimonies.list()) == 3
    assert coordinator.drop.fetch() == []


def test_description_must_come_from_a_verified_coordinator(
    ssh: SshServer, make_vault: VaultFactory
) -> None:
    volunteer, coordinator = _pair(make_vault)
    stranger = AmanatCore(make_vault("Stranger", "coordinator"))
    stranger.drop.set(ssh.url(), host_key=ssh.host_key, identity=ssh.client_key)
    with pytest.raises(InvalidDrop, match="verified"):
        volunteer.drop.import_description(
            stranger.drop.export_description(), identity=ssh.client_key
        )
    coordinator.drop.set(ssh.url(), host_key=ssh.host_key, identity=ssh.client_key)
    data = coordinator.drop.export_description()
    changed = json.loads(data)
    changed["url"] = "sftp://evil@127.0.0.2:22/drop"
    forged = json.dumps(changed, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    with pytest.raises(InvalidDrop, match="damaged or was changed"):
        volunteer.drop.import_description(forged, identity=ssh.client_key)
    assert volunteer.drop.current() is None
    with pytest.raises(InvalidDrop, match="only a coordinator"):
        volunteer.drop.set(ssh.url(), host_key=ssh.host_key, identity=ssh.client_key)
    CardRegistry(volunteer.vault).revoke(own_card(coordinator.vault).fingerprint)
    with pytest.raises(InvalidDrop, match="verified"):
        volunteer.drop.import_description(data, identity=ssh.client_key)


def test_credentials_stay_inside_the_vault(setup: tuple[str, Any, AmanatCore, AmanatCore]) -> None:
    kind, server, volunteer, _ = setup
    secret = (server.client_key.splitlines()[1] if kind == "sftp" else server.password).encode()
    assert volunteer.vault.get_setting("drop.identity" if kind == "sftp" else "drop.password")
    for file in Path(volunteer.vault.path).rglob("*"):
        if file.is_file():
            assert secret not in file.read_bytes(), file
    assert outbox.entries(volunteer.vault) == []


def test_fetch_takes_the_oldest_upload_first(
    setup: tuple[str, Any, AmanatCore, AmanatCore], tmp_path: Path
) -> None:
    _, server, volunteer, coordinator = setup
    first = _export(volunteer, coordinator, tmp_path / "out", "Erkin Test")
    second = _export(volunteer, coordinator, tmp_path / "out", "Nur Test")
    volunteer.drop.send()
    # the server's times, not the random names, give the order: make them disagree
    early, late = sorted((first, second), reverse=True)
    os.utime(server.drop / f"{early}.amanat", (1_700_000_000, 1_700_000_000))
    os.utime(server.drop / f"{late}.amanat", (1_700_000_100, 1_700_000_100))
    fetched = coordinator.drop.fetch()
    assert [f.name for f in fetched] == [f"{early}.amanat", f"{late}.amanat"]
    assert all(f.outcome == "imported" for f in fetched)


def test_no_room_for_a_bundle_leaves_it_on_the_drop(
    ssh: SshServer, make_vault: VaultFactory, tmp_path: Path
) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (as in CI)")
    volunteer, coordinator = _pair(make_vault)
    _set_drop("sftp", ssh, coordinator, volunteer)
    finalized(volunteer.vault, victim_testimony({"latin": "Erkin Test"}, publish=False))
    bundle = volunteer.export_bundle([own_card(coordinator.vault).fingerprint], tmp_path)
    volunteer.drop.send()
    incoming = Path(coordinator.vault.path) / "incoming"
    incoming.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(incoming)], check=True)
    try:
        [waiting] = coordinator.drop.fetch()
    finally:
        subprocess.run(["umount", str(incoming)], check=True)
    assert waiting.outcome == "waiting" and isinstance(waiting.error, StorageFull)
    assert (ssh.drop / f"{bundle.bundle_id}.amanat").is_file()  # still there, not refused
    assert [f.outcome for f in coordinator.drop.fetch()] == ["imported"]  # room again: fetched
