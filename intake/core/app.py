"""``AmanatCore``: the use cases on one open vault, for the CLI and the GUI alike.

The GUI's controller (ui/session.py) hands widgets ``session.core``; the CLI builds one per
command. Stores come from here (a fresh one per call: they keep small caches that are not
meant to be shared between threads), and the use cases that are more than one store call live
here: receiving several bundles (each one imported, quarantined or refused on its own),
the quarantine (enrol the sender, import, discard), the bundle history and provenance, the seal
policy, the coordinator's archive pages, per-vault settings, exporting a bundle (which enters
the outbox), sharing data with partners, printing a testimony to a file; the drop's use cases
are in ``core/drop.py``. The GUI imports no room to do any of this (tests/test_architecture.py
holds ui/ to a short list of data types).
Rooms are imported when a use case runs (docs/performance.md, "Start-up").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from intake.bundles.export import ExportResult, Selection
    from intake.bundles.forwarding import Origin
    from intake.bundles.history import Provenance, ReceivedBundle
    from intake.bundles.importer import BundleReport
    from intake.bundles.quarantine import Receipt, WaitingBundle
    from intake.bundles.seal import SealStatus
    from intake.cards.card_files import MyCard
    from intake.cards.cardfile import CardImport
    from intake.cards.registry import CardRegistry, KnownCard
    from intake.cards.statements import KeyStatements
    from intake.core.drop import DropUseCases
    from intake.duplicates.finder import DuplicateFinder
    from intake.review.store import ReviewStore
    from intake.sharing.export import Format, ShareOptions, ShareReport
    from intake.testimonies.archive import ArchiveQuery, Page
    from intake.testimonies.attachments import AttachmentStore
    from intake.testimonies.store import TestimonyStore
    from intake.tlog.log import TransparencyLog
    from intake.vault import Vault
    from intake.vault.audit import AuditLog

Progress = Callable[[int, int], None]  # (done, total) of the current item
VIEW_MAX_BYTES = 40 << 20  # an attachment shown inside the app is read whole into memory
# A decoded image takes 4 bytes a pixel: 50 million pixels are 200 MB. A small file can claim
# far more (a "decompression bomb"), so the size in its header is checked before decoding.
VIEW_MAX_PIXELS = 50_000_000


def check_image_size(width: int, height: int) -> None:
    """Refuse to decode an image whose header gives no size or more than VIEW_MAX_PIXELS."""
    from intake.testimonies.errors import ImageTooLarge, ImageUnreadable

    if width <= 0 or height <= 0:
        raise ImageUnreadable()
    if width * height > VIEW_MAX_PIXELS:
        raise ImageTooLarge(width=width, height=height, limit=VIEW_MAX_PIXELS // 1_000_000)


@dataclass(frozen=True)
class AttachmentRow:
    """One attached file as the record view lists it; ``version``: the newest version of the
    testimony when the file was added here (imported or attached), None if none was older."""

    testimony_id: str
    sha256: str
    size: int
    media_type: str
    filename: str
    added: str
    version: int | None


@dataclass(frozen=True)
class Received:
    """One bundle file's result: a receipt, or the error that stopped it (nothing imported)."""

    name: str
    receipt: Receipt | None
    error: Exception | None


class AmanatCore:
    """The use cases on ``vault`` (open); holds no state of its own besides the vault."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    # ---- the rooms' services ------------------------------------------------------------

    @property
    def testimonies(self) -> TestimonyStore:
        from intake.testimonies.store import TestimonyStore

        return TestimonyStore(self.vault)

    @property
    def attachments(self) -> AttachmentStore:
        from intake.testimonies.attachments import AttachmentStore

        return AttachmentStore(self.vault)

    @property
    def cards(self) -> CardRegistry:
        from intake.cards.registry import CardRegistry

        return CardRegistry(self.vault)

    @property
    def key_statements(self) -> KeyStatements:
        """Revocations, successions and this vault's key rotation (bundle-format.md §8)."""
        from intake.cards.statements import KeyStatements

        return KeyStatements(self.vault)

    def own_card_file(self) -> bytes:
        """This vault's card file, with the statements about its earlier keys (§4.4)."""
        from intake.cards.cardfile import card_file_bytes

        return card_file_bytes(self.vault)

    def import_card_file(self, data: bytes, *, verified: bool) -> CardImport:
        """Store a card from a card file, then apply the statements it carries (§8.6)."""
        from intake.cards.cardfile import import_card_file

        return import_card_file(self.vault, data, verified=verified)

    @property
    def duplicates(self) -> DuplicateFinder:
        from intake.duplicates.finder import DuplicateFinder

        return DuplicateFinder(self.vault)

    @property
    def reviews(self) -> ReviewStore:
        from intake.review.store import ReviewStore

        return ReviewStore(self.vault)

    @property
    def log(self) -> TransparencyLog:
        """The transparency log: checkpoints, its key, proofs (docs/transparency-log.md)."""
        from intake.tlog.log import TransparencyLog

        return TransparencyLog(self.vault)

    @property
    def audit(self) -> AuditLog:
        from intake.vault.audit import AuditLog

        return AuditLog(self.vault)

    # ---- this vault's own card -------------------------------------------------------------

    def my_card(self) -> MyCard:
        """This vault's public card, its file's bytes and its QR code (a PNG, in memory)."""
        from crypto.card import serialize_card
        from intake.cards.card_files import MyCard
        from intake.cards.qr import card_qr_png
        from intake.cards.registry import own_card

        card = own_card(self.vault)  # the file carries key statements too; the QR the card
        return MyCard(card, self.own_card_file(), card_qr_png(serialize_card(card)))

    def save_my_card(
        self, card_path: Path | None, qr_path: Path | None = None, *, overwrite: bool = False
    ) -> MyCard:
        """Write this vault's card file and/or its QR code as a PNG (atomically, public)."""
        from intake.cards.card_files import save_public_file

        mine = self.my_card()
        if card_path is not None:
            save_public_file(card_path, mine.data, overwrite=overwrite)
        if qr_path is not None:
            save_public_file(qr_path, mine.qr_png, overwrite=overwrite)
        return mine

    # ---- attachments ----------------------------------------------------------------------

    def attachment_rows(self, testimony_id: str) -> list[AttachmentRow]:
        """The testimony's files with the version each arrived with (for the record view)."""
        versions = [(v.version_no, v.created) for v in self.testimonies.versions(testimony_id)]
        rows = []
        for a in self.attachments.list(testimony_id):
            older = [n for n, created in versions if created <= a.added]
            version = max(older) if older else None
            rows.append(
                AttachmentRow(
                    testimony_id, a.sha256, a.size, a.media_type, a.filename, a.added, version
                )
            )
        return rows

    def read_attachment(self, sha256: str, max_bytes: int = VIEW_MAX_BYTES) -> bytes:
        """A stored file whole, in memory, to show it inside the app (an image); checked
        against its SHA-256. Refuses a file larger than ``max_bytes`` before reading it."""
        from intake.testimonies.errors import FileTooLargeToShow

        with self.attachments.open(sha256) as reader:
            size = reader.size
            if size > max_bytes:
                raise FileTooLargeToShow(limit_mib=max_bytes >> 20)
            return reader.read()

    def save_attachment(self, sha256: str, path: Path) -> int:
        """Write a stored file to ``path`` (the person chose it, after a warning that the copy
        is not encrypted): owner-only, atomic, checked against its SHA-256 as it streams; a
        damaged file leaves nothing behind. Returns the byte count."""
        from intake.bundles import files

        part = files.open_part(path, private=True, overwrite=True)
        written = 0
        try:
            with self.attachments.open(sha256) as reader:
                while chunk := reader.read(1 << 20):
                    part.write(chunk)
                    written += len(chunk)
            files.flush(part, path)
            files.publish(path)
        except BaseException:
            files.discard(part, path)
            raise
        return written

    # ---- bundles ----------------------------------------------------------------------------

    def receive_bundles(
        self, paths: Sequence[Path], progress: Callable[[int], None] | None = None
    ) -> list[Received]:
        """Receive each bundle in turn (intake.bundles.quarantine.receive_bundle): imported
        when the sender is enrolled, kept in the quarantine when not, refused with a reason
        otherwise. One bundle's failure does not stop the others; ``progress`` gets the
        percentage of the whole batch and may raise to stop it (e.g. the vault is locking):
        the error is then that bundle's result and the next bundles stop at once the same way.

        """
        from intake.bundles import quarantine

        results: list[Received] = []
        for n, path in enumerate(paths):

            def step(done: int, total: int, n: int = n) -> None:
                if progress is not None:
                    progress(int(100 * (n + done / max(total, 1)) / len(paths)))

            try:
                receipt = quarantine.receive_bundle(self.vault, path, step)
            except Exception as exc:  # reported per bundle; the others still run
                results.append(Received(path.name, None, exc))
            else:
                results.append(Received(path.name, receipt, None))
        return results

    def import_quarantined(
        self, bundle_id: str, name: str, progress: Callable[[int], None] | None = None
    ) -> Received:
        """Import a waiting bundle whose sender is now enrolled (all or nothing)."""
        from intake.bundles import quarantine

        def step(done: int, total: int) -> None:
            if progress is not None:
                progress(int(100 * done / max(total, 1)))

        try:
            report = quarantine.import_quarantined(self.vault, bundle_id, step)
        except Exception as exc:
            return Received(name, None, exc)
        return Received(name, quarantine.Receipt("imported", report), None)

    def import_bundle(self, path: Path, progress: Progress | None = None) -> BundleReport:
        """Import one bundle from an enrolled sender, all or nothing (the CLI's ``import``;
        raises the first problem, changing nothing)."""
        from intake.bundles.importer import import_bundle

        return import_bundle(self.vault, path, progress=progress)

    def verify_bundle(self, path: Path, progress: Progress | None = None) -> BundleReport:
        """Check a bundle completely without importing it; its problem is in the report."""
        from intake.bundles.importer import verify_bundle

        return verify_bundle(self.vault, path, progress=progress)

    def export_bundle(
        self,
        recipients: Sequence[str],
        output: Path,
        *,
        selection: Selection = "new",
        ids: Sequence[str] = (),
        progress: Progress | None = None,
        forward: bool = False,
        classic: bool = False,
    ) -> ExportResult:
        """One signed, encrypted bundle for ``recipients`` (intake/bundles/export.py);
        ``forward``: a coordinator passes testimonies on to another coordinator, every version
        as its author signed it (docs/bundle-format.md §7.13). Post-quantum when every
        recipient's card allows it, unless ``classic``."""
        from intake.bundles.export import export_bundle
        from intake.transport import outbox

        result = export_bundle(
            self.vault,
            recipients,
            output,
            selection=selection,
            ids=ids,
            progress=progress,
            forward=forward,
            classic=classic,
        )
        outbox.add(self.vault, result.bundle_id, result.path)  # every bundle waits for a send
        return result

    # ---- the drop (intake/transport/) ---------------------------------------------------------

    @property
    def drop(self) -> DropUseCases:
        from intake.core.drop import DropUseCases

        return DropUseCases(self.vault)

    def resend_bundle(self, bundle_id: str, output: Path) -> Path:
        """Write a kept (sealed) bundle out again, e.g. when the USB stick was lost."""
        from intake.bundles import seal

        return seal.resend(self.vault, bundle_id, output)

    # ---- the quarantine: bundles whose sender is not enrolled yet -------------------------

    def waiting_bundles(self) -> list[WaitingBundle]:
        """Every bundle in the quarantine, oldest first."""
        from intake.bundles import quarantine

        return quarantine.waiting_bundles(self.vault)

    def enroll_quarantined_sender(self, bundle_id: str, *, fingerprint_compared: bool) -> KnownCard:
        """Enroll (verified) the card a waiting bundle carries; only when the person states
        that the fingerprint was compared with the volunteer."""
        from intake.bundles import quarantine

        return quarantine.enroll_sender(
            self.vault, bundle_id, fingerprint_compared=fingerprint_compared
        )

    def discard_quarantined(self, bundle_id: str) -> None:
        """Delete a waiting bundle without importing it."""
        from intake.bundles import quarantine

        quarantine.discard(self.vault, bundle_id)

    # ---- what the vault remembers about bundles --------------------------------------------

    def received_bundles(self, sender_fingerprint: str | None = None) -> list[ReceivedBundle]:
        """Bundles received (from one sender, or from all)."""
        from intake.bundles import history

        return history.received_bundles(self.vault, sender_fingerprint)

    def missing_sequences(self, sender_fingerprint: str) -> list[tuple[int, int]]:
        """Ranges of bundle numbers of this sender that never arrived."""
        from intake.bundles import history

        return history.missing_sequences(self.vault, sender_fingerprint)

    def provenance(self, testimony_id: str) -> list[Provenance]:
        """Which bundle brought which version of a testimony, from whom, when."""
        from intake.bundles import history

        return history.provenance(self.vault, testimony_id)

    # ---- the seal policy --------------------------------------------------------------------

    def seal_status(self) -> SealStatus:
        """Whether sealing is on, how many versions are sealed and the bundles kept."""
        from intake.bundles import seal

        return seal.status(self.vault)

    def seal_is_on(self) -> bool:
        from intake.bundles import seal

        return seal.is_on(self.vault)

    def set_seal(self, on: bool) -> None:
        """Turn sealing of exported testimonies on or off (a vault setting)."""
        from intake.bundles import seal

        if seal.is_on(self.vault) != on:
            seal.set_policy(self.vault, on)

    # ---- the coordinator's archive ----------------------------------------------------------

    def archive_page(self, query: ArchiveQuery, count: int) -> Page:
        """The first ``count`` testimonies matching ``query`` (newest or most relevant first)."""
        from intake.testimonies.archive import fetch_page

        return fetch_page(self.testimonies, query, count)

    # ---- settings kept in the vault ---------------------------------------------------------

    def autolock_minutes(self) -> int:
        """Minutes without keyboard or mouse use before the desktop app locks."""
        from intake.vault.app_settings import autolock_minutes

        return autolock_minutes(self.vault)

    def set_autolock_minutes(self, minutes: int) -> None:
        """Store the auto-lock delay; InvalidInput outside the allowed range."""
        from intake.vault.app_settings import set_autolock_minutes

        set_autolock_minutes(self.vault, minutes)

    def forward_recipients(self) -> list[KnownCard]:
        """The other coordinators this vault can forward to: verified, not revoked."""
        return [k for k in self.cards.all() if k.card.role == "coordinator" and k.usable]

    def origins(self, testimony_id: str) -> list[Origin]:
        """Who sent and who wrote each version that bundles brought ("received from
        coordinator X, originally from volunteer Y"; intake/bundles/forwarding.py)."""
        from intake.bundles.forwarding import origins

        return origins(self.vault, testimony_id)

    # ---- sharing ----------------------------------------------------------------------------

    def share(
        self,
        path: Path,
        fmt: Format,
        ids: Sequence[str] | None = None,
        options: ShareOptions | None = None,
        progress: Progress | None = None,
        *,
        overwrite: bool = False,
    ) -> ShareReport:
        """A consent-respecting CSV or JSON file for partners (intake/sharing/export.py)."""
        from intake.sharing.export import export_file

        return export_file(self.vault, path, fmt, ids, options, progress, overwrite=overwrite)

    # ---- printing ---------------------------------------------------------------------------

    def print_testimony(
        self,
        testimony_id: str,
        lang: str,
        stream: BinaryIO,
        *,
        redacted: bool = False,
        paper: str = "a4",
        version: int | None = None,
    ) -> int:
        """Render one testimony (its newest version, or ``version``) as a PDF into ``stream``;
        returns the page count. The PDF is plaintext: the caller writes it only where the
        person asked (intake/bundles/files.py)."""
        from intake.forms.definitions import builtin_form
        from intake.pdf.filled import render_testimony
        from intake.pdf.vault_view import testimony_view_from_vault

        view = testimony_view_from_vault(self.vault, testimony_id, version=version)
        form = builtin_form(view.form.id, view.form.version)
        return render_testimony(form, view, lang, stream, redacted=redacted, paper=paper)

    def save_testimony_pdf(
        self,
        testimony_id: str,
        lang: str,
        path: Path,
        *,
        redacted: bool = False,
        paper: str = "a4",
        version: int | None = None,
        overwrite: bool = False,
    ) -> int:
        """``print_testimony`` written to ``path`` (``write_pdf``); returns the page count."""

        def render(stream: BinaryIO) -> int:
            return self.print_testimony(
                testimony_id, lang, stream, redacted=redacted, paper=paper, version=version
            )

        return write_pdf(path, render, overwrite=overwrite)


def write_pdf(path: Path, render: Callable[[BinaryIO], int], *, overwrite: bool = False) -> int:
    """Render in memory, then write ``path`` as every Amanat file is written
    (intake/bundles/files.py: ``path``.part, owner-only since a PDF is plaintext, flushed,
    renamed; removed if anything fails; an existing ``path`` only replaced with
    ``overwrite``); returns the page count."""
    import io

    from intake.bundles import files

    buffer = io.BytesIO()
    pages = render(buffer)
    part = files.open_part(path, private=True, overwrite=overwrite)
    try:
        part.write(buffer.getvalue())
        files.flush(part, path)
        files.publish(path)
    except BaseException:
        files.discard(part, path)
        raise
    return pages
