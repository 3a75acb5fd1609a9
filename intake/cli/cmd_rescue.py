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
from intake.rescue import RescueReport, rescue_vault


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


def report_lines(report: RescueReport) -> list[str]:
    """The report as lines a volunteer can read (also shown by the desktop app)."""
    copied = report.copied
    lines = [
        tr(
            "Rescued into {path}: {testimonies} testimonies ({versions} versions), "
            "{attachments} attachments, {audit} audit entries.",
            path=report.target,
            testimonies=copied.get("testimonies", 0),
            versions=copied.get("testimony_versions", 0),
            attachments=copied.get("attachments", 0),
            audit=copied.get("audit", 0),
        )
    ]
    if report.complete:
        lines.append(tr("Everything could be read."))
    else:
        lines.append(tr("Could not be read:"))
    for tid in report.lost_testimonies:
        lines.append("  " + tr("testimony {id}: no version could be read", id=tid))
    lost_ids = set(report.lost_testimonies)
    for tid, version in report.lost_versions:
        if tid not in lost_ids:
            lines.append("  " + tr("testimony {id}: version {version}", id=tid, version=version))
    for lost in report.lost_attachments:
        lines.append(
            "  "
            + tr(
                "attachment {sha256} (testimonies: {ids})",
                sha256=lost.sha256,
                ids=", ".join(lost.testimonies) or "-",
            )
        )
    for first, last in report.lost_audit:
        lines.append("  " + tr("audit entries {first} to {last}", first=first, last=last))
    if report.audit_end_unknown:
        lines.append("  " + tr("the end of the audit trail (later entries may be missing)"))
    for table, count in sorted(report.lost_rows.items()):
        lines.append("  " + tr("{table}: {count} rows", table=table, count=count))
    for tid, version in report.failed_verification:
        lines.append(
            tr(
                "Signature or hash does not verify: testimony {id}, version {version}",
                id=tid,
                version=version,
            )
        )
    lines.append(
        tr(
            "The damaged vault in {path} was not changed. The new vault opens with the same "
            "passphrase.",
            path=report.source,
        )
    )
    return lines


def cmd_rescue(args: argparse.Namespace) -> int:
    passphrase = read_passphrase(args)
    report = rescue_vault(vault_dir(args), args.to, passphrase)
    if args.json:
        print_json(report.to_json())
    else:
        for line in report_lines(report):
            out(line)
    return 0
