"""A hostile drop or a holder of its shared login against the coordinator's fetch (findings of
the drop security review): what is written on the drop, oversized downloads, temporary
failures, files planted under a name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from intake.bundles import quarantine
from intake.cards.registry import CardRegistry, own_card
from intake.cards.statements import KeyStatements
from intake.core.app import AmanatCore
from intake.transport import fetch
from intake.transport.base import Entry
from intake.transport.connect import open_drop
from intake.transport.errors import OversizedDownload
from intake.vault import Vault
from tests.intake.coordinator_fixtures import finalized, victim_testimony
from tests.intake.transport.servers import DavServer, SshServer

VaultFactory = Callable[..., Vault]


class FakeDrop:
    """An in-memory drop; ``extra`` bytes are sent beyond each file (a lying server)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.sub: dict[str, dict[str, bytes]] = {"done": {}, "refused": {}}
        self.extra = 0

    def list(self, folder: str = "") -> list[Entry]:
        return [Entry(n, len(d), 0.0) for n, d in sorted(self.files.items())]

    def download(self, name: str, sink: BinaryIO, offset: int, progress: Any) -> int:
        data = self.files[name][offset:] + b"\0" * self.extra
        for start in range(0, len(data), 65536):
            sink.write(data[start : start + 65536])
        progress(len(data))
        return len(data)

    def move(self, name: str, folder: str) -> None:
        self.sub[folder][name] = self.files.pop(name)

    def put_small(self, name: str, folder: str, data: bytes) -> None:
        self.sub[folder][name] = data

    def close(self) -> None:
        pass


def _fetch(coordinator: AmanatCore, drop: FakeDrop) -> list[fetch.Fetched]:
    return fetch.fetch(coordinator.vault, None, connect=lambda s: drop)  # type: ignore[arg-type,return-value]


def _pair(make_vault: VaultFactory) -> tuple[AmanatCore, AmanatCore]:
    coordinator = make_vault("Coordinator", "coordinator", folder="coord")
    volunteer = make_vault("Aigul Test", "volunteer", folder="vol")
    CardRegistry(volunteer).add(own_card(coordinator), verified=True)
    CardRegistry(coordinator).add(own_card(volunteer), verified=True)
    return AmanatCore(volunteer), AmanatCore(coordinator)


def _export(volunteer: AmanatCore, coordinator: AmanatCore, folder: Path) -> Path:
    finalized(volunteer.vault, victim_testimony({"latin": "Ablet"}, publish=False))
    folder.mkdir(exist_ok=True)
    result = volunteer.export_bundle([own_card(coordinator.vault).fingerprint], folder)
    return Path(result.path)


def _testimonies(vault: Vault) -> int:
    return int(vault.conn.execute("SELECT count(*) FROM testimonies").fetchone()[0])


def test_the_reason_on_the_drop_never_names_the_sender(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    volunteer, coordinator = _pair(make_vault)
    path = _export(volunteer, coordinator, tmp_path / "out")
    fingerprint = own_card(volunteer.vault).fingerprint
    KeyStatements(coordinator.vault).revoke(fingerprint, "2000-01-01T00:00:00Z")
    drop = FakeDrop()
    drop.files["b1.amanat"] = path.read_bytes()
    [result] = _fetch(coordinator, drop)
    assert result.outcome == "refused"
    assert drop.sub["refused"]["b1.amanat.reason.txt"] == b"refused: sender\n"
    # the detailed reason stays in the vault
    [local] = coordinator.vault.conn.execute("SELECT reason FROM drop_fetched").fetchone()
    assert fingerprint in local


def test_a_damaged_bundle_gets_only_a_generic_code(make_vault: VaultFactory) -> None:
    _, coordinator = _pair(make_vault)
    drop = FakeDrop()
    drop.files["b1.amanat"] = b"not a bundle at all"
    [result] = _fetch(coordinator, drop)
    assert result.outcome == "refused"
    assert drop.sub["refused"]["b1.amanat.reason.txt"] == b"refused: damaged\n"


def test_a_server_sending_more_than_listed_is_stopped(make_vault: VaultFactory) -> None:
    _, coordinator = _pair(make_vault)
    drop = FakeDrop()
    drop.files["b1.amanat"] = b"x" * 1000
    drop.extra = 8 * 1024 * 1024
    with pytest.raises(OversizedDownload) as caught:
        _fetch(coordinator, drop)
    assert caught.value.retry
    incoming = Path(coordinator.vault.path) / "incoming"
    assert list(incoming.iterdir()) == []  # the oversized .part is gone
    assert "b1.amanat" in drop.files  # left on the drop


@pytest.mark.parametrize("kind", ["sftp", "webdav"])
def test_a_real_drop_sending_more_than_listed_is_stopped(
    kind: str, request: pytest.FixtureRequest, make_vault: VaultFactory
) -> None:
    _, coordinator = _pair(make_vault)
    server: SshServer | DavServer = request.getfixturevalue("ssh" if kind == "sftp" else "dav")
    if kind == "sftp":
        coordinator.drop.set(server.url(), host_key=server.host_key, identity=server.client_key)  # type: ignore[union-attr]
    else:
        coordinator.drop.set(server.url(), cert_sha256=server.cert_sha256, password=server.password)  # type: ignore[union-attr]
    from intake.transport import description

    drop = open_drop(description.settings(coordinator.vault))
    try:
        if kind == "sftp":
            (server.drop / "b1.amanat").write_bytes(b"x" * 300_000)
        else:
            (server.drop / "b1.amanat").mkdir()
            (server.drop / "b1.amanat" / "000000").write_bytes(b"x" * 300_000)
            real_pieces = drop._pieces  # type: ignore[attr-defined]
            drop._pieces = lambda name: [1000]  # type: ignore[attr-defined]  # listed smaller
        with pytest.raises(OversizedDownload):
            fetch.fetch_one(coordinator.vault, drop, "b1.amanat", 1000)
        if kind == "webdav":
            drop._pieces = real_pieces  # type: ignore[attr-defined]
    finally:
        drop.close()
    part = Path(coordinator.vault.path) / "incoming" / "b1.amanat.part"
    assert not part.exists()


def test_garbage_planted_under_a_name_does_not_hide_the_real_bundle(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    volunteer, coordinator = _pair(make_vault)
    path = _export(volunteer, coordinator, tmp_path / "out")
    drop = FakeDrop()
    drop.files[path.name] = b"garbage planted by another holder of the drop password"
    [first] = _fetch(coordinator, drop)
    assert first.outcome == "refused"
    drop.files[path.name] = path.read_bytes()  # the genuine upload arrives under that name
    [second] = _fetch(coordinator, drop)
    assert second.outcome == "imported"
    assert _testimonies(coordinator.vault) == 1


def test_the_same_file_fetched_again_is_only_moved(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    volunteer, coordinator = _pair(make_vault)
    path = _export(volunteer, coordinator, tmp_path / "out")
    drop = FakeDrop()
    drop.files["b1.amanat"] = path.read_bytes()
    assert [f.outcome for f in _fetch(coordinator, drop)] == ["imported"]
    drop.files["b1.amanat"] = drop.sub["done"].pop("b1.amanat")  # a crash before the move
    assert [f.outcome for f in _fetch(coordinator, drop)] == ["known"]
    assert "b1.amanat" in drop.sub["done"]


def test_a_full_quarantine_leaves_the_bundle_on_the_drop(
    make_vault: VaultFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator = AmanatCore(make_vault("Coordinator", "coordinator", folder="coord"))
    volunteers = []
    for i in range(2):
        vault = make_vault(f"Vol {i}", "volunteer", folder=f"vol{i}")
        CardRegistry(vault).add(own_card(coordinator.vault), verified=True)  # not enrolled at C
        volunteers.append(AmanatCore(vault))
    junk = _export(volunteers[0], coordinator, tmp_path / "o0")
    real = _export(volunteers[1], coordinator, tmp_path / "o1")
    monkeypatch.setattr(quarantine, "MAX_TOTAL", junk.stat().st_size + 10)
    drop = FakeDrop()
    drop.files["a-junk.amanat"] = junk.read_bytes()  # filler from a throwaway key
    drop.files["b-real.amanat"] = real.read_bytes()  # a new volunteer's genuine bundle
    first = _fetch(coordinator, drop)
    assert [(f.name, f.outcome) for f in first] == [
        ("a-junk.amanat", "quarantined"),
        ("b-real.amanat", "waiting"),
    ]
    assert "b-real.amanat" in drop.files and not drop.sub["refused"]
    coordinator.vault.conn.execute("DELETE FROM quarantine_chunks")
    coordinator.vault.conn.execute("DELETE FROM quarantine")
    [second] = _fetch(coordinator, drop)
    assert (second.name, second.outcome) == ("b-real.amanat", "quarantined")
