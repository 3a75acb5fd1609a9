"""The drop's small interface and its connection settings.

A drop is one folder on a server the coordinator controls (docs/drop-format.md). Every
transport offers the same few operations on names inside that folder; the outbox and fetch
code use only these, so a transport never sees a vault and the use cases never see a protocol.
An upload goes to ``NAME.part`` and becomes ``NAME`` only when whole (``commit``), so the
coordinator never fetches a half-sent bundle. Progress callbacks may raise (e.g. Cancelled) to
stop a transfer; what arrived stays on the server and is resumed from next time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, Protocol
from urllib.parse import unquote, urlsplit

from intake.i18n import tr
from intake.transport.errors import InvalidDrop

PART = ".part"  # suffix of an upload that is not finished yet
DONE = "done"  # sub-folder the coordinator moves imported bundles to
REFUSED = "refused"  # sub-folder for bundles that could not be imported, with NAME.reason.txt
CONNECT_TIMEOUT = 30.0  # seconds: a Tor circuit can take this long to build
IO_TIMEOUT = 60.0  # seconds without any progress before the connection counts as lost
HOST_KEY_SHAPE = re.compile(r"SHA256:[A-Za-z0-9+/]{43}")  # OpenSSH's fingerprint, no padding
CERT_SHAPE = re.compile(r"[0-9a-f]{64}")  # SHA-256 of the DER certificate, lower-case hex
NAME_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")  # no path, no hidden file

Progress = Callable[[int], None]  # bytes moved so far in this call; may raise to stop


@dataclass(frozen=True)
class Entry:
    """One finished file in a drop folder."""

    name: str
    size: int
    modified: float = 0.0  # seconds since the epoch, as the server tells it (fetch order)


@dataclass(frozen=True)
class Proxy:
    host: str
    port: int


@dataclass(frozen=True)
class DropSettings:
    """Everything needed to connect; ``password`` and ``identity`` come from the vault only."""

    scheme: str  # "sftp" or "https"
    host: str
    port: int
    username: str
    folder: str  # absolute path on the server, no trailing slash (except "/")
    host_key: str | None = None  # SFTP: "SHA256:…" (required)
    cert_sha256: str | None = None  # HTTPS: pinned certificate; None = system CA store
    proxy: Proxy | None = None
    password: str | None = None
    identity: str | None = None  # SFTP: OpenSSH private key text

    def __repr__(self) -> str:  # never print credentials
        return f"DropSettings({self.scheme}://{self.username}@{self.host}:{self.port}{self.folder})"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.username}@{self.host}:{self.port}{self.folder}"


def parse_url(url: str) -> tuple[str, str, int, str, str]:
    """(scheme, host, port, username, folder) of ``sftp://user@host[:port]/path`` or
    ``https://user@host[:port]/path``; raises InvalidDrop."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidDrop(reason=tr("the address is not a valid URL")) from None
    scheme = parts.scheme.lower()
    if scheme not in ("sftp", "https"):
        raise InvalidDrop(reason=tr("the address must start with sftp:// or https://"))
    if not parts.hostname or not parts.username:
        raise InvalidDrop(reason=tr("the address must name a user and a host (user@host)"))
    if parts.query or parts.fragment or parts.password:
        raise InvalidDrop(reason=tr("the address must not contain a password, ? or #"))
    folder = unquote(parts.path) or "/"
    if not folder.startswith("/") or any(p in ("..", ".") for p in folder.split("/")):
        raise InvalidDrop(reason=tr("the folder must be an absolute path without . or .."))
    folder = folder.rstrip("/") or "/"
    default = 22 if scheme == "sftp" else 443
    return scheme, parts.hostname, port or default, unquote(parts.username), folder


def parse_proxy(text: str) -> Proxy:
    """``socks5://host:port`` (``socks5h`` is accepted as the same: names always resolve at the
    proxy, so no DNS request leaves the machine)."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        port = None
        parts = urlsplit("")
    if parts.scheme not in ("socks5", "socks5h") or not parts.hostname or not port:
        raise InvalidDrop(reason=tr("the proxy must look like socks5://127.0.0.1:9050"))
    return Proxy(parts.hostname, port)


def check_name(name: str) -> str:
    """A bundle or reason file name safe to use on any server (no folders, no tricks)."""
    if not NAME_SHAPE.fullmatch(name) or name.endswith(PART):
        raise InvalidDrop(reason=tr("unexpected file name on the drop"))
    return name


class Drop(Protocol):
    """An open connection to a drop folder. Names are plain file names (check_name);
    ``folder`` is "" (the drop folder itself), DONE or REFUSED."""

    def list(self, folder: str = "") -> list[Entry]:
        """Finished files in ``folder`` (no ``.part`` uploads, no sub-folders), oldest first
        (a volunteer's bundles then arrive in the order they were sent)."""

    def size(self, name: str, folder: str = "") -> int | None:
        """Size of the finished file ``name``, or None when absent."""

    def part_size(self, name: str) -> int:
        """Bytes of ``NAME.part`` the server holds for sure (0 when none)."""

    def upload(
        self, name: str, source: BinaryIO, offset: int, total: int, progress: Progress
    ) -> int:
        """Write ``source`` (positioned at ``offset``) into ``NAME.part`` from ``offset`` up to
        ``total``; returns the bytes actually sent over the network."""

    def commit(self, name: str, total: int, sha256: str) -> bool:
        """Check ``NAME.part`` (size; SHA-256 where the server can tell it) and rename it to
        ``NAME``; True when the SHA-256 was checked by the server too. A wrong copy is removed
        and CopyMismatch raised."""

    def download(self, name: str, sink: BinaryIO, offset: int, progress: Progress) -> int:
        """Append ``name`` from ``offset`` to ``sink``; returns the bytes received."""

    def move(self, name: str, folder: str) -> None:
        """Move a finished file into ``folder`` (created when missing), replacing a namesake."""

    def put_small(self, name: str, folder: str, data: bytes) -> None:
        """Write a small file (a refusal reason) into ``folder`` (created when missing)."""

    def close(self) -> None: ...
