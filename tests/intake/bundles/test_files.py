"""Bundle files: exclusive .part files flushed to disk in the background while they grow."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from intake.bundles import files
from intake.bundles.errors import OutputExists


def test_part_file_flushes_in_the_background_and_publishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[tuple[str, int]] = []
    real = os.fdatasync

    def recording(fd: int) -> None:
        synced.append((threading.current_thread().name, os.fstat(fd).st_size))
        real(fd)

    monkeypatch.setattr(os, "fdatasync", recording)
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
