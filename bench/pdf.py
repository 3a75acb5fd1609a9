"""PDF benchmark: a 3-page mixed-script filled testimony and the blank form in six languages.

    .venv/bin/python -m bench.pdf [--runs 7] [--profile]

Renders into memory (nothing is written to disk). Prints the one-time font loading, the median
time of a filled testimony of three A4 pages with Latin, Kazakh Cyrillic, Uyghur (shaped,
right to left) and Chinese text (goal < 0.3 s), of its redacted copy, and of the whole set of
blank forms in en, kk, ug, ru, zh and tr. ``--profile`` prints the hot spots of one blank set.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import io
import json
import pstats
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from intake.forms.definitions import builtin_form
from intake.i18n import LANGUAGES
from intake.pdf.blank import qr_runs, render_blank_form
from intake.pdf.filled import render_testimony
from intake.pdf.fonts import bundled_fonts
from intake.pdf.testimony_view import AttachmentEntry, TestimonyView, VersionEntry

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "testimony.json"
HASH = "3f9a6c1e0b7d24e58a91c3f07b6d2e4a5c8f1b09e7d3a6c2b5f8e1d4a7c0b3e6"
FINGERPRINT = "48213 90577 12094 66830 05718 22951 37406"


def three_page_view() -> TestimonyView:
    """The documented fictional example, cut to one victim: three A4 pages in English."""
    content: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))["content"]
    content = copy.deepcopy(content)
    del content["victims"][1:]
    content["narrative"]["text"] += (
        "\n\nUyghur summary: تۇرسۇن ئابلىمىت 2017-يىلى قولغا ئېلىنغان. 吐尔逊·阿不力米提 被判刑。"
    )
    return TestimonyView(
        id="0d3c5a2e-8f1b-4c7e-9a51-3f2b6c1d7e90",
        version=1,
        status="final",
        content=content,
        hash=HASH,
        author_fingerprint=FINGERPRINT,
        signature="valid",
        created="2019-04-17T09:12:00Z",
        versions=(VersionEntry(1, "final", "2019-04-17T09:12:00Z", HASH, FINGERPRINT),),
        attachments=(AttachmentEntry("id-card.jpg", 1_834_221, "ab" * 32, "image/jpeg"),),
        provenance=(),
    )


def timed(func: Callable[[], object], runs: int) -> tuple[float, object]:
    times: list[float] = []
    result: object = None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def blank_set() -> int:
    qr_runs.cache_clear()  # every page has its own QR code: count their encoding every time
    form = builtin_form()
    return sum(render_blank_form(form, [lang], "a4", io.BytesIO()) for lang in LANGUAGES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="profile one blank form set")
    args = parser.parse_args()

    start = time.perf_counter()
    bundled_fonts()
    builtin_form()
    print(f"fonts and form loaded once per process: {time.perf_counter() - start:.3f} s")

    form, view = builtin_form(), three_page_view()
    start = time.perf_counter()
    render_testimony(form, view, "en", io.BytesIO())
    print(f"first filled testimony in the process: {time.perf_counter() - start:.3f} s")
    for lang in ("en", "ug"):
        for redacted in (False, True):

            def once(lang: str = lang, redacted: bool = redacted) -> int:
                qr_runs.cache_clear()
                return render_testimony(form, view, lang, io.BytesIO(), redacted=redacted)

            med, pages = timed(once, args.runs)
            label = f"filled testimony ({lang}{', redacted' if redacted else ''}, {pages} pages)"
            print(f"{label}: median {med:.3f} s (goal < 0.3 s)")

    med, pages = timed(blank_set, max(3, args.runs // 2))
    print(f"blank forms, {len(LANGUAGES)} languages ({pages} pages): median {med:.3f} s")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(blank_set)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
