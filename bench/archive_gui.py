"""Archive browser benchmark: the coordinator's lazily fetching Qt model over many testimonies.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.archive_gui [--count 100000]

Fills a throwaway coordinator vault with ``--count`` synthetic testimonies (bench/search.py's
generator: fictional names in Latin, Cyrillic, Arabic script and Chinese) through the public
``TestimonyStore``, then drives ``ui.coordinator.archive_model.ArchiveModel`` offscreen as the
archive page does: time until the first rows are shown (query on a worker thread, rows
delivered to the GUI thread), time for each ``fetchMore`` page while scrolling, and search
latency (typing a query → rows in the model) for names in every script and with filters. It
also measures the longest the GUI thread was blocked (a 5 ms timer's worst lateness).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from bench.search import PASSPHRASE, synthetic
from crypto.kdf import MIN_ITERATIONS, MIN_MEMORY_KIB, Argon2Params
from intake.testimonies.archive import ArchiveQuery
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from ui.coordinator.archive_model import ArchiveModel
from ui.session import VaultSession
from ui.workers import wait_for_all

QUERIES = [
    ArchiveQuery(text="Tursun"),
    ArchiveQuery(text="Турсун"),
    ArchiveQuery(text="تۇرسۇن"),
    ArchiveQuery(text="吐尔逊"),
    ArchiveQuery(text="Gulnar Memet"),
    ArchiveQuery(text="Abdurehim", ethnicity="uyghur"),
    ArchiveQuery(hometown="喀什"),
    ArchiveQuery(victim_status="prison", date_from="2019", date_to="2020"),
]


class Watchdog:
    """A 5 ms timer; its worst lateness is how long the GUI thread was blocked."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last - 0.005)
        self.last = now


def until_loaded(model: ArchiveModel, start: object) -> float:
    """Run the event loop until the model's next ``loaded``; seconds taken."""
    loop = QEventLoop()
    model.loaded.connect(loop.quit)
    t0 = time.perf_counter()
    start()  # type: ignore[operator]
    loop.exec()
    model.loaded.disconnect(loop.quit)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    app = QApplication([])
    rng = random.Random(args.seed)
    kdf = Argon2Params(memory_kib=MIN_MEMORY_KIB, iterations=MIN_ITERATIONS)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vault"
        vault = Vault.create(path, PASSPHRASE, "coordinator", "Bench", kdf)
        store = TestimonyStore(vault)
        t0 = time.perf_counter()
        for i in range(args.count):
            store.create_draft(synthetic(rng))
            if (i + 1) % 20_000 == 0:
                print(f"  {i + 1} inserted", flush=True)
        print(f"filled {args.count} testimonies in {time.perf_counter() - t0:.0f} s")
        session = VaultSession(path)
        session.attach(vault)
        model = ArchiveModel(session)
        watchdog = Watchdog()
        first = until_loaded(model, lambda: model.set_query(ArchiveQuery()))
        print(f"first rows shown: {model.rowCount()} rows after {first * 1000:.0f} ms")
        pages = []
        for _ in range(6):
            if not model.canFetchMore():
                break
            pages.append(until_loaded(model, model.fetchMore))
        print(
            f"scrolling: fetchMore x{len(pages)} → {model.rowCount()} rows, "
            f"per page {', '.join(f'{p * 1000:.0f}' for p in pages)} ms"
        )
        latencies = []
        for query in QUERIES * 3:
            latencies.append(until_loaded(model, lambda q=query: model.set_query(q)) * 1000)
        latencies.sort()
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(
            f"search in the model: {len(latencies)} queries, median "
            f"{statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, max {max(latencies):.0f} ms"
        )
        print(f"GUI thread blocked at most {watchdog.worst * 1000:.0f} ms")
        wait_for_all()
        app.processEvents()
        model.clear()
        vault.close()
    app.quit()


if __name__ == "__main__":
    main()
