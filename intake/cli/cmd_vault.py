"""Vault subcommands: ``init``, ``info``, ``passwd``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intake.cli.common import (
    NEW_PASSPHRASE_ENV,
    add_vault_argument,
    check_new_passphrase,
    open_vault_from_args,
    out,
    passphrase_from_file,
    print_json,
    prompt_passphrase,
    read_passphrase,
    vault_dir,
)
from intake.core.vaults import create_vault, unlock_vault
from intake.errors import UsageError
from intake.i18n import format_number, format_timestamp, tr

if TYPE_CHECKING:
    from intake.vault import Vault

ROLES = ("volunteer", "coordinator")  # intake.vault.ROLES (tests/intake/test_cli_start.py)

COUNTED_TABLES = ("testimonies", "testimony_versions", "attachments", "cards", "bundles")


def _labels() -> dict[str, str]:
    """Translated labels of roles and counted tables (literal tr() calls for the catalog)."""
    return {
        "volunteer": tr("volunteer"),
        "coordinator": tr("coordinator"),
        "testimonies": tr("testimonies"),
        "testimony_versions": tr("testimony versions"),
        "attachments": tr("attachments"),
        "cards": tr("cards"),
        "bundles": tr("bundles"),
    }


def register(sub: Any) -> None:
    p = sub.add_parser("init", help=tr("create a new vault"))
    add_vault_argument(p)
    p.add_argument("--role", choices=ROLES, required=True, help=tr("volunteer or coordinator"))
    p.add_argument("--name", required=True, help=tr("your display name, shown on your card"))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("info", help=tr("show the vault's role, name, fingerprint and counts"))
    add_vault_argument(p)
    p.add_argument("--json", action="store_true", help=tr("machine-readable output"))
    p.set_defaults(func=cmd_info)

    about = tr("change the vault passphrase (on a terminal it asks for the new one twice)")
    p = sub.add_parser("passwd", help=about, description=about)
    add_vault_argument(p)
    p.add_argument(
        "--new-passphrase-file",
        type=Path,
        metavar="FILE",
        help=tr("read the new passphrase from the first line of FILE (without a terminal)"),
    )
    p.set_defaults(func=cmd_passwd)


def cmd_init(args: argparse.Namespace) -> int:
    """A new vault; Argon2id is always calibrated on this machine (intake/core/vaults.py)."""
    from intake.cards.identity import fingerprint

    folder = vault_dir(args)
    passphrase = read_passphrase(args, confirm=True, prompt=tr("New passphrase: "))
    check_new_passphrase(passphrase, args.name)
    with create_vault(folder, passphrase, args.role, args.name) as v:
        out(tr("Vault created in {path}", path=folder))
        out(tr("Your fingerprint: {fp}", fp=fingerprint(v.identity)))
    return 0


def vault_counts(vault: Vault) -> dict[str, int]:
    present = {
        r[0] for r in vault.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    return {
        t: int(vault.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # noqa: S608
        for t in COUNTED_TABLES
        if t in present
    }


def cmd_info(args: argparse.Namespace) -> int:
    from intake.cards.identity import fingerprint
    from intake.vault.header import VERSION
    from intake.vault.migrations import latest_version

    with open_vault_from_args(args) as v:
        ident = v.identity
        info = {
            "vault": str(v.path),
            "role": ident.role,
            "name": ident.name,
            "fingerprint": fingerprint(ident),
            "created": ident.created,
            "format_version": VERSION,
            "schema_version": latest_version(),
            "kdf": {"memory_kib": v.kdf_params.memory_kib, "iterations": v.kdf_params.iterations},
            "counts": vault_counts(v),
            "read_only": v.read_only,
        }
    if args.json:
        print_json(info)
        return 0
    out(tr("Vault") + f": {info['vault']}")
    labels = _labels()
    out(tr("Role") + f": {labels[ident.role]}")
    out(tr("Name") + f": {ident.name}")
    out(tr("Fingerprint") + f": {info['fingerprint']}")
    out(tr("Created") + f": {format_timestamp(ident.created)}")
    out(tr("Format version") + f": {VERSION} (" + tr("schema") + f" {latest_version()})")
    for table, count in info["counts"].items():  # type: ignore[attr-defined]
        out(f"{labels[table]}: {format_number(count)}")
    if v.read_only:
        out(tr("Read-only medium") + ": " + tr("yes"))
    return 0


def _new_passphrase(args: argparse.Namespace) -> str:
    """--new-passphrase-file, else AMANAT_NEW_PASSPHRASE (automation), else asked twice."""
    if args.new_passphrase_file is not None:
        return passphrase_from_file(args.new_passphrase_file)
    env = os.environ.get(NEW_PASSPHRASE_ENV)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise UsageError(
            tr(
                "No new passphrase given: use a terminal (it asks twice), "
                "--new-passphrase-file or AMANAT_NEW_PASSPHRASE."
            )
        )
    return prompt_passphrase(tr("New passphrase: "), confirm=True)


def cmd_passwd(args: argparse.Namespace) -> int:
    old = read_passphrase(args, prompt=tr("Current passphrase: "))
    with unlock_vault(vault_dir(args), old) as v:
        new = _new_passphrase(args)
        check_new_passphrase(new, v.identity.name)
        v.change_passphrase(old, new)
    out(tr("Passphrase changed."))
    return 0
