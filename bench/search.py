"""Search benchmark: insert rate and search latency over many synthetic testimonies.

    .venv/bin/python -m bench.search [--count 100000] [--queries 300]

Creates a throwaway vault in a temporary folder and stores ``--count`` synthetic testimonies
(fictional names drawn from Uyghur and Kazakh name pools, each victim written in one to four
of Latin, Cyrillic, Arabic script and Chinese characters, plus places and a short narrative)
through the public ``TestimonyStore.create_draft``: each insert is one transaction with
normalization, validation, canonical JSON, the audit entry and the search index, exactly as
the app does it. Then it runs searches by names in every script, by place, by pinyin and with
filters, and prints the insert rate and p50/p95 search latency (goal: p95 < 50 ms).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from crypto.kdf import MIN_ITERATIONS, MIN_MEMORY_KIB, Argon2Params
from intake.names.keys import kazakh_latin_to_cyrillic, uly_to_uyghur_arabic
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault

PASSPHRASE = "bench passphrase with several words"  # noqa: S105 - a throwaway vault
# (ULY Latin, Chinese transcription) of common Uyghur and Kazakh given names and patronyms.
NAMES = [
    ("Tursun", "吐尔逊"),
    ("Ablimit", "阿不力米提"),
    ("Memet", "买买提"),
    ("Erkin", "艾尔肯"),
    ("Gulnar", "古丽娜尔"),
    ("Nurlan", "努尔兰"),
    ("Abdurehim", "阿不都热依木"),
    ("Ayshem", "阿依仙木"),
    ("Rehim", "热依木"),
    ("Aynur", "阿依努尔"),
    ("Adil", "阿迪力"),
    ("Qurban", "库尔班"),
    ("Hesen", "艾山"),
    ("Yasin", "亚森"),
    ("Patime", "帕提曼"),
    ("Zulpiye", "祖力皮亚"),
    ("Ilham", "伊力哈木"),
    ("Mutellip", "木塔力甫"),
    ("Serik", "赛力克"),
    ("Marat", "马拉提"),
    ("Asqar", "阿斯哈尔"),
    ("Bolat", "波拉提"),
    ("Dilnur", "迪力努尔"),
    ("Kamil", "卡米力"),
]
PLACES = [
    ("قەشقەر", "喀什"),
    ("خوتەن", "和田"),
    ("ئاقسۇ", "阿克苏"),
    ("غۇلجا", "伊宁"),
    ("ئۈرۈمچى", "乌鲁木齐"),
    ("تۇرپان", "吐鲁番"),
    ("Іле", "伊犁"),
    ("Алтай", "阿勒泰"),
]
ETHNICITIES = ["uyghur", "kazakh", "kyrgyz", "hui", "uzbek"]
STATUSES = ["detained_camp", "prison", "released", "missing", "forced_labour", "unknown"]


def _names(rng: random.Random) -> dict[str, Any]:
    given, surname = rng.sample(NAMES, 2)
    latin = f"{given[0]} {surname[0]}"
    spellings: dict[str, Any] = {
        "latin": latin,
        "cyrillic": kazakh_latin_to_cyrillic(latin),
        "arabic": uly_to_uyghur_arabic(latin),
        "chinese": f"{given[1]}·{surname[1]}",
    }
    keep = rng.sample(sorted(spellings), rng.randint(1, 4))
    return {k: spellings[k] for k in keep}


def synthetic(rng: random.Random) -> dict[str, Any]:
    year = rng.randint(2017, 2024)
    victims = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        local, zh = rng.choice(PLACES)
        victims.append(
            {
                "names": _names(rng),
                "ethnicity": rng.choice(ETHNICITIES),
                "status": rng.choice(STATUSES),
                "relation": "sibling",
                "hometown": {"prefecture": {"local": local, "zh": zh}},
                "detention_dates": f"{year - 1}-{rng.randint(1, 12):02d} ..",
            }
        )
    return {
        "interview": {
            "place": rng.choice(["Almaty", "Bishkek", "Istanbul", "Алматы"]),
            "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "languages": [rng.choice(["ug", "kk", "ru"])],
        },
        "testifier": {"names": _names(rng), "how_obtained": "direct"},
        "victims": victims,
        "narrative": {
            "text": "Fictional benchmark narrative. The relative was taken in "
            f"{year - 1} and has not called since; the family heard of a camp near "
            f"{rng.choice(PLACES)[1]}."
        },
        "consent": {"publish_names": False, "may_contact_again": True},
    }


QUERIES: list[tuple[str, dict[str, str]]] = [
    ("Tursun", {}),
    ("Турсун", {}),
    ("تۇرسۇن", {}),
    ("tuerxun", {}),
    ("吐尔逊", {}),
    ("Gulnar Memet", {}),
    ("Ablim", {}),  # a prefix while typing
    ("Нұрлан", {}),
    ("Abdurakhim", {}),  # another spelling of Abdurehim
    ("Qeshqer", {}),  # a place (ULY) written in Arabic script in the data
    ("Zulpiye", {"ethnicity": "uyghur"}),
    ("Serik", {"status": "draft", "date_from": "2019", "date_to": "2021"}),
    ("", {"hometown": "喀什", "victim_status": "prison"}),
    ("zzzz", {}),
]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000, help="testimonies to insert")
    parser.add_argument("--queries", type=int, default=300, help="searches to time")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    kdf = Argon2Params(memory_kib=MIN_MEMORY_KIB, iterations=MIN_ITERATIONS)

    with tempfile.TemporaryDirectory() as tmp:
        vault = Vault.create(Path(tmp) / "vault", PASSPHRASE, "volunteer", "Bench", kdf)
        store = TestimonyStore(vault)
        start = time.perf_counter()
        for i in range(args.count):
            store.create_draft(synthetic(rng))
            if (i + 1) % 10_000 == 0:
                rate = (i + 1) / (time.perf_counter() - start)
                print(f"  {i + 1} inserted ({rate:.0f}/s)", flush=True)
        insert_s = time.perf_counter() - start
        print(
            f"insert: {args.count} testimonies in {insert_s:.1f} s "
            f"= {args.count / insert_s:.0f} testimonies/s (one transaction each)"
        )
        latencies: list[float] = []
        hits: dict[str, int] = {}
        for i in range(args.queries):
            text, filters = QUERIES[i % len(QUERIES)]
            t0 = time.perf_counter()
            found = store.search(text, **filters)  # type: ignore[arg-type]
            latencies.append((time.perf_counter() - t0) * 1000)
            hits[f"{text or '-'} {filters or ''}".strip()] = len(found)
        p50, p95 = _percentile(latencies, 0.5), _percentile(latencies, 0.95)
        print(
            f"search: {args.queries} queries, p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
            f"max {max(latencies):.1f} ms, mean {statistics.mean(latencies):.1f} ms "
            f"(goal p95 < 50 ms; results capped at 500)"
        )
        for query, count in hits.items():
            print(f"  {count:>4} hits  {query}")
        t0 = time.perf_counter()
        listed = store.list()
        print(f"list: {len(listed)} summaries in {(time.perf_counter() - t0) * 1000:.0f} ms")
        db_mib = (Path(tmp) / "vault" / "vault.db").stat().st_size / (1 << 20)
        print(f"vault.db: {db_mib:.0f} MiB")
        vault.close()


if __name__ == "__main__":
    main()
