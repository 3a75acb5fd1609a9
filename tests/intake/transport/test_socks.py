"""Both transports through a SOCKS5 proxy (as through Tor): the host name goes to the proxy,
which connects; nothing connects to the drop directly."""

from __future__ import annotations

import hashlib
import io
import os
from typing import Any

from intake.transport.base import DropSettings, Proxy, parse_proxy
from intake.transport.connect import open_drop
from tests.intake.transport.servers import DavServer, SshServer, socks5_proxy

NAME = "drop.test"  # a name only the proxy can resolve: a direct connection would fail


def _send(settings: DropSettings, data: bytes) -> None:
    drop = open_drop(settings)
    try:
        drop.upload("b.amanat", io.BytesIO(data), 0, len(data), lambda n: None)
        drop.commit("b.amanat", len(data), hashlib.sha256(data).hexdigest())
    finally:
        drop.close()


def _settings(kind: str, server: Any, proxy: Proxy) -> DropSettings:
    if kind == "sftp":
        return DropSettings(
            "sftp",
            NAME,
            server.port,
            server.user,
            str(server.drop),
            host_key=server.host_key,
            identity=server.client_key,
            proxy=proxy,
        )
    return DropSettings(
        "https",
        NAME,
        server.port,
        server.user,
        "/drop",
        cert_sha256=server.cert_sha256,
        password=server.password,
        proxy=proxy,
    )


def test_sftp_through_socks5(ssh: SshServer) -> None:
    data = os.urandom(100_000)
    with socks5_proxy() as proxy:
        _send(_settings("sftp", ssh, parse_proxy(f"socks5://127.0.0.1:{proxy.port}")), data)
        assert proxy.requests and all(r == (3, NAME, ssh.port) for r in proxy.requests)
    assert (ssh.drop / "b.amanat").read_bytes() == data


def test_webdav_through_socks5(dav: DavServer) -> None:
    data = os.urandom(100_000)
    with socks5_proxy() as proxy:
        _send(_settings("https", dav, parse_proxy(f"socks5h://127.0.0.1:{proxy.port}")), data)
        assert proxy.requests and all(r == (3, NAME, dav.port) for r in proxy.requests)
    assert b"".join(p.read_bytes() for p in sorted((dav.drop / "b.amanat").iterdir())) == data
