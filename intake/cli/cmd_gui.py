"""``amanat gui`` and ``amanat demo``: start the desktop app as a program of its own.

intake/ never imports ui/ (tests/test_architecture.py), so these commands do not import the
GUI: they replace this process with ``python -m ui.main``, or frozen with the sibling
``amanat-gui`` executable (intake/install/programs.py) (``os.execve``: same process id,
same hardening, nothing of the CLI left in memory; on Windows, where exec starts a new process
anyway, the GUI runs as a child and its exit status is passed on). The passphrase variables
are not passed on: the desktop app asks on screen. ``amanat demo`` creates the demo vaults
through the core first (intake/core/vaults.py: a low, fixed Argon2id cost on purpose, as the
demo passphrase is printed on screen) and prints where they are.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from intake.cli.common import out
from intake.i18n import tr
from intake.install.programs import program_command
from intake.process_safety import SECRET_ENVIRONMENT


def register(sub: Any) -> None:
    p = sub.add_parser("gui", help=tr("start the desktop app"))
    p.add_argument("--vault", type=Path, default=None, metavar="DIR", help=tr("vault folder"))
    p.add_argument("--lang", default=None, help=tr("interface language (en kk ug ru zh tr)"))
    p.set_defaults(func=cmd_gui)

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
    p.add_argument(
        "--role",
        choices=("volunteer", "coordinator"),
        default="volunteer",
        help=tr("which demo vault the app opens (default: the volunteer's)"),
    )
    p.add_argument("--lang", default=None, help=tr("interface language (en kk ug ru zh tr)"))
    p.set_defaults(func=cmd_demo)


def gui_command(vault: Path | None, lang: str | None) -> list[str]:
    """The command line that starts the desktop app."""
    argv = program_command("gui")
    if vault is not None:
        argv += ["--vault", str(vault)]
    if lang is not None:
        argv += ["--lang", lang]
    return argv


def start_gui(vault: Path | None, lang: str | None) -> int:
    """Replace this process with the desktop app (POSIX), or run it and return its status."""
    argv = gui_command(vault, lang)
    env = {k: v for k, v in os.environ.items() if k not in SECRET_ENVIRONMENT}
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execve(argv[0], argv, env)  # noqa: S606 - fixed argv, our own interpreter or sibling
    return subprocess.call(argv, env=env)


def cmd_gui(args: argparse.Namespace) -> int:
    return start_gui(args.vault, args.lang)


def cmd_demo(args: argparse.Namespace) -> int:
    from intake.core.vaults import create_demo, new_demo_folder

    folder = args.folder or new_demo_folder()
    demo = create_demo(folder)
    out(tr("Demo vaults with FICTIONAL testimonies were created in {path}", path=demo.folder))
    out(tr("Volunteer vault: {path}", path=demo.volunteer))
    out(
        tr(
            "Coordinator vault (it already received the volunteer's final testimonies): {path}",
            path=demo.coordinator,
        )
    )
    out(tr("Demo passphrase (for both): {passphrase}", passphrase=demo.passphrase))
    if args.no_gui:
        return 0
    return start_gui(demo.vault(args.role), args.lang)
