"""Put the desktop app into one screen with fictional data, for screenshots under Xvfb.

    .venv/bin/python tools/gui_screenshots.py seed --vault DIR          # fictional vault
    /work/shared/tools/shot docs/screenshots/volunteer-list-ug.png -- \\
        .venv/bin/python tools/gui_screenshots.py show --vault DIR --lang ug --screen list

``seed`` creates a volunteer vault (passphrase ``SCREENSHOT_PASSPHRASE``, printed; the data is
the fictional example from docs/examples plus a Kazakh-language draft and a generated photo
stored from memory) and a coordinator vault next to it whose card the volunteer has verified.
``show`` opens the app on one screen and runs until killed. Fictional data only: never point
this at a real vault.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SCREENSHOT_PASSPHRASE = "orbit juniper lantern pebble"  # noqa: S105 - fictional demo vault
SCREENS = (
    "language",
    "create",
    "card",
    "unlock",
    "list",
    "editor",
    "victims",
    "attachments",
    "about",
)
REPO = Path(__file__).resolve().parents[1]


def seed(folder: Path) -> None:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QImageWriter, QPainter

    from intake.attachments import AttachmentStore
    from intake.cards import CardRegistry, own_card
    from intake.testimonies import TestimonyStore
    from intake.vault import Vault

    example = json.loads((REPO / "docs/examples/testimony.json").read_text("utf-8"))
    coordinator = Vault.create(
        folder / "coordinator", SCREENSHOT_PASSPHRASE, "coordinator", "Dana Coordinator"
    )
    card = own_card(coordinator)
    coordinator.close()
    with Vault.create(folder / "volunteer", SCREENSHOT_PASSPHRASE, "volunteer", "Aigul") as vault:
        CardRegistry(vault).add(card, verified=True)
        store = TestimonyStore(vault)
        first = store.create_draft(example["content"])
        store.finalize(first)
        second = store.create_draft(
            {
                "interview": {"place": "Алматы", "date": "2019-06-02", "languages": ["kk"]},
                "victims": [
                    {
                        "names": {"cyrillic": "Нұрлан Серікұлы", "chinese": "努尔兰·赛力克"},
                        "gender": "male",
                        "ethnicity": "kazakh",
                        "status": "released",
                        "relation": "sibling",
                    }
                ],
            }
        )
        QGuiApplication.instance() or QGuiApplication([])
        image = QImage(640, 420, QImage.Format.Format_RGB32)
        image.fill(QColor("#d9e3ea"))
        painter = QPainter(image)
        painter.fillRect(60, 60, 520, 300, QColor("#5b7f95"))
        painter.drawText(80, 390, "FICTIONAL EXAMPLE PHOTO")
        painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        QImageWriter(buffer, QByteArray(b"PNG")).write(image)
        AttachmentStore(vault).add(second, io.BytesIO(buffer.data().data()), "photo-2017.png")
    print(f"volunteer vault: {folder / 'volunteer'}  passphrase: {SCREENSHOT_PASSPHRASE}")


def show(folder: Path, lang: str, screen: str) -> int:
    from PySide6.QtWidgets import QApplication

    from crypto.card import serialize_card
    from intake.cards import own_card
    from intake.testimonies import TestimonyStore
    from intake.vault import Vault
    from ui.about import AboutDialog
    from ui.app import build_shell
    from ui.preferences import Preferences
    from ui.table_rows import select_row

    prefs_file = folder / f"prefs-{lang}.ini"
    prefs_file.unlink(missing_ok=True)
    target = folder / ("new" if screen in ("language", "create") else "volunteer")
    shell = build_shell(target, lang, Preferences(prefs_file))
    window = shell.window
    window.resize(1200, 780)
    if screen == "create" and window.first_run is not None:
        window.first_run.go("vault")
        page = window.first_run.vault_page
        page.name.setText("Aigul")
        page.passphrase.setText("river")
        page.repeat.setText("river")
    elif screen not in ("language", "unlock"):
        vault = Vault.open(target, SCREENSHOT_PASSPHRASE)
        shell.session.attach(vault)
        workspace = window.workspace
        if screen == "card":
            window.show_first_run("card")
            flow = window.first_run
            assert flow is not None and flow.card_page is not None
            with Vault.open(folder / "coordinator", SCREENSHOT_PASSPHRASE) as coordinator:
                flow.card_page.load(serialize_card(own_card(coordinator)))
        elif workspace is not None and screen in ("editor", "victims", "attachments"):
            summaries = TestimonyStore(vault).list()
            final = next(s for s in summaries if s.status == "final")
            draft = next(s for s in summaries if s.status == "draft")
            chosen = draft if screen == "attachments" else final
            workspace.open_testimony(chosen.id)
            tab = {"editor": 0, "victims": 2, "attachments": 5}[screen]
            workspace.editor.tabs.setCurrentIndex(tab)
            if screen == "attachments":
                select_row(workspace.editor.attachments.table, 0)
    if screen == "about":  # alone: without a window manager a child dialog is not painted
        about = AboutDialog()
        about.components.setCurrentRow(2)
        about.show()
    else:
        window.show()
    app = QApplication.instance()
    assert app is not None
    return int(app.exec())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=("seed", "show"))
    parser.add_argument("--vault", type=Path, required=True, help="folder for the demo vaults")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--screen", choices=SCREENS, default="list")
    args = parser.parse_args()
    if args.action == "seed":
        seed(args.vault)
        return 0
    return show(args.vault, args.lang, args.screen)


if __name__ == "__main__":
    sys.exit(main())
