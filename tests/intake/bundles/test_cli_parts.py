"""Small parts of the bundle CLI that the subprocess tests cannot see: the progress bar (only
on a terminal) and size formatting; and that a progress callback can cancel an export."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from intake.bundles.export import export_bundle
from intake.cli import cmd_bundle
from tests.conftest import VaultFactory
from tests.intake.bundles.vaults import add_final, logical_dump, make_pair, photo


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    tty = _Tty()
    monkeypatch.setattr("sys.stderr", tty)
    bar = cmd_bundle.ProgressBar("Exporting")
    bar(50, 100)
    bar(100, 100)
    bar.close()
    assert "Exporting [" in tty.getvalue() and "100%" in tty.getvalue()
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    quiet = cmd_bundle.ProgressBar("Exporting")
    quiet(100, 100)
    quiet.close()
    assert pipe.getvalue() == ""


def test_progress_can_cancel_an_export(make_vault: VaultFactory, tmp_path: Path) -> None:
    pair = make_pair(make_vault)
    add_final(pair.volunteer, (photo(4, 3_000_000),))
    before = logical_dump(pair.volunteer)

    def cancel(done: int, total: int) -> None:
        if done > total // 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_bundle(pair.volunteer, [pair.coordinator_fp], tmp_path / "b.age", progress=cancel)
    assert list(tmp_path.iterdir()) == [p for p in tmp_path.iterdir() if p.is_dir()]
    assert logical_dump(pair.volunteer) == before
