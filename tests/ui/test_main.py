"""The desktop program ``ui.main``, which ``amanat gui`` and ``amanat demo`` start."""

from __future__ import annotations

from intake.cli.cmd_gui import gui_command
from ui.main import parse


def test_the_gui_commands_start_the_desktop_program() -> None:
    argv = gui_command(None, "kk")
    assert argv[1:] == ["-m", "ui.main", "--lang", "kk"]
    assert parse(argv[3:]).lang == "kk"  # the program takes what the command passes
    assert "AMANAT_PASSPHRASE" not in " ".join(argv)


def test_the_gui_imports_no_command_line() -> None:
    # One core, two faces: ui/ calls intake/core and the rooms, never intake/cli.
    from tests.conftest import REPO
    from tests.test_architecture import _imports

    for path in sorted((REPO / "ui").rglob("*.py")):
        assert not any(n.startswith("intake.cli") for n in _imports(path)), path
