"""A minimal SOCKS5 client (RFC 1928, no authentication, CONNECT only) for the SFTP transport.

Tor's SOCKS port is the case it is written for: the host *name* is sent to the proxy (address
type 3), so the name is resolved at the proxy's end and no DNS request leaves the machine.
httpx brings its own SOCKS5 support for the WebDAV transport.
"""

from __future__ import annotations

import socket
import struct

from intake.transport.base import CONNECT_TIMEOUT, Proxy
from intake.transport.errors import DropUnreachable

VERSION = 5
NO_AUTH = 0
CONNECT = 1
DOMAIN = 3
REPLY_ADDRESS_SIZES = {1: 4, 3: -1, 4: 16}  # IPv4, domain (length byte first), IPv6


def _read_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("the proxy closed the connection")
        data += chunk
    return data


def connect_via(
    proxy: Proxy, host: str, port: int, timeout: float = CONNECT_TIMEOUT
) -> socket.socket:
    """A TCP socket to ``host:port`` through ``proxy``; raises DropUnreachable."""
    encoded = host.encode("idna")
    if len(encoded) > 255:
        raise DropUnreachable(host=host)
    try:
        sock = socket.create_connection((proxy.host, proxy.port), timeout=timeout)
    except OSError:
        raise DropUnreachable(host=f"{proxy.host}:{proxy.port}") from None
    try:
        sock.sendall(bytes([VERSION, 1, NO_AUTH]))
        if _read_exact(sock, 2) != bytes([VERSION, NO_AUTH]):
            raise ConnectionError("the proxy wants authentication")
        sock.sendall(
            bytes([VERSION, CONNECT, 0, DOMAIN, len(encoded)]) + encoded + struct.pack(">H", port)
        )
        version, reply, _, atyp = _read_exact(sock, 4)
        if version != VERSION or reply != 0 or atyp not in REPLY_ADDRESS_SIZES:
            raise ConnectionError("the proxy could not connect")
        size = REPLY_ADDRESS_SIZES[atyp]
        if size < 0:
            size = _read_exact(sock, 1)[0]
        _read_exact(sock, size + 2)  # bound address and port: not needed
    except (OSError, ValueError):
        sock.close()
        raise DropUnreachable(host=host) from None
    return sock
