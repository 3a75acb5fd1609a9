"""The window while jobs run: an import held open inside its transaction on a worker thread, while
the archive searches, the duplicates scan runs as another job and a draft autosaves.

Real vaults (cheap KDF), real bundles, real Qt widgets offscreen. The import's progress waits on
an event at its last step (every record stored, not yet committed), so the order is forced.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from tests.intake.coordinator_fixtures import finalized, send, victim_testimony
from tests.ui.conftest import DialogRecorder, type_text
from tests.ui.test_coordinator import coordinator_shell, import_and_wait, workspace_of
from ui import workers
from ui.coordinator import import_page
from ui.shell import AppShell

__all__ = ["coordinator_shell"]  # the fixture, used by name below

WAIT = 20.0  # seconds any step may take before the test gives up (never reached when green)


class Pause:
    """Holds the import's worker thread at its last progress step until ``resume``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reached, self.resume = threading.Event(), threading.Event()
        real = import_page.receive_all

        def held(session: Any, paths: list[Path], progress: Callable[[int], None]) -> Any:
            def step(value: int) -> None:
                if value >= 100 and not self.reached.is_set():
                    self.reached.set()
                    assert self.resume.wait(WAIT)
                progress(value)

            return real(session, paths, step)

        monkeypatch.setattr(import_page, "receive_all", held)


def test_the_archive_and_the_duplicates_scan_see_only_committed_rows_during_an_import(
    qtbot: QtBot,
    coordinator_shell: AppShell,
    make_vault: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorder: DialogRecorder,
) -> None:
    coordinator: Vault = coordinator_shell.session.vault
    volunteer = make_vault(name="Aigul", folder="v1")
    (before,) = finalized(volunteer, victim_testimony({"latin": "Tursun Ablimit"}, True))
    workspace = workspace_of(coordinator_shell)
    import_and_wait(qtbot, workspace, send(volunteer, coordinator, tmp_path / "one"))
    arriving = finalized(
        volunteer,
        victim_testimony({"latin": "Tursun Ablimit"}, True, birth_date="1962"),
        victim_testimony({"latin": "Zulfiya Qadir"}, True),
    )
    bundle = send(volunteer, coordinator, tmp_path / "two")
    duplicates = workspace.duplicates_page
    duplicates.reload()  # the committed archive is indexed; the scan below only reads
    qtbot.waitUntil(lambda: not duplicates.loading, timeout=20_000)
    threads_before = workers.worker_threads()
    pause = Pause(monkeypatch)
    page = workspace.import_page
    page.import_files([bundle])
    qtbot.waitUntil(pause.reached.is_set, timeout=20_000)
    try:
        assert gc.isenabled()  # the collector is never paused for jobs
        assert all(workspace.isTabEnabled(i) for i in range(workspace.count()))
        archive = workspace.archive_page
        archive.search.setText("Zulfiya")
        archive.run_query()
        qtbot.waitUntil(lambda: archive.count_label.text() != "Searching…", timeout=10_000)
        assert archive.model.rowCount() == 0  # the import's rows are not committed yet
        archive.search.clear()
        archive.run_query()
        qtbot.waitUntil(lambda: archive.model.rowCount() == 1, timeout=10_000)
        assert archive.model.ids([0]) == [before]
        duplicates.reload()  # a second job, on another worker thread, while the import waits
        qtbot.waitUntil(lambda: not duplicates.loading, timeout=20_000)
        paired = {c.testimony_a for c in duplicates.candidates}
        paired |= {c.testimony_b for c in duplicates.candidates}
        assert not paired & set(arriving)
        assert recorder.errors == []  # the scan ran; it did not wait and give up
        assert page.running
    finally:
        pause.resume.set()
    qtbot.waitUntil(lambda: not page.running, timeout=20_000)
    assert "2 new" in page.reports.item(0).text()
    qtbot.waitUntil(lambda: archive.model.rowCount() == 3, timeout=10_000)
    assert {s.id for s in TestimonyStore(coordinator).list()} == {before, *arriving}
    duplicates.reload()
    qtbot.waitUntil(lambda: not duplicates.loading, timeout=20_000)
    assert any(
        {c.testimony_a, c.testimony_b} == {before, arriving[0]} for c in duplicates.candidates
    )
    # the threads are reused: three more jobs made at most one more (two ran at once)
    qtbot.waitUntil(lambda: workers.running_jobs() == 0, timeout=10_000)
    assert workers.worker_threads() <= max(threads_before, 2)


def test_a_draft_autosaves_while_a_job_runs_and_waits_only_for_a_writer(
    qtbot: QtBot, volunteer_shell: AppShell
) -> None:
    session = volunteer_shell.session
    workspace = volunteer_shell.window.workspace
    assert workspace is not None
    workspace.new_testimony()
    editor = workspace.editor
    place = editor.field_editors()["/interview/place"].edit  # type: ignore[attr-defined]
    type_text(place, "Almaty")
    session.job_started()  # a job that only reads (e.g. a PDF) no longer stops the autosave
    try:
        assert editor.save_now()
    finally:
        session.job_finished()
    tid = editor.testimony_id
    assert tid is not None
    opened, release = threading.Event(), threading.Event()

    def writer() -> None:
        with session.vault.transaction():
            opened.set()
            release.wait(WAIT)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert opened.wait(WAIT)
        type_text(place, " Bazaar")
        assert not editor.save_now()  # another thread writes: keep the changes, no waiting
        assert editor.dirty
    finally:
        release.set()
        thread.join(WAIT)
    assert editor.save_now()  # the next tick saves them
    content = TestimonyStore(session.vault).get(tid).content
    assert content["interview"]["place"] == "Almaty Bazaar"
