"""Writing one bundle as a stream: age( tar( manifest, signature, records, attachments, padding ) ).

``BundleWriter`` is given the finished manifest first (so every size and hash is known before
any data), signs it in minisign format with the sender's key, and then takes the records and
attachments in manifest order, checking each against its entry while it streams, so a bundle
whose data differs from its signed manifest is never completed. Nothing is held whole in memory
except the manifest and one record; attachments pass through in 1 MiB pieces into the age
encryptor, which writes to the caller's file. Encryption to the recipients' cards, the sender's
signing key, the randomness and the clock are all given by the caller.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from crypto import minisign
from crypto.age import Encryptor, Recipient
from crypto.primitives import Random, default_random
from crypto.stream import CHUNK_SIZE
from intake.bundles.errors import ExportInconsistent
from intake.bundles.manifest import (
    MANIFEST_NAME,
    PADDING_NAME,
    SIGNATURE_NAME,
    UNTRUSTED_COMMENT,
    AttachmentEntry,
    Manifest,
    RecordEntry,
    parse_manifest,
)
from intake.bundles.tarstream import END_OF_ARCHIVE, TarWriter, member_span

PIECE = 1 << 20  # attachments are read and written 1 MiB at a time

_Entry = TypeVar("_Entry", RecordEntry, AttachmentEntry)
Progress = Callable[[int, int], None]  # (bytes done, bytes total) of the plaintext stream


class Reader(Protocol):
    def read(self, n: int, /) -> bytes: ...


class Writer(Protocol):
    def write(self, data: bytes, /) -> object: ...


class _Chunked:
    """Feeds the age encryptor in STREAM-chunk-sized pieces (its buffer works best that way)."""

    def __init__(self, encryptor: Encryptor) -> None:
        self._encryptor = encryptor

    def write(self, data: bytes) -> None:
        if len(data) <= CHUNK_SIZE:
            self._encryptor.write(data)
            return
        view = memoryview(data)
        for start in range(0, len(data), CHUNK_SIZE):
            self._encryptor.write(bytes(view[start : start + CHUNK_SIZE]))


def sign_manifest(manifest_bytes: bytes, manifest: Manifest, signing_seed: bytes) -> bytes:
    """The signature member: minisign over the manifest bytes, trusted comment per §7.5."""
    text = minisign.sign(signing_seed, manifest_bytes, manifest.trusted_comment, UNTRUSTED_COMMENT)
    return text.encode("utf-8")


class BundleWriter:
    """Streams one bundle. Call ``add_record`` / ``add_attachment`` in manifest order, then
    ``finish``. If anything fails before ``finish``, the age stream has no final chunk and can
    never decrypt as complete; the caller deletes the partial file."""

    def __init__(
        self,
        dst: Writer,
        manifest: Manifest,
        signing_seed: bytes,
        recipients: Sequence[Recipient],
        *,
        random: Random = default_random,
        progress: Progress | None = None,
    ) -> None:
        manifest_bytes = manifest.encode()
        if parse_manifest(manifest_bytes) != manifest:  # never write what a reader refuses
            raise ValueError("the manifest does not survive its own parser")
        signature = sign_manifest(manifest_bytes, manifest, signing_seed)
        self._manifest = manifest
        self._plan = manifest.plan(len(manifest_bytes), len(signature))
        self.total = sum(member_span(e.size) for e in self._plan) + len(END_OF_ARCHIVE)
        self._progress = progress
        self._encryptor = Encryptor(recipients, dst, random=random)
        self._tar = TarWriter(_Chunked(self._encryptor), manifest.mtime)
        self._entries: list[RecordEntry | AttachmentEntry] = [
            *manifest.records,
            *manifest.attachments,
        ]
        self._next = 0
        self._tar.add(MANIFEST_NAME, manifest_bytes)
        self._tar.add(SIGNATURE_NAME, signature)
        self._report()

    def _report(self) -> None:
        if self._progress is not None:
            self._progress(self._tar.written, self.total)

    def _take(
        self, kind: type[RecordEntry] | type[AttachmentEntry]
    ) -> RecordEntry | AttachmentEntry:
        if self._next >= len(self._entries) or not isinstance(self._entries[self._next], kind):
            raise ExportInconsistent
        entry = self._entries[self._next]
        self._next += 1
        return entry

    def add_record(self, data: bytes) -> None:
        """The next record's canonical bytes; they must match its manifest entry."""
        entry = self._take(RecordEntry)
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            raise ExportInconsistent
        self._tar.add(entry.member_name, data)
        self._report()

    def add_attachment(
        self,
        src: Reader,
        *,
        verifies: str | None = None,
        mismatch: Callable[[], Exception] = ExportInconsistent,
    ) -> None:
        """The next attachment, streamed from ``src`` to its end; checked while it passes.

        ``verifies``: the SHA-256 that ``src`` itself checks, raising before it hands out its
        last byte when the content differs (a vault's attachment reader); when it is the
        entry's, the content is not hashed a second time here. Otherwise it is hashed here, and
        ``mismatch()`` is raised when it differs. The size is checked always.
        """
        entry = self._take(AttachmentEntry)
        digest = None if verifies == entry.sha256 else hashlib.sha256()
        self._tar.begin(entry.member_name, entry.size)
        left = entry.size
        while left:
            piece = src.read(min(PIECE, left))
            if not piece:
                raise ExportInconsistent
            if digest is not None:
                digest.update(piece)
            self._tar.write(piece)
            left -= len(piece)
            self._report()
        if src.read(1):
            raise ExportInconsistent
        if digest is not None and digest.hexdigest() != entry.sha256:
            raise mismatch()
        self._tar.end()

    def finish(self) -> None:
        """The padding member, the end of archive, and the final age chunk."""
        if self._next != len(self._entries):
            raise ExportInconsistent
        padding = self._plan[-1]
        assert padding.name == PADDING_NAME
        self._tar.begin(PADDING_NAME, padding.size)
        left = padding.size
        zeros = bytes(min(PIECE, left))
        while left:
            self._tar.write(zeros[: min(PIECE, left)])
            left -= min(PIECE, left)
        self._tar.end()
        self._tar.finish()
        self._encryptor.close()
        self._report()
