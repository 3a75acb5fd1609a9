"""Reading one bundle as a stream and checking everything the format promises (§7.8, 1–3, 7–8).

``BundleReader`` decrypts with the vault's X25519 key, reads the manifest and its signature,
parses the manifest strictly, verifies the embedded sender card, the minisign signature and its
trusted comment, and then hands records (whole, at most 16 MiB) and attachments (as a stream of
1 MiB pieces) to a sink in manifest order. Every header, size, hash, fill byte, the padding,
the end of archive and the end of the age payload are checked; the first problem raises the
spec's typed error. The body is decrypted a few MiB ahead in a helper thread (readahead.py),
while the caller's thread checks and stores it; errors still arrive in stream order. Who the
sender is (registry), whether the bundle is addressed to this vault
and what to store are the caller's business: this module trusts no one and stores nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from crypto import minisign
from crypto.age import Decryptor, Identity
from crypto.bufread import BinaryReader
from crypto.errors import CryptoError, NoMatch, SignatureError
from crypto.hybrid import HybridIdentity
from crypto.x25519 import X25519Identity
from intake.bundles.errors import (
    BundleDamaged,
    BundleMalformed,
    BundleNotAddressed,
    ManifestSignatureInvalid,
    MemberHashMismatch,
)
from intake.bundles.manifest import (
    MANIFEST_NAME,
    MAX_MANIFEST_SIZE,
    MAX_SIGNATURE_SIZE,
    SIGNATURE_NAME,
    UNTRUSTED_COMMENT,
    AttachmentEntry,
    Manifest,
    RecordEntry,
    parse_manifest,
)
from intake.bundles.readahead import ReadAhead
from intake.bundles.tarstream import END_OF_ARCHIVE, Expected, TarReader, member_span

Progress = Callable[[int, int], None]  # (plaintext bytes read, plaintext bytes expected)
READ_AHEAD_PIECE = 1 << 20  # plaintext decrypted ahead at a time (at most 4 pieces wait)


class BodySink(Protocol):
    """Receives a bundle's records and attachments in order; may raise to stop."""

    def record(self, number: int, entry: RecordEntry, data: bytes) -> None: ...

    def attachment(self, number: int, entry: AttachmentEntry, data: Iterator[bytes]) -> None:
        """``data`` yields the attachment's pieces and raises MemberHashMismatch after the
        last one if the hash differs; anything stored from it must be discarded then."""
        ...


class _Plaintext:
    """The decryptor as the tar reader's source: age failures become BundleDamaged."""

    def __init__(self, decryptor: Decryptor) -> None:
        self.decryptor: Decryptor | ReadAhead = decryptor
        self.count = 0
        self.progress: Callable[[int], None] | None = None

    def read(self, n: int) -> bytes:
        try:
            data = self.decryptor.read(n)
        except CryptoError:
            raise BundleDamaged from None
        self.count += len(data)
        if self.progress is not None:
            self.progress(self.count)
        return data


@dataclass(frozen=True)
class BundleHead:
    """A bundle's checked manifest: its signature verified with the embedded sender card."""

    manifest: Manifest
    manifest_size: int
    signature_size: int
    plan: tuple[Expected, ...]

    @property
    def total(self) -> int:
        """Bytes of the whole plaintext stream."""
        return sum(member_span(e.size) for e in self.plan) + len(END_OF_ARCHIVE)


def verify_signature(manifest: Manifest, manifest_bytes: bytes, signature: bytes) -> None:
    """§7.5: the sender card's key signed the manifest bytes, with the right trusted comment."""
    key = manifest.sender.ed25519_public
    try:
        text = signature.decode("utf-8")
        comment = minisign.verify(
            minisign.PublicKey(minisign.key_id_for(key), key), manifest_bytes, text
        )
        parsed = minisign.parse_signature(text)
    except (SignatureError, UnicodeDecodeError):
        raise ManifestSignatureInvalid from None
    if comment != manifest.trusted_comment:
        raise ManifestSignatureInvalid
    # minisign leaves the untrusted comment, line ends and base64 spelling unauthenticated:
    # only the one form the writer makes is accepted, so no byte can change unnoticed.
    exact = replace(parsed, untrusted_comment=UNTRUSTED_COMMENT)
    if minisign.encode_signature(exact) != text:
        raise ManifestSignatureInvalid


def _hash_checked(pieces: Iterator[bytes], sha256: str, expected: Expected) -> Iterator[bytes]:
    digest = hashlib.sha256()
    for piece in pieces:
        digest.update(piece)
        yield piece
    if digest.hexdigest() != sha256:
        raise MemberHashMismatch(number=expected.number, name=expected.name)


class BundleReader:
    """One pass over one bundle: ``read_head`` then ``read_body``."""

    def __init__(
        self,
        src: BinaryReader,
        x25519_private: bytes,
        hybrid_seed: bytes | None = None,
        retired: Sequence[tuple[bytes, bytes | None]] = (),
    ) -> None:
        """Open a bundle sent to the X25519 key, or to the hybrid key when ``hybrid_seed``, or
        to one of the ``retired`` (X25519, hybrid) keys this vault had before a rotation."""
        identities: list[Identity] = [X25519Identity(x25519_private)]
        for x25519, hybrid in [(x25519_private, hybrid_seed), *retired]:
            if x25519 != x25519_private:
                identities.append(X25519Identity(x25519))
            if hybrid is not None:
                identities.append(HybridIdentity(hybrid))
        try:
            decryptor = Decryptor(identities, src)
        except NoMatch:
            raise BundleNotAddressed from None
        except CryptoError:
            raise BundleDamaged from None
        self._source = _Plaintext(decryptor)
        self._tar = TarReader(self._source, (MANIFEST_NAME, SIGNATURE_NAME))
        self.head: BundleHead | None = None

    def read_head(self) -> BundleHead:
        """Manifest and signature: parsed, limits checked, signature verified."""
        first = Expected(1, MANIFEST_NAME, 0)
        block1, size1 = self._tar.next_header(first, limit=MAX_MANIFEST_SIZE)
        manifest_bytes = b"".join(self._tar.iter_data(Expected(1, MANIFEST_NAME, size1)))
        second = Expected(2, SIGNATURE_NAME, 0)
        block2, size2 = self._tar.next_header(second, limit=MAX_SIGNATURE_SIZE)
        signature = b"".join(self._tar.iter_data(Expected(2, SIGNATURE_NAME, size2)))
        manifest = parse_manifest(manifest_bytes)
        verify_signature(manifest, manifest_bytes, signature)
        plan = tuple(manifest.plan(size1, size2))
        self._tar.check_exact(block1, plan[0], manifest.mtime)
        self._tar.check_exact(block2, plan[1], manifest.mtime)
        self._tar.set_plan([e.name for e in plan])
        self.head = BundleHead(manifest, size1, size2, plan)
        return self.head

    def read_body(self, sink: BodySink, progress: Progress | None = None) -> None:
        """Every record and attachment to ``sink``, then padding, end of archive, end of file."""
        head = self.head
        if head is None:
            raise RuntimeError("read_head first")
        if progress is not None:
            total = head.total
            self._source.progress = lambda done: progress(done, total)
        # The body is decrypted in a helper thread while this one checks and stores it.
        decryptor = self._source.decryptor
        with ReadAhead(decryptor, READ_AHEAD_PIECE) as ahead:
            self._source.decryptor = ahead
            try:
                self._read_body(head, sink)
            finally:
                self._source.decryptor = decryptor

    def _read_body(self, head: BundleHead, sink: BodySink) -> None:
        manifest = head.manifest
        mtime = manifest.mtime
        entries: list[RecordEntry | AttachmentEntry] = [*manifest.records, *manifest.attachments]
        for expected, entry in zip(head.plan[2:-1], entries, strict=True):
            pieces = _hash_checked(self._tar.iter_member(expected, mtime), entry.sha256, expected)
            if isinstance(entry, RecordEntry):
                sink.record(expected.number, entry, b"".join(pieces))
            else:
                sink.attachment(expected.number, entry, pieces)
                for _ in pieces:  # whatever the sink left unread is still checked
                    pass
        padding = head.plan[-1]
        for piece in self._tar.iter_member(padding, mtime):
            if piece.count(0) != len(piece):  # C speed, unlike any()
                raise BundleMalformed(number=padding.number, name=padding.name)
        self._tar.finish(padding.number + 1)
