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


def _register_gui(sub: Any) -> None:
    p = sub.add_parser("gui", help=tr("start the desktop app"))
    p.add_argument("--vault", type=Path, default=None, metavar="DIR", help=tr("vault folder"))
    p.add_argument("--lang", default=None, help=tr("interface language (en kk ug ru zh tr)"))
    p.set_defaults(func=_run_gui)


def _run_gui(args: argparse.Namespace) -> int:
    from ui.app import run

    return run(vault=args.vault, lang=args.lang)


def cli() -> None:
    """The ``amanat`` console command."""
    sys.exit(intake_main(extra=[_register_gui]))


def gui() -> None:
    """The ``amanat-gui`` command: the desktop app on the default vault."""
    from ui.app import run

    sys.exit(run(vault=None, lang=None))
