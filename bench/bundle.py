"""Benchmark: bundle export and import against the ``age`` CLI on the same bytes.

Run by hand: ``.venv/bin/python -m bench.bundle [--attachments 1G] [--records 10000]``
(scale down with e.g. ``--attachments 128M --records 1000``). Builds a volunteer vault with
``--records`` finalized testimonies and, on a few more, ``--attachments`` bytes of random
attachments; then, each in a fresh process (so peak RSS is per phase), exports and imports a
records-only bundle (records per second) and an attachments bundle (MB/s of plaintext). For
reference it times ``age -e`` and ``age -d`` on that bundle's plaintext right after. Each pair
runs ``--repeat`` times (3); the table shows the median and the best run (the machine this was
written on is shared, and other work only ever slows a run down). Goals (issue 5):
export >= 0.8x age, import >= 0.5x age, peak RSS < 200 MB, >= 2,000 records/s.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])  # this file must not shadow intake/

from crypto.age import decrypt, parse_identity
from crypto.kdf import MIN_ITERATIONS, MIN_MEMORY_KIB, Argon2Params
from crypto.x25519 import X25519Identity
from intake.bundles.export import export_bundle
from intake.bundles.importer import import_bundle
from intake.cards.registry import CardRegistry, own_card
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.json_input import read_testimony_json
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault

PASSPHRASE = "benchmark only, not a secret"  # noqa: S105 - throwaway benchmark vaults
FAST = Argon2Params(memory_kib=MIN_MEMORY_KIB, iterations=MIN_ITERATIONS)
EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "testimony.json"
UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
FILE_SIZE = 64 << 20  # attachments are made of files this large (a long recording)


def parse_size(text: str) -> int:
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    if text and text[-1] in UNITS:
        return int(float(text[:-1]) * UNITS[text[-1]])
    return int(text)


class RandomFile(io.RawIOBase):
    """``size`` pseudo-random bytes, produced while read (never whole in memory)."""

    def __init__(self, size: int, seed: int) -> None:
        self._left = size
        self._rng = random.Random(seed)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self._left)
        buffer[:n] = self._rng.randbytes(n)
        self._left -= n
        return n


def build(folder: Path, records: int, attachments: int) -> dict[str, Any]:
    volunteer = Vault.create(folder / "volunteer", PASSPHRASE, "volunteer", "Bench V", FAST)
    coordinator = Vault.create(folder / "coordinator", PASSPHRASE, "coordinator", "Bench C", FAST)
    with volunteer, coordinator:
        CardRegistry(volunteer).add(own_card(coordinator), verified=True)
        CardRegistry(coordinator).add(own_card(volunteer), verified=True)
        content = read_testimony_json(EXAMPLE.read_bytes()).content
        store = TestimonyStore(volunteer)
        start = time.perf_counter()
        small = []
        for _ in range(records):
            tid = store.create_draft(content)
            store.finalize(tid)
            small.append(tid)
        made = time.perf_counter() - start
        big = []
        for i in range(0, attachments, FILE_SIZE):
            tid = store.create_draft(content)
            size = min(FILE_SIZE, attachments - i)
            AttachmentStore(volunteer).add(tid, RandomFile(size, i), f"recording {i}.bin")
            store.finalize(tid)
            big.append(tid)
        (folder / "coordinator.key").write_text(
            str(X25519Identity(coordinator.identity.x25519_private)) + "\n"
        )
        return {
            "fingerprint": own_card(coordinator).fingerprint,
            "recipient": str(X25519Identity(coordinator.identity.x25519_private).recipient()),
            "small": small,
            "big": big,
            "create_s": made,
        }


def _reset_peak() -> bool:
    """Reset this process's peak RSS (Linux ``clear_refs``), so the bundle phase is measured
    apart from unlocking the vault (Argon2id alone takes its memory cost, 64 MiB or more)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(argv: list[str]) -> None:
    """One phase in this process: prints seconds and peak RSS (whole, and of the phase)."""
    phase, folder, name = argv[0], Path(argv[1]), argv[2]
    info = json.loads((folder / "info.json").read_text())
    target = "volunteer" if phase == "export" else "coordinator"
    with Vault.open(folder / target, PASSPHRASE) as vault:
        whole = _peak_mib()
        _reset_peak()
        start = time.perf_counter()
        if phase == "export":
            ids = info[argv[3]]
            export_bundle(vault, [info["fingerprint"]], folder / name, ids=ids, selection="ids")
        else:
            import_bundle(vault, folder / name)
        seconds = time.perf_counter() - start
        phase_peak = _peak_mib()
    print(
        json.dumps({"seconds": seconds, "rss_mib": max(whole, phase_peak), "phase_mib": phase_peak})
    )


def run_child(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.bundle", "--child", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def timed_cmd(*cmd: str) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def machine_line() -> str:
    """How fast this machine is at what bounds records/s, so rates compare between machines:
    processor cores, and Ed25519 signature checks per second on one core (every imported
    record needs one, plus about twice that time for everything else)."""
    from crypto.keys import signing_public_key
    from crypto.signing import sign, verify

    seed, message = bytes(32), b"x" * 32
    signature = sign(seed, message)
    public = signing_public_key(seed)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < 0.5:
        verify(public, message, signature)
        count += 1
    rate = count / (time.perf_counter() - start)
    return f"machine: {os.cpu_count()} cores, {rate:,.0f} Ed25519 verifications/s on one core"


def _phase_pair(folder: Path, info: dict[str, Any], kind: str, ids: str, i: int) -> Run:
    """One export and one import of the ``kind`` bundle (each in a fresh process, the import
    into the coordinator vault as it was before any import), then ``age -e`` and ``age -d``
    on the same plaintext, right after, so that a slow moment of the machine slows both."""
    name = f"{kind}-{i}.age"
    exp = run_child("export", str(folder), name, ids)
    shutil.rmtree(folder / "coordinator")
    shutil.copytree(folder / "coordinator.empty", folder / "coordinator")
    imp = run_child("import", str(folder), name)
    bundle = folder / name
    plain = folder / f"{kind}.tar"
    identity = parse_identity((folder / "coordinator.key").read_text().strip())
    with bundle.open("rb") as src, plain.open("wb") as dst:
        decrypt([identity], src, dst)
    size = plain.stat().st_size
    ref = folder / "ref.age"
    age_e = timed_cmd("age", "-e", "-r", info["recipient"], "-o", str(ref), str(plain))
    key = str(folder / "coordinator.key")
    age_d = timed_cmd("age", "-d", "-i", key, "-o", str(folder / "ref.out"), str(ref))
    for done in (plain, ref, folder / "ref.out", bundle):
        done.unlink()
    return Run(size, exp, imp, age_e, age_d)


@dataclass
class Run:
    size: int  # bytes of plaintext
    exp: dict[str, float]
    imp: dict[str, float]
    age_e: float  # seconds
    age_d: float


def _print_table(rows: list[tuple[str, list[Run], int]]) -> None:
    """Per bundle: the median run and, in brackets, the best of the runs (the machine is
    shared: other work only ever slows a run down). Ratios are taken run by run, each against
    the age CLI in the same run."""
    header = f"{'bundle':<12}{'plaintext':>11}{'export MB/s':>17}{'ratio':>13}"
    header += (
        f"{'import MB/s':>17}{'ratio':>13}{'exp rec/s':>15}{'imp rec/s':>15}{'RSS MiB e/i':>13}"
    )
    print()
    print(f"median [best] of {len(rows[0][1])} runs each")
    print(header)

    def show(values: list[float], width: int, digits: int) -> str:
        text = f"{statistics.median(values):.{digits}f} [{max(values):.{digits}f}]"
        return f"{text:>{width}}"

    for kind, runs, count in rows:
        mb = runs[0].size / 1e6
        exp_mb = [r.size / 1e6 / r.exp["seconds"] for r in runs]
        imp_mb = [r.size / 1e6 / r.imp["seconds"] for r in runs]
        exp_ratio = [r.age_e / r.exp["seconds"] for r in runs]
        imp_ratio = [r.age_d / r.imp["seconds"] for r in runs]
        exp_rate = [count / r.exp["seconds"] for r in runs]
        imp_rate = [count / r.imp["seconds"] for r in runs]
        rss_e = max(r.exp["phase_mib"] for r in runs)
        rss_i = max(r.imp["phase_mib"] for r in runs)
        print(
            f"{kind:<12}{mb:>9.1f}MB{show(exp_mb, 17, 1)}{show(exp_ratio, 13, 2)}"
            f"{show(imp_mb, 17, 1)}{show(imp_ratio, 13, 2)}"
            f"{show(exp_rate, 15, 0)}{show(imp_rate, 15, 0)}{rss_e:>7.0f}/{rss_i:<5.0f}"
        )
    age = ", ".join(
        f"{kind} age -e {statistics.median(r.size / 1e6 / r.age_e for r in runs):.0f},"
        f" age -d {statistics.median(r.size / 1e6 / r.age_d for r in runs):.0f}"
        for kind, runs, _ in rows
    )
    print(f"\nthe age CLI on the same bytes (median MB/s): {age}")
    whole = ", ".join(
        f"{kind} {max(max(r.exp['rss_mib'], r.imp['rss_mib']) for r in runs):.0f}"
        for kind, runs, _ in rows
    )
    print("RSS: peak of the export/import phase after unlocking (largest of the runs); whole")
    print(f"process: {whole} MiB")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--attachments", default="1G", help="attachment bytes, e.g. 1G, 128M")
    parser.add_argument("--records", type=int, default=10_000, help="small finalized records")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each phase (median and best shown)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if shutil.which("age") is None:
        print("the age CLI is needed: apt-get install age", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="amanat-bench-bundle-"))
    try:
        print(f"building vaults: {args.records} records, {args.attachments} of attachments ...")
        info = build(folder, args.records, parse_size(args.attachments))
        (folder / "info.json").write_text(json.dumps(info))
        print(f"  created and finalized {args.records} records in {info['create_s']:.1f} s")
        shutil.copytree(folder / "coordinator", folder / "coordinator.empty")
        rows = []
        for kind, ids in (("records", "small"), ("attachments", "big")):
            runs = [_phase_pair(folder, info, kind, ids, i) for i in range(args.repeat)]
            rows.append((kind, runs, len(info[ids])))
        _print_table(rows)
        print("goals: export >= 0.8x age -e, import >= 0.5x age -d, RSS < 200 MB, >= 2000 rec/s")
        print(machine_line())
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
