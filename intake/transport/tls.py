"""TLS for the WebDAV transport: the system's CA store, or one certificate pinned by SHA-256.

With a pin, the certificate is not checked against any CA (a coordinator's own server often has
a self-signed one): the SHA-256 of the server's DER certificate must equal the pin, compared in
constant time right after the TLS handshake of *every* connection, before a single byte of a
request (and so of the password) is sent. ``PinnedBackend`` wraps httpcore's network backend to
do that; it works the same through a SOCKS5 proxy. httpx's own transport takes no backend, so
``HttpcoreTransport`` is the few lines that hand an httpx request to an httpcore pool, with
httpcore's errors mapped to the drop's typed errors.
"""

from __future__ import annotations

import hashlib
import hmac
import ssl
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

from intake.transport.base import DropSettings
from intake.transport.errors import CertificateMismatch, ConnectionLost, DropUnreachable


def client_context(pinned: bool) -> ssl.SSLContext:
    """The system CA store with host name checks; or, for a pin, no CA check (the pin is)."""
    context = ssl.create_default_context()  # OpenSSL's default paths: the system store
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if pinned:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class _PinnedStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, pin: str) -> None:
        self._inner = inner
        self._pin = pin

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        tls = self._inner.start_tls(ssl_context, server_hostname, timeout)
        ssl_object = tls.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(True) if ssl_object is not None else None
        actual = hashlib.sha256(der or b"").hexdigest()
        if not der or not hmac.compare_digest(actual.encode(), self._pin.encode()):
            tls.close()
            raise CertificateMismatch(detail=f"SHA-256 {actual}")
        return tls


class PinnedBackend(httpcore.NetworkBackend):
    """httpcore's synchronous backend whose TLS streams check the certificate pin."""

    def __init__(self, pin: str) -> None:
        self._inner = httpcore.SyncBackend()
        self._pin = pin

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _PinnedStream(stream, self._pin)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _map(exc: Exception, host: str) -> Exception:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, CertificateMismatch):
            return cause
        if isinstance(cause, ssl.SSLCertVerificationError):
            return CertificateMismatch(detail=cause.verify_message or "not trusted")
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpcore.ConnectError | httpcore.ConnectTimeout | httpcore.ProxyError):
        return DropUnreachable(host=host)
    return ConnectionLost()


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes], host: str) -> None:
        self._stream = stream
        self._host = host

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._stream
        except (httpcore.NetworkError, httpcore.TimeoutException, httpcore.ProtocolError) as exc:
            raise _map(exc, self._host) from None

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class HttpcoreTransport(httpx.BaseTransport):
    """An httpx transport over an httpcore pool (direct or SOCKS5), pinned or not."""

    def __init__(self, settings: DropSettings) -> None:
        pin = settings.cert_sha256
        context = client_context(pinned=pin is not None)
        backend = PinnedBackend(pin) if pin else None
        self._host = settings.host
        self._pool: httpcore.ConnectionPool
        if settings.proxy is not None:
            self._pool = httpcore.SOCKSProxy(
                proxy_url=f"socks5://{settings.proxy.host}:{settings.proxy.port}",
                ssl_context=context,
                network_backend=backend,
                max_connections=2,
            )
        else:
            self._pool = httpcore.ConnectionPool(
                ssl_context=context, network_backend=backend, max_connections=2
            )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        req = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            resp = self._pool.handle_request(req)
        except (httpcore.NetworkError, httpcore.TimeoutException, httpcore.ProtocolError) as exc:
            raise _map(exc, self._host) from None
        except httpcore.ProxyError as exc:
            raise _map(exc, self._host) from None
        assert isinstance(resp.stream, Iterable)
        return httpx.Response(
            status_code=resp.status,
            headers=resp.headers,
            stream=_Body(resp.stream, self._host),
            extensions=resp.extensions,
        )

    def close(self) -> None:
        self._pool.close()
