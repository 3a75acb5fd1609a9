"""Attachments: streamed in 1 MiB chunks with flat memory, deduplicated, typed, size-limited."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tracemalloc
from pathlib import Path

import pytest

from intake.testimonies.attachments import (
    CHUNK_SIZE,
    AttachmentNotFound,
    AttachmentStore,
    AttachmentTooLarge,
    clean_filename,
)
from intake.testimonies.errors import AttachmentDamaged, BadFilename, TestimonyNotFound
from intake.testimonies.media_types import detect_media_type
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from intake.vault.audit import AuditLog

MiB = 1 << 20


@pytest.fixture
def tid(vault: Vault) -> str:
    return TestimonyStore(vault).create_draft({})


class TrickleReader(io.RawIOBase):
    """A source that returns at most 1000 bytes per read, like a pipe or a slow device."""

    def __init__(self, data: bytes) -> None:
        self._src = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._src.read(min(len(buffer), 1000))
        buffer[: len(data)] = data
        return len(data)


def _write_random_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        remaining = size
        while remaining:
            block = os.urandom(min(remaining, 4 * MiB))
            digest.update(block)
            f.write(block)
            remaining -= len(block)
    return digest.hexdigest()


def test_50_mib_round_trip_with_flat_memory(vault: Vault, tid: str, tmp_path: Path) -> None:
    size = 50 * MiB + 12345  # not a multiple of the chunk size
    source = tmp_path / "recording.bin"  # a test fixture; product code writes no files
    expected = _write_random_file(source, size)
    store = AttachmentStore(vault)
    seen: list[int] = []
    tracemalloc.start()
    try:
        with open(source, "rb") as f:
            info = store.add(tid, f, "recording.bin", progress=seen.append)
        _, peak_in = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        digest = hashlib.sha256()
        with store.open(info.sha256) as reader:
            shutil.copyfileobj(reader, _HashSink(digest), 256 * 1024)
        _, peak_out = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.sha256 == expected and info.size == size
    assert digest.hexdigest() == expected
    assert seen[-1] == size and len(seen) == 51 and seen == sorted(seen)
    # Flat: a few chunks at most, never the 50 MiB file.
    assert peak_in < 4 * MiB, peak_in
    assert peak_out < 4 * MiB, peak_out
    chunks = vault.conn.execute(
        "SELECT count(*), max(length(data)) FROM attachment_chunks"
    ).fetchone()
    assert (chunks[0], chunks[1]) == (51, CHUNK_SIZE)


class _HashSink:
    def __init__(self, digest: hashlib._Hash) -> None:
        self.digest = digest

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return len(data)


def test_identical_content_is_stored_once(vault: Vault, tid: str) -> None:
    other = TestimonyStore(vault).create_draft({})
    store = AttachmentStore(vault)
    data = b"%PDF-1.7\n" + os.urandom(3 * MiB)
    a = store.add(tid, io.BytesIO(data), "scan.pdf")
    b = store.add(other, TrickleReader(data), "другое имя.pdf")
    c = store.add(tid, io.BytesIO(data), "renamed.pdf")  # same testimony: renames the link
    assert a.sha256 == b.sha256 == c.sha256 and a.media_type == "application/pdf"
    assert vault.conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 1
    assert vault.conn.execute("SELECT count(*) FROM attachment_chunks").fetchone()[0] == 4
    assert [i.filename for i in store.list(tid)] == ["renamed.pdf"]
    assert [i.filename for i in store.list(other)] == ["другое имя.pdf"]
    store.remove(tid, a.sha256)
    assert store.open(a.sha256).read() == data  # still linked from the other testimony
    store.remove(other, a.sha256)
    assert vault.conn.execute("SELECT count(*) FROM attachment_chunks").fetchone()[0] == 0
    with pytest.raises(AttachmentNotFound):
        store.open(a.sha256)
    with pytest.raises(AttachmentNotFound):
        store.remove(other, a.sha256)
    actions = [e.action for e in AuditLog(vault).entries()]
    assert actions.count("attach") == 3 and actions.count("detach") == 2


def test_size_limit_and_cancel_leave_nothing(vault: Vault, tid: str) -> None:
    store = AttachmentStore(vault, max_size=2 * MiB)
    with pytest.raises(AttachmentTooLarge) as info:
        store.add(tid, io.BytesIO(bytes(2 * MiB + 1)), "big.wav")
    assert "2 MiB" in info.value.message("en")
    exact = store.add(tid, io.BytesIO(bytes(2 * MiB)), "exact.bin")
    assert exact.size == 2 * MiB

    def cancel(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.add(tid, io.BytesIO(os.urandom(MiB + 1)), "cancelled.jpg", progress=cancel)
    counts = vault.conn.execute(
        "SELECT (SELECT count(*) FROM attachments), (SELECT count(*) FROM attachment_chunks)"
    ).fetchone()
    assert tuple(counts) == (1, 2)
    assert [i.filename for i in store.list(tid)] == ["exact.bin"]


def test_reader_seeks_and_detects_damage(vault: Vault, tid: str) -> None:
    store = AttachmentStore(vault)
    data = os.urandom(2 * MiB + 7)
    info = store.add(tid, io.BytesIO(data), "x")
    with store.open(info.sha256) as r:
        assert r.seekable() and r.seek(CHUNK_SIZE - 3) == CHUNK_SIZE - 3
        assert r.read(10) == data[CHUNK_SIZE - 3 : CHUNK_SIZE + 7]
        r.seek(-4, io.SEEK_END)
        assert r.read() == data[-4:] and r.read(5) == b""
    vault.conn.execute("UPDATE attachment_chunks SET data = zeroblob(length(data)) WHERE seq = 1")
    with pytest.raises(AttachmentDamaged):
        store.open(info.sha256).read()
    vault.conn.execute("DELETE FROM attachment_chunks WHERE seq = 2")
    with store.open(info.sha256) as r:
        r.seek(2 * MiB)
        with pytest.raises(AttachmentDamaged):
            r.read(1)


def test_whole_chunk_reads_mix_with_partial_reads_and_check_the_hash(
    vault: Vault, tid: str
) -> None:
    store = AttachmentStore(vault)
    data = os.urandom(3 * CHUNK_SIZE + 5)
    info = store.add(tid, io.BytesIO(data), "x")
    with store.open(info.sha256) as r:
        assert r.read(CHUNK_SIZE) == data[:CHUNK_SIZE]
        assert r.read(3) == data[CHUNK_SIZE : CHUNK_SIZE + 3]
        assert r.read(CHUNK_SIZE) == data[CHUNK_SIZE + 3 : 2 * CHUNK_SIZE + 3]
        r.seek(2 * CHUNK_SIZE)
        assert r.read(4 * CHUNK_SIZE) == data[2 * CHUNK_SIZE : 3 * CHUNK_SIZE]
        assert r.read(4 * CHUNK_SIZE) == data[3 * CHUNK_SIZE :] and r.read(CHUNK_SIZE) == b""
    vault.conn.execute("UPDATE attachment_chunks SET data = zeroblob(length(data)) WHERE seq = 1")
    with store.open(info.sha256) as r:
        for _ in range(3):
            assert len(r.read(CHUNK_SIZE)) == CHUNK_SIZE
        with pytest.raises(AttachmentDamaged):  # before the last piece is handed out
            r.read(CHUNK_SIZE)


def test_empty_file_and_unknown_testimony(vault: Vault, tid: str) -> None:
    store = AttachmentStore(vault)
    info = store.add(tid, io.BytesIO(b""), "empty.txt")
    assert (info.size, info.media_type) == (0, "application/octet-stream")
    assert info.sha256 == hashlib.sha256(b"").hexdigest()
    assert store.open(info.sha256).read() == b""
    with pytest.raises(TestimonyNotFound):
        store.add("00000000-0000-4000-8000-000000000000", io.BytesIO(b"x"), "x")
    with pytest.raises(AttachmentNotFound):
        store.open("not a hash")


def test_filenames_lose_paths_and_control_characters() -> None:
    assert clean_filename("C:\\Users\\gulnar\\ID card.jpg") == "ID card.jpg"
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("photo\x00\u202e.jpg") == "photo.jpg"
    for bad in ("", "dir/", "..", "a" * 256):
        with pytest.raises(BadFilename):
            clean_filename(bad)


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"%PDF-1.4\n%\xe2\xe3", "application/pdf"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64\x00", "audio/mpeg"),
        (b"OggS\x00\x02\x00\x00", "audio/ogg"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "audio/mp4"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "video/mp4"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "image/heic"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00", "image/heif"),
        ("Тұрсын Әбілмит\nNotes, UTF-8.\n".encode(), "text/plain"),
        (b"\x00\x01\x02\x03binary", "application/octet-stream"),
        (b"", "application/octet-stream"),
    ],
)
def test_media_type_from_magic_bytes(head: bytes, media_type: str) -> None:
    assert detect_media_type(head) == media_type


def test_text_cut_inside_a_character_is_still_text() -> None:
    sample = ("Ә" * 5000).encode()[:8191]  # the sniffed sample ends inside a 2-byte character
    assert detect_media_type(sample) == "text/plain"
