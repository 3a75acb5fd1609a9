"""Console and GUI entry points.

``amanat`` is the intake CLI plus the commands that need the GUI (``gui``, ``demo``); they are
registered here so that intake/ never imports ui/. Qt is imported only when a GUI command runs,
so the plain CLI starts fast and works without a display.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from intake.cli.main import main as intake_main
from intake.i18n import tr
from intake.process_safety import harden_process


def _register_gui(sub: Any) -> None:
    p = sub.add_parser("gui", help=tr("start the desktop app"))
    p.add_argument("--vault", type=Path, default=None, metavar="DIR", help=tr("vault folder"))
    p.add_argument("--lang", default=None, help=tr("interface language (en kk ug ru zh tr)"))
    p.set_defaults(func=_run_gui)


def _register_demo(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help=tr("create demo vaults with fictional testimonies in a new folder and open the app"),
    )
    p.add_argument(
        "--folder",
        type=Path,
        default=None,
        metavar="DIR",
        help=tr("where to create the demo (default: a new temporary folder)"),
    )
    p.add_argument("--no-gui", action="store_true", help=tr("only create the demo vaults"))
    p.add_argument("--lang", default=None, help=tr("interface language (en kk ug ru zh tr)"))
    p.set_defaults(func=_run_demo)


def _run_demo(args: argparse.Namespace) -> int:
    import tempfile

    from intake.cli.common import kdf_params_for_new_vault, out
    from intake.demo import create_demo

    folder = args.folder or Path(tempfile.mkdtemp(prefix="amanat-demo-"))
    demo = create_demo(folder, kdf_params_for_new_vault())
    out(tr("Demo vaults with FICTIONAL testimonies were created in {path}", path=demo.folder))
    out(tr("Volunteer vault: {path}", path=demo.volunteer))
    out(tr("Coordinator vault: {path}", path=demo.coordinator))
    out(tr("Demo passphrase (for both): {passphrase}", passphrase=demo.passphrase))
    if args.no_gui:
        return 0
    from ui.app import run

    return run(vault=demo.volunteer, lang=args.lang)


def _run_gui(args: argparse.Namespace) -> int:
    from ui.app import run

    return run(vault=args.vault, lang=args.lang)


def cli() -> None:
    """The ``amanat`` console command, hardened first (intake/process_safety.py)."""
    harden_process()
    sys.exit(intake_main(extra=[_register_gui, _register_demo]))


def gui() -> None:
    """The ``amanat-gui`` command: the desktop app on the default vault."""
    from ui.app import run

    sys.exit(run(vault=None, lang=None))
