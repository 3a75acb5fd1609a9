"""The installed program: shipped files found from source and frozen, the other program's
command line, and the version and build (intake/install/)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from intake.cli import cmd_gui
from intake.cli.main import version
from intake.forms import definitions
from intake.i18n import catalog_path
from intake.install import build, programs
from intake.install.resources import is_frozen, resource, resources_folder
from intake.pdf.fonts import fonts_dir
from tests.conftest import REPO


@pytest.fixture
def frozen_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped files laid out as PyInstaller's one folder, and this process
    pretending to be its ``amanat`` executable."""
    internal = tmp_path / "amanat" / "_internal"
    shutil.copytree(
        REPO / "resources", internal / "resources", ignore=shutil.ignore_patterns("*.py*")
    )
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(internal), raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "amanat" / "amanat"))
    return internal


def test_from_source_the_files_are_the_resources_package() -> None:
    assert not is_frozen()
    assert resources_folder() == REPO / "resources"
    assert resource("forms", "testimony.v1.json").is_file()
    assert (fonts_dir() / "NotoSans-Regular.ttf").is_file()
    assert catalog_path("ug").is_file()


def test_frozen_every_lookup_finds_the_copy_under_meipass(frozen_tree: Path) -> None:
    root = frozen_tree / "resources"
    assert is_frozen()
    assert resources_folder() == root
    assert fonts_dir() == root / "fonts"
    assert catalog_path("zh") == root / "i18n" / "zh" / "LC_MESSAGES" / "amanat.po"
    assert catalog_path("zh").is_file()
    assert resource("licenses", "GPL-3.0.txt").is_file()
    # the form is read from the copy, not from the source tree: without the copy, none
    shutil.rmtree(root / "forms")
    definitions.builtin_form.cache_clear()
    try:
        with pytest.raises(FileNotFoundError):
            definitions.builtin_form()
    finally:
        definitions.builtin_form.cache_clear()


def test_frozen_without_meipass_the_folder_is_next_to_the_executable(
    frozen_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(sys, "_MEIPASS")
    assert resources_folder() == frozen_tree.parent / "resources"


def test_from_source_the_programs_are_python_modules() -> None:
    assert programs.program_command("gui") == [sys.executable, "-m", "ui.main"]
    assert programs.program_command("cli") == [sys.executable, "-m", "intake.cli.main"]
    assert cmd_gui.gui_command(None, "kk")[1:] == ["-m", "ui.main", "--lang", "kk"]


def test_frozen_amanat_gui_execs_the_sibling_executable(frozen_tree: Path) -> None:
    folder = frozen_tree.parent
    argv = cmd_gui.gui_command(Path("/v"), "ug")
    assert argv == [str(folder / "amanat-gui"), "--vault", "/v", "--lang", "ug"]
    assert "-m" not in argv
    assert programs.program_command("cli") == [str(folder / "amanat")]


def test_frozen_on_windows_the_siblings_are_exe_files() -> None:
    assert programs.executable_name("gui", "win32") == "amanat-gui.exe"
    assert programs.executable_name("cli", "linux") == "amanat"


@pytest.mark.parametrize(
    ("executable", "program"),
    [
        ("/opt/amanat/amanat", "cli"),
        ("/opt/amanat/amanat-gui", "gui"),
        (r"C:\Program Files\Amanat\AMANAT-GUI.EXE", "gui"),
        ("C:/Program Files/Amanat/amanat.exe", "cli"),
        ("/Applications/Amanat.app/Contents/MacOS/amanat-gui", "gui"),
    ],
)
def test_the_entry_script_picks_the_program_by_its_name(executable: str, program: str) -> None:
    assert programs.program_for(executable) == program


def test_from_source_the_version_names_the_source_build() -> None:
    info = build.build_info()
    assert info.kind == "source"
    assert version().startswith(info.version + " (source")


def test_frozen_the_version_and_commit_come_from_build_json(frozen_tree: Path) -> None:
    text = build.build_file_text("9.8.7", "abcdef123456", "2026-12-03")
    (frozen_tree / "resources" / "build.json").write_text(text, "utf-8")
    assert build.build_info() == build.BuildInfo("9.8.7", "frozen", "abcdef123456")
    assert version() == "9.8.7 (frozen, commit abcdef123456)"


def test_frozen_without_a_readable_build_file_says_frozen(frozen_tree: Path) -> None:
    assert build.build_info().kind == "frozen"
    assert build.build_info().commit is None
    (frozen_tree / "resources" / "build.json").write_text("[1, 2]", "utf-8")
    assert build.build_info().describe().endswith("(frozen)")
