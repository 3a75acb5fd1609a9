"""The SFTP transport: an OpenSSH server, reached with paramiko.

The server's host key is pinned: its SHA256 fingerprint (the form ``ssh-keygen -lf`` prints)
must equal the one in the drop description, compared in constant time *before* any credential
is sent; there is no trust on first use. Login is by key or by password, both kept in the
vault. Uploads resume byte-exactly: the size of ``NAME.part`` on the server is what arrived.
OpenSSH's SFTP server offers no hash of a remote file, so ``commit`` checks the size only; the
coordinator's import checks every byte anyway (signature and hashes, docs/bundle-format.md).
"""

from __future__ import annotations

import base64
import errno
import hashlib
import hmac
import io
import posixpath
import socket
import stat
from typing import BinaryIO

import paramiko

from intake.transport.base import (
    CONNECT_TIMEOUT,
    IO_TIMEOUT,
    NAME_SHAPE,
    PART,
    DropSettings,
    Entry,
    Progress,
)
from intake.transport.errors import (
    AuthenticationFailed,
    ConnectionLost,
    CopyMismatch,
    DropFolderMissing,
    DropFull,
    DropRefused,
    DropUnreachable,
    HostKeyMismatch,
    InvalidDrop,
    TransportError,
)

WINDOW = 16 * 1024 * 1024  # SSH flow-control window: over Tor (~1 s round trips) 2 MiB is slow
BLOCK = 256 * 1024  # bytes per read from the source; paramiko splits writes into 32 KiB packets
# paramiko's pipelined writes read the server's replies (e.g. "disk full") only when more than
# 100 are outstanding, so every CHECK_EVERY bytes, and for the last block, one block is written
# unpipelined: paramiko then reads every outstanding reply and raises the first error.
CHECK_EVERY = 8 * 1024 * 1024
KEY_TYPES: tuple[type[paramiko.PKey], ...] = (
    paramiko.Ed25519Key,
    paramiko.ECDSAKey,
    paramiko.RSAKey,
)


def host_key_fingerprint(key: paramiko.PKey) -> str:
    """``SHA256:`` and the unpadded base64 of the key blob's SHA-256, as OpenSSH prints it."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def load_private_key(text: str) -> paramiko.PKey:
    """A private key from its OpenSSH/PEM text (unencrypted: the vault protects it)."""
    for kind in KEY_TYPES:
        try:
            return kind.from_private_key(io.StringIO(text))
        except (paramiko.SSHException, ValueError):
            continue
    from intake.i18n import tr

    raise InvalidDrop(reason=tr("the key file is not an unencrypted OpenSSH private key"))


def _is_full(exc: OSError) -> bool:
    # OpenSSH's sftp-server reports ENOSPC and EDQUOT as the generic SSH_FX_FAILURE ("Failure")
    return exc.errno in (errno.ENOSPC, errno.EDQUOT) or (
        exc.errno is None and "Failure" in str(exc)
    )


class SftpDrop:
    """An open SFTP session on the drop folder (implements intake.transport.base.Drop)."""

    def __init__(self, transport: paramiko.Transport, sftp: paramiko.SFTPClient, folder: str):
        self._transport = transport
        self._sftp = sftp
        self._folder = folder

    @classmethod
    def connect(cls, settings: DropSettings) -> SftpDrop:
        if not settings.host_key:
            from intake.i18n import tr

            raise InvalidDrop(reason=tr("an SFTP drop needs the server's host key fingerprint"))
        sock = _open_socket(settings)
        transport = paramiko.Transport(sock, default_window_size=WINDOW)
        try:
            try:
                transport.start_client(timeout=CONNECT_TIMEOUT)
            except (paramiko.SSHException, OSError, EOFError):
                raise DropUnreachable(host=settings.host) from None
            actual = host_key_fingerprint(transport.get_remote_server_key())
            if not hmac.compare_digest(actual.encode(), settings.host_key.encode()):
                raise HostKeyMismatch(expected=settings.host_key, actual=actual)
            _authenticate(transport, settings)
            try:
                sftp = paramiko.SFTPClient.from_transport(transport)
            except (paramiko.SSHException, OSError, EOFError):
                raise DropUnreachable(host=settings.host) from None
            if sftp is None:
                raise DropUnreachable(host=settings.host)
            sftp.get_channel().settimeout(IO_TIMEOUT)  # type: ignore[union-attr]
            drop = cls(transport, sftp, settings.folder)
            try:
                if not stat.S_ISDIR(sftp.stat(settings.folder).st_mode or 0):
                    raise DropFolderMissing(folder=settings.folder)
            except OSError:
                raise DropFolderMissing(folder=settings.folder) from None
        except BaseException:
            transport.close()
            raise
        return drop

    def _path(self, name: str, folder: str = "") -> str:
        return (
            posixpath.join(self._folder, folder, name)
            if folder
            else posixpath.join(self._folder, name)
        )

    def list(self, folder: str = "") -> list[Entry]:
        path = posixpath.join(self._folder, folder) if folder else self._folder
        try:
            attrs = self._sftp.listdir_attr(path)
        except FileNotFoundError:
            return []
        except (OSError, paramiko.SSHException, EOFError) as exc:
            raise _lost(exc) from None
        return sorted(
            (
                Entry(a.filename, a.st_size or 0, float(a.st_mtime or 0))
                for a in attrs
                if stat.S_ISREG(a.st_mode or 0)
                and NAME_SHAPE.fullmatch(a.filename)
                and not a.filename.endswith(PART)
            ),
            key=lambda e: (e.modified, e.name),
        )

    def _stat_size(self, path: str) -> int | None:
        try:
            return self._sftp.stat(path).st_size or 0
        except FileNotFoundError:
            return None
        except (OSError, paramiko.SSHException, EOFError) as exc:
            raise _lost(exc) from None

    def size(self, name: str, folder: str = "") -> int | None:
        return self._stat_size(self._path(name, folder))

    def part_size(self, name: str) -> int:
        return self._stat_size(self._path(name + PART)) or 0

    def upload(
        self, name: str, source: BinaryIO, offset: int, total: int, progress: Progress
    ) -> int:
        sent = 0
        try:
            with self._sftp.open(self._path(name + PART), "r+" if offset else "w") as remote:
                remote.set_pipelined(True)
                remote.seek(offset)
                checked = 0
                while offset + sent < total:
                    block = source.read(min(BLOCK, total - offset - sent))
                    if not block:
                        break
                    sync = sent + len(block) - checked >= CHECK_EVERY
                    if sync or offset + sent + len(block) >= total:
                        remote.set_pipelined(False)
                        remote.write(block)
                        remote.set_pipelined(True)
                        checked = sent + len(block)
                    else:
                        remote.write(block)
                    sent += len(block)
                    progress(sent)
            if (self._stat_size(self._path(name + PART)) or 0) < offset + sent:
                raise DropFull()  # a reply was lost: the server's size is the truth
        except TransportError:
            raise
        except OSError as exc:
            if _is_full(exc):
                raise DropFull() from None
            raise _lost(exc) from None
        except (paramiko.SSHException, EOFError) as exc:
            raise _lost(exc) from None
        return sent

    def commit(self, name: str, total: int, sha256: str) -> bool:
        part = self._path(name + PART)
        try:
            if self._stat_size(part) != total:
                self._sftp.remove(part)
                raise CopyMismatch(name=name)
            self._sftp.posix_rename(part, self._path(name))
        except TransportError:
            raise
        except (OSError, paramiko.SSHException, EOFError) as exc:
            raise _lost(exc) from None
        return False  # OpenSSH cannot hash a remote file: the size was checked

    def download(self, name: str, sink: BinaryIO, offset: int, progress: Progress) -> int:
        got = 0
        try:
            with self._sftp.open(self._path(name), "r") as remote:
                remote.seek(offset)
                remote.prefetch()
                while True:
                    block = remote.read(BLOCK)
                    if not block:
                        break
                    sink.write(block)
                    got += len(block)
                    progress(got)
        except TransportError:
            raise
        except (OSError, paramiko.SSHException, EOFError) as exc:
            raise _lost(exc) from None
        return got

    def _ensure_folder(self, folder: str) -> None:
        path = posixpath.join(self._folder, folder)
        try:
            self._sftp.stat(path)
        except FileNotFoundError:
            self._sftp.mkdir(path, 0o700)

    def move(self, name: str, folder: str) -> None:
        try:
            self._ensure_folder(folder)
            self._sftp.posix_rename(self._path(name), self._path(name, folder))
        except (OSError, paramiko.SSHException, EOFError) as exc:
            raise _lost(exc) from None

    def put_small(self, name: str, folder: str, data: bytes) -> None:
        try:
            self._ensure_folder(folder)
            with self._sftp.open(self._path(name, folder), "w") as remote:
                remote.write(data)
        except (OSError, paramiko.SSHException, EOFError) as exc:
            raise _lost(exc) from None

    def close(self) -> None:
        """Best effort: closing a connection the network already cut must not hide why."""
        try:
            self._sftp.close()
        except (OSError, paramiko.SSHException, EOFError):
            pass  # the channel is gone; the transport below is closed anyway
        finally:
            self._transport.close()


def _open_socket(settings: DropSettings) -> socket.socket:
    if settings.proxy is not None:
        from intake.transport.socks import connect_via

        return connect_via(settings.proxy, settings.host, settings.port)
    try:
        return socket.create_connection((settings.host, settings.port), timeout=CONNECT_TIMEOUT)
    except OSError:
        raise DropUnreachable(host=settings.host) from None


def _authenticate(transport: paramiko.Transport, settings: DropSettings) -> None:
    try:
        if settings.identity:
            transport.auth_publickey(settings.username, load_private_key(settings.identity))
        elif settings.password is not None:
            transport.auth_password(settings.username, settings.password)
        else:
            raise AuthenticationFailed()
    except paramiko.AuthenticationException:
        raise AuthenticationFailed() from None
    except (paramiko.SSHException, OSError, EOFError) as exc:
        raise _lost(exc) from None
    if not transport.is_authenticated():
        raise AuthenticationFailed()


def _lost(exc: BaseException) -> TransportError:
    if isinstance(exc, PermissionError):
        return DropRefused(detail="permission denied")
    return ConnectionLost()
