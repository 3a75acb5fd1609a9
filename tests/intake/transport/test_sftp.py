"""The SFTP transport against a real OpenSSH sshd on 127.0.0.1 (servers.py)."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import time
from pathlib import Path

import pytest

from intake.transport.base import DropSettings, parse_url
from intake.transport.errors import (
    AuthenticationFailed,
    ConnectionLost,
    DropFolderMissing,
    DropFull,
    HostKeyMismatch,
)
from intake.transport.sftp import SftpDrop
from tests.intake.transport.servers import SshServer, cutting_proxy


def settings(
    ssh: SshServer, *, port: int | None = None, folder: Path | None = None, **kw: object
) -> DropSettings:
    scheme, host, p, user, path = parse_url(ssh.url(port, folder))
    values: dict[str, object] = {"host_key": ssh.host_key, "identity": ssh.client_key}
    values.update(kw)
    return DropSettings(scheme, host, p, user, path, **values)  # type: ignore[arg-type]


def settled_size(path: Path) -> int:
    """The file's size once the server's old session has written what it had received (a late
    write after a cut is harmless anyway: it holds the same bytes at the same place)."""
    size = -1
    while size != path.stat().st_size:
        size = path.stat().st_size
        time.sleep(0.3)
    return size


def send(drop: SftpDrop, name: str, data: bytes) -> int:
    offset = drop.part_size(name)
    sent = drop.upload(name, io.BytesIO(data[offset:]), offset, len(data), lambda n: None)
    drop.commit(name, len(data), hashlib.sha256(data).hexdigest())
    return sent


def test_upload_list_download_by_key(ssh: SshServer) -> None:
    data = os.urandom(300_000)
    drop = SftpDrop.connect(settings(ssh))
    try:
        assert send(drop, "b1.amanat", data) == len(data)
        assert (ssh.drop / "b1.amanat").read_bytes() == data
        assert not (ssh.drop / "b1.amanat.part").exists()
        (ssh.drop / "x.amanat.part").write_bytes(b"half")  # unfinished uploads are not listed
        assert [(e.name, e.size) for e in drop.list()] == [("b1.amanat", len(data))]
        sink = io.BytesIO(data[:1000])
        sink.seek(0, io.SEEK_END)
        assert drop.download("b1.amanat", sink, 1000, lambda n: None) == len(data) - 1000
        assert sink.getvalue() == data
        drop.move("b1.amanat", "done")
        assert (ssh.drop / "done" / "b1.amanat").read_bytes() == data
        assert drop.list() == [] and drop.size("b1.amanat", "done") == len(data)
    finally:
        drop.close()


def test_wrong_host_key_is_refused_before_login(ssh: SshServer) -> None:
    other = "SHA256:" + "A" * 43
    with pytest.raises(HostKeyMismatch) as caught:
        SftpDrop.connect(settings(ssh, host_key=other))
    message = caught.value.message("en")
    assert other in message and ssh.host_key in message and "Nothing was sent" in message


def test_password_login_and_wrong_password(ssh: SshServer) -> None:
    if ssh.password is None:
        pytest.skip("sshd checks passwords only when it runs as root")
    drop = SftpDrop.connect(settings(ssh, identity=None, password=ssh.password))
    drop.close()
    with pytest.raises(AuthenticationFailed):
        SftpDrop.connect(settings(ssh, identity=None, password=ssh.password + "x"))


def test_wrong_key_is_refused(ssh: SshServer, tmp_path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "k")], check=True
    )
    with pytest.raises(AuthenticationFailed):
        SftpDrop.connect(settings(ssh, identity=(tmp_path / "k").read_text()))


def test_missing_drop_folder(ssh: SshServer) -> None:
    with pytest.raises(DropFolderMissing) as caught:
        SftpDrop.connect(settings(ssh, folder=ssh.drop / "nowhere"))
    assert str(ssh.drop / "nowhere") in caught.value.message("en")


@pytest.mark.slow
def test_cut_in_the_middle_then_resumed_without_resending(ssh: SshServer) -> None:
    data = os.urandom(50 * 1024 * 1024)
    with cutting_proxy(ssh.port, cut_after=20 * 1024 * 1024) as proxy:
        drop = SftpDrop.connect(settings(ssh, port=proxy.port))
        with pytest.raises(ConnectionLost):
            drop.upload("big.amanat", io.BytesIO(data), 0, len(data), lambda n: None)
        drop.close()
        assert proxy.cuts == 1
        arrived = settled_size(ssh.drop / "big.amanat.part")
        assert 10 * 1024 * 1024 < arrived < 21 * 1024 * 1024
        before = proxy.upstream
        drop = SftpDrop.connect(settings(ssh, port=proxy.port))
        try:
            assert drop.part_size("big.amanat") == arrived
            sent = drop.upload(
                "big.amanat", io.BytesIO(data[arrived:]), arrived, len(data), lambda n: None
            )
            drop.commit("big.amanat", len(data), hashlib.sha256(data).hexdigest())
        finally:
            drop.close()
        assert sent == len(data) - arrived  # nothing that arrived was sent again
        on_the_wire = proxy.upstream - before  # SSH framing and MACs add a few per cent
        assert on_the_wire < (len(data) - arrived) * 1.05 + 100_000
    assert (
        hashlib.sha256((ssh.drop / "big.amanat").read_bytes()).digest()
        == hashlib.sha256(data).digest()
    )


def test_full_server_is_a_clear_error(ssh: SshServer) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (as in CI)")
    full = ssh.drop / "small"
    full.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0777", "tmpfs", str(full)], check=True
    )
    try:
        data = os.urandom(3 * 1024 * 1024)
        drop = SftpDrop.connect(settings(ssh, folder=full))
        try:
            with pytest.raises(DropFull) as caught:
                drop.upload("b.amanat", io.BytesIO(data), 0, len(data), lambda n: None)
            assert "full" in caught.value.message("en")
            assert drop.size("b.amanat") is None  # nothing looks finished
        finally:
            drop.close()
    finally:
        subprocess.run(["umount", str(full)], check=True)
