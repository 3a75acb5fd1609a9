"""The command lines that start Amanat's two programs: ``amanat`` and the desktop app.

From source both are Python modules run by this interpreter (``python -m intake.cli.main``,
``python -m ui.main``). Frozen, ``sys.executable`` is the ``amanat`` or ``amanat-gui``
executable itself, which cannot run ``-m``: the other program is the sibling executable in
the same folder (packaging/amanat.spec builds both from one entry script, which picks the
program by its own name: ``program_for``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

from intake.install.resources import is_frozen

Program = Literal["cli", "gui"]
EXECUTABLES: dict[Program, str] = {"cli": "amanat", "gui": "amanat-gui"}
MODULES: dict[Program, str] = {"cli": "intake.cli.main", "gui": "ui.main"}


def executable_name(program: Program, platform: str | None = None) -> str:
    """The file name of a frozen program on ``platform`` (default: this one)."""
    name = EXECUTABLES[program]
    return name + ".exe" if (platform or sys.platform) == "win32" else name


def program_command(program: Program) -> list[str]:
    """The start of the command line that runs ``program`` (its arguments follow)."""
    if is_frozen():
        return [str(Path(sys.executable).with_name(executable_name(program)))]
    return [sys.executable, "-m", MODULES[program]]


def program_for(executable: str) -> Program:
    """Which program a frozen executable is, from its file name (``amanat-gui.exe`` → gui)."""
    stem = executable.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".exe")
    return "gui" if stem == EXECUTABLES["gui"] else "cli"
