"""Command-line findings of issue 17: ``amanat passwd`` without the undocumented variable (a
file, or two prompts on a terminal), the example testimony from any folder, ``./dev amanat``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, REPO, create_closed_vault
from tests.intake.test_cli_vault import amanat

NEW = "seven purple elephants dance quietly"
ADD = [sys.executable, "-m", "intake.cli.main", "testimony", "add"]


def test_passwd_reads_the_new_passphrase_from_a_file(tmp_path: Path) -> None:
    vault = str(create_closed_vault(tmp_path / "v"))
    new_file = tmp_path / "new.txt"
    new_file.write_text(NEW + "\n", "utf-8")
    r = amanat("passwd", "--vault", vault, "--new-passphrase-file", str(new_file))
    assert r.returncode == 0, r.stderr
    assert amanat("info", "--vault", vault).returncode == 3  # the old one no longer opens it
    assert amanat("info", "--vault", vault, passphrase=NEW).returncode == 0


def test_passwd_without_a_terminal_says_how(tmp_path: Path) -> None:
    vault = str(create_closed_vault(tmp_path / "v"))
    r = amanat("passwd", "--vault", vault, stdin="")
    assert r.returncode == 2, r.stderr
    assert "--new-passphrase-file" in r.stderr and "Traceback" not in r.stderr
    assert amanat("info", "--vault", vault).returncode == 0  # nothing changed
    help_text = amanat("passwd", "--help").stdout
    assert "--new-passphrase-file" in help_text and "twice" in help_text


def test_passwd_on_a_terminal_asks_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the new passphrase is asked twice (getpass answered here, in-process)."""
    import argparse
    import getpass

    from intake.cli import cmd_vault
    from intake.errors import InvalidInput

    monkeypatch.delenv("AMANAT_NEW_PASSPHRASE", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    asked: list[str] = []
    answers = iter([NEW, NEW + " typo", NEW, NEW])

    def answer(prompt: str = "") -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr(getpass, "getpass", answer)
    args = argparse.Namespace(new_passphrase_file=None)
    with pytest.raises(InvalidInput):
        cmd_vault._new_passphrase(args)  # the two differ
    assert cmd_vault._new_passphrase(args) == NEW
    assert len(asked) == 4 and "Repeat" in asked[1]


def test_testimony_example_works_from_any_folder(tmp_path: Path) -> None:
    vault = str(create_closed_vault(tmp_path / "v"))
    elsewhere = tmp_path / "somewhere else"
    elsewhere.mkdir()
    env = {**os.environ, "AMANAT_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(REPO)}
    printed = subprocess.run(
        [sys.executable, "-m", "intake.cli.main", "testimony", "example"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    ).stdout
    assert json.loads(printed)["content"]["victims"]
    written = elsewhere / "mine.json"
    r = subprocess.run(
        [sys.executable, "-m", "intake.cli.main", "testimony", "example", "-o", "mine.json"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(written.read_text("utf-8")) == json.loads(printed)
    r = subprocess.run(
        [*ADD, "--vault", vault, "--json", "mine.json"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    again = amanat("testimony", "example", "-o", str(written))
    assert again.returncode == 8 and "already exists" in again.stderr  # never replaced


def test_shipped_example_is_the_documented_one() -> None:
    shipped = REPO / "resources" / "examples" / "testimony.json"
    assert shipped.read_bytes() == (REPO / "docs" / "examples" / "testimony.json").read_bytes()
    pyproject = (REPO / "pyproject.toml").read_text("utf-8")
    assert '"examples/*.json"' in pyproject  # installed with the package, not only in a clone


def test_dev_passes_commands_to_amanat() -> None:
    """The README's commands run as ``./dev amanat …`` (amanat lives in .venv/bin)."""
    script = (REPO / "dev").read_text("utf-8")
    assert 'amanat)\n    setup_python\n    exec "$VENV/bin/amanat" "$@"' in script
    readme = (REPO / "README.md").read_text("utf-8")
    assert "./dev amanat" in readme
