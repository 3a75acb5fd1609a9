"""Duplicate-finder benchmark: 100,000 synthetic victims, time to find candidates, peak RSS.

    .venv/bin/python -m bench.duplicates [--victims 100000] [--dup-share 0.05] [--seed 7]

Synthetic victims get a Uyghur or Kazakh given name and father's name drawn with a Zipf-like
skew (a few names are very common, as in the real archive), a birth year, a gender, a county
and, for some, a valid PRC ID number. A share of them are re-reported duplicates of an earlier
victim written in another script (Uyghur Arabic script, Kazakh Cyrillic, a Chinese
transcription) or with a small spelling change, sometimes with the birth year off by one.
Prints the time to derive features (transliteration, done once per testimony version and then
stored in the vault), to store them in a throwaway vault (temporary folder, minimum KDF cost,
synthetic data only), then, in a fresh process as the CLI or GUI would,
``DuplicateFinder.candidates``: load from the vault, block and score. Prints the pairs
compared, recall of the planted duplicates and that process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from crypto.kdf import MIN_ITERATIONS, MIN_MEMORY_KIB, Argon2Params
from intake.duplicates.features import FEATURES_SCHEME, VictimFeatures, victim_features
from intake.duplicates.finder import DuplicateFinder
from intake.forms.prc_id import make_prc_id
from intake.names.keys import kazakh_latin_to_cyrillic, uly_to_uyghur_arabic
from intake.vault import Vault

UYGHUR = (  # noqa: SIM905 - a readable list of names
    "Muhemmed Abdulla Tursun Memet Ablimit Abdurehim Ehmet Yasin Rozi Qurban Niyaz Hesen "
    "Hüseyin Ismayil Ibrahim Yusup Erkin Adil Alim Abliz Obul Osman Qadir Sawut Tahir Tohti "
    "Exmet Kerim Mijit Nurmemet Perhat Rehim Rustem Salam Seydi Sultan Talip Tursunjan "
    "Turghun Ubul Xalmurat Yaqup Zunun Abduweli Abdukerim Abdusalam Ablet Alimjan Anwer "
    "Dilshat Ekber Eli Eziz Ghopur Hajim Hamut Imin Iskender Jappar Jalil Kamil Mamut "
    "Mettursun Mirzat Muzepper Nijat Nurali Omer Paruq Polat Qasim Qeyyum Rishat Sabir Sadiq "
    "Semet Shemshidin Shöhret Tayir Tölqun Ömer Yalqun Zakir Gülnar Ayshem Aynur Patigül "
    "Mehriban Nurgül Zöhre Rahile Reyhangül Sajide Gülbahar Aygül Mihray Buhelchem Dilnur "
    "Gulzire Hebibe Meryem Nigare Rabiye Sanubar Tajigül Zulpiye"
).split()
KAZAKH = (  # noqa: SIM905 - a readable list of names
    "Nurlan Serik Erlan Askar Bauyrzhan Qairat Dauren Marat Erbol Almas Nurbolat Quanysh "
    "Baqytzhan Sauyt Ermek Zhanibek Aidos Omirbek Asqar Nurzhan Ainur Gulnar Saule Aigul "
    "Zhanar Dinara Gauhar Aizhan Botagoz Meruert"
).split()
CHINESE = {  # Chinese transcriptions of a few common names, as PRC documents write them
    "Tursun": "吐尔逊",
    "Memet": "买买提",
    "Ablimit": "阿不力米提",
    "Abdulla": "阿不都拉",
    "Muhemmed": "穆罕默德",
    "Ehmet": "艾合买提",
    "Erkin": "艾尔肯",
    "Rozi": "肉孜",
    "Nurlan": "努尔兰",
    "Serik": "赛力克",
}
COUNTIES = [f"County {i}" for i in range(90)]
KASHGAR = "653121"
PASSPHRASE = "bench passphrase of several words"  # noqa: S105 - a throwaway synthetic vault


def _zipf(pool: list[str], rng: random.Random) -> str:
    weights = [1.0 / (rank + 1) for rank in range(len(pool))]
    return rng.choices(pool, weights=weights)[0]


def _victim(rng: random.Random) -> dict[str, Any]:
    pool = UYGHUR if rng.random() < 0.8 else KAZAKH
    given, father = _zipf(pool, rng), _zipf(pool, rng)
    year = rng.randint(1940, 2002)
    victim: dict[str, Any] = {
        "names": {"latin": f"{given} {father}"},
        "birth_date": str(year) if rng.random() < 0.7 else f"{year}-{rng.randint(1, 12):02d}",
        "gender": rng.choice(["male", "female"]),
        "hometown": {"county": {"local": rng.choice(COUNTIES)}},
    }
    if rng.random() < 0.4:
        born = date(year, rng.randint(1, 12), rng.randint(1, 28))
        victim["prc_id"] = make_prc_id(KASHGAR, born, f"{rng.randint(0, 999):03d}")
        victim["birth_date"] = born.isoformat()
    return victim


def _retold(original: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The same person reported again by another relative, in another script."""
    latin = str(original["names"]["latin"])
    copy = {k: v for k, v in original.items() if k != "names"}
    way = rng.randrange(4)
    if way == 0:
        names = {"arabic": uly_to_uyghur_arabic(latin)}
    elif way == 1:
        names = {"cyrillic": kazakh_latin_to_cyrillic(latin)}
    elif way == 2 and all(w in CHINESE for w in latin.split()):
        names = {"chinese": "·".join(CHINESE[w] for w in latin.split())}
    else:
        names = {"latin": latin.replace("e", "a", 1) if rng.random() < 0.5 else latin + "jan"}
    copy["names"] = names
    if rng.random() < 0.3 and "prc_id" not in copy:
        copy["birth_date"] = str(int(str(copy["birth_date"])[:4]) + rng.choice([-1, 1]))
    if rng.random() < 0.3:
        copy.pop("prc_id", None)
    return copy


def _generate(args: argparse.Namespace) -> tuple[list[tuple[str, Any]], list[tuple[int, int]]]:
    rng = random.Random(args.seed)
    raw: list[tuple[str, dict[str, Any]]] = []
    planted: list[tuple[int, int]] = []
    originals: list[int] = []
    for i in range(args.victims):
        if originals and rng.random() < args.dup_share:
            j = rng.choice(originals)
            raw.append((str(uuid.UUID(int=rng.getrandbits(128))), _retold(raw[j][1], rng)))
            planted.append((j, i))
        else:
            raw.append((str(uuid.UUID(int=rng.getrandbits(128))), _victim(rng)))
            originals.append(i)
    return raw, planted


def _store(vault: Vault, features: list[VictimFeatures]) -> None:
    """Put features where DuplicateFinder keeps them, as refresh() would (no testimonies)."""
    with vault.transaction() as tx:
        tx.executemany(
            "INSERT INTO duplicate_indexed (testimony_id, version_no, updated, scheme)"
            " VALUES (?, 1, '2024-01-01T00:00:00Z', ?)",
            [(f.testimony_id, FEATURES_SCHEME) for f in features],
        )
        tx.executemany(
            "INSERT INTO duplicate_victims (testimony_id, position, features) VALUES (?, 1, ?)",
            [(f.testimony_id, f.to_json()) for f in features],
        )


def _proc_mib(field: str) -> float:
    """VmRSS (now) or VmHWM (peak since the last reset) in MiB, from Linux's /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(folder: Path, min_score: float) -> dict[str, Any]:
    """Run in a fresh process: open the vault and find candidates (time, pairs, peak RSS)."""
    vault = Vault.open(folder, PASSPHRASE)
    try:
        base = _proc_mib("VmRSS")  # after imports and the key derivation's memory
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM (the peak) to now
        finder = DuplicateFinder(vault)
        t0 = time.perf_counter()
        found = finder.candidates(min_score, refresh=False)
        seconds = time.perf_counter() - t0
        stats = finder.last_stats
    finally:
        vault.close()
    assert stats is not None
    return {
        "seconds": seconds,
        "rss_before_mib": base,
        "rss_peak_mib": _proc_mib("VmHWM"),
        "blocks": stats.blocks,
        "pairs": stats.pairs,
        "skipped_blocks": stats.skipped_blocks,
        "skipped_pairs": stats.skipped_pairs,
        "found": [[c.a, c.b] for c in found],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--victims", type=int, default=100_000)
    parser.add_argument("--dup-share", type=float, default=0.05)
    parser.add_argument("--min-score", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.measure:
        json.dump(measure(args.measure, args.min_score), sys.stdout)
        return

    t0 = time.perf_counter()
    raw, planted = _generate(args)
    t1 = time.perf_counter()
    features = [victim_features(tid, 1, v) for tid, v in raw]
    t2 = time.perf_counter()
    refs = [f.ref for f in features]
    del raw
    print(f"victims: {len(features):,} (generated in {t1 - t0:.1f} s)")
    print(f"features: {t2 - t1:.1f} s ({(t2 - t1) / len(features) * 1e6:.0f} µs/victim, once)")

    with tempfile.TemporaryDirectory() as tmp:  # synthetic data only
        folder = Path(tmp) / "vault"
        params = Argon2Params(memory_kib=MIN_MEMORY_KIB, iterations=MIN_ITERATIONS)
        vault = Vault.create(folder, PASSPHRASE, "coordinator", "Bench", params)
        try:
            t3 = time.perf_counter()
            _store(vault, features)
            print(f"stored in the vault: {time.perf_counter() - t3:.1f} s")
        finally:
            vault.close()
        del features
        child = subprocess.run(
            [
                *(sys.executable, "-m", "bench.duplicates", "--measure", str(folder)),
                *("--min-score", str(args.min_score)),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            sys.exit(child.stderr)
    result = json.loads(child.stdout)
    print(
        f"candidates: {result['seconds']:.1f} s (a fresh process: load from the vault, block, "
        f"score); blocks {result['blocks']:,}, pairs compared {result['pairs']:,}, "
        f"skipped blocks {result['skipped_blocks']} ({result['skipped_pairs']:,} pairs)"
    )
    found = result["found"]
    print(f"candidates >= {args.min_score}: {len(found):,}")
    got = {(a, b) for a, b in found} | {(b, a) for a, b in found}
    hits = sum(1 for a, b in planted if (refs[a], refs[b]) in got)
    recall = hits / len(planted) if planted else 1.0
    print(f"planted duplicates found: {hits:,} of {len(planted):,} ({recall:.1%})")
    print(
        f"peak RSS while finding candidates: {result['rss_peak_mib']:.0f} MiB "
        f"({result['rss_before_mib']:.0f} MiB before: Python, libraries and the open vault)"
    )


if __name__ == "__main__":
    main()
