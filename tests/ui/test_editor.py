"""The testimony editor: Uyghur and Kazakh names typed in, autosave, finalize, history."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from intake.testimonies import store as testimonies
from tests.ui.conftest import commit_text, leave, type_text
from ui.editor import problems_dialog
from ui.editor.compound_fields import NamesField
from ui.editor.editor_page import AUTOSAVE_MS, TestimonyEditor
from ui.editor.field_widgets import BooleanField, ChoiceField, LineField, MultiChoiceField
from ui.editor.sections import RepeatableSection
from ui.shell import AppShell

UYGHUR_NAME = "تۇرسۇن ئابلىمىت"
KAZAKH_NAME = "Нұрлан Серікұлы"
TESTIFIER_UYGHUR = "گۈلنار مەمەت"


def _editor(shell: AppShell) -> TestimonyEditor:
    workspace = shell.window.workspace
    assert workspace is not None
    workspace.new_testimony()
    assert workspace.editing
    return workspace.editor


def _field(editor: TestimonyEditor, path: str) -> Any:
    return editor.field_editors()[path]


def _choose(field: ChoiceField, code: str) -> None:
    index = field.combo.findData(code)
    field.combo.setCurrentIndex(index)
    field.combo.activated.emit(index)


def _fill_required(editor: TestimonyEditor) -> None:
    """Everything the form requires, typed or clicked like a volunteer would."""
    place = _field(editor, "/interview/place")
    assert isinstance(place, LineField)
    type_text(place.edit, "Almaty")
    type_text(_field(editor, "/interview/date").edit, "2019-04-16")
    languages = _field(editor, "/interview/languages")
    assert isinstance(languages, MultiChoiceField)
    languages.boxes["ug"].click()
    languages.boxes["kk"].click()
    testifier = _field(editor, "/testifier/names")
    assert isinstance(testifier, NamesField)
    type_text(testifier.parts["arabic"], TESTIFIER_UYGHUR)
    _choose(_field(editor, "/testifier/how_obtained"), "direct")
    victim = _field(editor, "/victims/0/names")
    type_text(victim.parts["arabic"], UYGHUR_NAME)  # key events carrying Uyghur letters
    commit_text(victim.parts["cyrillic"], KAZAKH_NAME)  # an input method commit
    _choose(_field(editor, "/victims/0/relation"), "parent")
    _choose(_field(editor, "/victims/0/status"), "missing")
    for path, answer in (("/consent/publish_names", False), ("/consent/may_contact_again", True)):
        field = _field(editor, path)
        assert isinstance(field, BooleanField)
        (field.yes if answer else field.no).click()


def test_names_follow_their_script_direction(volunteer_shell: AppShell) -> None:
    editor = _editor(volunteer_shell)
    names = _field(editor, "/victims/0/names")
    assert names.parts["arabic"].layoutDirection() == Qt.LayoutDirection.RightToLeft
    for part in ("latin", "cyrillic", "chinese"):
        assert names.parts[part].layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_autosave_on_timer_and_on_leaving_a_field(qtbot: QtBot, volunteer_shell: AppShell) -> None:
    assert AUTOSAVE_MS <= 5000  # a power cut loses at most 5 seconds
    editor = _editor(volunteer_shell)
    store = testimonies.TestimonyStore(volunteer_shell.session.vault)
    assert store.list() == []  # "New" alone stores nothing
    names = _field(editor, "/victims/0/names")
    type_text(names.parts["arabic"], UYGHUR_NAME)
    leave(names.parts["arabic"])  # focus leaves the field: saved at once
    assert not editor.dirty and editor.testimony_id is not None
    saved = store.get(editor.testimony_id).content
    assert saved["victims"][0]["names"]["arabic"] == UYGHUR_NAME

    editor.autosave.setInterval(50)  # the real interval is checked above; keep the test fast
    commit_text(names.parts["cyrillic"], KAZAKH_NAME)
    assert unsaved(editor)
    qtbot.waitUntil(lambda: not unsaved(editor), timeout=3000)
    saved = store.get(editor.testimony_id).content
    assert saved["victims"][0]["names"]["cyrillic"] == KAZAKH_NAME
    assert [s.victim_names for s in store.list()] != [[]]


def test_finalize_lists_problems_then_signs(
    qtbot: QtBot, volunteer_shell: AppShell, recorder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    reviewed: list[list[str]] = []

    def review(_parent: Any, problems: list[Any]) -> tuple[bool, str | None]:
        reviewed.append([p.message for p in problems if p.severity == "error"])
        return False, problems[0].path

    monkeypatch.setattr(problems_dialog, "review_problems", review)
    editor = _editor(volunteer_shell)
    _fill_required(editor)
    editor.finalize()
    # The narrative is still missing: finalizing stops and names the field in plain words.
    assert reviewed and any("What happened" in m for m in reviewed[0])
    assert editor.testimony_id is not None
    store = testimonies.TestimonyStore(volunteer_shell.session.vault)
    assert store.get(editor.testimony_id).status == "draft"
    assert editor.tabs.currentIndex() == 3  # "go to field" jumped to the narrative tab

    reviewed.clear()
    narrative = _field(editor, "/narrative/text")
    type_text(narrative.edit, "He was taken in 2018.")
    editor.finalize()
    assert not reviewed
    assert recorder.confirms  # asked before signing
    testimony = store.get(editor.testimony_id)
    assert testimony.status == "final" and testimony.hash
    assert testimony.content["victims"][0]["names"] == {
        "arabic": UYGHUR_NAME,
        "cyrillic": KAZAKH_NAME,
    }
    assert editor.read_only and editor.edit_button.isVisibleTo(editor)
    assert names_read_only(editor)
    assert editor.history.table.rowCount() == 1
    assert recorder.infos == ["Version 1 is final and signed."]

    editor.start_new_version()
    assert not read_only(editor)
    assert store.get(editor.testimony_id).version_no == 2
    assert editor.history.table.rowCount() == 2


def unsaved(editor: TestimonyEditor) -> bool:
    return editor.dirty


def read_only(editor: TestimonyEditor) -> bool:
    return editor.read_only


def names_read_only(editor: TestimonyEditor) -> bool:
    edit: QLineEdit = _field(editor, "/victims/0/names").parts["arabic"]
    return edit.isReadOnly()


def test_inline_prc_id_and_date_checks(qtbot: QtBot, volunteer_shell: AppShell) -> None:
    editor = _editor(volunteer_shell)
    prc = _field(editor, "/victims/0/prc_id")
    type_text(prc.edit, "653121196203081533")  # wrong check character
    date_field = _field(editor, "/victims/0/birth_date")
    type_text(date_field.edit, "1962-13")
    qtbot.waitUntil(lambda: bool(prc.problem_label.text()), timeout=2000)
    assert date_field.problem_label.text()
    prc.edit.clear()
    type_text(prc.edit, "653121196203081532")
    qtbot.waitUntil(lambda: not prc.problem_label.text(), timeout=2000)


def test_victims_can_be_added_and_removed(volunteer_shell: AppShell, recorder: Any) -> None:
    editor = _editor(volunteer_shell)
    victims = editor.sections["victims"]
    assert isinstance(victims, RepeatableSection)
    assert len(victims.value()) == 1
    assert not victims.entries[0].remove_button.isEnabled()  # at least one victim
    victims.add_button.click()
    assert len(victims.entries) == 2 and "/victims/1/names" in editor.field_editors()
    type_text(_field(editor, "/victims/1/names").parts["latin"], "Erkin Tursun")
    victims.entries[1].remove_button.click()
    assert recorder.confirms  # removing a victim with content asks first
    assert len(victims.entries) == 1


def test_help_and_required_marks_in_the_chosen_language(make_shell: Any, make_vault: Any) -> None:
    vault = make_vault(folder="kk")
    shell = make_shell(vault.path, "kk")
    shell.session.attach(vault)
    editor = _editor(shell)
    assert editor.tabs.tabText(0) == editor.form.sections[0].label_in("kk")
    place = _field(editor, "/interview/place")
    assert place.help_label.text() == place.fdef.help_in("kk")
