"""ReadAhead: the same bytes in the same order, errors in their place, a clean stop."""

from __future__ import annotations

import threading

import pytest

from intake.bundles.readahead import ReadAhead
from intake.testimonies.errors import AttachmentDamaged


class Pieces:
    """Hands out ``count`` numbered pieces of ``size`` bytes; optionally fails at one."""

    def __init__(self, count: int, size: int, fail_at: int | None = None) -> None:
        self.count, self.size, self.fail_at = count, size, fail_at
        self.reads = 0
        self.threads: set[str] = set()

    def read(self, n: int, /) -> bytes:
        self.threads.add(threading.current_thread().name)
        i = self.reads
        self.reads += 1
        if i == self.fail_at:
            raise AttachmentDamaged()
        if i >= self.count:
            return b""
        return bytes([i % 256]) * min(n, self.size)


def test_same_bytes_in_order_read_in_another_thread() -> None:
    source = Pieces(50, 1000)
    with ReadAhead(source, 1000) as ahead:
        out = [ahead.read(1000) for _ in range(50)]
        assert ahead.read(1000) == b""
        assert ahead.read(1) == b""
    assert out == [bytes([i]) * 1000 for i in range(50)]
    assert source.threads == {"amanat-readahead"}


EXPECTED = b"\x00" * 10 + b"\x01" * 10 + b"\x02" * 10


@pytest.mark.parametrize("n", [1, 4, 10, 25, 1000])
def test_reads_are_exact_across_pieces(n: int) -> None:
    with ReadAhead(Pieces(3, 10), 10) as ahead:
        got = list(iter(lambda: ahead.read(n), b""))
    assert b"".join(got) == EXPECTED
    assert all(len(part) == n for part in got[:-1]) and 0 < len(got[-1]) <= n


def test_read_all() -> None:
    with ReadAhead(Pieces(3, 10), 10) as ahead:
        assert ahead.read(3) == b"\x00" * 3
        assert ahead.read() == EXPECTED[3:]
        assert ahead.read() == b""


def test_an_error_arrives_in_its_place_as_the_same_type() -> None:
    with ReadAhead(Pieces(10, 8, fail_at=3), 8) as ahead:
        assert [ahead.read(8) for _ in range(3)] == [bytes([i]) * 8 for i in range(3)]
        with pytest.raises(AttachmentDamaged):
            ahead.read(8)
        assert ahead.read(8) == b""  # nothing after the failure


def test_close_stops_the_helper_and_leaves_the_source_alone() -> None:
    source = Pieces(10_000, 100)
    ahead = ReadAhead(source, 100, depth=2)
    assert ahead.read(100) == b"\x00" * 100
    ahead.close()
    reads = source.reads
    assert reads < 10  # it stopped ahead of the end: depth 2, plus the one in hand
    threading.Event().wait(0.2)
    assert source.reads == reads
    assert not any(t.name == "amanat-readahead" for t in threading.enumerate())
