"""Screenshots of the coordinator's review desk (record view tabs, archive by level), offscreen.

    .venv/bin/python tools/review_screenshots.py docs/screenshots

Builds throwaway vaults in a temporary folder (the example testimony of docs/examples, sent by
a volunteer in a real bundle, a fictional ID scan, a review and two XJVD references), then
grabs the widgets offscreen in English and Uyghur: coordinator-{record,review,attachments,
versions,archive-review}-{en,ug}.png. Fictional people only.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _scan_png() -> bytes:
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    image = QImage(480, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("#e8eef4"))
    painter = QPainter(image)
    painter.setPen(QColor("#2b4a6f"))
    font = QFont()
    font.setPointSize(20)
    painter.setFont(font)
    painter.drawRect(10, 10, 460, 280)
    painter.drawText(30, 60, "FICTIONAL ID CARD")
    font.setPointSize(14)
    painter.setFont(font)
    for n, line in enumerate(
        ("Name: Tursun Ablimit", "Born: 1962-03-08", "No. 653121196203081532")
    ):
        painter.drawText(30, 110 + 40 * n, line)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    cast(Any, image).save(buffer, "PNG")  # the stubs want bytes, the binding wants str
    return bytes(buffer.data().data())


def main(out: Path) -> None:
    from ui.app import build_shell, create_application
    from ui.shell import apply_language

    app = create_application()
    from intake.bundles.quarantine import receive_bundle
    from intake.review.store import ReviewStore
    from intake.testimonies.attachments import AttachmentStore
    from intake.vault import Vault
    from tests.conftest import FAST_KDF, PASSPHRASE
    from tests.intake.review_fixtures import coordinator_with_example
    from ui.coordinator.record_view import RecordDialog
    from ui.coordinator.workspace import CoordinatorWorkspace
    from ui.preferences import Preferences
    from ui.table_rows import select_row

    folder = Path(tempfile.mkdtemp())
    volunteer = Vault.create(folder / "v", PASSPHRASE, "volunteer", "Aigul Seitova", FAST_KDF)
    coordinator = Vault.create(
        folder / "c", PASSPHRASE, "coordinator", "Dana Coordinator", FAST_KDF
    )
    tid = coordinator_with_example(volunteer, coordinator, folder / "out")
    (bundle,) = (folder / "out").iterdir()
    receive_bundle(coordinator, bundle, None)
    AttachmentStore(coordinator).add(tid, io.BytesIO(_scan_png()), "id-scan.png")
    reviews = ReviewStore(coordinator)
    reviews.set_level(
        tid,
        "verified",
        "Matches the court notice the family received.",
        ["Court notice 2018", "Second testimony (sister)"],
    )
    reviews.add_reference(
        tid, 1, "XJVD", "1234", "https://shahit.biz/eng/viewentry.php?entryno=1234"
    )
    reviews.add_reference(tid, 2, "XJVD", "5678")
    for lang in ("en", "ug"):
        apply_language(lang)
        shell = build_shell(coordinator.path, lang, Preferences(folder / f"prefs-{lang}.ini"))
        shell.session.attach(coordinator)
        dialog = RecordDialog(shell.session, tid)
        dialog.resize(980, 720)
        dialog.show()
        for tab, name in ((0, "record"), (1, "review"), (2, "attachments"), (4, "versions")):
            dialog.tabs.setCurrentIndex(tab)
            if name == "attachments":
                select_row(dialog.attachments.table, 1)
                dialog.attachments.show_current()
            if name == "versions":
                dialog.version_list.setCurrentRow(1)
            app.processEvents()
            dialog.grab().save(str(out / f"coordinator-{name}-{lang}.png"))
        dialog.close()
        workspace = shell.window.coordinator
        assert isinstance(workspace, CoordinatorWorkspace)
        workspace.setCurrentWidget(workspace.archive_page)
        shell.window.resize(1100, 600)
        shell.window.show()
        workspace.archive_page.sort.setCurrentIndex(1)
        for _ in range(50):  # the query runs on a worker thread
            app.processEvents()
            time.sleep(0.05)
        shell.window.grab().save(str(out / f"coordinator-archive-review-{lang}.png"))
        shell.window.hide()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
