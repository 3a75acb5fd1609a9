"""The desktop app's program: ``amanat-gui`` and ``python -m ui.main [--vault DIR] [--lang L]``.

``amanat gui`` and ``amanat demo`` (intake/cli/cmd_gui.py) start this module as a program of
its own, because intake/ never imports ui/. It imports nothing of the command line; Qt is
imported by ``ui.app`` when the app starts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="amanat-gui", description="Amanat desktop app")
    parser.add_argument("--vault", type=Path, default=None, metavar="DIR")
    parser.add_argument("--lang", default=None)
    return parser.parse_args(argv)


def gui(argv: Sequence[str] | None = None) -> None:
    """Start the desktop app (hardened first, in ``ui.app.run``); exits with its status."""
    args = parse(argv)
    from ui.app import run

    sys.exit(run(vault=args.vault, lang=args.lang))


if __name__ == "__main__":
    gui()
