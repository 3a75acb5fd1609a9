"""The whole volunteer path in the GUI, as the issue's "done when" describes it.

First run → vault → coordinator card (fingerprint compared) → new testimony with Uyghur and
Kazakh names typed in → autosave → finalize → export to a USB folder → a coordinator vault
verifies and imports the bundle and finds the names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from crypto.card import serialize_card
from intake.bundles.importer import import_bundle, verify_bundle
from intake.cards.registry import CardRegistry, own_card
from intake.testimonies import store as testimonies
from tests.conftest import FAST_KDF
from tests.ui.conftest import commit_text, leave, type_text
from ui.editor import problems_dialog
from ui.export_dialog import ExportDialog
from ui.setup.first_run import FirstRunFlow

PASSPHRASE = "juniper lantern orbit pebble"
UYGHUR = "تۇرسۇن ئابلىمىت"
KAZAKH = "Нұрлан Серікұлы"


def test_volunteer_records_and_exports_a_testimony(
    qtbot: QtBot,
    tmp_path: Path,
    make_shell: Any,
    make_vault: Any,
    recorder: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    coordinator = make_vault(name="Dana", role="coordinator", folder="coordinator")
    shell = make_shell(tmp_path / "volunteer", "kk")
    flow = shell.window.first_run
    assert isinstance(flow, FirstRunFlow)
    flow.language_page.next_button.click()
    page = flow.vault_page
    page.kdf = FAST_KDF  # tests pass a cheap cost; the app calibrates
    type_text(page.name, "Айгүл")
    type_text(page.passphrase, PASSPHRASE)
    type_text(page.repeat, PASSPHRASE)
    page.create_button.click()
    qtbot.waitUntil(lambda: flow.card_page is not None, timeout=10_000)
    assert flow.card_page is not None
    flow.card_page.load(serialize_card(own_card(coordinator)))
    flow.card_page.compared.setChecked(True)
    flow.card_page.add_button.click()
    workspace = shell.window.workspace
    assert workspace is not None
    volunteer = shell.session.vault
    CardRegistry(coordinator).add(own_card(volunteer), verified=True)  # the coordinator's side

    shell.window.new_action.trigger()
    editor = workspace.editor
    fields: dict[str, Any] = dict(editor.field_editors())
    type_text(fields["/interview/place"].edit, "Алматы")
    type_text(fields["/interview/date"].edit, "2019-04-16")
    fields["/interview/languages"].boxes["kk"].click()
    type_text(fields["/testifier/names"].parts["cyrillic"], "Гүлнар Мемет")
    how = fields["/testifier/how_obtained"].combo
    how.setCurrentIndex(how.findData("direct"))
    how.activated.emit(how.currentIndex())
    victim = fields["/victims/0/names"]
    type_text(victim.parts["arabic"], UYGHUR)
    commit_text(victim.parts["cyrillic"], KAZAKH)
    leave(victim.parts["cyrillic"])  # autosave on leaving the field
    assert editor.testimony_id is not None
    saved = testimonies.TestimonyStore(volunteer).get(editor.testimony_id)
    assert saved.content["victims"][0]["names"] == {"arabic": UYGHUR, "cyrillic": KAZAKH}
    for path, code in (("/victims/0/relation", "parent"), ("/victims/0/status", "missing")):
        combo = fields[path].combo
        combo.setCurrentIndex(combo.findData(code))
        combo.activated.emit(combo.currentIndex())
    type_text(fields["/narrative/text"].edit, "Ол 2018 жылы ұсталды.")
    fields["/consent/publish_names"].no.click()
    fields["/consent/may_contact_again"].yes.click()
    problems: list[Any] = []

    def review(_parent: Any, found: list[Any]) -> tuple[bool, None]:
        problems.extend(found)
        return False, None

    monkeypatch.setattr(problems_dialog, "review_problems", review)
    editor.finalize()
    assert not problems, [p.message for p in problems]
    assert testimonies.TestimonyStore(volunteer).get(editor.testimony_id).status == "final"

    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = ExportDialog(shell.session)
    dialog.set_folder(usb)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert dialog.result_info is not None, dialog.message.text()
    report = verify_bundle(coordinator, dialog.result_info.path)
    assert report.problem is None and report.sender_name == "Айгүл"
    import_bundle(coordinator, dialog.result_info.path)
    found = testimonies.TestimonyStore(coordinator).search("Нұрлан")
    assert [s.id for s in found] == [editor.testimony_id]
