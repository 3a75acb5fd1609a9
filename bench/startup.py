"""Start-up benchmark: whole-process wall time and peak memory of the commands people start.

    .venv/bin/python -m bench.startup [--runs 7]

Each figure is the median of ``--runs`` fresh processes, next to ``python -c pass`` on the same
machine, with the peak resident memory of the process (``os.wait4``'s rusage, Linux). Measured:
``amanat --help`` and ``amanat --version`` (goal: under 0.3 s and 60 MB), ``amanat info`` on a
vault with a calibrated Argon2id cost, minus the time of that key derivation measured here
(goal: under 0.5 s on top of the KDF), and the desktop app until its unlock screen is shown
(offscreen Qt; goal: under 1.5 s). Throwaway vaults and a throwaway settings folder live in a
temporary directory; no real vault or setting is touched. docs/performance.md, "Start-up".
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

PASSPHRASE = "bench passphrase with several words"  # noqa: S105 - throwaway bench vault
AMANAT = [sys.executable, "-m", "intake.cli.main"]

# The desktop app up to its first shown window, then quit: what a person waits for.
GUI_UNTIL_SHOWN = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from ui.app import build_shell, create_application
from ui.preferences import Preferences
app = create_application()
shell = build_shell(Path(sys.argv[1]), "en", Preferences())
shell.window.show()
def shown():
    print("shown", shell.window.isVisible(), flush=True)
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""


# Started by a small launcher process: Linux reports, as a child's peak memory, the peak of the
# process it was forked from if that was higher (the bench itself, after calibrating Argon2id
# with 256 MiB); the launcher is small, so its child's figure is the command's own.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:])
_pid, status, usage = os.wait4(proc.pid, 0)
elapsed = time.perf_counter() - start
print(f"\\n{os.waitstatus_to_exitcode(status)} {elapsed} {usage.ru_maxrss}", file=sys.stderr)
"""


def run(argv: Sequence[str], env: dict[str, str], expect: bytes = b"") -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one process, which must succeed (and print
    ``expect``)."""
    launched = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *argv], capture_output=True, env=env, check=False
    )
    code, elapsed, rss_kb = launched.stderr.decode(errors="replace").split()[-3:]
    if code != "0" or expect not in launched.stdout:
        message = launched.stderr.decode(errors="replace")[-500:]
        raise SystemExit(f"{' '.join(argv[:4])} failed: {message}")
    return float(elapsed), int(rss_kb) // 1024


def measure(
    label: str, argv: Sequence[str], env: dict[str, str], runs: int, expect: bytes = b""
) -> float:
    results = [run(argv, env, expect) for _ in range(runs)]
    wall = statistics.median(r[0] for r in results)
    rss = max(r[1] for r in results)
    print(f"{label:<34} {wall:6.3f} s   {rss:4d} MB")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="processes per figure (median)")
    args = parser.parse_args()

    from crypto.kdf import calibrate, derive_key
    from intake.vault import Vault

    with tempfile.TemporaryDirectory(prefix="amanat-bench-") as tmp:
        env = {
            **os.environ,
            "HOME": tmp,
            "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
            "XDG_DATA_HOME": str(Path(tmp) / "data"),
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "AMANAT_PASSPHRASE": PASSPHRASE,
        }
        params = calibrate()
        Vault.create(Path(tmp) / "v", PASSPHRASE, "volunteer", "Bench", params).close()
        kdf = []
        for _ in range(3):
            t0 = time.perf_counter()
            derive_key(PASSPHRASE.encode(), bytes(16), params)
            kdf.append(time.perf_counter() - t0)
        kdf_s = statistics.median(kdf)
        print(f"python {sys.version.split()[0]}, {args.runs} runs each, median wall, peak RSS")
        base = measure("python -c pass", [sys.executable, "-c", "pass"], env, args.runs)
        measure("amanat --help", [*AMANAT, "--help"], env, args.runs)
        measure("amanat --version", [*AMANAT, "--version"], env, args.runs)
        info = measure("amanat info", [*AMANAT, "info", "--vault", f"{tmp}/v"], env, args.runs)
        print(f"{'  of which Argon2id (in-process)':<34} {kdf_s:6.3f} s")
        print(f"{'  amanat info minus Argon2id':<34} {info - kdf_s:6.3f} s")
        gui = [sys.executable, "-c", GUI_UNTIL_SHOWN, f"{tmp}/v"]
        measure("desktop app until unlock screen", gui, env, args.runs, b"shown True")
        print(f"(python -c pass: {base:.3f} s is in every figure above)")


if __name__ == "__main__":
    main()
