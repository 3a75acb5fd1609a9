"""Benchmark: our age encryption/decryption against the reference ``age`` CLI, same file.

Run by hand: ``.venv/bin/python -m bench.crypto [SIZE]`` (or ``bench/crypto.py``), with SIZE
like 1G (the default), 256M or 64M. Writes a random (non-user) file to a temporary folder,
encrypts and decrypts it with both implementations, checks the results, and prints MB/s, the
ratio ours/CLI and our peak RSS. Goals (issue 4): ratio >= 0.8, peak RSS < 100 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])  # this file must not shadow crypto/

from crypto.age import decrypt, encrypt
from crypto.keys import generate_x25519_key
from crypto.x25519 import X25519Identity

UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
BLOCK = 1 << 20  # write the random input a MiB at a time


def parse_size(text: str) -> int:
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    if text and text[-1] in UNITS:
        return int(float(text[:-1]) * UNITS[text[-1]])
    return int(text)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def file_hash(path: Path) -> bytes:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(BLOCK):
            digest.update(block)
    return digest.digest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("size", nargs="?", default="1G", help="plaintext size, e.g. 1G, 256M")
    size = parse_size(parser.parse_args().size)
    age = shutil.which("age")
    if age is None:
        print("the age CLI is needed: apt-get install age", file=sys.stderr)
        return 2
    identity = X25519Identity(generate_x25519_key())
    recipient = str(identity.recipient())
    with tempfile.TemporaryDirectory(prefix="amanat-bench-") as folder:
        tmp = Path(folder)
        plain, key_file = tmp / "plain.bin", tmp / "key.txt"
        key_file.write_text(str(identity) + "\n")  # a throwaway benchmark key
        rng = random.Random(1)
        with plain.open("wb") as f:
            for offset in range(0, size, BLOCK):
                f.write(rng.randbytes(min(BLOCK, size - offset)))
        expected = file_hash(plain)

        def ours_encrypt() -> None:
            with plain.open("rb") as src, (tmp / "ours.age").open("wb") as dst:
                encrypt([identity.recipient()], src, dst)

        def ours_decrypt() -> None:
            with (tmp / "ours.age").open("rb") as src, (tmp / "ours.out").open("wb") as dst:
                decrypt([identity], src, dst)

        def cli(*args: str) -> Callable[[], object]:
            return lambda: subprocess.run([age, *args], check=True)

        results = {
            "encrypt": (
                timed(ours_encrypt),
                timed(cli("-r", recipient, "-o", str(tmp / "cli.age"), str(plain))),
            ),
            "decrypt": (
                timed(ours_decrypt),
                timed(
                    cli("-d", "-i", str(key_file), "-o", str(tmp / "cli.out"), str(tmp / "cli.age"))
                ),
            ),
        }
        assert file_hash(tmp / "ours.out") == expected, "our decryption differs"
        assert file_hash(tmp / "cli.out") == expected, "age CLI decryption differs"
    mb = size / 1e6
    print(f"size: {size} bytes ({size / (1 << 20):.0f} MiB)")
    for name, (ours, theirs) in results.items():
        print(
            f"{name}: ours {mb / ours:8.1f} MB/s   age CLI {mb / theirs:8.1f} MB/s"
            f"   ratio {theirs / ours:.2f}x"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"our peak RSS: {peak_mb:.1f} MiB (whole Python process)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
