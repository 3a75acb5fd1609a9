"""The WebDAV transport against a real wsgidav/cheroot server over HTTPS on 127.0.0.1."""

from __future__ import annotations

import hashlib
import io
import os
from typing import Any

import pytest

from intake.transport.base import DropSettings, parse_url
from intake.transport.errors import (
    AuthenticationFailed,
    CertificateMismatch,
    ConnectionLost,
    DropFolderMissing,
    DropFull,
)
from intake.transport.webdav import WebDavDrop
from tests.intake.transport.servers import DavServer, cutting_proxy

CHUNK = 1024 * 1024  # small pieces keep the tests quick; the code is the same


def settings(
    dav: DavServer, *, port: int | None = None, folder: str = "/drop", **kw: object
) -> DropSettings:
    scheme, host, p, user, path = parse_url(dav.url(port, folder))
    values: dict[str, object] = {"cert_sha256": dav.cert_sha256, "password": dav.password}
    values.update(kw)
    return DropSettings(scheme, host, p, user, path, **values)  # type: ignore[arg-type]


def connect(dav: DavServer, **kw: Any) -> WebDavDrop:
    return WebDavDrop.connect(settings(dav, **kw), chunk=CHUNK)


def joined(dav: DavServer, name: str) -> bytes:
    folder = dav.drop / name
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()))


def test_upload_list_download(dav: DavServer) -> None:
    data = os.urandom(2 * CHUNK + 12345)
    drop = connect(dav)
    try:
        assert drop.upload("b1.amanat", io.BytesIO(data), 0, len(data), lambda n: None) == len(data)
        drop.commit("b1.amanat", len(data), hashlib.sha256(data).hexdigest())
        assert joined(dav, "b1.amanat") == data
        assert not (dav.drop / "b1.amanat.part").exists()
        assert [(e.name, e.size) for e in drop.list()] == [("b1.amanat", len(data))]
        sink = io.BytesIO(data[: CHUNK + 10])
        sink.seek(0, io.SEEK_END)
        assert drop.download("b1.amanat", sink, CHUNK + 10, lambda n: None) == len(data) - (
            CHUNK + 10
        )
        assert sink.getvalue() == data
        drop.move("b1.amanat", "done")
        assert drop.list() == [] and drop.size("b1.amanat", "done") == len(data)
        drop.put_small("x.reason.txt", "refused", b"why")
        assert (dav.drop / "refused" / "x.reason.txt").read_bytes() == b"why"
    finally:
        drop.close()


def test_wrong_certificate_pin_is_refused_before_the_password_is_sent(dav: DavServer) -> None:
    with cutting_proxy(dav.port) as proxy, pytest.raises(CertificateMismatch) as caught:
        connect(dav, port=proxy.port, cert_sha256="0" * 64)
    assert dav.cert_sha256 in caught.value.message("en")
    assert proxy.upstream < 2000  # the TLS hello only: no request went out


def test_self_signed_certificate_is_refused_without_a_pin(dav: DavServer) -> None:
    with pytest.raises(CertificateMismatch) as caught:
        connect(dav, cert_sha256=None)
    assert "self-signed" in caught.value.message("en") or "certificate" in caught.value.message(
        "en"
    )


def test_wrong_password(dav: DavServer) -> None:
    with pytest.raises(AuthenticationFailed):
        connect(dav, password="wrong")


def test_missing_folder(dav: DavServer) -> None:
    with pytest.raises(DropFolderMissing):
        connect(dav, folder="/nowhere")


def test_quota_exceeded_is_drop_full(dav: DavServer) -> None:
    dav.quota[0] = CHUNK + 100
    data = os.urandom(3 * CHUNK)
    drop = connect(dav)
    try:
        with pytest.raises(DropFull):
            drop.upload("b.amanat", io.BytesIO(data), 0, len(data), lambda n: None)
        assert drop.part_size("b.amanat") == CHUNK  # the first piece stays
        dav.quota[0] = 1 << 40  # room made: the rest goes
        sent = drop.upload("b.amanat", io.BytesIO(data[CHUNK:]), CHUNK, len(data), lambda n: None)
        assert sent == 2 * CHUNK
        drop.commit("b.amanat", len(data), "")
    finally:
        drop.close()
    assert joined(dav, "b.amanat") == data


@pytest.mark.slow
def test_cut_in_the_middle_then_resumed(dav: DavServer) -> None:
    data = os.urandom(50 * 1024 * 1024)
    with cutting_proxy(dav.port, cut_after=20 * 1024 * 1024 + 5000) as proxy:
        drop = connect(dav, port=proxy.port)
        with pytest.raises(ConnectionLost):
            drop.upload("big.amanat", io.BytesIO(data), 0, len(data), lambda n: None)
        drop.close()
        assert proxy.cuts == 1
        cut_at = proxy.upstream
        drop = connect(dav, port=proxy.port)
        try:
            arrived = drop.part_size("big.amanat")
            # every whole piece before the cut counts: at most the piece in flight is lost
            assert arrived % CHUNK == 0 and cut_at - arrived < CHUNK + 100_000
            before = proxy.upstream
            sent = drop.upload(
                "big.amanat", io.BytesIO(data[arrived:]), arrived, len(data), lambda n: None
            )
            drop.commit("big.amanat", len(data), "")
        finally:
            drop.close()
        assert sent == len(data) - arrived
        assert proxy.upstream - before < (len(data) - arrived) * 1.02 + 200_000
    assert hashlib.sha256(joined(dav, "big.amanat")).digest() == hashlib.sha256(data).digest()
