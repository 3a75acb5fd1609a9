"""The coordinator workspace: import, tampered bundles, quarantine to enrollment, duplicates,
consent-respecting sharing, the lazily filled archive, and enrolling from a card file.

Real vaults (cheap KDF), real bundles and real Qt widgets offscreen.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from crypto.card import serialize_card
from intake.bundles import record_checks
from intake.cards.registry import CardRegistry, own_card
from intake.testimonies.archive import ArchiveQuery
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from tests.intake.bundles.vaults import helper_parents
from tests.intake.coordinator_fixtures import finalized, send, tampered_copy, victim_testimony
from tests.ui.conftest import DialogRecorder, type_text
from ui.coordinator import archive_model
from ui.coordinator.workspace import CoordinatorWorkspace
from ui.shell import AppShell

UYGHUR = "تۇرسۇن ئابلىمىت"


@pytest.fixture
def coordinator_shell(make_shell: Any, make_vault: Any) -> AppShell:
    vault = make_vault(name="Dana", role="coordinator", folder="coordinator")
    shell: AppShell = make_shell(vault.path)
    shell.session.attach(vault)
    return shell


def cell(table: Any, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return str(item.text())


def workspace_of(shell: AppShell) -> CoordinatorWorkspace:
    workspace = shell.window.coordinator
    assert isinstance(workspace, CoordinatorWorkspace)
    return workspace


def import_and_wait(qtbot: QtBot, workspace: CoordinatorWorkspace, *paths: Path) -> list[str]:
    page = workspace.import_page
    page.import_files(list(paths))
    qtbot.waitUntil(lambda: not page.running, timeout=20_000)
    return [page.reports.item(i).text() for i in range(page.reports.count())]


def test_coordinator_vault_opens_the_coordinator_workspace(coordinator_shell: AppShell) -> None:
    assert coordinator_shell.window.workspace is None
    workspace = workspace_of(coordinator_shell)
    assert workspace.count() == 4
    assert not coordinator_shell.window.new_action.isEnabled()
    assert coordinator_shell.window.lock_action.isEnabled()
    coordinator_shell.session.lock()
    assert workspace.archive_page.model.rowCount() == 0


def test_good_bundles_from_two_volunteers_and_a_tampered_one(
    qtbot: QtBot, coordinator_shell: AppShell, make_vault: Any, tmp_path: Path
) -> None:
    coordinator: Vault = coordinator_shell.session.vault
    aigul = make_vault(name="Айгүл", folder="v1")
    berik = make_vault(name="Berik", folder="v2")
    finalized(aigul, victim_testimony({"latin": "Tursun Ablimit", "arabic": UYGHUR}, True))
    finalized(berik, victim_testimony({"cyrillic": "Нұрлан Серікұлы"}, True))
    first = send(aigul, coordinator, tmp_path / "usb1")
    second = send(berik, coordinator, tmp_path / "usb2")
    bad = tampered_copy(first, tmp_path / "tampered.age")
    workspace = workspace_of(coordinator_shell)

    reports = import_and_wait(qtbot, workspace, bad)
    assert "NOT imported" in reports[0] and "Nothing was imported" in reports[0]
    assert TestimonyStore(coordinator).list() == []

    reports = import_and_wait(qtbot, workspace, first, second)
    assert "1 new" in reports[0] and "Berik" in reports[0]
    assert "Айгүл" in reports[1] and own_card(aigul).fingerprint in reports[1]
    assert "Signature valid" in reports[1]
    assert len(TestimonyStore(coordinator).list()) == 2

    archive = workspace.archive_page
    qtbot.waitUntil(lambda: archive.model.rowCount() == 2, timeout=10_000)
    type_text(archive.search, "Турсун")  # Cyrillic finds the Latin/Arabic spelling
    qtbot.waitUntil(lambda: archive.model.rowCount() == 1, timeout=10_000)
    assert UYGHUR in archive.model.summary(0).victim_names[0] or "Tursun" in " ".join(
        archive.model.summary(0).victim_names
    )
    # The victim name the search matched is named for highlighting (bold, and a tooltip).
    victims = archive.model.index(0, archive_model.VICTIMS_COLUMN)
    assert victims.data(archive_model.MATCH_ROLE) in archive.model.summary(0).victim_names
    volunteers = workspace.volunteers_page
    assert volunteers.table.rowCount() == 2


def test_unknown_sender_goes_through_quarantine_to_enrollment(
    qtbot: QtBot, coordinator_shell: AppShell, make_vault: Any, tmp_path: Path
) -> None:
    coordinator: Vault = coordinator_shell.session.vault
    stranger = make_vault(name="Айгүл", folder="v1")
    (tid,) = finalized(stranger, victim_testimony({"latin": "Tursun Ablimit"}, True))
    bundle = send(stranger, coordinator, tmp_path / "usb", enroll=False)
    workspace = workspace_of(coordinator_shell)

    reports = import_and_wait(qtbot, workspace, bundle)
    assert "quarantine" in reports[0]
    assert TestimonyStore(coordinator).list() == []
    page = workspace.import_page
    assert page.waiting.count() == 1
    assert own_card(stranger).fingerprint in page.fingerprint.text()
    assert not page.enroll_button.isEnabled()  # the comparison step comes first
    page.compared.setChecked(True)
    assert page.enroll_button.isEnabled()
    page.enroll_button.click()
    qtbot.waitUntil(lambda: not page.running, timeout=20_000)
    assert "1 new" in page.reports.item(0).text()
    assert [s.id for s in TestimonyStore(coordinator).list()] == [tid]
    assert page.waiting.count() == 0
    known = CardRegistry(coordinator).get(own_card(stranger).fingerprint)
    assert known is not None and known.usable


def test_duplicates_view_shows_a_cross_script_pair_and_remembers_a_link(
    qtbot: QtBot, coordinator_shell: AppShell, make_vault: Any, tmp_path: Path
) -> None:
    coordinator: Vault = coordinator_shell.session.vault
    a, b = make_vault(name="A", folder="v1"), make_vault(name="B", folder="v2")
    finalized(a, victim_testimony({"latin": "Tursun Ablimit"}, True, birth_date="1971"))
    finalized(
        b,
        victim_testimony(
            {"arabic": UYGHUR, "chinese": "吐尔逊·阿不力米提"}, True, birth_date="1971"
        ),
    )
    workspace = workspace_of(coordinator_shell)
    import_and_wait(
        qtbot, workspace, send(a, coordinator, tmp_path / "1"), send(b, coordinator, tmp_path / "2")
    )
    page = workspace.duplicates_page
    workspace.setCurrentWidget(page)
    qtbot.waitUntil(lambda: not page.loading, timeout=20_000)
    assert len(page.candidates) == 1
    labels = {cell(page.table, 0, 1), cell(page.table, 0, 2)}
    assert any("Tursun" in t for t in labels) and len(labels) == 2
    assert cell(page.table, 0, 3)  # reasons shown
    # Why they were paired: both spellings, the name parts that matched, the facts that agree.
    details = page.details.text()
    assert all(label in details for label in labels)
    assert "tursun ablimit" in details and "1971" in details
    page.link_button.click()
    assert page.candidates == []
    page.reload()
    qtbot.waitUntil(lambda: not page.loading, timeout=20_000)
    assert page.candidates == []  # remembered


def test_sharing_leaves_out_names_without_consent(
    qtbot: QtBot,
    coordinator_shell: AppShell,
    make_vault: Any,
    tmp_path: Path,
    recorder: DialogRecorder,
) -> None:
    from ui.coordinator.share_dialog import ShareDialog

    coordinator: Vault = coordinator_shell.session.vault
    vol = make_vault(name="V", folder="v1")
    ids = finalized(
        vol,
        victim_testimony({"latin": "Published Person"}, True),
        victim_testimony({"latin": "Secret Person"}, False),
    )
    import_and_wait(qtbot, workspace_of(coordinator_shell), send(vol, coordinator, tmp_path / "u"))
    dialog = ShareDialog(coordinator_shell.session, ids)
    out = tmp_path / "shared.csv"
    assert dialog.save(out)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    text = out.read_text(encoding="utf-8")
    assert "Published Person" in text and "Secret Person" not in text
    assert "+7 700" not in text  # sensitive contact left out
    assert len(list(csv.reader(text.splitlines()))) >= 3

    recorder.answer = False  # the warning dialog is declined: nothing is written
    dialog.unconsented.setChecked(True)
    assert not dialog.save(tmp_path / "risky.csv")
    assert recorder.confirms and "WARNING" in recorder.confirms[0]
    assert not (tmp_path / "risky.csv").exists()


def test_saved_pdf_is_owner_only_and_never_left_half_written(
    coordinator_shell: AppShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from intake.bundles.errors import OutputExists, OutputFailed
    from ui.coordinator.share_dialog import save_pdf

    session = coordinator_shell.session
    (tid,) = finalized(session.vault, victim_testimony({"latin": "Tursun Ablimit"}, True))
    out = tmp_path / "t.pdf"
    assert save_pdf(session, tid, out, redacted=False) >= 1
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_mode & 0o077 == 0

    planted = tmp_path / "planted.pdf"
    (tmp_path / "planted.pdf.part").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OutputExists):  # a planted link is never followed
        save_pdf(session, tid, planted, redacted=False)
    assert not (tmp_path / "elsewhere").exists() and not planted.exists()

    def refuse(src: Any, dst: Any) -> None:
        raise PermissionError(dst)

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputFailed):  # the rename fails: no plaintext .part stays behind
        save_pdf(session, tid, tmp_path / "late.pdf", redacted=False)
    assert not (tmp_path / "late.pdf.part").exists() and not (tmp_path / "late.pdf").exists()


def test_archive_model_fetches_lazily(
    qtbot: QtBot,
    coordinator_shell: AppShell,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    coordinator: Vault = coordinator_shell.session.vault
    store = TestimonyStore(coordinator)
    for n in range(7):
        store.create_draft(victim_testimony({"latin": f"Person Number{n}"}, True))
    monkeypatch.setattr(archive_model, "PAGE", 3)
    model = archive_model.ArchiveModel(coordinator_shell.session)
    model.set_query(ArchiveQuery())
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=10_000)
    assert model.canFetchMore()
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 6, timeout=10_000)
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 7, timeout=10_000)
    assert not model.canFetchMore()
    model.set_query(ArchiveQuery(status="final"))
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)
    assert model.rowCount() == 0


def test_enroll_from_card_file_needs_the_comparison(
    coordinator_shell: AppShell, make_vault: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    volunteer = make_vault(name="Berik", folder="v1")
    card_file = tmp_path / "berik.card"
    card_file.write_bytes(serialize_card(own_card(volunteer)))
    page = workspace_of(coordinator_shell).volunteers_page
    monkeypatch.setattr(page, "ask_comparison", lambda _card: False)
    assert not page.enroll_file(card_file)
    assert page.table.rowCount() == 0
    monkeypatch.setattr(page, "ask_comparison", lambda _card: True)
    assert page.enroll_file(card_file)
    assert page.table.rowCount() == 1 and cell(page.table, 0, 2) == "Enrolled"


def test_a_rotated_volunteers_card_file_revokes_the_old_card(
    coordinator_shell: AppShell,
    make_vault: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorder: DialogRecorder,
) -> None:
    """The new card file carries the old key's revocation (bundle-format §8.6): enrolling the
    new card through the page applies it, and the page says so."""
    from intake.cards.cardfile import card_file_bytes
    from intake.cards.statements import KeyStatements

    volunteer = make_vault(name="Berik", folder="v1")
    old = own_card(volunteer)
    coordinator_shell.session.core.cards.add(old, verified=True)
    KeyStatements(volunteer).rotate("2025-03-11T09:00:00Z")
    card_file = tmp_path / "berik-new.card"
    card_file.write_bytes(card_file_bytes(volunteer))
    page = workspace_of(coordinator_shell).volunteers_page
    monkeypatch.setattr(page, "ask_comparison", lambda _card: True)
    assert page.enroll_file(card_file)
    assert recorder.infos == [
        "1 key statement (revocation or succession) from this card file was accepted."
    ]
    assert coordinator_shell.session.core.cards.require(old.fingerprint).revoked
    assert coordinator_shell.session.core.cards.require(own_card(volunteer).fingerprint).usable


def test_other_tabs_stay_usable_while_an_import_runs(
    qtbot: QtBot, coordinator_shell: AppShell, make_vault: Any, tmp_path: Path
) -> None:
    """The other tabs read only committed rows (tests/ui/test_concurrency.py): they stay
    enabled while an import runs."""
    coordinator: Vault = coordinator_shell.session.vault
    aigul = make_vault(name="Айгүл", folder="v1")
    finalized(aigul, victim_testimony({"latin": "Tursun Ablimit"}, True))
    bundle = send(aigul, coordinator, tmp_path / "usb")
    workspace = workspace_of(coordinator_shell)
    page = workspace.import_page
    others = [i for i in range(workspace.count()) if workspace.widget(i) is not page]
    assert len(others) == 3 and all(workspace.isTabEnabled(i) for i in others)
    page.import_files([bundle])
    assert page.running and all(workspace.isTabEnabled(i) for i in others)
    assert workspace.isTabEnabled(workspace.indexOf(page))
    qtbot.waitUntil(lambda: not page.running, timeout=20_000)
    assert all(workspace.isTabEnabled(i) for i in others)
    assert "1 new" in page.reports.item(0).text()


def test_a_large_bundle_is_checked_in_helper_processes_in_the_app(
    qtbot: QtBot,
    coordinator_shell: AppShell,
    make_vault: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The app runs Qt threads (which Python's threading module does not see), so it cannot be
    forked safely: its helpers come from a fork server (intake/bundles/record_checks.py), not
    from the app's own process. Here 'large' is lowered to three records."""
    monkeypatch.setattr(record_checks, "MIN_RECORDS", 3)
    monkeypatch.setattr(record_checks, "BATCH_RECORDS", 2)
    parents = helper_parents(monkeypatch)
    coordinator: Vault = coordinator_shell.session.vault
    volunteer = make_vault(name="Berik", folder="v1")
    names = ["Tursun Ablimit", "Nurlan Serikuly", "Gulnar Memet"]
    finalized(volunteer, *(victim_testimony({"latin": n}, True) for n in names))
    reports = import_and_wait(
        qtbot, workspace_of(coordinator_shell), send(volunteer, coordinator, tmp_path / "usb")
    )
    assert len(parents) == 1 and parents[0] != os.getpid()  # not forked from the app itself
    assert "3 new" in reports[0]
    assert len(TestimonyStore(coordinator).list()) == 3
