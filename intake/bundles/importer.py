"""Verify and import bundles into a vault: all or nothing, one transaction per bundle.

``verify_bundle`` reads a bundle completely and checks everything (docs/bundle-format.md §7.8)
without changing the vault, and reports sender, signature, recipients, contents and the first
problem. ``import_bundle`` does the same checks and stores the records (through the testimony
store, which refuses to let an older version replace a newer one) and attachments (streamed in
1 MiB chunks, stored once per content), the provenance of every version (bundle, sender, time)
and audit entries, all inside one transaction that commits only after the last byte of the
bundle was authenticated. A bundle already imported (the same id from the same sender) is
checked and reported, and changes nothing; the same id from another sender is refused.
Sequence gaps and reused sequence numbers of a sender are reported. A record that would add a
version to another author's testimony (an insider's takeover, docs/bundle-format.md §7.8) is
refused on its own: reported with the sender's enrolled name and fingerprint, audited, nothing
of it stored; the rest of the bundle imports. A forwarded bundle (a coordinator passing
on other authors' versions, §7.13) is checked record by record against each author's own key
(intake/bundles/forwarding.py). ``verify_stream`` and
``import_stream`` do the same for a bundle read from any binary stream (the quarantine's
stored copy); ``report_head`` checks and reports only the signed head.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from crypto.bufread import BinaryReader
from crypto.keys import signing_public_key
from crypto.signing import verify as verify_signature
from intake.bundles import record_checks
from intake.bundles.bundle_report import BundleReport as BundleReport
from intake.bundles.bundle_report import gaps as gaps
from intake.bundles.bundle_report import make_report
from intake.bundles.errors import (
    AuthorRevoked,
    BundleError,
    PreviousVersionMissing,
    RecordInvalid,
)
from intake.bundles.forwarding import ForwardedAuthors, remember_introduced
from intake.bundles.manifest import AttachmentEntry, Manifest, RecordEntry
from intake.bundles.reader import BundleReader, Progress
from intake.bundles.refusals import RefusedRecord
from intake.bundles.space import import_needs, require_space
from intake.cards.statements import apply_carried, retired_keys
from intake.errors import InvalidInput
from intake.i18n import tr
from intake.testimonies.attachments import CHUNK_SIZE, drop_orphans
from intake.testimonies.canonical import VersionRecord, created_now, signing_message
from intake.testimonies.errors import ImportRejected, NotCanonical, NotTheAuthor
from intake.testimonies.errors import PreviousVersionMissing as MissingInVault
from intake.testimonies.exchange import CheckedVersion, check_version, store_version
from intake.testimonies.media_types import SNIFF_BYTES, detect_media_type
from intake.testimonies.ownership import may_continue, owner_of
from intake.testimonies.store import TestimonyStore
from intake.vault import BULK_BYTES, Vault
from intake.vault.audit import AuditLog


def check_record(number: int, entry: RecordEntry, data: bytes, author: bytes) -> VersionRecord:
    """§7.7: canonical, the entry's id and version, final, by ``author`` (the sender, or in a
    forwarded bundle the author the record names, §7.13), its signature valid."""
    try:
        record = VersionRecord.parse(data)
    except NotCanonical as exc:
        raise RecordInvalid(number=number, reason=exc.message()) from None
    if (record.testimony_id, record.version) != (entry.id, entry.version):
        raise RecordInvalid(number=number, reason=tr("its id or version differs from the list"))
    if record.status != "final":
        raise RecordInvalid(number=number, reason=tr("it is not a final version"))
    if record.author != author.hex():
        raise RecordInvalid(number=number, reason=tr("it was not written by the sender"))
    if not verify_signature(author, signing_message(entry.sha256), entry.signature):
        raise RecordInvalid(number=number, reason=tr("its author's signature does not verify"))
    return record


class _CheckingSink:
    """Checks records and reads attachments to their end (hashes are checked by the reader).
    With ``report``, a record an import would refuse as another author's (``vault`` holds the
    testimony under another key) is listed in ``report.refused``."""

    def __init__(
        self,
        authors: ForwardedAuthors,
        vault: Vault | None = None,
        report: BundleReport | None = None,
    ) -> None:
        self.authors = authors  # whose signatures the records may carry (§7.13)
        self.author = authors.sender
        self.vault, self.report = vault, report

    def record(self, number: int, entry: RecordEntry, data: bytes) -> None:
        author = self.authors.key_of(number, data)
        check_record(number, entry, data, author)
        if self.vault is None or self.report is None:
            return
        owner = owner_of(self.vault.conn, entry.id)
        error: ImportRejected | None = None
        if author in self.authors.revoked:
            fingerprint = self.authors.revoked[author]
            error = AuthorRevoked(version=entry.version, id=entry.id, fingerprint=fingerprint)
        elif owner is not None and not may_continue(self.vault.conn, owner, author):
            holder = TestimonyStore(self.vault).key_label(owner)
            error = NotTheAuthor(version=entry.version, id=entry.id, owner=holder)
        if error is not None:
            report = self.report
            name, fingerprint = report.sender_name, report.sender_fingerprint
            report.refused.append(RefusedRecord.of(number, entry, error, name, fingerprint))

    def attachment(self, number: int, entry: AttachmentEntry, data: Iterator[bytes]) -> None:
        for _ in data:
            pass


class _StoringSink(_CheckingSink):
    """Stores into the open transaction ``conn``; the caller commits after the last byte."""

    def __init__(
        self,
        vault: Vault,
        conn: Any,
        manifest: Manifest,
        report: BundleReport,
        now: str,
        audit: AuditLog,
        checker: record_checks.RecordChecker | None = None,
    ) -> None:
        super().__init__(ForwardedAuthors(manifest, vault))
        self.vault, self.conn, self.manifest, self.now = vault, conn, manifest, now
        self.used: set[bytes] = set()  # authors of the versions stored or already held
        self.by_others: set[tuple[str, int]] = set()  # forwarded versions of other authors
        self.bundle_report = report
        self.refused: set[tuple[str, int]] = set()  # (id, version) of records refused alone
        self.store = TestimonyStore(vault)
        self.store.audit = audit
        self.outcomes: Counter[str] = Counter()
        self.attachments_new = 0
        self.checker = checker  # checks records in helper processes (record_checks.py)
        self.sender_fingerprint = manifest.sender.fingerprint  # computed once, not per record

    def record(self, number: int, entry: RecordEntry, data: bytes) -> None:
        if self.checker is None:
            self._store_record(number, entry, data, None)
            return
        for (n, e, d), checked in self.checker.add((number, entry, data)):
            self._store_record(n, e, d, checked)

    def settle(self) -> None:
        """Store the records the helper processes are still checking, in order."""
        if self.checker is not None:
            for (n, e, d), checked in self.checker.drain():
                self._store_record(n, e, d, checked)

    def _store_record(
        self, number: int, entry: RecordEntry, data: bytes, checked: CheckedVersion | None
    ) -> None:
        # The store checks the bytes themselves (canonical, final, by the sender, signature,
        # known form, shape): one parse per record; check_record only words a refusal. A
        # record a helper refused (None) is checked again here for that.
        author = self.author if checked is not None else self.authors.key_of(number, data)
        if checked is None:
            try:
                checked = check_version(data, entry.signature, author)
            except ImportRejected as exc:
                check_record(number, entry, data, author)  # raises the precise reason
                raise RecordInvalid(number=number, reason=exc.message()) from None
        record = checked.record
        if author in self.authors.revoked:  # signature checked first: a forgery fails the bundle
            fingerprint = self.authors.revoked[author]
            self._refuse(
                number,
                entry,
                AuthorRevoked(version=entry.version, id=entry.id, fingerprint=fingerprint),
            )
            return
        if (record.testimony_id, record.version) != (entry.id, entry.version):
            raise RecordInvalid(number=number, reason=tr("its id or version differs from the list"))
        if checked.digest != entry.sha256:  # the reader checked the hash: never expected
            raise RecordInvalid(number=number, reason=tr("it is not in canonical form"))
        try:
            outcome, _ = store_version(self.store, checked, self.conn, self.now)
        except NotTheAuthor as exc:  # another author's testimony: this record only (§7.8)
            self._refuse(number, entry, exc)
            return
        except MissingInVault:
            raise PreviousVersionMissing(
                number=number, version=entry.version, id=entry.id
            ) from None
        except ImportRejected as exc:
            raise RecordInvalid(number=number, reason=exc.message()) from None
        self.outcomes[outcome] += 1
        self.used.add(author)
        if author != self.author:
            self.by_others.add((entry.id, entry.version))
        self.conn.execute(
            "INSERT INTO record_provenance (testimony_id, version_no, hash, bundle_id,"
            " sender_fingerprint, imported_at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                entry.id,
                entry.version,
                entry.sha256,
                self.manifest.bundle,
                self.sender_fingerprint,
                self.now,
                outcome,
            ),
        )

    def _refuse(self, number: int, entry: RecordEntry, error: ImportRejected) -> None:
        """Report and audit a record refused on its own; nothing of it is stored."""
        report = self.bundle_report
        name, fingerprint = report.sender_name, report.sender_fingerprint
        report.refused.append(RefusedRecord.of(number, entry, error, name, fingerprint))
        self.refused.add((entry.id, entry.version))
        self.store.audit.append(
            self.conn,
            "refuse",
            entry.id,
            {
                "version": entry.version,
                "hash": entry.sha256,
                "sender": self.sender_fingerprint,
                "bundle": self.manifest.bundle,
                "check": error.code,
            },
        )

    def attachment(self, number: int, entry: AttachmentEntry, data: Iterator[bytes]) -> None:
        self.settle()
        conn = self.conn
        if conn.execute("SELECT 1 FROM attachments WHERE sha256 = ?", (entry.sha256,)).fetchone():
            for _ in data:  # stored once: only checked
                pass
            return
        pending = int(
            conn.execute(
                "INSERT INTO attachments (sha256, size, media_type, chunk_size, created)"
                " VALUES (NULL, 0, '', ?, ?)",
                (CHUNK_SIZE, self.now),
            ).lastrowid
        )
        buf, seq, head = bytearray(), 0, b""
        for piece in data:
            if not head:
                head = piece[:SNIFF_BYTES]
            if not buf and len(piece) == CHUNK_SIZE:  # the usual case: no copy
                conn.execute(
                    "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?)",
                    (pending, seq, piece),
                )
                seq += 1
                continue
            buf += piece
            while len(buf) >= CHUNK_SIZE:
                conn.execute(
                    "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?)",
                    (pending, seq, bytes(buf[:CHUNK_SIZE])),
                )
                del buf[:CHUNK_SIZE]
                seq += 1
        if buf:
            conn.execute(
                "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?)",
                (pending, seq, bytes(buf)),
            )
        conn.execute(  # reached only when the reader confirmed the hash
            "UPDATE attachments SET sha256 = ?, size = ?, media_type = ? WHERE id = ?",
            (entry.sha256, entry.size, detect_media_type(head), pending),
        )
        self.attachments_new += 1

    def link_attachments(self, audit: AuditLog) -> None:
        for entry in self.manifest.records:
            if (entry.id, entry.version) in self.refused:  # never onto another's testimony
                continue
            for ref in entry.attachments:
                cur = self.conn.execute(
                    "INSERT INTO testimony_attachments (testimony_id, sha256, filename, added)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (testimony_id, sha256) DO NOTHING",
                    (entry.id, ref.sha256, ref.name, self.now),
                )
                if cur.rowcount:
                    details = {"sha256": ref.sha256}
                    if (entry.id, entry.version) in self.by_others:  # only the forwarder signed
                        details.update(
                            forwarded_by=self.sender_fingerprint, bundle=self.manifest.bundle
                        )
                    audit.append(self.conn, "attach", entry.id, details)
        if self.refused:  # an attachment only a refused record named was not kept
            self.attachments_new = max(0, self.attachments_new - drop_orphans(self.conn))
        else:
            drop_orphans(self.conn)


def _open(path: Path) -> BinaryIO:
    try:
        return open(path, "rb")
    except OSError:
        raise InvalidInput(reason=tr("cannot read {path}", path=path)) from None


def _read_head(vault: Vault, src: BinaryReader) -> tuple[BundleReader, Manifest, BundleReport]:
    ident = vault.identity
    retired = [(k.x25519_private, k.hybrid_seed) for k in retired_keys(vault)]
    reader = BundleReader(src, ident.x25519_private, ident.hybrid_seed, retired)
    manifest = reader.read_head().manifest
    return reader, manifest, make_report(vault, manifest)


def report_head(vault: Vault, src: BinaryReader) -> BundleReport:
    """Read only the signed head of the bundle in ``src`` (manifest, signature, sender card,
    all checked) and report it against the vault; nothing after the head is read or checked."""
    return _read_head(vault, src)[2]


def verify_stream(
    vault: Vault, src: BinaryReader, progress: Progress | None = None
) -> BundleReport:
    """``verify_bundle`` for the bundle read from ``src``: checked completely, nothing stored."""
    reader, manifest, report = _read_head(vault, src)
    reader.read_body(_CheckingSink(ForwardedAuthors(manifest, vault), vault, report), progress)
    return report


def verify_bundle(vault: Vault, path: Path, progress: Progress | None = None) -> BundleReport:
    """Check a bundle completely; store nothing. Structural failures raise; a sender or
    addressing problem is returned in ``report.problem`` after the rest was checked."""
    with _open(path) as f:
        return verify_stream(vault, f, progress)


def import_stream(
    vault: Vault,
    src: BinaryReader,
    progress: Progress | None = None,
    clock: Callable[[], datetime] | None = None,
    *,
    conn: Any | None = None,
) -> BundleReport:
    """``import_bundle`` for the bundle read from ``src``. Without ``conn`` the free disk space
    is checked and the import commits in its own transaction; with ``conn`` (an open
    transaction of ``vault``) it happens inside that one and the caller commits."""
    reader, manifest, report = _read_head(vault, src)
    if report.problem is not None:
        raise report.problem
    if report.already_imported:
        reader.read_body(_CheckingSink(ForwardedAuthors(manifest)), progress)
        return report
    if conn is not None:
        return _store(vault, conn, reader, manifest, report, progress, clock)
    bulk = manifest.data_size > BULK_BYTES
    require_space(vault.path, import_needs(manifest, bulk=bulk and vault.bulk_possible))
    # A large bundle's pages are written once, with a rollback journal (vault-format.md).
    with vault.transaction(bulk=bulk) as own:
        report = _store(vault, own, reader, manifest, report, progress, clock)
    if manifest.statements:  # after the commit, each on its own (bundle-format.md §8.5)
        report.statements_applied, report.statements_refused = apply_carried(
            vault, manifest.statements
        )
    return report


def _store(
    vault: Vault,
    conn: Any,
    reader: BundleReader,
    manifest: Manifest,
    report: BundleReport,
    progress: Progress | None,
    clock: Callable[[], datetime] | None,
) -> BundleReport:
    """Inside the open transaction ``conn``: the bundle, its body and the audit entries."""
    now = created_now(clock() if clock else None)
    audit = AuditLog(vault, clock)
    conn.execute(
        "INSERT INTO bundles_received (bundle_id, sender_fingerprint, sequence, created,"
        " imported_at, records, attachments) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            manifest.bundle,
            manifest.sender.fingerprint,
            manifest.sequence,
            manifest.created,
            now,
            len(manifest.records),
            len(manifest.attachments),
        ),
    )
    many = (  # the helpers check one author's records: a forwarded bundle is checked here
        len(manifest.records) >= record_checks.MIN_RECORDS
        and record_checks.available()
        and not manifest.forwarded
    )
    checker = record_checks.RecordChecker(manifest.sender.ed25519_public) if many else None
    sink = _StoringSink(vault, conn, manifest, report, now, audit, checker)
    with audit.batch(conn):  # one audit entry per record; the chain's head written once
        try:
            try:
                reader.read_body(sink, progress)
            except BundleError:
                sink.settle()  # a refused record read before this problem is the first problem
                raise
            sink.settle()
        finally:
            if checker is not None:
                checker.close()
        sink.link_attachments(audit)
        own = signing_public_key(vault.identity.signing_seed)  # never its own card
        remember_introduced(conn, manifest, sink.used - {own}, manifest.bundle, now)
        audit.append(
            conn,
            "import",
            manifest.bundle,
            {
                "sender": manifest.sender.fingerprint,
                "sequence": manifest.sequence,
                "records": len(manifest.records),
                "attachments": len(manifest.attachments),
                "refused": len(sink.refused),
            },
        )
    report.outcomes = dict(sink.outcomes)
    report.attachments_new = sink.attachments_new
    return report


def import_bundle(
    vault: Vault,
    path: Path,
    progress: Progress | None = None,
    clock: Callable[[], datetime] | None = None,
) -> BundleReport:
    """Import one bundle, all or nothing; raises the first problem, changing nothing."""
    with _open(path) as f:
        return import_stream(vault, f, progress, clock)
