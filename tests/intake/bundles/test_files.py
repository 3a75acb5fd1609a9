"""Bundle files: exclusive .part files, written with direct I/O where possible (else flushed
to disk in the background while they grow), and typed errors when a write fails."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake.bundles import files
from intake.bundles.errors import OutputExists, OutputFailed


def _direct_supported(folder: Path) -> bool:
    """Whether the file system of ``folder`` accepts direct I/O (it decides, not Amanat)."""
    if not files.DIRECT_IO:
        return False
    try:
        fd = os.open(folder / "probe", os.O_WRONLY | os.O_CREAT | os.O_DIRECT, 0o600)
    except OSError:
        return False
    os.close(fd)
    (folder / "probe").unlink()
    return True


def _written(tmp_path: Path, data: bytes, step: int) -> tuple[Path, files.PartFile]:
    """``data`` written to a part file in pieces of ``step`` bytes, then flushed."""
    path = tmp_path / "out.age"
    part = files.open_part(path)
    for i in range(0, len(data), step):
        part.write(data[i : i + step])
    files.flush(part, path)
    return path, part


@pytest.fixture
def small_direct_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Direct I/O in 64 KiB blocks; the test is skipped where the file system has none."""
    if not _direct_supported(tmp_path):
        pytest.skip("this file system has no direct I/O")
    monkeypatch.setattr(files, "DIRECT_BLOCK", 64 << 10)


def _pieces(total: int) -> Iterator[bytes]:
    """Pieces of odd sizes (never a whole block), as an export writes them."""
    sizes = [1, 65_552, 3, 1 << 20, 12_345, 4 << 20, 7]
    i = 0
    while total > 0:
        n = min(sizes[i % len(sizes)], total)
        yield os.urandom(n)
        total -= n
        i += 1


@pytest.mark.parametrize("size", [0, 5, files.DIRECT_BLOCK, 3 * files.DIRECT_BLOCK + 4097])
def test_part_file_writes_everything_in_order(tmp_path: Path, size: int) -> None:
    path = tmp_path / "out.age"
    part = files.open_part(path)
    direct = part._direct is not None
    expected = b"".join(piece for piece in _pieces(size) if part.write(piece) == len(piece))
    files.flush(part, path)
    files.publish(path)
    assert path.read_bytes() == expected
    assert direct == _direct_supported(tmp_path)
    assert not any(t.name == "amanat-writer" for t in threading.enumerate())


@pytest.mark.usefixtures("small_direct_blocks")
def test_direct_writes_come_from_the_helper_thread_in_whole_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[tuple[str, int]] = []
    real = os.write

    def recording(fd: int, data: bytes | memoryview) -> int:
        writes.append((threading.current_thread().name, len(data)))
        return real(fd, data)

    monkeypatch.setattr(os, "write", recording)
    data = os.urandom(5 * (64 << 10) + 100)
    path, _ = _written(tmp_path, data, 1000)
    assert files.part_path(path).read_bytes() == data
    assert writes[:-1] == [("amanat-writer", 64 << 10)] * 5
    assert writes[-1] == (threading.current_thread().name, 100)  # the tail, through the cache


@pytest.mark.usefixtures("small_direct_blocks")
def test_a_refused_direct_write_continues_through_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.write
    refused: list[int] = []

    def refusing(fd: int, data: bytes | memoryview) -> int:
        import fcntl

        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_DIRECT:
            refused.append(len(data))
            raise OSError(errno.EINVAL, "no direct I/O here")
        return real(fd, data)

    monkeypatch.setattr(os, "write", refusing)
    path = tmp_path / "out.age"
    part = files.open_part(path)
    data = os.urandom(3 * (64 << 10) + 5)
    part.write(data)
    files.flush(part, path)
    assert refused == [64 << 10]
    assert files.part_path(path).read_bytes() == data


@pytest.mark.parametrize("direct", [True, False])
def test_a_failed_write_is_output_failed_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direct: bool
) -> None:
    if direct and not _direct_supported(tmp_path):
        pytest.skip("this file system has no direct I/O")
    monkeypatch.setattr(files, "DIRECT_IO", direct and files.DIRECT_IO)
    monkeypatch.setattr(files, "DIRECT_BLOCK", 64 << 10)
    real = os.write
    budget = [200 << 10]  # then the disk is full

    def filling(fd: int, data: bytes | memoryview) -> int:
        if len(data) > budget[0]:
            raise OSError(errno.ENOSPC, "No space left on device")
        budget[0] -= len(data)
        return real(fd, data)

    class Filling(io.RawIOBase):  # the cached path's writes (they do not call os.write)
        def __init__(self, fd: int) -> None:
            self.fd = fd

        def writable(self) -> bool:
            return True

        def write(self, data: Any) -> int:
            return filling(self.fd, data)

        def close(self) -> None:
            os.close(self.fd)
            super().close()

    monkeypatch.setattr(os, "write", filling)
    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: io.BufferedWriter(Filling(fd), 1 << 20))
    path = tmp_path / "out.age"
    part = files.open_part(path)

    def write_all() -> None:
        for _ in range(64):
            part.write(os.urandom(32 << 10))
        files.flush(part, path)

    with pytest.raises(OutputFailed) as caught:
        write_all()
    files.discard(part, path)
    assert str(path) in caught.value.message()
    assert list(tmp_path.iterdir()) == []
    assert not any(t.name.startswith("amanat-writ") for t in threading.enumerate())


def test_without_direct_io_the_part_file_flushes_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[tuple[str, int]] = []
    real = os.fdatasync

    def recording(fd: int) -> None:
        synced.append((threading.current_thread().name, os.fstat(fd).st_size))
        real(fd)

    monkeypatch.setattr(os, "fdatasync", recording)
    monkeypatch.setattr(files, "DIRECT_IO", False)  # as where the system has no direct I/O
    monkeypatch.setattr(files, "WRITEBACK", 1 << 20)
    path = tmp_path / "out.age"
    part = files.open_part(path)
    piece = os.urandom(256 << 10)
    for _ in range(16):  # 4 MiB: a background flush after each MiB, when the last one ended
        part.write(piece)
    files.flush(part, path)
    files.publish(path)
    assert path.read_bytes() == piece * 16
    assert not files.part_path(path).exists()
    assert synced and {name for name, _ in synced} == {"amanat-writeback"}
    assert all(0 <= size <= 4 << 20 for _, size in synced)
    assert not any(t.name == "amanat-writeback" for t in threading.enumerate())


def test_part_file_is_exclusive_and_discarded(tmp_path: Path) -> None:
    path = tmp_path / "out.age"
    part = files.open_part(path)
    with pytest.raises(OutputExists):
        files.open_part(path)
    part.write(b"partial")
    files.discard(part, path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("direct", [True, False])
def test_part_file_counts_and_hashes_what_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direct: bool
) -> None:
    monkeypatch.setattr(files, "DIRECT_IO", direct and files.DIRECT_IO)
    monkeypatch.setattr(files, "DIRECT_BLOCK", 64 << 10)
    data = os.urandom(5 * (64 << 10) + 777)
    path, part = _written(tmp_path, data, 10_000)
    assert part.size == len(data) == files.part_path(path).stat().st_size
    assert part.sha256() == hashlib.sha256(data).hexdigest()
