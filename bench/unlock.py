"""Unlock benchmark: Argon2id calibration, key derivation time and vault open time.

    .venv/bin/python -m bench.unlock [--target 0.6]

Creates a throwaway vault in a temporary folder (no testimony), prints the Argon2id
parameters chosen by calibration on this machine, the time of one derivation (goal 0.5–1 s),
and the time to open the vault (derivation + SQLCipher open + quick_check).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from crypto.kdf import calibrate, derive_key
from intake.vault import Vault

PASSPHRASE = "bench passphrase with several words"  # noqa: S105 - throwaway bench vault


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", type=float, default=0.6, help="seconds per derivation")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    params = calibrate(args.target)
    calib = time.perf_counter() - start
    print(
        f"argon2id: memory {params.memory_kib // 1024} MiB, iterations {params.iterations}, "
        f"lanes {params.lanes} (calibration took {calib:.2f} s)"
    )
    kdf_times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        derive_key(PASSPHRASE.encode(), bytes(16), params)
        kdf_times.append(time.perf_counter() - t0)
    print(f"kdf: median {statistics.median(kdf_times):.3f} s (goal 0.5-1.0 s)")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "vault"
        Vault.create(folder, PASSPHRASE, "volunteer", "Bench", params).close()
        open_times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            Vault.open(folder, PASSPHRASE).close()
            open_times.append(time.perf_counter() - t0)
    med = statistics.median(open_times)
    print(f"open: median {med:.3f} s (kdf share {statistics.median(kdf_times) / med:.0%})")


if __name__ == "__main__":
    main()
