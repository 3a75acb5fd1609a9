"""The coordinator's record view (issue 17, items 1-3): content for people in English and
Uyghur, the version diff, attachments (images from memory, limits, saving after a warning),
the review tab, and the archive's level filter and sort.

Real vaults (cheap KDF), a real bundle from a volunteer, real widgets offscreen.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from intake.bundles.quarantine import receive_bundle
from intake.forms.definitions import builtin_form
from intake.review.store import ReviewStore
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.store import TestimonyStore
from intake.vault.audit import AuditLog
from tests.intake.review_fixtures import bomb_png, coordinator_with_example, png
from tests.intake.testimony_fixtures import one_victim
from tests.ui.conftest import DialogRecorder
from ui.coordinator import attachments_panel
from ui.coordinator.record_view import RecordDialog
from ui.coordinator.workspace import CoordinatorWorkspace
from ui.shell import AppShell, apply_language
from ui.table_rows import select_row

REPR = re.compile(r"[\[{]\s*['\"]|['\"]\s*[:,\]}]|^(True|False)$")
CODES = {"uyghur", "direct", "prison", "released", "kk, ug", "male", "child", "True", "False"}


@pytest.fixture
def shell_and_id(make_shell: Any, make_vault: Any, tmp_path: Path) -> tuple[AppShell, str]:
    volunteer = make_vault(name="Aigul Test", folder="volunteer")
    coordinator = make_vault(name="Dana Coordinator", role="coordinator", folder="coordinator")
    tid = coordinator_with_example(volunteer, coordinator, tmp_path / "out")
    (bundle,) = (tmp_path / "out").iterdir()
    receive_bundle(coordinator, bundle, None)
    shell: AppShell = make_shell(coordinator.path)
    shell.session.attach(coordinator)
    return shell, tid


ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u202a\u202b\u202c"))


def texts(widget: QWidget) -> list[str]:
    """Every label's text, without the direction marks around dates and numbers."""
    return [
        label.text().translate(ISOLATES) for label in widget.findChildren(QLabel) if label.text()
    ]


def open_dialog(qtbot: QtBot, shell: AppShell, tid: str) -> RecordDialog:
    dialog = RecordDialog(shell.session, tid)
    qtbot.addWidget(dialog)
    return dialog


def test_content_shows_labels_and_value_names_not_reprs(
    qtbot: QtBot, shell_and_id: tuple[AppShell, str]
) -> None:
    shell, tid = shell_and_id
    dialog = open_dialog(qtbot, shell, tid)
    shown = texts(dialog.content)
    assert dialog.windowTitle() == f"Testimony {tid[:8]}"
    for expected in (
        "Victims",
        "Victim 1 of 3",
        "Victim 3 of 3",
        "Latin script",
        "Tursun Ablimit",
        "Cyrillic script",
        "Ethnicity",
        "Uyghur",
        "In prison (sentenced)",
        "Released",  # version 2's change
        "Uyghur, Kazakh, Russian",
        "No",
        "since 2017-11",
        "Directly (the testifier saw or lived through it)",
    ):
        assert expected in shown, expected
    for text in shown:
        assert "{" not in text and "[" not in text and not REPR.search(text), text
        assert text not in CODES, text
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs == ["Content", "Review", "Attachments (1)", "Provenance", "Versions"]


def test_uyghur_record_view_is_right_to_left_with_uyghur_labels(
    qtbot: QtBot, shell_and_id: tuple[AppShell, str]
) -> None:
    shell, tid = shell_and_id
    apply_language("ug")
    form = builtin_form()
    dialog = open_dialog(qtbot, shell, tid)
    shown = texts(dialog.content)
    assert dialog.layoutDirection() == Qt.LayoutDirection.RightToLeft
    victims = form.section("victims")
    assert victims is not None
    assert victims.label_in("ug") in shown
    assert form.part_label("arabic", "ug") in shown and "Latin script" not in shown
    assert form.choice_label("ethnicity", "uyghur", "ug") in shown
    assert any(victims.item_label_in("ug") in t and "3" in t for t in shown)
    assert "تۇرسۇن ئابلىمىت" in shown
    title = dialog.windowTitle()
    assert tid[:8] in title and "تۇرسۇن" not in title
    for text in shown:
        assert "{" not in text and "[" not in text and text not in CODES, text


def test_versions_tab_shows_changed_fields_side_by_side(
    qtbot: QtBot, shell_and_id: tuple[AppShell, str]
) -> None:
    shell, tid = shell_and_id
    dialog = open_dialog(qtbot, shell, tid)
    dialog.version_list.setCurrentRow(1)
    table = dialog.diff
    rows = [
        tuple(table.item(r, c).text() for c in range(3))  # type: ignore[union-attr]
        for r in range(table.rowCount())
    ]
    assert rows == [
        (
            "Victims · Victim 2 of 3 · Current status",
            "Missing, whereabouts unknown",
            "Released",
        ),
        ("Consent · May be contacted again", "Yes", "No"),
    ]
    headers = [table.horizontalHeaderItem(c).text() for c in range(3)]  # type: ignore[union-attr]
    assert headers == ["Field", "Version 1", "Version 2"]
    assert "2 fields changed from version 1 to 2." in dialog.diff_note.text()


def test_attachments_list_show_image_and_refuse_large_or_bombs(
    qtbot: QtBot,
    shell_and_id: tuple[AppShell, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shell, tid = shell_and_id
    vault = shell.session.vault
    bomb = bomb_png()
    assert len(bomb) < 10_000
    import io

    AttachmentStore(vault).add(tid, io.BytesIO(bomb), "bomb.png")
    AttachmentStore(vault).add(tid, io.BytesIO(png(600, 400)), "scan.png")
    dialog = open_dialog(qtbot, shell, tid)
    panel = dialog.attachments
    names = [panel.table.item(r, 0).text() for r in range(panel.table.rowCount())]  # type: ignore[union-attr]
    assert names == ["id-card.png", "bomb.png", "scan.png"]
    first = [panel.table.item(0, c).text() for c in range(6)]  # type: ignore[union-attr]
    assert first[1] == "image/png" and first[2] == "81 bytes" and first[3] == "2"
    assert tid[:8] in first[4] and panel.table.item(0, 4).toolTip() == tid  # type: ignore[union-attr]
    assert first[5].strip("\u2066\u202a\u202c\u2069") == panel.rows[0].sha256

    select_row(panel.table, 0)
    panel.show_current()
    assert not panel.picture.pixmap().isNull()
    assert "40 × 30 pixels" in panel.message.text()

    select_row(panel.table, 1)
    panel.show_current()
    assert panel.picture.pixmap().isNull()
    assert "too large to show safely" in panel.message.text()
    assert "30000 × 30000" in panel.message.text()

    monkeypatch.setattr(attachments_panel, "VIEW_MAX_BYTES", 1000)
    select_row(panel.table, 2)
    panel.show_current()
    assert panel.picture.pixmap().isNull()
    assert "too large to show inside Amanat" in panel.message.text()


def test_save_a_copy_warns_first_and_writes_an_owner_only_file(
    qtbot: QtBot,
    shell_and_id: tuple[AppShell, str],
    recorder: DialogRecorder,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    shell, tid = shell_and_id
    dialog = open_dialog(qtbot, shell, tid)
    panel = dialog.attachments
    target = tmp_path / "copy.png"
    asked: list[str] = []

    def choose(*_a: Any, **_k: Any) -> tuple[str, str]:
        asked.append("file")
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    recorder.answer = False
    select_row(panel.table, 0)
    panel.save_current()
    assert "NOT be encrypted" in recorder.confirms[0]
    assert asked == [] and not target.exists()

    recorder.answer = True
    panel.save_current()
    assert target.read_bytes() == png(40, 30)
    assert os.stat(target).st_mode & 0o777 == 0o600
    assert "unencrypted copy" in panel.message.text()


def test_review_tab_sets_level_and_references_audited_filtered_and_sorted(
    qtbot: QtBot, shell_and_id: tuple[AppShell, str]
) -> None:
    shell, tid = shell_and_id
    vault = shell.session.vault
    other = TestimonyStore(vault).create_draft(one_victim({"latin": "Other Person"}))
    dialog = open_dialog(qtbot, shell, tid)
    panel = dialog.review
    assert "Unverified" in texts(panel.summary)
    panel.level.setCurrentIndex(2)
    panel.note.setPlainText("Matches the court notice.")
    panel.sources.setPlainText("Court notice\nSecond testimony")
    panel.save_button.click()
    panel.victim.setCurrentIndex(1)
    panel.entry.setText("1234")
    panel.add_button.click()
    shown = texts(panel.summary)
    assert "Verified" in shown and "Matches the court notice." in shown
    assert "Victim 2 of 3" in shown and "XJVD 1234" in shown
    assert any("Dana Coordinator" in t for t in shown)
    assert panel.table.rowCount() == 1 and dialog.changed
    actions = [e.action for e in AuditLog(vault).entries(tid)]
    assert actions[-2:] == ["review", "reference_add"]
    assert ReviewStore(vault).get(tid).sources == ("Court notice", "Second testimony")  # type: ignore[union-attr]

    panel.entry.setText("12 34")  # refused with a message, nothing stored
    panel.add_button.click()
    assert len(ReviewStore(vault).references(tid)) == 1

    workspace = shell.window.coordinator
    assert isinstance(workspace, CoordinatorWorkspace)
    page = workspace.archive_page
    page.level.setCurrentIndex(page.level.findData("verified"))
    qtbot.waitUntil(lambda: not page.model.loading, timeout=10_000)
    assert page.model.ids(list(range(page.model.rowCount()))) == [tid]
    assert page.model.data(page.model.index(0, 1)) == "Verified"
    page.level.setCurrentIndex(0)
    page.sort.setCurrentIndex(page.sort.findData("level"))
    qtbot.waitUntil(lambda: not page.model.loading, timeout=10_000)
    assert page.model.ids(list(range(page.model.rowCount()))) == [tid, other]
    page.search.setText("XJVD:1234")
    page.run_query()
    qtbot.waitUntil(lambda: not page.model.loading, timeout=10_000)
    assert page.model.ids(list(range(page.model.rowCount()))) == [tid]


def test_the_editor_preview_refuses_a_decompression_bomb_too(
    qtbot: QtBot, volunteer_shell: AppShell
) -> None:
    import io

    workspace = volunteer_shell.window.workspace
    assert workspace is not None
    workspace.new_testimony()
    panel = workspace.editor.attachments
    tid = workspace.editor.ensure_saved()
    assert tid is not None
    AttachmentStore(volunteer_shell.session.vault).add(tid, io.BytesIO(bomb_png()), "bomb.png")
    panel.show_testimony(tid, editable=True)
    select_row(panel.table, 0)
    assert panel.preview.pixmap().isNull()
    assert "too large to show safely" in panel.preview.text()
