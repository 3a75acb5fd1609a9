"""Export: finalized testimonies of this vault into one bundle for verified coordinators.

``export_bundle`` picks testimonies (given ids, all with a final version, or those with a final
version no bundle carried yet), resolves the recipients to verified, non-revoked coordinator
cards, builds the manifest from the store (each final version's canonical bytes, hash and
author signature; each attachment's hash, size and type), and streams the bundle into
``FILE.part``: records, then attachments read chunk by chunk from the vault, through tar into
the age encryptor. Everything happens inside one vault transaction: the bundle's sequence
number, which versions it carried, audit entries and, with the seal policy on, the sealing
(seal.py) commit together, after the file was flushed to disk; only then is ``FILE.part``
renamed to ``FILE``. Any failure, or a crash, leaves no ``FILE`` and the vault unchanged.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from crypto import card as cardfmt
from crypto.age import Recipient
from crypto.fingerprint import normalize as normalize_fingerprint
from crypto.hybrid import HybridRecipient
from crypto.keys import signing_public_key
from crypto.primitives import Random, default_random
from crypto.x25519 import X25519Recipient
from intake.bundles import files, seal
from intake.bundles.errors import (
    BundleLimitExceeded,
    ExportTooLarge,
    NoRecipients,
    NotExportable,
    NothingToExport,
    RecipientNotUsable,
    TooManyRecipients,
)
from intake.bundles.forwarding import author_cards, forward_selection
from intake.bundles.manifest import (
    MAX_ATTACHMENT_SIZE,
    MAX_MANIFEST_SIZE,
    MAX_RECIPIENTS,
    MAX_RECORDS,
    MAX_STATEMENTS,
    MAX_TOTAL_SIZE,
    AttachmentEntry,
    AttachmentRef,
    Manifest,
    RecordEntry,
    portable_media_type,
    portable_name,
    time_text,
)
from intake.bundles.readahead import ReadAhead
from intake.bundles.writer import PIECE, BundleWriter, Progress
from intake.cards.registry import CardRegistry, KnownCard, own_card
from intake.cards.statements import carried_statements
from intake.i18n import tr
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.errors import AttachmentDamaged
from intake.testimonies.exchange import export_version
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from intake.vault.audit import AuditLog

Selection = Literal["ids", "all-final", "new"]
RECORD_CACHE = 32 << 20  # bytes of records kept between the two passes (about 8,000 records)


@dataclass(frozen=True)
class ExportResult:
    bundle_id: str
    sequence: int
    path: Path
    records: int
    attachments: int
    size: int  # bytes of the bundle file
    sealed: bool
    recipients: tuple[str, ...]
    post_quantum: bool = False  # encrypted to the hybrid mlkem768x25519 recipients


def age_recipients(cards: Sequence[KnownCard], *, classic: bool = False) -> list[Recipient]:
    """The age recipients of a bundle: the hybrid post-quantum ones when every card offers one
    and ``classic`` is not asked for, else X25519 for all (age never mixes the two kinds in one
    file, docs/bundle-format.md §7.2)."""
    hybrids = [k.card.hybrid_public for k in cards if k.card.hybrid_public is not None]
    if not classic and cards and len(hybrids) == len(cards):
        return [HybridRecipient(public) for public in hybrids]
    return [X25519Recipient(k.card.x25519_public) for k in cards]


def resolve_recipients(vault: Vault, fingerprints: Sequence[str]) -> list[KnownCard]:
    """The coordinator cards the fingerprints name, in fingerprint order; refuses any card that
    is unknown, not a coordinator's, revoked or not verified by a person."""
    registry = CardRegistry(vault)
    seen: dict[str, KnownCard] = {}
    for text in fingerprints:
        fingerprint = normalize_fingerprint(text) or text
        known = registry.get(fingerprint)
        if known is None:
            reason = tr("this card is not in the vault. Import it with 'amanat card import'.")
        elif known.card.role != "coordinator":
            reason = tr("this is not a coordinator's card.")
        elif known.revoked:
            reason = tr("this card is revoked.")
        elif not known.verified:
            reason = tr(
                "its fingerprint was not verified. Compare it with the coordinator, then run "
                "'amanat card verify {fingerprint}'.",
                fingerprint=fingerprint,
            )
        else:
            seen[known.fingerprint] = known
            continue
        raise RecipientNotUsable(fingerprint=fingerprint, reason=reason)
    if not seen:
        raise NoRecipients
    if len(seen) > MAX_RECIPIENTS:
        raise TooManyRecipients(limit=MAX_RECIPIENTS)
    return [seen[k] for k in sorted(seen)]


def _own_finals(conn: Any, testimony_id: str, author: bytes) -> list[int]:
    rows = conn.execute(
        "SELECT version_no, author FROM testimony_versions"
        " WHERE testimony_id = ? AND status = 'final' ORDER BY version_no",
        (testimony_id,),
    ).fetchall()
    return [int(r[0]) for r in rows if bytes(r[1]) == author]


def select_testimonies(
    vault: Vault, selection: Selection, ids: Sequence[str] = ()
) -> list[tuple[str, list[int]]]:
    """(testimony id, final version numbers to send) for each selected testimony."""
    conn = vault.conn
    author = signing_public_key(vault.identity.signing_seed)
    if selection == "ids":
        chosen = []
        for testimony_id in dict.fromkeys(ids):
            if conn.execute("SELECT 1 FROM testimonies WHERE id = ?", (testimony_id,)).fetchone():
                versions = _own_finals(conn, testimony_id, author)
                if versions:
                    chosen.append((testimony_id, versions))
                    continue
                reason = tr("it has no final version written in this vault. Finalize it first.")
            elif conn.execute(
                "SELECT 1 FROM sealed_versions WHERE testimony_id = ?", (testimony_id,)
            ).fetchone():
                reason = tr("it was sealed after an earlier export. Send that bundle again.")
            else:
                reason = tr("it is not in this vault.")
            raise NotExportable(id=testimony_id, reason=reason)
        return chosen
    rows = conn.execute(
        "SELECT DISTINCT testimony_id FROM testimony_versions WHERE status = 'final'"
        " ORDER BY testimony_id"
    ).fetchall()
    chosen = []
    for row in rows:
        versions = _own_finals(conn, str(row[0]), author)
        if selection == "new":
            sent = {
                int(r[0])
                for r in conn.execute(
                    "SELECT version_no FROM bundle_records WHERE testimony_id = ?", (row[0],)
                ).fetchall()
            }
            if not set(versions) - sent:
                continue
        if versions:
            chosen.append((str(row[0]), versions))
    return chosen


class RecordCache:
    """Record bytes from the first pass, up to a memory budget, so most records are read (and
    their hash and signature checked) once; the writer checks every byte against the manifest
    either way."""

    def __init__(self, budget: int = RECORD_CACHE) -> None:
        self.room = budget
        self._data: dict[tuple[str, int], bytes] = {}

    def keep(self, testimony_id: str, version: int, data: bytes) -> None:
        self._data[(testimony_id, version)] = data
        self.room -= len(data)

    def take(self, testimony_id: str, version: int) -> bytes | None:
        return self._data.pop((testimony_id, version), None)


def _bundle_id(random: Random) -> str:
    return str(uuid.UUID(bytes=random(16), version=4))


def next_sequence(conn: Any) -> int:
    return int(
        conn.execute("SELECT coalesce(max(sequence), 0) + 1 FROM bundles_sent").fetchone()[0]
    )


def build_manifest(
    vault: Vault,
    chosen: Sequence[tuple[str, Sequence[int]]],
    recipients: Sequence[str],
    *,
    bundle_id: str,
    created: str,
    sequence: int,
    cache: RecordCache | None = None,
    authors: tuple[cardfmt.Card, ...] = (),
) -> Manifest:
    """The manifest of a bundle carrying ``chosen`` (first pass over the store, which checks
    every version against its hash and signature); ``cache`` keeps record bytes for the second
    pass while it has room."""
    store, attachments = TestimonyStore(vault), AttachmentStore(vault)
    records: list[RecordEntry] = []
    listed: dict[str, AttachmentEntry] = {}
    for testimony_id, versions in chosen:
        refs = []
        for info in attachments.list(testimony_id):
            if info.size > MAX_ATTACHMENT_SIZE:
                raise ExportTooLarge(what=tr("an attachment"), limit=MAX_ATTACHMENT_SIZE)
            refs.append(AttachmentRef(info.sha256, portable_name(info.filename)))
            listed.setdefault(
                info.sha256,
                AttachmentEntry(info.sha256, info.size, portable_media_type(info.media_type)),
            )
        for i, version in enumerate(versions):
            data, signature, digest = export_version(store, testimony_id, version)
            if cache is not None and cache.room >= len(data):
                cache.keep(testimony_id, version, data)
            last = i == len(versions) - 1
            records.append(
                RecordEntry(
                    testimony_id,
                    version,
                    len(data),
                    digest,
                    signature,
                    tuple(dict.fromkeys(refs)) if last else (),
                )
            )
    if len(records) > MAX_RECORDS:
        raise ExportTooLarge(what=tr("the number of testimonies"), limit=MAX_RECORDS)
    manifest = Manifest(
        bundle=bundle_id,
        created=created,
        sender=own_card(vault, classic=True),  # format 1 readers know version 1 cards
        recipients=tuple(sorted(recipients)),
        sequence=sequence,
        records=tuple(records),
        attachments=tuple(listed.values()),
        authors=authors,
        statements=carried_statements(vault, MAX_STATEMENTS),
    )
    if manifest.data_size > MAX_TOTAL_SIZE:
        raise ExportTooLarge(what=tr("the total size"), limit=MAX_TOTAL_SIZE)
    return manifest


class _BundleFile:
    """The ``.part`` file being written (which counts and hashes what passes), and the seal
    policy's copy when that is on."""

    def __init__(self, f: files.PartFile, keep: Callable[[bytes], None] | None) -> None:
        self._f = f
        self._keep = keep

    def write(self, data: bytes) -> None:
        self._f.write(data)
        if self._keep is not None:
            self._keep(data)


def export_bundle(
    vault: Vault,
    recipients: Sequence[str],
    output: Path,
    *,
    selection: Selection = "new",
    ids: Sequence[str] = (),
    progress: Progress | None = None,
    clock: Callable[[], datetime] | None = None,
    random: Random = default_random,
    forward: bool = False,
    classic: bool = False,
) -> ExportResult:
    """Write one bundle to ``output`` (a file name, or a folder for a random name).

    ``forward``: a coordinator's forwarded bundle (docs/bundle-format.md §7.13): every final
    version of the chosen testimonies whoever wrote them, with their authors' cards; never
    sealed. Selection "new" counts as "all-final" for it (the CLI and the GUI offer only ids
    and all).

    The bundle is post-quantum (hybrid recipients) when every recipient's card offers it,
    unless ``classic`` forces X25519 for partners whose age is older than 1.3.

    ``progress(done, total)`` is called as the plaintext stream grows; raising from it cancels
    the export (nothing is kept). ``clock`` and ``random`` are injectable for tests.
    """
    cards = resolve_recipients(vault, recipients)
    fingerprints = [k.fingerprint for k in cards]
    ages = age_recipients(cards, classic=classic)
    authors: tuple[cardfmt.Card, ...] = ()
    if forward:
        chosen, keys = forward_selection(vault, "ids" if selection == "ids" else "all-final", ids)
        authors = author_cards(vault, chosen, keys)
    else:
        chosen = select_testimonies(vault, selection, ids)
    if not chosen:
        raise NothingToExport
    now = (clock() if clock else datetime.now(UTC)).replace(microsecond=0)
    path = files.output_path(Path(output), random)
    sealing = seal.is_on(vault) and not forward
    bundle_id = _bundle_id(random)
    f = files.open_part(path)
    published = False
    try:
        with vault.transaction() as conn:
            sequence = next_sequence(conn)
            cache = RecordCache()
            manifest = build_manifest(
                vault,
                chosen,
                fingerprints,
                bundle_id=bundle_id,
                created=time_text(now),
                sequence=sequence,
                cache=cache,
                authors=authors,
            )
            _insert_sent(conn, manifest, sealing)
            keeper = seal.BundleKeeper(conn, bundle_id) if sealing else None
            sink = _BundleFile(f, keeper.write if keeper else None)
            _stream(vault, manifest, sink, ages, cache, progress, random, read_ahead=keeper is None)
            if keeper:
                keeper.close()
            files.flush(f, path)
            conn.execute(
                "UPDATE bundles_sent SET size = ?, sha256 = ? WHERE bundle_id = ?",
                (f.size, f.sha256(), bundle_id),
            )
            _remember(vault, conn, manifest, sealing, clock)
            # Named FILE before the commit: a failed rename (a USB stick pulled) rolls the
            # export back, rather than leaving the testimonies counted as sent in a FILE.part
            # nobody will send; a failed commit removes FILE again. Only a crash between the
            # two leaves a complete FILE the vault does not count (sent again next time).
            files.publish(path)
            published = True
    except BaseException:
        files.discard(f, path)
        if published:
            files.unpublish(path)
        raise
    if sealing:
        seal.checkpoint(vault)
    return ExportResult(
        bundle_id,
        sequence,
        path,
        len(manifest.records),
        len(manifest.attachments),
        f.size,
        sealing,
        tuple(fingerprints),
        post_quantum=isinstance(ages[0], HybridRecipient),
    )


def _insert_sent(conn: Any, manifest: Manifest, sealing: bool) -> None:
    conn.execute(
        "INSERT INTO bundles_sent (bundle_id, sequence, created, recipients, records,"
        " attachments, size, sha256, sealed) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
        (
            manifest.bundle,
            manifest.sequence,
            manifest.created,
            json.dumps(list(manifest.recipients)),
            len(manifest.records),
            len(manifest.attachments),
            "0" * 64,
            int(sealing),
        ),
    )


def _stream(
    vault: Vault,
    manifest: Manifest,
    sink: _BundleFile,
    recipients: Sequence[Recipient],
    cache: RecordCache,
    progress: Progress | None,
    random: Random,
    *,
    read_ahead: bool,
) -> None:
    """Second pass: the bundle itself. ``read_ahead``: attachments are read from the vault in
    a helper thread while the bundle is encrypted and written (not while the seal policy writes
    the bundle into the vault on the same connection)."""
    store, attachments = TestimonyStore(vault), AttachmentStore(vault)
    try:
        writer = BundleWriter(
            sink,
            manifest,
            vault.identity.signing_seed,
            recipients,
            random=random,
            progress=progress,
        )
    except BundleLimitExceeded:  # the manifest itself: too many attachments per testimony
        raise ExportTooLarge(what=tr("the list of contents"), limit=MAX_MANIFEST_SIZE) from None
    for entry in manifest.records:
        data = cache.take(entry.id, entry.version)
        if data is None:
            data, _, _ = export_version(store, entry.id, entry.version)
        writer.add_record(data)
    for attachment in manifest.attachments:
        if read_ahead:  # the helper thread reads the vault; this one hashes, as it encrypts
            with (
                attachments.open(attachment.sha256, checked=False) as src,
                ReadAhead(src, PIECE) as ahead,
            ):
                writer.add_attachment(ahead, mismatch=AttachmentDamaged)
        else:
            with attachments.open(attachment.sha256) as src:  # checks the hash as it reads
                writer.add_attachment(src, verifies=src.sha256)
    writer.finish()


def _remember(
    vault: Vault,
    conn: Any,
    manifest: Manifest,
    sealing: bool,
    clock: Callable[[], datetime] | None,
) -> None:
    """Which versions the bundle carried, audit entries, and the seal policy."""
    audit = AuditLog(vault, clock)
    for entry in manifest.records:
        conn.execute(
            "INSERT INTO bundle_records (bundle_id, testimony_id, version_no, hash)"
            " VALUES (?, ?, ?, ?)",
            (manifest.bundle, entry.id, entry.version, entry.sha256),
        )
        details: dict[str, Any] = {
            "version": entry.version,
            "hash": entry.sha256,
            "bundle": manifest.bundle,
        }
        if sealing:
            details["sealed"] = True
        audit.append(conn, "export", entry.id, details)
    for attachment in manifest.attachments:
        audit.append(
            conn, "export", attachment.sha256, {"bundle": manifest.bundle, "size": attachment.size}
        )
    if sealing:
        seal.seal_versions(vault, conn, manifest, clock)
