"""Real servers on 127.0.0.1 for the transport tests: OpenSSH's sshd, a WebDAV server over
HTTPS (wsgidav + cheroot, certificate made here), and a TCP proxy that can cut a connection.

sshd runs as root in CI: then a throw-away user with a random password owns the drop (so the
password tests run) and is deleted afterwards; as another user sshd serves that user by key
only (sshd cannot check passwords without root) and the password tests are skipped.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
TEST_USER = "amanatdrop"  # and a random suffix: each server has its own throw-away user


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"no server on port {port}")


@dataclass
class SshServer:
    port: int
    user: str
    password: str | None  # None when not root: no password login possible
    host_key: str  # SHA256:… fingerprint
    client_key: str  # private key text (OpenSSH format)
    drop: Path  # the drop folder on disk
    base: Path

    def url(self, port: int | None = None, folder: Path | None = None) -> str:
        return f"sftp://{self.user}@127.0.0.1:{port or self.port}{folder or self.drop}"


def _keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
    )


def _fingerprint(pub: Path) -> str:
    out = subprocess.run(
        ["ssh-keygen", "-l", "-E", "sha256", "-f", str(pub)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.split()[1]


@contextlib.contextmanager
def sshd_server() -> Iterator[SshServer]:
    root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="amanat-sshd-"))
    base.chmod(0o755)  # the test user must reach its home below
    _keygen(base / "host_key")
    _keygen(base / "client_key")
    home = base / "home"
    home.mkdir()
    drop = home / "drop"
    drop.mkdir()
    (base / "authorized_keys").write_text((base / "client_key.pub").read_text())
    password: str | None = None
    if root:
        user = TEST_USER + secrets.token_hex(4)
        password = secrets.token_urlsafe(16)
        subprocess.run(
            ["useradd", "--no-create-home", "-d", str(home), "-s", "/bin/sh", user], check=True
        )
        subprocess.run(["chpasswd"], input=f"{user}:{password}", text=True, check=True)
        shutil.chown(home, user)
        shutil.chown(drop, user)
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation directory
    else:
        user = pwd.getpwuid(os.geteuid()).pw_name
    port = free_port()
    config = base / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {base / 'host_key'}\n"
        f"PidFile {base / 'sshd.pid'}\nAuthorizedKeysFile {base / 'authorized_keys'}\n"
        f"AllowUsers {user}\nPasswordAuthentication {'yes' if root else 'no'}\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
        "Subsystem sftp internal-sftp\nLogLevel ERROR\nMaxStartups 50\nMaxAuthTries 3\n"
    )
    proc = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(config)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_port(port)
        yield SshServer(
            port=port,
            user=user,
            password=password,
            host_key=_fingerprint(base / "host_key.pub"),
            client_key=(base / "client_key").read_text(),
            drop=drop,
            base=base,
        )
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stderr is not None:
            proc.stderr.close()
        if root:
            subprocess.run(["pkill", "-u", user], capture_output=True, check=False)
            subprocess.run(["userdel", user], capture_output=True, check=False)
        with contextlib.suppress(OSError):
            for mount in _mounts_below(base):
                subprocess.run(["umount", mount], check=False)
        shutil.rmtree(base, ignore_errors=True)


def _mounts_below(base: Path) -> list[str]:
    lines = Path("/proc/mounts").read_text().splitlines()
    return [line.split()[1] for line in lines if line.split()[1].startswith(str(base))]


# ---- a TCP proxy that can cut ---------------------------------------------------------------


@dataclass
class CuttingProxy:
    """Forwards 127.0.0.1:port to ``target``. While ``cut_after`` is set, the first connection
    that has sent that many bytes upstream is closed abruptly (both ways) and ``cut_after``
    is cleared. ``upstream`` counts every byte forwarded client → server."""

    target: int
    cut_after: int | None = None
    port: int = 0
    upstream: int = 0
    cuts: int = 0
    cut_at: int = 0  # ``upstream`` when the cut happened
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _listener: socket.socket | None = None

    def start(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.close()

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, up: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if up:
                    with self._lock:
                        if (
                            self.cut_after is not None
                            and self.upstream + len(data) >= self.cut_after
                        ):
                            self.cut_after = None
                            self.cuts += 1
                            self.cut_at = self.upstream
                            raise ConnectionAbortedError
                        self.upstream += len(data)
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


@contextlib.contextmanager
def cutting_proxy(target: int, cut_after: int | None = None) -> Iterator[CuttingProxy]:
    proxy = CuttingProxy(target, cut_after)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


# ---- WebDAV over HTTPS ---------------------------------------------------------------------


@dataclass
class DavServer:
    port: int
    user: str
    password: str
    cert_sha256: str
    cert_pem: Path
    root: Path  # served folder on disk
    drop: Path  # the drop folder inside it
    quota: list[int]  # [bytes] the server accepts in total; mutable by tests

    def url(self, port: int | None = None, folder: str = "/drop") -> str:
        return f"https://{self.user}@127.0.0.1:{port or self.port}{folder}"


def make_certificate(folder: Path) -> tuple[Path, Path, str]:
    """A self-signed certificate for 127.0.0.1 (cert.pem, key.pem, SHA-256 of its DER)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    return cert_path, key_path, hashlib_sha256(der)


def hashlib_sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _quota_app(app: Any, root: Path, quota: list[int]) -> Any:
    """Answers a PUT that would take the folder past ``quota[0]`` bytes with 507 Insufficient
    Storage before reading its body, as Nextcloud does with a user's quota."""

    def used() -> int:
        return sum(f.stat().st_size for f in root.rglob("*") if f.is_file())

    def quota_app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] == "PUT":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if used() + length > quota[0]:
                start_response("507 Insufficient Storage", [("Content-Length", "0")])
                return [b""]
        return app(environ, start_response)

    return quota_app


@contextlib.contextmanager
def webdav_server() -> Iterator[DavServer]:
    from cheroot import wsgi
    from cheroot.ssl.builtin import BuiltinSSLAdapter
    from wsgidav.wsgidav_app import WsgiDAVApp

    base = Path(tempfile.mkdtemp(prefix="amanat-dav-"))
    root = base / "root"
    (root / "drop").mkdir(parents=True)
    cert, key, pin = make_certificate(base)
    user, password = "volunteer", secrets.token_urlsafe(16)
    port = free_port()
    config = {
        "host": "127.0.0.1",
        "port": port,
        "provider_mapping": {"/": str(root)},
        "simple_dc": {"user_mapping": {"*": {user: {"password": password}}}},
        "http_authenticator": {
            "domain_controller": None,
            "accept_basic": True,
            "accept_digest": False,
            "default_to_digest": False,
        },
        "verbose": 0,
        "logging": {"enable": False, "enable_loggers": []},
        "property_manager": True,
        "lock_storage": True,
    }
    quota = [1 << 62]
    app = _quota_app(WsgiDAVApp(config), root, quota)
    server = wsgi.Server(("127.0.0.1", port), app, numthreads=4)
    server.ssl_adapter = BuiltinSSLAdapter(str(cert), str(key))
    # port probes and refused pins are expected: no log lines for them
    server.error_log = lambda *args, **kwargs: None  # type: ignore[method-assign]
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        wait_port(port)
        yield DavServer(port, user, password, pin, cert, root, root / "drop", quota)
    finally:
        server.stop()
        thread.join(10)
        shutil.rmtree(base, ignore_errors=True)


# ---- a SOCKS5 proxy (RFC 1928, no authentication, CONNECT) ------------------------------------


@dataclass
class Socks5Proxy:
    """Records the target each CONNECT names (a host *name* means the client let the proxy
    resolve it) and connects only to 127.0.0.1, whatever the name: the test's servers."""

    port: int = 0
    requests: list[tuple[int, str, int]] = field(default_factory=list)  # (address type, host, port)
    _listener: socket.socket | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.close()

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    @staticmethod
    def _read(sock: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError
            data += chunk
        return data

    def _serve(self, client: socket.socket) -> None:
        try:
            _version, count = self._read(client, 2)
            self._read(client, count)
            client.sendall(b"\x05\x00")
            _v, _cmd, _r, atyp = self._read(client, 4)
            if atyp == 3:
                host = self._read(client, self._read(client, 1)[0]).decode()
            elif atyp == 1:
                host = socket.inet_ntoa(self._read(client, 4))
            else:
                host = socket.inet_ntop(socket.AF_INET6, self._read(client, 16))
            port = int.from_bytes(self._read(client, 2), "big")
            self.requests.append((atyp, host, port))
            server = socket.create_connection(("127.0.0.1", port))
            client.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + b"\x00\x00")
        except (OSError, ConnectionError):
            client.close()
            return
        pipe = CuttingProxy(0)
        threading.Thread(target=pipe._pipe, args=(client, server, False), daemon=True).start()
        threading.Thread(target=pipe._pipe, args=(server, client, False), daemon=True).start()


@contextlib.contextmanager
def socks5_proxy() -> Iterator[Socks5Proxy]:
    proxy = Socks5Proxy()
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()
