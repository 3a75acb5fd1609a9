"""Transparency log benchmark: append and prove rates and proof sizes at many entries.

    .venv/bin/python -m bench.log [--count 100000]

Fills a throwaway vault's log (docs/transparency-log.md) with ``--count`` synthetic leaves
(random version hashes and author keys) through ``record_version``, the call the importer and
the finalize make, in transactions of 1,000; then times inclusion proofs at random indices,
consistency proofs between random sizes, signing a checkpoint, and recomputing the root from
every stored leaf (the tree part of ``amanat log verify``).
Every proof is checked with the RFC verifier as it is made.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.search import PASSPHRASE
from crypto.kdf import MIN_ITERATIONS, MIN_MEMORY_KIB, Argon2Params
from intake.tlog import merkle
from intake.tlog.log import TransparencyLog, record_version, root, subtree_reader
from intake.tlog.note import open_checkpoint
from intake.vault import Vault

BATCH = 1000
SAMPLES = 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(21)
    kdf = Argon2Params(memory_kib=MIN_MEMORY_KIB, iterations=MIN_ITERATIONS)
    with tempfile.TemporaryDirectory() as tmp:
        vault = Vault.create(Path(tmp) / "v", PASSPHRASE, "coordinator", "Bench", kdf)
        try:
            start = time.perf_counter()
            for first in range(0, args.count, BATCH):
                with vault.transaction() as conn:
                    for _ in range(min(BATCH, args.count - first)):
                        record_version(
                            conn, os.urandom(32).hex(), os.urandom(32), "2026-01-01T00:00:00Z"
                        )
            elapsed = time.perf_counter() - start
            print(f"append: {args.count} leaves in {elapsed:.1f} s ({args.count / elapsed:,.0f}/s)")
            log = TransparencyLog(vault)
            t = time.perf_counter()
            note = log.checkpoint()
            print(f"sign checkpoint: {(time.perf_counter() - t) * 1000:.1f} ms")
            head = open_checkpoint(note, log.verifier())
            n = head.size
            conn = vault.conn
            reader = subtree_reader(conn)
            leaf_rows = {
                int(r[0]): bytes(r[1])
                for r in conn.execute("SELECT idx, leaf_hash FROM tlog_leaves WHERE idx % 97 = 0")
            }
            indices = rng.sample(sorted(leaf_rows), min(SAMPLES, len(leaf_rows)))
            times, sizes = [], []
            for i in indices:
                t = time.perf_counter()
                proof = merkle.inclusion_proof(i, n, reader)
                times.append(time.perf_counter() - t)
                sizes.append(len(proof))
                assert merkle.verify_inclusion(i, n, leaf_rows[i], proof, head.root)
            print(
                f"inclusion proof: median {statistics.median(times) * 1000:.2f} ms,"
                f" max {max(times) * 1000:.2f} ms; {min(sizes)}-{max(sizes)} hashes"
                f" ({max(sizes) * 32} bytes at most)"
            )
            times, sizes = [], []
            for _ in range(100):
                old = rng.randrange(1, n)
                t = time.perf_counter()
                proof = merkle.consistency_proof(old, n, reader)
                old_root = root(conn, old)
                times.append(time.perf_counter() - t)
                sizes.append(len(proof))
                assert merkle.verify_consistency(old, n, old_root, head.root, proof)
            print(
                f"consistency proof (with the old root): median"
                f" {statistics.median(times) * 1000:.2f} ms, max {max(times) * 1000:.2f} ms;"
                f" {min(sizes)}-{max(sizes)} hashes"
            )
            t = time.perf_counter()
            leaves = [
                bytes(r[0]) for r in conn.execute("SELECT leaf_hash FROM tlog_leaves ORDER BY idx")
            ]
            assert merkle.root_of(leaves) == head.root
            print(f"read all leaves and recompute the root: {time.perf_counter() - t:.2f} s")
        finally:
            vault.close()


if __name__ == "__main__":
    main()
