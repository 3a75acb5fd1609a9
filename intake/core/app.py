"""``AmanatCore``: the use cases on one open vault, for the CLI and the GUI alike.

The GUI's controller (ui/session.py) hands widgets ``session.core``; the CLI builds one per
command. Stores come from here (a fresh one per call: they keep small caches that are not
meant to be shared between threads), and the use cases that are more than one store call live
here: receiving several bundles (each one imported, quarantined or refused on its own),
importing a bundle from the quarantine, exporting a bundle, sharing data with partners,
printing a testimony.
Rooms are imported when a use case runs (docs/performance.md, "Start-up").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from intake.bundles.export import ExportResult, Selection
    from intake.bundles.quarantine import Receipt
    from intake.cards.card_files import MyCard
    from intake.cards.registry import CardRegistry
    from intake.duplicates.finder import DuplicateFinder
    from intake.review.store import ReviewStore
    from intake.sharing.export import Format, ShareOptions, ShareReport
    from intake.testimonies.attachments import AttachmentStore
    from intake.testimonies.store import TestimonyStore
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
    def duplicates(self) -> DuplicateFinder:
        from intake.duplicates.finder import DuplicateFinder

        return DuplicateFinder(self.vault)

    @property
    def reviews(self) -> ReviewStore:
        from intake.review.store import ReviewStore

        return ReviewStore(self.vault)

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

        card = own_card(self.vault)
        data = serialize_card(card)
        return MyCard(card, data, card_qr_png(data))

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

    def export_bundle(
        self,
        recipients: Sequence[str],
        output: Path,
        *,
        selection: Selection = "new",
        ids: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> ExportResult:
        """One signed, encrypted bundle for ``recipients`` (intake/bundles/export.py)."""
        from intake.bundles.export import export_bundle

        return export_bundle(
            self.vault, recipients, output, selection=selection, ids=ids, progress=progress
        )

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
