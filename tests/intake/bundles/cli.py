"""Running ``amanat`` as a subprocess, as a volunteer or coordinator would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import PASSPHRASE, REPO


def amanat(
    *args: str | Path, check: bool = True, preexec: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    """``preexec``: run in the child before the program starts (e.g. to set a limit)."""
    env = {**os.environ, "AMANAT_PASSPHRASE": PASSPHRASE}
    result = subprocess.run(
        [sys.executable, "-m", "intake.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
        check=False,
        preexec_fn=preexec,
    )
    if check:
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def fingerprint_of(card: Path) -> str:
    out = amanat("card", "show", card).stdout
    line = next(x for x in out.splitlines() if x.startswith("Fingerprint"))
    return line.split(":", 1)[1].strip()
