"""The strict ustar layer of a bundle: a writer of known-size members and a checking reader.

A bundle's tar stream is fully determined by its signed manifest (docs/bundle-format.md §7.3):
every header is the one ``member_header`` makes, data is zero-filled to 512 bytes, two zero
blocks end the archive, and nothing follows. The writer streams members of declared size in
constant memory. The reader checks each header against the member the manifest says comes next
and reports the first problem with the spec's error class: unsafe types and paths (links,
devices, ``..``, absolute names), unlisted, duplicated, reordered or missing members, sizes
that differ from the manifest (before any data is read), and any byte that differs from what a
writer would produce. Names are compared, never used as paths.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from intake.bundles.errors import (
    BundleLimitExceeded,
    BundleMalformed,
    BundleTrailingData,
    BundleTruncated,
    MemberSizeMismatch,
    UnexpectedMember,
    UnsafeMember,
)
from intake.i18n import N_, tr

BLOCK = 512  # POSIX tar block
END_OF_ARCHIVE = bytes(2 * BLOCK)  # two zero blocks end a tar stream
MAX_NAME = 99  # bytes: the 100-byte name field keeps a NUL, so no prefix field is ever needed
MAX_OCTAL_SIZE = 8**11 - 1  # 11 octal digits: ustar's size limit, 8 GiB - 1
READ_SIZE = 1 << 20  # data is handed out in pieces of at most 1 MiB: bounded memory
_MODE = b"0000644\x00"  # rw-r--r--: the same for every member
_ID = b"0000000\x00"  # uid and gid 0; names empty
_MAGIC = b"ustar\x0000"  # POSIX ustar magic and version
_REGULAR = b"0"


_TYPE_KINDS = {
    b"1": N_("a hard link"),
    b"2": N_("a symbolic link"),
    b"3": N_("a character device"),
    b"4": N_("a block device"),
    b"5": N_("a folder"),
    b"6": N_("a FIFO (named pipe)"),
    b"7": N_("a contiguous file"),
    b"x": N_("an extended (pax) header"),
    b"g": N_("a global extended (pax) header"),
    b"L": N_("a GNU long-name header"),
    b"K": N_("a GNU long-link header"),
}


class Reader(Protocol):
    def read(self, n: int, /) -> bytes: ...


class Writer(Protocol):
    def write(self, data: bytes, /) -> object: ...


def padded(size: int) -> int:
    """``size`` rounded up to whole blocks."""
    return -(-size // BLOCK) * BLOCK


def member_span(size: int) -> int:
    """Bytes one member of ``size`` data bytes takes in the stream (header and fill included)."""
    return BLOCK + padded(size)


def _octal(value: int, width: int) -> bytes:
    return b"%0*o\x00" % (width - 1, value)


_PRINTABLE = re.compile(r"[\x21-\x7e]+")  # printable ASCII without space


def name_is_safe(name: str) -> bool:
    """The spec's name rule: printable ASCII, relative, no ``\\``, no empty, ``.``, ``..`` part."""
    if not 1 <= len(name) <= MAX_NAME or not _PRINTABLE.fullmatch(name):
        return False
    if name.startswith("/") or "\\" in name:
        return False
    return all(part not in {"", ".", ".."} for part in name.split("/"))


def member_header(name: str, size: int, mtime: int) -> bytes:
    """The one header a bundle writer produces for a member (§7.3)."""
    if not name_is_safe(name):
        raise ValueError("unsafe tar member name")
    if not 0 <= size <= MAX_OCTAL_SIZE or not 0 <= mtime <= MAX_OCTAL_SIZE:
        raise ValueError("size or time does not fit a ustar header")
    header = bytearray(BLOCK)
    header[0 : len(name)] = name.encode("ascii")
    header[100:108] = _MODE
    header[108:116] = _ID
    header[116:124] = _ID
    header[124:136] = _octal(size, 12)
    header[136:148] = _octal(mtime, 12)
    header[148:156] = b" " * 8
    header[156:157] = _REGULAR
    header[257:265] = _MAGIC
    header[148:156] = b"%06o\x00 " % sum(header)
    return bytes(header)


class TarWriter:
    """Writes members whose size is declared first; ``finish`` ends the archive."""

    def __init__(self, dst: Writer, mtime: int) -> None:
        self._dst = dst
        self._mtime = mtime
        self._left: int | None = None
        self._size = 0
        self.written = 0  # bytes of tar stream so far

    def _out(self, data: bytes) -> None:
        self._dst.write(data)
        self.written += len(data)

    def begin(self, name: str, size: int) -> None:
        if self._left is not None:
            raise RuntimeError("the previous member is not finished")
        self._out(member_header(name, size, self._mtime))
        self._left, self._size = size, size

    def write(self, data: bytes) -> None:
        if self._left is None or len(data) > self._left:
            raise RuntimeError("more data than the member's declared size")
        self._out(data)
        self._left -= len(data)

    def end(self) -> None:
        if self._left != 0:
            raise RuntimeError("less data than the member's declared size")
        self._out(bytes(padded(self._size) - self._size))
        self._left = None

    def add(self, name: str, data: bytes) -> None:
        self.begin(name, len(data))
        self.write(data)
        self.end()

    def finish(self) -> None:
        if self._left is not None:
            raise RuntimeError("a member is not finished")
        self._out(END_OF_ARCHIVE)


@dataclass(frozen=True)
class Expected:
    """The member the manifest says comes next: its 1-based number, name and size."""

    number: int
    name: str
    size: int


def _field_text(field: bytes) -> bytes:
    end = field.find(b"\x00")
    return field if end < 0 else field[:end]


def _parse_octal(field: bytes) -> int | None:
    text = field.rstrip(b"\x00 ").lstrip(b" ")
    if not text or any(c not in b"01234567" for c in text):
        return None
    return int(text, 8)


class TarReader:
    """Reads a bundle's tar stream member by member against the manifest's plan.

    ``plan`` is the full ordered list of expected names once known (used only to say whether a
    wrong name is unlisted, a duplicate or out of order); it may grow after the manifest is read.
    """

    def __init__(self, src: Reader, plan: Sequence[str] = ()) -> None:
        self._src = src
        self.plan: Sequence[str] = ()
        self._positions: dict[str, int] = {}
        self.set_plan(plan)

    def set_plan(self, plan: Sequence[str]) -> None:
        self.plan = plan
        self._positions = {name: i for i, name in enumerate(plan)}

    def _read_exact(self, n: int) -> bytes:
        parts: list[bytes] = []
        left = n
        while left:
            data = self._src.read(left)
            if not data:
                raise BundleTruncated
            parts.append(data)
            left -= len(data)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _unexpected(self, expected: Expected, found: str) -> UnexpectedMember:
        index = self._positions.get(found)
        if index is None:
            problem = tr("an item that is not on the list")
        elif index < expected.number - 1:
            problem = tr("an item that appears twice")
        else:
            problem = tr("an item out of order, or an item missing before it")
        return UnexpectedMember(problem=problem, number=expected.number, name=found)

    def _check_header(self, block: bytes, expected: Expected, limit: int | None = None) -> int:
        number, want = expected.number, expected.name
        stored = _parse_octal(block[148:156])
        if block[257:265] != _MAGIC or stored is None:
            raise BundleMalformed(number=number, name=want)
        if stored != sum(block[:148]) + 8 * 0x20 + sum(block[156:]):
            raise BundleMalformed(number=number, name=want)
        kind = block[156:157]
        if kind != _REGULAR:
            raw = _TYPE_KINDS.get(kind, N_("an item of unknown type"))
            raise UnsafeMember(number=number, kind=tr(raw))
        if any(block[157:257]):
            raise UnsafeMember(number=number, kind=tr("a link"))
        if any(block[345:500]):
            raise UnsafeMember(number=number, kind=tr("a name with a path prefix"))
        try:
            found = _field_text(block[0:100]).decode("ascii")
        except UnicodeDecodeError:
            raise UnsafeMember(number=number, kind=tr("a name that is not plain ASCII")) from None
        if not name_is_safe(found):
            raise UnsafeMember(number=number, kind=tr("a path outside the bundle"))
        if found != want:
            raise self._unexpected(expected, found)
        size = _parse_octal(block[124:136])
        if size is None:
            raise BundleMalformed(number=number, name=want)
        if limit is not None:
            if size > limit:
                raise BundleLimitExceeded(what=tr("the size of {name}", name=want), limit=limit)
        elif size != expected.size:
            raise MemberSizeMismatch(number=number, name=want)
        return size

    def next_header(self, expected: Expected, limit: int | None = None) -> tuple[bytes, int]:
        """Read and check the next header against ``expected`` (all but its exact bytes).

        With ``limit``, any size up to it is accepted (the manifest and its signature, whose
        sizes nobody declares); otherwise the size must be ``expected.size``. Returns the
        header block and the size; ``check_exact`` finishes the check.
        """
        block = self._read_exact(BLOCK)
        return block, self._check_block(block, expected, limit)

    def _check_block(self, block: bytes, expected: Expected, limit: int | None = None) -> int:
        """``_check_header``, after telling a missing member (end of archive) apart."""
        if not any(block):
            raise UnexpectedMember(
                problem=tr("an item is missing"), number=expected.number, name=expected.name
            )
        return self._check_header(block, expected, limit)

    @staticmethod
    def check_exact(block: bytes, expected: Expected, mtime: int) -> None:
        """The header must be byte for byte what a writer makes (§7.3)."""
        if block != member_header(expected.name, expected.size, mtime):
            raise BundleMalformed(number=expected.number, name=expected.name)

    def iter_data(self, expected: Expected) -> Iterator[bytes]:
        """The member's data in pieces of at most READ_SIZE, then a check of its zero fill."""
        left = expected.size
        while left:
            piece = self._read_exact(min(left, READ_SIZE))
            left -= len(piece)
            yield piece
        fill = padded(expected.size) - expected.size
        if fill and any(self._read_exact(fill)):
            raise BundleMalformed(number=expected.number, name=expected.name)

    def iter_member(self, expected: Expected, mtime: int) -> Iterator[bytes]:
        """Check the next header completely, then yield its data (see ``iter_data``).

        A header byte for byte as a writer makes it passes every check at once (the usual
        case); any other is taken apart to say what is wrong with it."""
        block = self._read_exact(BLOCK)
        if block != member_header(expected.name, expected.size, mtime):
            self._check_block(block, expected)
            self.check_exact(block, expected, mtime)
        yield from self.iter_data(expected)

    def finish(self, number: int) -> None:
        """The end-of-archive blocks, then the end of the stream."""
        first = self._read_exact(BLOCK)
        if any(first):  # one more member: report what it is (unsafe, unlisted, duplicate)
            self._check_header(first, Expected(number, "", 0))  # raises: "" is never a name
            raise BundleMalformed(number=number, name=tr("end of the archive"))
        if any(self._read_exact(BLOCK)):
            raise BundleMalformed(number=number, name=tr("end of the archive"))
        if self._src.read(1):
            raise BundleTrailingData
