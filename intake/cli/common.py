"""Helpers shared by CLI subcommands: the ``--vault`` option, passphrase input, output.

Passphrases come from, in order: ``--passphrase-file FILE`` (first line), the
``AMANAT_PASSPHRASE`` environment variable (for automation and tests), or an interactive
prompt without echo. Nothing here ever prints a passphrase.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intake.core.vaults import check_new_passphrase, default_vault_dir, unlock_vault
from intake.errors import InvalidInput, UsageError
from intake.i18n import tr
from intake.process_safety import SECRET_ENVIRONMENT

if TYPE_CHECKING:
    from intake.core.app import AmanatCore
    from intake.vault import Vault

__all__ = ["check_new_passphrase", "default_vault_dir"]  # the CLI's names for core use cases

PASSPHRASE_ENV, NEW_PASSPHRASE_ENV = SECRET_ENVIRONMENT  # never passed on to helpers
MAX_PASSPHRASE_FILE = 1 << 20  # bytes: a passphrase file holds a line, not a document


def add_vault_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--vault",
        type=Path,
        default=None,
        metavar="DIR",
        help=tr("vault folder (default: {path})", path=default_vault_dir()),
    )
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        default=None,
        metavar="FILE",
        help=tr("read the passphrase from the first line of FILE"),
    )


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """``-o FILE`` and ``--overwrite``: the one rule for every file a command writes (an
    existing FILE is kept unless the user asks to replace it; intake/bundles/files.py)."""
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    parser.add_argument(
        "--overwrite", action="store_true", help=tr("replace FILE if it already exists")
    )


def vault_dir(args: argparse.Namespace) -> Path:
    return Path(args.vault) if getattr(args, "vault", None) else default_vault_dir()


def passphrase_from_file(path: Path) -> str:
    """The first line of a passphrase file (UTF-8, at most a few kilobytes)."""
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_PASSPHRASE_FILE + 1)
    except OSError:
        raise InvalidInput(reason=tr("cannot read the passphrase file")) from None
    if len(raw) > MAX_PASSPHRASE_FILE:
        raise InvalidInput(reason=tr("the passphrase file is too large"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(reason=tr("the passphrase file is not UTF-8 text")) from None
    return text.splitlines()[0] if text else ""


def read_passphrase(args: argparse.Namespace, *, confirm: bool = False, prompt: str = "") -> str:
    """The passphrase from the file option, the environment, or a prompt."""
    if getattr(args, "passphrase_file", None):
        return passphrase_from_file(args.passphrase_file)
    env = os.environ.get(PASSPHRASE_ENV)
    if env is not None:
        return env
    return prompt_passphrase(prompt or tr("Passphrase: "), confirm=confirm)


def prompt_passphrase(prompt: str, *, confirm: bool) -> str:
    if not sys.stdin.isatty():
        raise UsageError(
            tr("No passphrase given: use a terminal, --passphrase-file or AMANAT_PASSPHRASE.")
        )
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(tr("Repeat the passphrase: ")) != first:
        raise InvalidInput(reason=tr("the two passphrases differ"))
    return first


def open_vault_from_args(args: argparse.Namespace) -> Vault:
    return unlock_vault(vault_dir(args), read_passphrase(args))


@contextmanager
def open_core(args: argparse.Namespace) -> Iterator[AmanatCore]:
    """The application core (intake/core/app.py) on the unlocked vault; closed afterwards."""
    from intake.core.app import AmanatCore

    with open_vault_from_args(args) as vault:
        yield AmanatCore(vault)


def out(text: str = "") -> None:
    print(text)


def err(text: str) -> None:
    print(text, file=sys.stderr)


def print_json(value: Any) -> None:
    import json

    print(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))
