"""Duplicate-finder benchmark: 100,000 synthetic victims, time to find candidates, peak RSS.

    .venv/bin/python -m bench.duplicates [--victims 100000] [--dup-share 0.05] [--seed 7]

Synthetic victims get a Uyghur or Kazakh given name and father's name drawn with a Zipf-like
skew (a few names are very common, as in the real archive), a birth year, a gender, a county
and, for some, a valid PRC ID number. A share of them are re-reported duplicates of an earlier
victim written in another script (Uyghur Arabic script, Kazakh Cyrillic, a Chinese
transcription) or with a small spelling change, sometimes with the birth year off by one.
Prints the time to derive features (transliteration, done once per testimony version and then
stored in the vault), to load stored features back, to block and score, the number of pairs
compared, recall of the planted duplicates and the process's peak RSS. No vault is written.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import uuid
from datetime import date
from typing import Any

from intake.duplicate_blocking import scored_pairs
from intake.duplicate_features import VictimFeatures, victim_features
from intake.names import kazakh_latin_to_cyrillic, uly_to_uyghur_arabic
from intake.prc_id import make_prc_id

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--victims", type=int, default=100_000)
    parser.add_argument("--dup-share", type=float, default=0.05)
    parser.add_argument("--min-score", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    t0 = time.perf_counter()
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
    t1 = time.perf_counter()
    features = [victim_features(tid, 1, v) for tid, v in raw]
    t2 = time.perf_counter()
    stored = [f.to_json() for f in features]
    t3 = time.perf_counter()
    loaded = [VictimFeatures.from_json(s) for s in stored]
    t4 = time.perf_counter()
    del stored, raw
    found, stats = scored_pairs(loaded, args.min_score)
    t5 = time.perf_counter()

    refs = {(loaded[i].ref, loaded[j].ref) for i, j, _ in found}
    hits = sum(1 for a, b in planted if (loaded[min(a, b)].ref, loaded[max(a, b)].ref) in refs)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"victims: {len(loaded):,} (generated in {t1 - t0:.1f} s)")
    print(f"features: {t2 - t1:.1f} s ({(t2 - t1) / len(loaded) * 1e6:.0f} µs/victim, once)")
    print(f"stored features: serialize {t3 - t2:.1f} s, load {t4 - t3:.1f} s")
    print(
        f"candidates: {t5 - t4:.1f} s; blocks {stats.blocks:,}, pairs compared {stats.pairs:,}, "
        f"skipped blocks {stats.skipped_blocks} ({stats.skipped_pairs:,} pairs)"
    )
    print(f"candidates >= {args.min_score}: {len(found):,}")
    recall = hits / len(planted) if planted else 1.0
    print(f"planted duplicates found: {hits:,} of {len(planted):,} ({recall:.1%})")
    print(f"peak RSS: {rss_mib:.0f} MiB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
