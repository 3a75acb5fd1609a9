"""Drop transfer benchmark: Amanat's SFTP and WebDAV transports against scp and curl.

    .venv/bin/python -m bench.transport [--size-mb 1024]

Starts the test servers on 127.0.0.1 (tests/intake/transport/servers.py: OpenSSH's sshd with
a throw-away host key, wsgidav over HTTPS with a self-signed certificate), writes one file of
random bytes (a bundle is ciphertext: random to any observer), then times, each in a fresh
child process so that its peak memory is its own:

- upload and fetch with ``SftpDrop`` (paramiko) and with OpenSSH's ``scp``;
- upload and fetch with ``WebDavDrop`` (httpx, 8 MiB pieces) and with ``curl`` (one PUT, one GET).

It prints MB/s, the ratio Amanat / reference tool, and the peak RSS of Amanat's child
(``ru_maxrss``). Both sides share the same loopback, disk and server, so the ratio is what the
client costs. As root, sshd logs in a throw-away user (see servers.py). Results:
docs/performance.md, "Drop transfers".
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from intake.transport.base import DropSettings, parse_url
from intake.transport.sftp import SftpDrop
from intake.transport.webdav import WebDavDrop
from tests.intake.transport.servers import DavServer, SshServer, sshd_server, webdav_server

BLOCK = 1024 * 1024


def _child(target: Callable[[], None], queue: multiprocessing.Queue[tuple[float, int]]) -> None:
    start = time.perf_counter()
    target()
    seconds = time.perf_counter() - start
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def in_child(target: Callable[[], None]) -> tuple[float, int]:
    """(seconds, peak RSS in KiB) of ``target`` run in a forked child."""
    ctx = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[tuple[float, int]] = ctx.Queue()
    process = ctx.Process(target=_child, args=(target, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def write_random(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as f:
        left = size
        while left:
            block = os.urandom(min(BLOCK, left))
            f.write(block)
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def sftp_settings(ssh: SshServer) -> DropSettings:
    scheme, host, port, user, folder = parse_url(ssh.url())
    return DropSettings(
        scheme, host, port, user, folder, host_key=ssh.host_key, identity=ssh.client_key
    )


def dav_settings(dav: DavServer) -> DropSettings:
    scheme, host, port, user, folder = parse_url(dav.url())
    return DropSettings(
        scheme, host, port, user, folder, cert_sha256=dav.cert_sha256, password=dav.password
    )


def upload(connect: Callable[[], SftpDrop | WebDavDrop], source: Path, sha256: str) -> None:
    drop = connect()
    size = source.stat().st_size
    with source.open("rb") as f:
        drop.upload("bench.amanat", f, 0, size, lambda n: None)
    drop.commit("bench.amanat", size, sha256)
    drop.close()


def download(connect: Callable[[], SftpDrop | WebDavDrop], target: Path) -> None:
    drop = connect()
    with target.open("wb") as f:
        drop.download("bench.amanat", f, 0, lambda n: None)
    drop.close()


def report(label: str, size: int, ours: tuple[float, int], reference: float, tool: str) -> None:
    mb = size / 1e6
    print(
        f"{label:16} amanat {mb / ours[0]:7.1f} MB/s   {tool} {mb / reference:7.1f} MB/s   "
        f"ratio {reference / ours[0]:5.2f}   peak RSS {ours[1] / 1024:6.1f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="bundle size in MiB")
    args = parser.parse_args()
    size = args.size_mb * BLOCK
    work = Path(tempfile.mkdtemp(prefix="amanat-bench-"))
    try:
        source = work / "bundle.bin"
        sha256 = write_random(source, size)
        print(f"{args.size_mb} MiB over loopback; {os.cpu_count()} CPUs")
        with sshd_server() as ssh:
            key = work / "key"
            key.write_text(ssh.client_key)
            key.chmod(0o600)
            settings = sftp_settings(ssh)
            up = in_child(lambda: upload(lambda: SftpDrop.connect(settings), source, sha256))
            down = in_child(lambda: download(lambda: SftpDrop.connect(settings), work / "a"))
            ssh_options = [
                "-q",
                "-i",
                str(key),
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-P",
                str(ssh.port),
            ]
            remote = f"{ssh.user}@127.0.0.1:{ssh.drop}/scp.bin"
            scp_up = timed(["scp", *ssh_options, str(source), remote])
            scp_down = timed(["scp", *ssh_options, remote, str(work / "b")])
            report("SFTP upload", size, up, scp_up, "scp ")
            report("SFTP fetch", size, down, scp_down, "scp ")
        with webdav_server() as dav:
            settings = dav_settings(dav)
            up = in_child(lambda: upload(lambda: WebDavDrop.connect(settings), source, sha256))
            down = in_child(lambda: download(lambda: WebDavDrop.connect(settings), work / "c"))
            url = f"https://127.0.0.1:{dav.port}/drop/curl.bin"
            auth = ["-s", "-k", "-u", f"{dav.user}:{dav.password}"]
            curl_up = timed(["curl", *auth, "-T", str(source), url])
            curl_down = timed(["curl", *auth, "-o", str(work / "d"), url])
            report("WebDAV upload", size, up, curl_up, "curl")
            report("WebDAV fetch", size, down, curl_down, "curl")
        for name in ("a", "c"):
            assert (work / name).stat().st_size == size
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
