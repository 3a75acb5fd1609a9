"""``amanat rescue``: copy what can still be read of a damaged vault into a new vault.

The damaged vault is only read (it may be on a read-only medium); the new vault keeps the
identity and opens with the same passphrase. The report names every testimony, version,
attachment and audit entry that could not be read (docs/vault-format.md, "Rescue").
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from intake.cli.common import add_vault_argument, out, print_json, read_passphrase, vault_dir
from intake.i18n import tr


def register(sub: Any) -> None:
    p = sub.add_parser(
        "rescue",
        help=tr("copy what can still be read of a damaged vault into a new vault"),
        description=tr(
            "Copy every readable testimony, attachment and audit entry of a damaged vault into "
            "a new vault with the same identity and passphrase, and list what could not be "
            "read. The damaged vault is not changed."
        ),
    )
    add_vault_argument(p)
    p.add_argument(
        "--to",
        type=Path,
        required=True,
        metavar="NEWDIR",
        help=tr("folder for the new vault (must not exist or be empty)"),
    )
    p.add_argument("--json", action="store_true", help=tr("machine-readable output"))
    p.set_defaults(func=cmd_rescue)


def cmd_rescue(args: argparse.Namespace) -> int:
    from intake.core.vaults import rescue_vault
    from intake.vault.rescue import report_lines

    passphrase = read_passphrase(args)
    report = rescue_vault(vault_dir(args), Path(args.to), passphrase)
    if args.json:
        print_json(report.to_json())
    else:
        for line in report_lines(report):
            out(line)
    return 0
