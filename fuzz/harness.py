"""How every fuzz target runs: coverage-guided under atheris (libFuzzer), or as a plain replay.

A target is a function ``check(data: bytes) -> None`` that feeds ``data`` to one parser and lets
through only the parser's typed errors: whatever else escapes (a ValueError, IndexError,
RecursionError, a hang) is a finding. ``python -m fuzz.fuzz_NAME [libFuzzer options] [DIR...]``
fuzzes one target; ``--replay`` (or a machine without atheris) runs it over its seed corpus and
the given files once, which is what the plain pytest test does too.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

Check = Callable[[bytes], None]
FUZZ = Path(__file__).resolve().parent
CORPUS = FUZZ / "corpus"
INSTRUMENTED = ["crypto", "intake"]  # our code; the standard library and wheels are not
EVERYTHING = os.environ.get("FUZZ_INSTRUMENT_ALL") == "1"  # long runs: stdlib JSON, base64 too


def seeds(name: str) -> list[Path]:
    """The seed files of target ``name``, sorted."""
    folder = CORPUS / name
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def replay(check: Check, paths: Iterable[Path]) -> int:
    """Run ``check`` over every file; returns how many were run. A finding raises."""
    count = 0
    for path in paths:
        check(path.read_bytes())
        count += 1
    return count


def fuzzing() -> bool:
    """True in ``python -m fuzz.fuzz_NAME`` with atheris installed, unless ``--replay``."""
    if not Path(sys.argv[0]).name.startswith("fuzz_") or "--replay" in sys.argv:
        return False
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def instrumented() -> contextlib.AbstractContextManager[Any]:
    """Wraps a target's imports. When fuzzing, the INSTRUMENTED packages imported in the block
    report coverage, so a target imports all of them there and nothing imports them before.
    (Instrumenting only our code takes a second; ``atheris.instrument_all``, used when
    FUZZ_INSTRUMENT_ALL=1, takes about 20, and what ran before it reports no coverage.)"""
    if not fuzzing() or EVERYTHING:
        return contextlib.nullcontext()
    import atheris

    manager: contextlib.AbstractContextManager[Any] = atheris.instrument_imports(
        include=INSTRUMENTED
    )
    return manager


def _files(args: list[str]) -> list[Path]:
    out: list[Path] = []
    for arg in args:
        path = Path(arg)
        out.extend(sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path])
    return out


def run(check: Check, name: str) -> None:
    """The target's entry point (``if __name__ == "__main__"``)."""
    argv = sys.argv
    if not fuzzing():
        files = _files([a for a in argv[1:] if not a.startswith("-")])
        count = replay(check, [*seeds(name), *files])
        note = "" if "--replay" in argv else " (atheris is not installed: replay only)"
        print(f"{name}: {count} inputs replayed, no finding{note}", file=sys.stderr)
        return
    import atheris

    if EVERYTHING:
        atheris.instrument_all()
    atheris.Setup(argv, check)
    atheris.Fuzz()
