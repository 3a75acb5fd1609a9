"""Entry point of the ``amanat`` command: builds the argparse tree and maps errors to exits.

Subcommands live in ``intake/cli/cmd_*.py`` modules, each with ``register(subparsers)``;
``gui`` and ``demo`` (cmd_gui.py) start the desktop app as a program of its own, so intake/
never imports ui/ (docs/architecture.md, "One core, two faces"). Building the parser imports
no command's machinery: each command imports what it uses when it runs, so ``amanat --help``
and ``amanat --version`` start fast (docs/performance.md, "Start-up"). Expected failures
print one translated line to stderr and exit with the error's documented code; they never
print a traceback.

Exit codes: 0 ok · 1 other error · 2 usage · 3 wrong passphrase · 4 vault in use ·
5 vault not found · 6 vault damaged · 7 unsupported format · 8 invalid input ·
9 verification failed · 10 not permitted · 11 disk full · 130 interrupted.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import pkgutil
import sys
from collections.abc import Callable, Sequence
from typing import Any

from intake import cli
from intake.errors import AmanatError
from intake.i18n import LANGUAGES, set_language, tr
from intake.process_safety import harden_process

Registrar = Callable[[Any], None]

# the order a volunteer meets the commands in: vault, cards, testimonies, bundles, printing
HELP_ORDER = (
    "cmd_vault",
    "cmd_card",
    "cmd_testimony",
    "cmd_bundle",
    "cmd_pdf",
    "cmd_share",
    "cmd_log",
    "cmd_rescue",
    "cmd_safekeeping",
    "cmd_gui",
)

EPILOG = (
    "exit codes: 0 ok, 1 other error, 2 usage, 3 wrong passphrase, 4 vault in use, "
    "5 vault not found, 6 vault damaged, 7 unsupported format, 8 invalid input, "
    "9 verification failed, 10 not permitted, 11 disk full, 130 interrupted"
)


class _PrintVersion(argparse.Action):
    """``--version``: the installed package's version, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any) -> None:
        print(f"amanat {version()}")
        parser.exit()


def version() -> str:
    """The version and build: ``0.1.0 (source, commit 1a2b3c4d5e6f)`` (intake/install/build.py)."""
    from intake.install.build import build_info

    return build_info().describe()


def _help_order(name: str) -> tuple[int, str]:
    return (HELP_ORDER.index(name) if name in HELP_ORDER else len(HELP_ORDER), name)


def build_parser(extra: Sequence[Registrar] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amanat",
        description=tr("Amanat: secure offline testimony intake."),
        epilog=EPILOG,
    )
    parser.add_argument("--version", action=_PrintVersion, help=tr("show the version and exit"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = [i.name for i in pkgutil.iter_modules(cli.__path__) if i.name.startswith("cmd_")]
    for name in sorted(modules, key=_help_order):
        importlib.import_module(f"{cli.__name__}.{name}").register(sub)
    for register in extra:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None, extra: Sequence[Registrar] = ()) -> int:
    lang = os.environ.get("AMANAT_LANG", "en")
    if lang in LANGUAGES:
        set_language(lang)
    parser = build_parser(extra)
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args))
    except AmanatError as exc:
        print(f"amanat: {exc.message()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("amanat: " + tr("interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except OSError as exc:  # the system refused (disk, permissions, a device pulled out)
        reason = exc.strerror or type(exc).__name__  # never str(exc): it may quote content
        print(
            "amanat: " + tr("the system refused the operation: {reason}", reason=reason),
            file=sys.stderr,
        )
        return 11 if exc.errno == errno.ENOSPC else 1


def run() -> None:
    """The ``amanat`` process: hardened first (no core file, intake/process_safety.py), before
    any passphrase or testimony is in memory; ``main`` alone is for callers inside a process
    of their own (tests), which it leaves as they are."""
    harden_process()
    try:
        code = main()
    except Exception as exc:  # a bug: its type only, never its message or a traceback
        print(
            "amanat: "
            + tr(
                "unexpected error ({kind}). Nothing more is shown, so that no testimony "
                "content reaches a screen or a log. Please report it with the command you ran.",
                kind=type(exc).__name__,
            ),
            file=sys.stderr,
        )
        code = 1
    sys.exit(code)


if __name__ == "__main__":
    run()
