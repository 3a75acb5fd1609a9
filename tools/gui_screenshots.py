"""Put the desktop app into one screen with the fictional demo data, for screenshots (Xvfb).

    .venv/bin/python tools/gui_screenshots.py seed --vault DIR      # = amanat demo --no-gui
    /work/shared/tools/shot docs/screenshots/volunteer-list-ug.png -- \\
        .venv/bin/python tools/gui_screenshots.py show --vault DIR --lang ug --screen list

``seed`` creates the demo vaults of intake/demo.py (fictional people only). ``show`` opens the
app on one screen and runs until killed. Never point this at a real vault: it unlocks with the
demo passphrase.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QWidget

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SCREENS = (
    "language",
    "create",
    "card",
    "unlock",
    "list",
    "editor",
    "victims",
    "consent",
    "attachments",
    "history",
    "export",
    "mycard",
    "about",
)
EDITOR_TABS = {"editor": 0, "victims": 2, "consent": 4, "attachments": 5, "history": 6}


def seed(folder: Path) -> None:
    from intake.demo import create_demo

    demo = create_demo(folder)
    print(f"volunteer vault: {demo.volunteer}  passphrase: {demo.passphrase}")


def show(folder: Path, lang: str, screen: str) -> int:
    from crypto.card import serialize_card
    from intake.cards.registry import own_card
    from intake.demo import DEMO_PASSPHRASE
    from intake.testimonies.attachments import AttachmentStore
    from intake.testimonies.store import TestimonyStore
    from intake.vault import Vault
    from ui.about import AboutDialog
    from ui.app import build_shell
    from ui.export_dialog import ExportDialog
    from ui.preferences import Preferences
    from ui.table_rows import select_row

    prefs_file = folder / f"prefs-{lang}.ini"
    prefs_file.unlink(missing_ok=True)
    target = folder / ("new" if screen in ("language", "create") else "volunteer")
    shell = build_shell(target, lang, Preferences(prefs_file))
    window = shell.window
    window.resize(1200, 780)
    alone: QDialog | None = (
        None  # a dialog shown on its own: without a window manager a child is not painted
    )
    if screen == "create" and window.first_run is not None:
        window.first_run.go("vault")
        page = window.first_run.vault_page
        page.name.setText("Aigul")
        page.passphrase.setText("river")
        page.repeat.setText("river")
    elif screen not in ("language", "unlock"):
        vault = Vault.open(target, DEMO_PASSPHRASE)
        shell.session.attach(vault)
        workspace = window.workspace
        if screen == "card":
            window.show_first_run("card")
            flow = window.first_run
            assert flow is not None and flow.card_page is not None
            with Vault.open(folder / "coordinator", DEMO_PASSPHRASE) as coordinator:
                flow.card_page.load(serialize_card(own_card(coordinator)))
        elif screen == "export":
            dialog = ExportDialog(shell.session)
            dialog.set_folder(Path("/media/usb"))
            alone = dialog
        elif screen == "mycard":
            from ui.my_card_dialog import MyCardDialog

            alone = MyCardDialog(shell.session)
        elif screen == "about":
            about = AboutDialog()
            about.components.setCurrentRow(2)
            alone = about
        elif workspace is not None and screen in EDITOR_TABS:
            summaries = TestimonyStore(vault).list()
            with_photo = [s for s in summaries if AttachmentStore(vault).list(s.id)]
            chosen = (with_photo or summaries)[0]
            workspace.open_testimony(chosen.id)
            workspace.editor.tabs.setCurrentIndex(EDITOR_TABS[screen])
            if screen == "attachments":
                select_row(workspace.editor.attachments.table, 0)
    return run_app(window, alone)


def run_app(window: QWidget, alone: QDialog | None) -> int:
    """Show ``alone`` if given, else ``window``, and run the app until it is killed."""
    from PySide6.QtWidgets import QApplication

    if alone is not None:
        alone.show()
    else:
        window.show()
    app = QApplication.instance()
    assert app is not None
    return int(app.exec())


def run_tool(
    doc: str | None,
    screens: tuple[str, ...],
    default_screen: str,
    seed: Callable[[Path], None],
    show: Callable[[Path, str, str], int],
) -> int:
    """The command line of a screenshot tool: ``seed --vault DIR`` or ``show --vault DIR
    --lang L --screen S``."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("action", choices=("seed", "show"))
    parser.add_argument("--vault", type=Path, required=True, help="folder of the demo vaults")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--screen", choices=screens, default=default_screen)
    args = parser.parse_args()
    if args.action == "seed":
        seed(args.vault)
        return 0
    return show(args.vault, args.lang, args.screen)


if __name__ == "__main__":
    sys.exit(run_tool(__doc__, SCREENS, "list", seed, show))
