"""Put the coordinator's workspace into one screen with fictional demo data, for screenshots.

    .venv/bin/python tools/coordinator_screenshots.py seed --vault DIR
    /work/shared/tools/shot docs/screenshots/coordinator-archive-ug.png -- \\
        .venv/bin/python tools/coordinator_screenshots.py show --vault DIR --lang ug \\
        --screen archive

``seed`` creates the demo vaults (intake/demo.py), a second volunteer who reports the same
person in other scripts, a third volunteer the coordinator does not know, their bundles in
DIR/usb (plus one tampered copy), a copy of the coordinator vault before any import
(DIR/coordinator-fresh, for the import screen) and imports everything into DIR/coordinator.
``show`` opens one screen and runs until killed. Fictional people only; demo passphrase.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

from gui_screenshots import run_app, run_tool  # tools/, the script's own folder

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RECORD_TABS = {"record": 0, "review": 1, "attachments": 2, "provenance": 3, "versions": 4}
SCREENS = ("import", "volunteers", "archive", *RECORD_TABS, "victim", "duplicates", "share")


def _second_testimony() -> dict[str, Any]:
    return {
        "interview": {"place": "Алматы", "date": "2020-11-02", "languages": ["kk"]},
        "testifier": {"names": {"cyrillic": "Гүлнар Мемет"}, "how_obtained": "direct"},
        "victims": [
            {
                "names": {"cyrillic": "Аблажан Қадыр", "chinese": "阿布拉江·卡迪尔"},
                "birth_date": "1971",
                "ethnicity": "uyghur",
                "relation": "other",
                "status": "prison",
                "hometown": {"prefecture": {"local": "Іле", "zh": "伊犁"}},
            }
        ],
        "narrative": {"text": "FICTIONAL DEMO. A neighbour reported the same man."},
        "consent": {"publish_names": False, "may_contact_again": True},
    }


def seed(folder: Path) -> None:
    from intake.bundles.export import export_bundle
    from intake.bundles.quarantine import receive_bundle
    from intake.cards.registry import CardRegistry, own_card
    from intake.demo import DEMO_PASSPHRASE, create_demo
    from intake.testimonies.store import TestimonyStore
    from intake.vault import Vault

    demo = create_demo(folder)
    shutil.copytree(demo.coordinator, folder / "coordinator-fresh")
    usb = folder / "usb"
    usb.mkdir()
    with Vault.open(demo.coordinator, DEMO_PASSPHRASE) as coord:
        target = [own_card(coord).fingerprint]
        paths = []
        with Vault.open(demo.volunteer, DEMO_PASSPHRASE) as vol:
            paths.append(export_bundle(vol, target, usb / "aynur.age").path)
        for name, known in (("Гүлнар Мемет", True), ("Erkin Tursun", False)):
            sub = folder / ("volunteer2" if known else "volunteer3")
            with Vault.create(sub, DEMO_PASSPHRASE, "volunteer", name) as vol:
                CardRegistry(vol).add(own_card(coord), verified=True)
                store = TestimonyStore(vol)
                store.finalize(store.create_draft(_second_testimony()))
                fresh = Vault.open(folder / "coordinator-fresh", DEMO_PASSPHRASE)
                with fresh:
                    if known:
                        CardRegistry(fresh).add(own_card(vol), verified=True)
                if known:
                    CardRegistry(coord).add(own_card(vol), verified=True)
                paths.append(export_bundle(vol, target, usb / f"{sub.name}.age").path)
        data = bytearray(paths[0].read_bytes())
        data[len(data) // 2] ^= 1
        (usb / "tampered.age").write_bytes(bytes(data))
        for path in paths:
            receive_bundle(coord, path)
    print(f"coordinator vault: {demo.coordinator}  passphrase: {demo.passphrase}")


def show(folder: Path, lang: str, screen: str) -> int:
    from PySide6.QtWidgets import QDialog

    from intake.demo import DEMO_PASSPHRASE
    from intake.testimonies.store import TestimonyStore
    from intake.vault import Vault
    from ui.app import build_shell
    from ui.coordinator.record_view import RecordDialog, VictimDialog
    from ui.coordinator.share_dialog import ShareDialog
    from ui.coordinator.workspace import CoordinatorWorkspace
    from ui.preferences import Preferences

    prefs_file = folder / f"prefs-coordinator-{lang}.ini"
    prefs_file.unlink(missing_ok=True)
    target = folder / "coordinator"
    if screen == "import":  # a fresh copy each time, so every bundle is new to it
        target = folder / f"coordinator-import-{lang}"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(folder / "coordinator-fresh", target)
    shell = build_shell(target, lang, Preferences(prefs_file))
    window = shell.window
    window.resize(1200, 780)
    vault = Vault.open(target, DEMO_PASSPHRASE)
    shell.session.attach(vault)
    workspace = window.coordinator
    assert isinstance(workspace, CoordinatorWorkspace)
    alone: QDialog | None = None  # without a window manager a child dialog is not painted
    ids = [s.id for s in TestimonyStore(vault).list() if s.victim_names]
    found = [s.id for s in TestimonyStore(vault).search("Ablajan") if s.status == "final"]
    chosen = (found or ids or [""])[0]
    if screen == "import":
        usb = folder / "usb"
        workspace.import_page.import_files(sorted(usb.glob("*.age")))
    elif screen == "volunteers":
        workspace.setCurrentWidget(workspace.volunteers_page)
    elif screen == "archive":
        workspace.setCurrentWidget(workspace.archive_page)
    elif screen == "duplicates":
        workspace.setCurrentWidget(workspace.duplicates_page)
    elif screen in RECORD_TABS:
        dialog = RecordDialog(shell.session, chosen)
        dialog.tabs.setCurrentIndex(RECORD_TABS[screen])
        dialog.resize(1100, 700)
        alone = dialog
    elif screen == "victim":
        from intake.duplicates.finder import DuplicateFinder

        finder = DuplicateFinder(vault)
        for pair in finder.candidates():
            finder.link(pair.a, pair.b, pair.score)
        alone = VictimDialog(shell.session, chosen)
    elif screen == "share":
        share = ShareDialog(shell.session, ids)
        share.unconsented.setChecked(True)
        share.resize(640, 320)
        alone = share
    return run_app(window, alone)


if __name__ == "__main__":
    sys.exit(run_tool(__doc__, SCREENS, "archive", seed, show))
