"""The ``amanat`` command's last lines of defence: failures nobody typed still print one line
without content (no message text, no traceback) and exit with a code, never a traceback."""

from __future__ import annotations

import argparse
import errno
from typing import Any

import pytest

from intake.cli import main as cli_main

SECRET = "Tursun Memet, detained 2018"


def _failing(exc: BaseException) -> Any:
    def register(sub: Any) -> None:
        parser = sub.add_parser("explode")

        def func(_args: argparse.Namespace) -> int:
            raise exc

        parser.set_defaults(func=func)

    return register


def test_a_bug_prints_its_type_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_main, "harden_process", lambda: None)

    def broken(*_a: Any, **_k: Any) -> int:
        raise RuntimeError(SECRET)

    monkeypatch.setattr(cli_main, "main", broken)
    with pytest.raises(SystemExit) as stop:
        cli_main.run()
    err = capsys.readouterr().err
    assert stop.value.code == 1
    assert "RuntimeError" in err and "Tursun" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("code", "expected"), [(errno.ENOSPC, 11), (errno.EACCES, 1), (errno.EIO, 1)]
)
def test_a_refusal_of_the_system_names_the_reason_not_the_file(
    code: int, expected: int, capsys: pytest.CaptureFixture[str]
) -> None:
    exc = OSError(code, "reason text", f"/media/usb/{SECRET}.amanat")
    status = cli_main.main(["explode"], extra=[_failing(exc)])
    err = capsys.readouterr().err
    assert status == expected
    assert "reason text" in err and "Tursun" not in err
