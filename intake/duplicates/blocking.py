"""Which victims to compare at all: blocking, so 100,000 victims do not make 5 billion pairs.

Only victims that share a *block* are scored (``intake.duplicates.scoring``):

- ``id:`` the same PRC ID number (normalized; valid or not);
- ``nn:`` two words of a name, each reduced to its ``skeleton`` (first letter and consonants
  of the ASCII key, endings such as -jan dropped), in either order: "Tursun Ablimit",
  "Ablimit Tursunjan", "Tursun Ablimet", تۇرسۇن ئابلىمىت and 吐尔逊·阿不力米提 (read the Uyghur
  way) all meet in ``nn:abl|trsn``;
- ``n1:`` for a victim known by one word only ("Tursun"): that word and the birth year.
  One-word victims are compared with each other and with every longer name that has the word
  and the same year; longer names are not compared with each other there.

A name block larger than ``SPLIT_AT`` (a common pair of names) compares only victims born at
most one year apart (a single year holding more than ``max_block`` of them is not compared),
and those without a birth year while that stays small. Any other block
that would make more pairs than a block of ``max_block`` is not compared and is counted in
``BlockingStats.skipped_pairs`` so the coordinator can be told. Pairs within one testimony are
never candidates: a testifier lists different people. Pairs are produced victim by victim
(each victim's neighbours, once), so memory stays proportional to the victims, not the pairs.
"""

from __future__ import annotations

import sys
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

from intake.duplicates.features import VictimFeatures, skeleton
from intake.duplicates.scoring import (
    COMMON_BASE,
    Match,
    NameCounts,
    compare,
    logit_of,
    name_word,
    upper_logit,
)

MAX_BLOCK = 400  # at most 79,800 pairs from one block
SPLIT_AT = 50  # a name block larger than this compares only birth years at most one apart
MAX_PAIRS_UNKNOWN_YEAR = 20_000  # comparisons of victims without a year in one large block


@dataclass
class BlockingStats:
    """What blocking did: how many victims, blocks and pairs, and what was too big to compare."""

    victims: int = 0
    blocks: int = 0
    pairs: int = 0
    skipped_blocks: int = 0
    skipped_pairs: int = 0


def block_keys(f: VictimFeatures) -> tuple[set[str], set[str]]:
    """(keys this victim is a full member of, one-word keys it joins as a member only)."""
    full: set[str] = set()
    member: set[str] = set()
    if f.prc_id:
        full.add("id:" + f.prc_id)
    one_word = True
    for tokens in f.name_tokens():
        prefixes = sorted(skeleton(t) for t in tokens)
        if len(tokens) >= 2:
            one_word = False
        for x, y in combinations(prefixes, 2):
            full.add(f"nn:{x}|{y}")
        member.update(f"n1:{p}|{y}" for p in prefixes for y in _years(f.birth_year))
    if one_word:
        own = str(f.birth_year) if f.birth_year is not None else "?"
        for tokens in f.name_tokens():
            full.update(f"n1:{skeleton(t)}|{own}" for t in tokens)
    return full, member - full


def _years(year: int | None) -> tuple[str, ...]:
    """The n1: blocks a victim joins as a member: its birth year, one year either side and
    "unknown" (relatives misremember by a year, and many do not know it)."""
    if year is None:
        return ("?",)
    return (str(year - 1), str(year), str(year + 1), "?")


def name_counts(features: Sequence[VictimFeatures]) -> NameCounts:
    """How many victims hold each frequent name and pair of names (see ``NameCounts``)."""
    words: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for f in features:
        mine = [sorted({name_word(t) for t in tokens}) for tokens in f.name_tokens()]
        words.update({w for sk in mine for w in sk})
        pairs.update({f"{x}|{y}" for sk in mine for x, y in combinations(sk, 2)})
    return NameCounts(
        {w: n for w, n in words.items() if n > COMMON_BASE},
        {p: n for p, n in pairs.items() if n > COMMON_BASE},
    )


def _interned(keys: set[str]) -> tuple[str, ...]:
    return tuple(sys.intern(k) for k in keys)  # one copy of each key, not one per victim


class _Blocks:
    """Block key -> victim indexes; a member-only index i is stored as ~i (negative)."""

    def __init__(self, features: Sequence[VictimFeatures], max_block: int) -> None:
        self.features = features
        self.max_block = max_block
        self.members: dict[str, list[int]] = defaultdict(list)
        self.keys: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        for i, f in enumerate(features):
            full, member = block_keys(f)
            self.keys.append((_interned(full), _interned(member)))
            for key in full:
                self.members[key].append(i)
            for key in member:
                self.members[key].append(~i)
        self._by_year: dict[str, tuple[dict[int, list[int]], list[int], bool]] = {}

        self.probes: dict[str, list[int]] = {}  # one-word victims of each n1: block
        self.too_big: set[str] = set()
        self.skipped_blocks = 0
        self.skipped_pairs = 0
        limit = max_block * (max_block - 1) // 2
        for key, members in self.members.items():
            if key.startswith("nn:"):
                continue
            if key.startswith("n1:"):
                self.probes[key] = [j for j in members if j >= 0]
            probes = sum(1 for j in members if j >= 0)
            pairs = probes * (probes - 1) // 2 + probes * (len(members) - probes)
            if pairs > limit:
                self.too_big.add(key)
                self.skipped_blocks += 1
                self.skipped_pairs += pairs

    def skipped(self, stats: BlockingStats) -> None:
        stats.skipped_blocks = self.skipped_blocks
        stats.skipped_pairs = self.skipped_pairs

    def years(self, key: str) -> tuple[dict[int, list[int]], list[int], bool]:
        """A large name block by birth year: (year -> members, no year, compare those?).
        A year holding more than ``max_block`` victims of the block is left out (counted)."""
        cached = self._by_year.get(key)
        if cached is None:
            by_year: dict[int, list[int]] = defaultdict(list)
            unknown: list[int] = []
            members = self.members[key]
            for i in members:
                year = self.features[i].birth_year
                (unknown if year is None else by_year[year]).append(i)
            for year in [y for y, group in by_year.items() if len(group) > self.max_block]:
                n = len(by_year.pop(year))
                self.skipped_blocks += 1
                self.skipped_pairs += n * (n - 1) // 2
            allowed = len(unknown) * len(members) <= MAX_PAIRS_UNKNOWN_YEAR
            if not allowed and len(unknown) > 1:
                self.skipped_blocks += 1
                self.skipped_pairs += len(unknown) * (len(members) - 1)
            cached = self._by_year[key] = (by_year, unknown, allowed)
        return cached

    def neighbours(self, i: int) -> set[int]:
        """Victims after ``i`` that share a block with it under the rules above."""
        found: set[int] = set()
        full, member = self.keys[i]
        year = self.features[i].birth_year
        for key in full:
            members = self.members[key]
            if len(members) < 2:
                continue
            if key.startswith("nn:") and len(members) > SPLIT_AT:
                by_year, unknown, allowed = self.years(key)
                if year is None:
                    if allowed:
                        found.update(members[bisect_right(members, i) :])
                    continue
                for y in (year - 1, year, year + 1):
                    group = by_year.get(y, ())
                    found.update(group[bisect_right(group, i) :])  # groups are in index order
                if allowed:
                    found.update(unknown[bisect_right(unknown, i) :])
            elif key not in self.too_big:
                found.update(~j if j < 0 else j for j in members if j > i or ~j > i)
        for key in member:
            probes = self.probes.get(key, [])
            if probes and key not in self.too_big:
                found.update(probes[bisect_right(probes, i) :])  # one-word victims only
        return found


def candidate_pairs(
    features: Sequence[VictimFeatures], max_block: int = MAX_BLOCK
) -> tuple[Iterator[tuple[int, int]], BlockingStats]:
    """Each pair of victim indexes that share a block, once, smaller index first."""
    stats = BlockingStats(victims=len(features))
    blocks = _Blocks(features, max_block)
    stats.blocks = len(blocks.members)
    blocks.skipped(stats)

    def generate() -> Iterator[tuple[int, int]]:
        for i, f in enumerate(features):
            for j in sorted(blocks.neighbours(i)):
                if features[j].testimony_id != f.testimony_id:
                    stats.pairs += 1
                    yield i, j
            blocks.skipped(stats)  # large name blocks are split (and counted) as they are met

    return generate(), stats


def scored_pairs(
    features: Sequence[VictimFeatures],
    min_score: float,
    skip: Callable[[str, str], bool] | None = None,
    max_block: int = MAX_BLOCK,
) -> tuple[list[tuple[int, int, Match]], BlockingStats]:
    """Every blocked pair scoring at least ``min_score``, best first; ``skip(ref_a, ref_b)``
    leaves out pairs already decided."""
    common = name_counts(features)
    threshold = logit_of(min_score) - 1e-9
    pairs, stats = candidate_pairs(features, max_block)
    found: list[tuple[int, int, Match]] = []
    for i, j in pairs:
        if skip is not None and skip(features[i].ref, features[j].ref):
            continue
        if upper_logit(features[i], features[j]) < threshold:
            continue
        match = compare(features[i], features[j], common)
        if match.score >= min_score:
            found.append((i, j, match))
    found.sort(key=lambda t: (-t[2].score, features[t[0]].ref, features[t[1]].ref))
    return found, stats
