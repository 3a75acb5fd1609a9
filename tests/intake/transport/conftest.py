"""Fixtures: one sshd and one WebDAV server per test module, on 127.0.0.1 (servers.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.intake.transport.servers import (
    DavServer,
    SshServer,
    sshd_server,
    webdav_server,
)


@pytest.fixture(scope="module")
def sshd() -> Iterator[SshServer]:
    with sshd_server() as server:
        yield server


@pytest.fixture
def ssh(sshd: SshServer) -> Iterator[SshServer]:
    """The module's sshd with an empty drop folder for each test."""
    yield sshd
    for child in sshd.drop.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink()


@pytest.fixture(scope="module")
def davd() -> Iterator[DavServer]:
    with webdav_server() as server:
        yield server


@pytest.fixture
def dav(davd: DavServer) -> Iterator[DavServer]:
    """The module's WebDAV server with an empty drop folder and no quota for each test."""
    yield davd
    davd.quota[0] = 1 << 62
    for child in davd.drop.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink()
