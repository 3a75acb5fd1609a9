"""``amanat --help`` and ``--version`` import only what they use (not a timing test).

The figures are in bench/startup.py and docs/performance.md; here the whole process is run with
``python -X importtime`` and the modules it imported are checked: none of the heavy libraries
(pypinyin, reportlab, zxcvbn, Qt, SQLCipher) and none of the heavy rooms.
The CLI keeps copies of a few constants so that building its parser imports no room; the
copies are checked against the rooms here.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

HEAVY = (
    *("pypinyin", "reportlab", "zxcvbn", "PySide6", "shiboken6", "sqlcipher3", "rapidfuzz"),
    *("uharfbuzz", "PIL", "qrcode", "intake.pdf", "intake.duplicates", "intake.sharing"),
)


def _imported(*args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "intake.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return names, result


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_import_nothing_heavy(option: str) -> None:
    names, result = _imported(option)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "intake.cli.common" in names  # the check sees what the commands import
    heavy = sorted(n for n in names if n.startswith(HEAVY))
    assert heavy == []


def test_version_names_the_package() -> None:
    _names, result = _imported("--version")
    assert result.stdout.startswith("amanat ")


def test_the_cli_copies_of_constants_match_the_rooms() -> None:
    from intake.cli import cmd_bundle, cmd_pdf, cmd_share, cmd_vault
    from intake.duplicates.finder import DEFAULT_MIN_SCORE
    from intake.pdf.blank import DEFAULT_VICTIM_BLOCKS
    from intake.pdf.page_flow import PAPER_SIZES
    from intake.sharing.export import FORMATS
    from intake.testimonies.errors import NotTheAuthor
    from intake.vault import ROLES

    assert tuple(sorted(PAPER_SIZES)) == cmd_pdf.PAPERS
    assert cmd_pdf.DEFAULT_VICTIM_BLOCKS == DEFAULT_VICTIM_BLOCKS
    assert cmd_share.FORMATS == FORMATS and cmd_share.DEFAULT_MIN_SCORE == DEFAULT_MIN_SCORE
    assert cmd_vault.ROLES == ROLES
    assert NotTheAuthor.exit_code == cmd_bundle.REFUSED_EXIT
