"""Attachment benchmark: stream a large file into the vault and back out; MB/s and peak RSS.

    .venv/bin/python -m bench.attachments [--size-mib 1024] [--file PATH]

Creates a throwaway vault in a temporary folder and attaches ``--size-mib`` MiB of random
bytes (generated 1 MiB at a time, never held whole) or an existing ``--file`` to one draft
through ``AttachmentStore.add``, then reads it back through ``AttachmentStore.open`` and
checks the SHA-256. Prints MB/s in and out, the plain SHA-256 speed for comparison, and the
resident memory sampled at every chunk during storing and reading (goal < 200 MB: memory
must not grow with the file), and the peak of the whole run, which includes Argon2id.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import resource
import tempfile
import time
from pathlib import Path

from crypto.kdf import MIN_ITERATIONS, MIN_MEMORY_KIB, Argon2Params
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault

PASSPHRASE = "bench passphrase with several words"  # noqa: S105 - a throwaway vault
MiB = 1 << 20


class RandomStream(io.RawIOBase):
    """``size`` random bytes, produced as they are read (nothing is kept)."""

    def __init__(self, size: int) -> None:
        self.remaining = size
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = min(len(buffer), self.remaining, MiB)
        data = os.urandom(count)
        self.digest.update(data)
        buffer[:count] = data
        self.remaining -= count
        return count


def peak_rss_mb() -> float:
    """Peak resident memory of the whole run so far (includes Argon2id's buffer)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class RssSampler:
    """Highest current RSS seen at the sampling points (once per chunk in and out)."""

    def __init__(self) -> None:
        self.peak = 0.0

    def sample(self, _: int = 0) -> None:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    self.peak = max(self.peak, int(line.split()[1]) / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--file", type=Path, default=None, help="attach this file instead")
    args = parser.parse_args()
    kdf = Argon2Params(memory_kib=MIN_MEMORY_KIB, iterations=MIN_ITERATIONS)

    t0 = time.perf_counter()
    plain = hashlib.sha256()
    for _ in range(64):
        plain.update(bytes(MiB))
    sha_mbs = 64 * MiB / 1e6 / (time.perf_counter() - t0)

    with tempfile.TemporaryDirectory() as tmp:
        vault = Vault.create(Path(tmp) / "vault", PASSPHRASE, "volunteer", "Bench", kdf)
        tid = TestimonyStore(vault).create_draft({})
        store = AttachmentStore(vault, max_size=4 << 30)
        before = RssSampler()
        before.sample()
        print(f"baseline: RSS {before.peak:.0f} MB with the vault open")
        rss_in, rss_out = RssSampler(), RssSampler()
        if args.file:
            src: io.RawIOBase | io.BufferedReader = open(args.file, "rb")  # noqa: SIM115
            expected = None
        else:
            stream = RandomStream(args.size_mib * MiB)
            src = stream
        t0 = time.perf_counter()
        with src:
            info = store.add(tid, src, args.file.name if args.file else "random.bin", rss_in.sample)
        t_in = time.perf_counter() - t0
        if not args.file:
            expected = stream.digest.hexdigest()

        t0 = time.perf_counter()
        digest = hashlib.sha256()
        with store.open(info.sha256) as reader:
            while block := reader.read(256 * 1024):
                digest.update(block)
                rss_out.sample()
        t_out = time.perf_counter() - t0
        ok = digest.hexdigest() == info.sha256 and expected in (None, info.sha256)
        size_mb = info.size / 1e6
        db_mb = (Path(tmp) / "vault" / "vault.db").stat().st_size / 1e6
        print(f"size: {info.size / MiB:.0f} MiB, {info.media_type}, vault.db {db_mb:.0f} MB")
        print(f"in:  {t_in:.1f} s = {size_mb / t_in:.0f} MB/s (SHA-256 alone: {sha_mbs:.0f} MB/s)")
        print(f"out: {t_out:.1f} s = {size_mb / t_out:.0f} MB/s, hash {'ok' if ok else 'MISMATCH'}")
        print(
            f"RSS while storing: max {rss_in.peak:.0f} MB, while reading: max {rss_out.peak:.0f}"
            f" MB (goal < 200 MB); whole run incl. Argon2id: {peak_rss_mb():.0f} MB"
        )
        vault.close()


if __name__ == "__main__":
    main()
