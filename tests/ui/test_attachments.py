"""Attachments in the editor: add by drop or dialog path, progress, in-memory preview, remove."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage
from pytestqt.qtbot import QtBot

from intake.i18n import format_size
from intake.testimonies.attachments import AttachmentStore
from tests.ui.conftest import type_text
from ui.editor.attachments_panel import AttachmentsPanel
from ui.shell import AppShell
from ui.table_rows import select_row


def _png(path: Path) -> bytes:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#2e7d32"))
    assert image.save(str(path))  # PNG, from the suffix
    return path.read_bytes()


def _cell(panel: AttachmentsPanel, column: int) -> str:
    item = panel.table.item(0, column)
    assert item is not None
    return item.text()


def _panel(shell: AppShell) -> AttachmentsPanel:
    workspace = shell.window.workspace
    assert workspace is not None
    workspace.new_testimony()
    type_text(workspace.editor.field_editors()["/interview/place"].edit, "Almaty")  # type: ignore[attr-defined]
    return workspace.editor.attachments


def test_dropped_image_is_stored_listed_and_previewed(
    qtbot: QtBot, volunteer_shell: AppShell, tmp_path: Path, recorder: Any
) -> None:
    panel = _panel(volunteer_shell)
    photo = tmp_path / "photo.png"
    data = _png(photo)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    panel.dropEvent(drop)
    assert panel.job is not None  # the copy runs on a worker thread
    qtbot.waitUntil(lambda: panel.job is None and panel.table.rowCount() == 1, timeout=10_000)
    sha = hashlib.sha256(data).hexdigest()
    assert _cell(panel, 0) == "photo.png"
    assert _cell(panel, 1) == "image/png"
    assert _cell(panel, 2) == format_size(len(data))
    assert _cell(panel, 3) == sha
    assert panel.testimony_id is not None  # the new draft was saved first
    infos = AttachmentStore(volunteer_shell.session.vault).list(panel.testimony_id)
    assert [i.sha256 for i in infos] == [sha]

    select_row(panel.table, 0)
    pixmap = panel.preview.pixmap()
    assert not pixmap.isNull() and pixmap.width() > 0

    select_row(panel.table, 0)
    panel.remove_selected()
    assert recorder.confirms and panel.table.rowCount() == 0


def test_large_file_reports_progress_and_lock_waits_for_the_copy(
    qtbot: QtBot, volunteer_shell: AppShell, tmp_path: Path
) -> None:
    panel = _panel(volunteer_shell)
    big = tmp_path / "recording.bin"
    big.write_bytes(bytes(range(256)) * (4 * 4096 * 3))  # 12 MiB: several chunks
    panel.add_files([big])
    volunteer_shell.session.lock()  # requested mid-copy: the copy stops, then the vault locks
    qtbot.waitUntil(lambda: not volunteer_shell.session.is_unlocked, timeout=20_000)
    assert panel.job is None
    assert volunteer_shell.window.workspace is None


def test_progress_reaches_the_end(qtbot: QtBot, volunteer_shell: AppShell, tmp_path: Path) -> None:
    panel = _panel(volunteer_shell)
    big = tmp_path / "scan.bin"
    big.write_bytes(b"\x00" * (3 * 1024 * 1024 + 7))
    seen: list[int] = []
    panel.progress.valueChanged.connect(seen.append)
    panel.add_files([big])
    qtbot.waitUntil(lambda: panel.job is None, timeout=20_000)
    assert seen and max(seen) == 100
    assert panel.table.rowCount() == 1
