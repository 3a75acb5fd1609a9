"""Names across scripts, measured: search recall per script pair and duplicate detection.

    .venv/bin/python -m bench.names [--split tune|held|all] [--people 330] [--write-set]

The labelled set (bench/names_set.py, from tests/data/names/components.tsv; sources in
tests/data/names/SOURCES.md) holds Uyghur, Kazakh, Kyrgyz and Hui people, each written in up to
14 ways (Latin, Turkish, passport, pinyin with and without the dot, Uyghur/Kazakh/Kyrgyz and
Russian-style Cyrillic, Arabic script typed on Uyghur, Persian and Arabic keyboards, Chinese).

**Search**: a throwaway vault (temporary folder, minimum KDF cost, synthetic names only) gets one
testimony per spelling of every person, through ``TestimonyStore.create_draft``. Each spelling
is then searched for; for every other spelling of the same person, its rank is counted among the
results after leaving out the person's other testimonies (they are right answers too).
recall@1 and recall@5 are printed per pair of scripts (query script -> stored script).

**Duplicates**: every person is reported one to three times, each time in another spelling, with
the birth year (sometimes one year off or unknown), gender (sometimes missing) and county.
``scored_pairs`` at the finder's default threshold proposes pairs; recall is over the true
pairs, precision over the proposed ones.

Both print the ten worst failures. ``--split held`` measures only people with a held-out name
(never looked at while tuning the rules and the Chinese dictionary).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.names_set import FIELD_OF, SCRIPT_OF, Person, build, write_tsv
from crypto.kdf import MIN_ITERATIONS, MIN_MEMORY_KIB, Argon2Params
from intake.duplicates.blocking import scored_pairs
from intake.duplicates.features import victim_features
from intake.duplicates.finder import DEFAULT_MIN_SCORE
from intake.duplicates.scoring import compare
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault

PASSPHRASE = "bench passphrase with several words"  # noqa: S105 - a throwaway vault
SET_FILE = Path(__file__).resolve().parent.parent / "tests" / "data" / "names" / "people.tsv"
COUNTIES = [("قەشقەر", "喀什市"), ("خوتەن", "和田县"), ("غۇلجا", "伊宁县"), ("ئاقسۇ", "阿克苏市")]
COUNTIES += [("Шонжы", "察布查尔县"), ("Текес", "特克斯县"), ("Тоқсу", "托克逊县")]
NOT_FOUND = 10_000
SHOW = 10  # worst failures printed


def _content(text: str, variant: str, p: Person) -> dict[str, Any]:
    return {
        "interview": {"date": "2021-03-04", "languages": ["ug"]},
        "victims": [
            {
                "names": {FIELD_OF[SCRIPT_OF[variant]]: text},
                "ethnicity": {"uy": "uyghur", "kk": "kazakh", "ky": "kyrgyz"}.get(
                    p.ethnicity, "hui"
                ),
                "relation": "sibling",
            }
        ],
        "consent": {"publish_names": False, "may_contact_again": True},
    }


def search_bench(people: list[Person], limit: int) -> list[tuple[str, str, str, str, int]]:
    """(query script, target script, query, target, rank) for every query/target pair."""
    kdf = Argon2Params(memory_kib=MIN_MEMORY_KIB, iterations=MIN_ITERATIONS)
    results: list[tuple[str, str, str, str, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        vault = Vault.create(Path(tmp) / "vault", PASSPHRASE, "volunteer", "Bench", kdf)
        store = TestimonyStore(vault)
        owner: dict[str, tuple[str, str]] = {}  # testimony id -> (person, variant)
        for p in people:
            for variant, text in p.spellings.items():
                if variant != "patronymic":  # a query form only
                    owner[store.create_draft(_content(text, variant, p))] = (p.id, variant)
        mine: dict[str, dict[str, str]] = defaultdict(dict)  # person -> variant -> testimony
        for tid, (pid, variant) in owner.items():
            mine[pid][variant] = tid
        latencies: list[float] = []
        for p in people:
            for qv, query in p.spellings.items():
                t0 = time.perf_counter()
                found = [s.id for s in store.search(query, limit=limit)]
                latencies.append(time.perf_counter() - t0)
                for tv, target in mine[p.id].items():
                    if tv == qv or p.spellings[tv] == query:
                        continue
                    ranked = [t for t in found if owner[t][0] != p.id or t == target]
                    rank = ranked.index(target) + 1 if target in ranked else NOT_FOUND
                    results.append((SCRIPT_OF[qv], SCRIPT_OF[tv], query, p.spellings[tv], rank))
        vault.close()
    latencies.sort()
    print(
        f"search: {len(latencies)} queries over {len(owner)} testimonies, "
        f"p50 {1000 * latencies[len(latencies) // 2]:.1f} ms, "
        f"p95 {1000 * latencies[int(0.95 * len(latencies))]:.1f} ms"
    )
    return results


def report_search(results: list[tuple[str, str, str, str, int]]) -> None:
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for qs, ts, _, _, rank in results:
        pairs[(qs, ts)].append(rank)
    every = [r for _, _, _, _, r in results]
    print(f"{'query -> stored':<22} {'n':>6} {'recall@1':>9} {'recall@5':>9}")
    for (qs, ts), ranks in sorted(pairs.items()):
        r1 = sum(r <= 1 for r in ranks) / len(ranks)
        r5 = sum(r <= 5 for r in ranks) / len(ranks)
        print(f"{qs + ' -> ' + ts:<22} {len(ranks):>6} {r1:>9.3f} {r5:>9.3f}")
    print(
        f"{'all':<22} {len(every):>6} {sum(r <= 1 for r in every) / len(every):>9.3f}"
        f" {sum(r <= 5 for r in every) / len(every):>9.3f}"
    )
    print("worst search failures (rank of the right person):")
    for qs, ts, query, target, rank in sorted(results, key=lambda r: -r[4])[:SHOW]:
        shown = "not found" if rank == NOT_FOUND else str(rank)
        print(f"  {query!r} -> {target!r} ({qs} -> {ts}): {shown}")


def duplicates_bench(people: list[Person], seed: int) -> None:
    rng = random.Random(seed)
    features = []
    truth: dict[str, str] = {}  # victim ref -> person
    for p in people:
        year = rng.randint(1945, 2000)
        county = rng.choice(COUNTIES)
        variants = [v for v in p.spellings if v != "patronymic"]
        for variant in rng.sample(variants, rng.choice([1, 1, 2, 2, 3])):
            roll = rng.random()
            shown = year if roll < 0.75 else year + rng.choice([-1, 1]) if roll < 0.9 else None
            victim: dict[str, Any] = {
                "names": {FIELD_OF[SCRIPT_OF[variant]]: p.spellings[variant]},
            }
            if shown is not None:
                victim["birth_date"] = str(shown)
            if rng.random() < 0.7 and p.gender in ("m", "f"):
                victim["gender"] = "male" if p.gender == "m" else "female"
            if rng.random() < 0.5:
                victim["hometown"] = {"county": {"local": county[0], "zh": county[1]}}
            f = victim_features(str(uuid.UUID(int=rng.getrandbits(128))), 1, victim)
            features.append(f)
            truth[f.ref] = p.id
    true_pairs = {
        frozenset((a.ref, b.ref))
        for i, a in enumerate(features)
        for b in features[i + 1 :]
        if truth[a.ref] == truth[b.ref]
    }
    t0 = time.perf_counter()
    found, stats = scored_pairs(features, DEFAULT_MIN_SCORE)
    elapsed = time.perf_counter() - t0
    proposed = {frozenset((features[i].ref, features[j].ref)): m for i, j, m in found}
    right = [k for k in proposed if k in true_pairs]
    recall = len(right) / max(1, len(true_pairs))
    precision = len(right) / max(1, len(proposed))
    print(
        f"duplicates: {len(features)} victims, {len(true_pairs)} true pairs, "
        f"{stats.pairs} compared, {len(proposed)} proposed at {DEFAULT_MIN_SCORE}: "
        f"recall {recall:.3f}, precision {precision:.3f} ({elapsed:.2f} s)"
    )
    by_ref = {f.ref: f for f in features}

    def score(pair: frozenset[str]) -> float:
        a, b = sorted(pair)
        return compare(by_ref[a], by_ref[b]).score

    missed = [(score(pair), pair) for pair in true_pairs if pair not in proposed]
    wrong = [(m.score, pair) for pair, m in proposed.items() if pair not in true_pairs]
    print("worst duplicate failures:")
    for kind, items, reverse in (("missed", missed, False), ("false", wrong, True)):
        for value, pair in sorted(items, key=lambda t: t[0], reverse=reverse)[:5]:
            a, b = (by_ref[r] for r in sorted(pair))
            print(f"  {kind} {value:.2f}: {a.label!r} {a.birth_year} / {b.label!r} {b.birth_year}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=("tune", "held", "all"), default="all")
    parser.add_argument("--people", type=int, default=330)
    parser.add_argument("--limit", type=int, default=50, help="search results looked at")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument(
        "--write-set", action="store_true", help="rewrite tests/data/names/people.tsv"
    )
    parser.add_argument("--no-search", action="store_true")
    args = parser.parse_args()
    people = build(args.people, args.seed)
    if args.write_set:
        write_tsv(people, SET_FILE)
    chosen = [p for p in people if args.split in ("all", p.split)]
    print(f"{len(chosen)} people ({args.split}), {sum(len(p.spellings) for p in chosen)} spellings")
    duplicates_bench(chosen, args.seed)
    if not args.no_search:
        report_search(search_bench(chosen, args.limit))


if __name__ == "__main__":
    main()
