"""The fuzz targets (fuzz/) as plain tests, without atheris: every seed of every target, and
hypothesis-made mutations of the seeds, get only the parser's typed error or a success.

Coverage-guided runs happen in ``fuzz/run`` (CI runs it for a short fixed time); this keeps the
targets importable and their corpus clean on every test run, on any machine.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.harness import CORPUS, FUZZ, replay, seeds

TARGETS = sorted(p.stem.removeprefix("fuzz_") for p in FUZZ.glob("fuzz_*.py"))


def _check(name: str) -> Callable[[bytes], None]:
    module = importlib.import_module(f"fuzz.fuzz_{name}")
    assert name == module.NAME
    check: Callable[[bytes], None] = module.check
    return check


def test_every_target_has_seeds_and_the_corpus_is_small() -> None:
    assert set(TARGETS) == {
        "age_header",
        "tar",
        "manifest",
        "card",
        "minisign",
        "qr_payload",
        "record",
    }
    assert all(seeds(name) for name in TARGETS)
    total = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    assert total < 2_000_000


@pytest.mark.parametrize("name", TARGETS)
def test_seeds(name: str) -> None:
    assert replay(_check(name), seeds(name)) == len(seeds(name))


@st.composite
def _mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["set", "insert", "delete", "cut"]))
        byte = draw(st.integers(0, 255))
        if kind == "set" and where < len(data):
            data[where] = byte
        elif kind == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[where : where + draw(st.integers(1, 16))]
        else:
            del data[where:]
    return bytes(data)


@pytest.mark.parametrize("name", TARGETS)
def test_mutated_seeds(name: str) -> None:
    check = _check(name)
    files = seeds(name)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data: st.DataObject) -> None:
        seed = data.draw(st.sampled_from(files)).read_bytes()
        check(data.draw(_mutated(seed)))

    run()
