"""Subcommands for a lost or seized laptop: ``backup``, ``backup key``, ``restore``,
``restore key`` and ``wipe`` (intake/core/safekeeping.py; SECURITY.md, "If your laptop is
lost or taken")."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from intake.cli.common import (
    NEW_PASSPHRASE_ENV,
    add_vault_argument,
    err,
    out,
    prompt_passphrase,
    read_passphrase,
    vault_dir,
)
from intake.i18n import tr

WIPE_WORD = "WIPE"  # typed to confirm; the translated word is accepted as well


def register(sub: Any) -> None:
    p = sub.add_parser("backup", help=tr("write an encrypted backup of the vault to a folder"))
    add_vault_argument(p)
    p.add_argument("--to", type=Path, metavar="DIR", help=tr("folder to write the backup into"))
    p.set_defaults(func=cmd_backup)
    keys = p.add_subparsers(dest="what", metavar="key")
    k = keys.add_parser("key", help=tr("print the vault's key as M-of-N paper shares (PDF)"))
    add_vault_argument(k)
    k.add_argument("--shares", type=int, required=True, metavar="N", help=tr("shares to print"))
    k.add_argument(
        "--threshold", type=int, required=True, metavar="M", help=tr("shares needed to restore")
    )
    k.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    k.add_argument("--overwrite", action="store_true", help=tr("replace FILE if it already exists"))
    k.set_defaults(func=cmd_backup_key)

    p = sub.add_parser(
        "restore",
        help=tr("restore a backup (FROM --to DIR), or open a vault with key shares (key)"),
    )
    p.add_argument("source", type=Path, metavar="FROM|key")
    p.add_argument("--to", type=Path, metavar="DIR", help=tr("new vault folder"))
    add_vault_argument(p)
    p.add_argument(
        "--qr",
        type=Path,
        action="append",
        default=[],
        metavar="IMAGE",
        help=tr("a photo or scan of a share's QR code (repeat for each share)"),
    )
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("wipe", help=tr("erase the vault for good (panic wipe)"))
    add_vault_argument(p)
    p.add_argument("--yes", action="store_true", help=tr("do not ask for the confirmation word"))
    p.set_defaults(func=cmd_wipe)


def _usage(text: str) -> None:
    from intake.errors import UsageError

    raise UsageError(text)


def cmd_backup(args: argparse.Namespace) -> int:
    from intake.core.safekeeping import backup_vault_folder

    if args.to is None:
        _usage(tr("Say where to write the backup: amanat backup --to DIR"))
    passphrase = read_passphrase(args)

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done * 100 // max(total, 1)} %", end="", file=sys.stderr, flush=True)

    result = backup_vault_folder(vault_dir(args), passphrase, args.to, progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    out(tr("Backup written to {path}", path=result.path))
    out(tr("It opens with the vault's passphrase of today, even after you change it."))
    return 0


def cmd_backup_key(args: argparse.Namespace) -> int:
    from intake.core.safekeeping import write_key_shares

    passphrase = read_passphrase(args)
    write_key_shares(
        vault_dir(args),
        passphrase,
        args.threshold,
        args.shares,
        args.output,
        overwrite=args.overwrite,
    )
    out(tr("Key shares written to {path}", path=args.output))
    err(
        tr(
            "This PDF is your vault's key: any {threshold} of its pages open the vault without"
            " the passphrase. Print it, check the pages, give each to a different person, then"
            " delete the file and empty the trash.",
            threshold=args.threshold,
        )
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    if str(args.source) == "key":
        return _restore_key(args)
    from intake.core.safekeeping import restore_backup

    if args.to is None:
        _usage(tr("Say where to restore the vault: amanat restore FROM --to DIR"))
    result = restore_backup(args.source, args.to, read_passphrase(args))
    out(tr("Backup checked and restored to {path}", path=result.path))
    return 0


def _typed_shares(first_number: int, have: list[str]) -> list[str]:
    """Shares typed one per line, until as many as the first one's set needs."""
    from intake.safekeeping.paper_key import shares_needed

    shares = list(have)
    interactive = sys.stdin.isatty()
    needed = shares_needed(shares[0]) if shares else 0
    number = first_number
    while not shares or len(shares) < needed:
        if interactive:
            line = input(tr("Share {number} (its words, in order): ", number=number))
        else:
            line = sys.stdin.readline()
            if not line:
                break
        if not line.strip():
            continue
        shares.append(line)
        if len(shares) == 1:
            needed = shares_needed(line, number)
        number += 1
    return shares


def _restore_key(args: argparse.Namespace) -> int:
    from intake.core.safekeeping import restore_with_shares, share_from_image

    shares = [share_from_image(path) for path in args.qr]
    shares = _typed_shares(len(shares) + 1, shares)
    new = os.environ.get(NEW_PASSPHRASE_ENV)
    if new is None:
        new = prompt_passphrase(tr("New passphrase: "), confirm=True)
    restore_with_shares(vault_dir(args), shares, new)
    out(tr("The vault opens with the new passphrase now."))
    return 0


def cmd_wipe(args: argparse.Namespace) -> int:
    from intake.core.safekeeping import wipe_vault
    from intake.safekeeping.errors import WipeNotConfirmed

    folder = vault_dir(args)
    if not args.yes:
        word = tr("WIPE")
        if not sys.stdin.isatty():
            _usage(tr("Confirm the wipe with --yes when not at a terminal."))
        typed = input(
            tr(
                "Everything in the vault in {path} will be erased for good. Type {word} to go on: ",
                path=folder,
                word=word,
            )
        ).strip()
        if typed not in (word, WIPE_WORD):
            raise WipeNotConfirmed
    report = wipe_vault(folder)
    out(tr("The vault was erased. Its key is gone: what is left cannot be decrypted."))
    if report.left:
        err(tr("These files could not be deleted: {names}", names=", ".join(report.left)))
    return 0
