"""How every fuzz target runs: coverage-guided under atheris (libFuzzer), or as a plain replay.

A target is a function ``check(data: bytes) -> None`` that feeds ``data`` to one parser and lets
through only the parser's typed errors: whatever else escapes (a ValueError, IndexError,
RecursionError, a hang) is a finding. ``python -m fuzz.fuzz_NAME [libFuzzer options] [DIR...]``
fuzzes one target; ``--replay`` (or a machine without atheris) runs it over its seed corpus and
the given files once, which is what the plain pytest test does too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path

Check = Callable[[bytes], None]
FUZZ = Path(__file__).resolve().parent
CORPUS = FUZZ / "corpus"


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


def _files(args: list[str]) -> list[Path]:
    out: list[Path] = []
    for arg in args:
        path = Path(arg)
        out.extend(sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path])
    return out


def run(check: Check, name: str) -> None:
    """The target's entry point (``if __name__ == "__main__"``)."""
    argv = sys.argv
    if "--replay" in argv:
        files = _files([a for a in argv[1:] if not a.startswith("-")])
        count = replay(check, [*seeds(name), *files])
        print(f"{name}: {count} inputs replayed, no finding", file=sys.stderr)
        return
    try:
        import atheris
    except ImportError:
        count = replay(check, seeds(name))
        print(f"{name}: atheris is not installed; {count} seeds replayed only", file=sys.stderr)
        return
    atheris.instrument_all()  # every module loaded so far: the parser and what it calls
    atheris.Setup(argv, check)
    atheris.Fuzz()
