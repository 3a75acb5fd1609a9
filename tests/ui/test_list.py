"""The testimony list: a Qt model with status, date, names; search, sort, delete a draft."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from intake.testimonies import store as testimonies
from ui.shell import AppShell
from ui.workspace.testimony_model import COLUMNS, ID_ROLE

NAMES = ("Tursun Ablimit", "Нұрлан Серікұлы", "Gülnar Memet")


def _seed(shell: AppShell) -> list[str]:
    store = testimonies.TestimonyStore(shell.session.vault)
    ids = []
    for number, name in enumerate(NAMES, start=1):
        content = {
            "interview": {"date": f"2019-0{number}-01"},
            "victims": [{"names": {"latin" if name.isascii() else "cyrillic": name}}],
        }
        ids.append(store.create_draft(content))
    return ids


def test_list_shows_sorts_and_searches(qtbot: QtBot, volunteer_shell: AppShell) -> None:
    _seed(volunteer_shell)
    workspace = volunteer_shell.window.workspace
    assert workspace is not None
    page = workspace.list_page
    page.reload()
    assert page.model.rowCount() == 3 and page.model.columnCount() == len(COLUMNS)
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["Status", "Interview date", "Victims", "Last change"]
    page.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    dates = [page.proxy.index(r, 1).data().strip("\u2066\u2069") for r in range(3)]
    assert dates == ["2019-01-01", "2019-02-01", "2019-03-01"]
    assert page.proxy.index(0, 0).data() == "Draft"
    assert page.proxy.index(1, 2).data() == "Нұрлан Серікұлы"

    page.search.setText("Нұрлан")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    assert page.proxy.index(0, 2).data() == "Нұрлан Серікұлы"
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=3000)


def test_delete_draft_asks_first(volunteer_shell: AppShell, recorder: Any) -> None:
    ids = _seed(volunteer_shell)
    workspace = volunteer_shell.window.workspace
    assert workspace is not None
    page = workspace.list_page
    page.reload()
    page.select_id(ids[0])
    assert page.delete_button.isEnabled()
    recorder.answer = False
    page.delete_selected()
    assert page.model.rowCount() == 3 and recorder.confirms
    recorder.answer = True
    page.select_id(ids[0])
    page.delete_selected()
    remaining = {page.model.index(r, 0).data(ID_ROLE) for r in range(page.model.rowCount())}
    assert remaining == set(ids[1:])


def test_open_from_the_list_loads_the_editor(volunteer_shell: AppShell) -> None:
    ids = _seed(volunteer_shell)
    workspace = volunteer_shell.window.workspace
    assert workspace is not None
    workspace.list_page.reload()
    workspace.list_page.select_id(ids[1])
    volunteer_shell.window.open_action.trigger()
    assert workspace.editing and workspace.editor.testimony_id == ids[1]
    names = workspace.editor.field_editors()["/victims/0/names"]
    assert names.parts["cyrillic"].text() == "Нұрлан Серікұлы"  # type: ignore[attr-defined]
