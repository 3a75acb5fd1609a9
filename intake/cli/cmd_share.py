"""Coordinator subcommands: ``export-data`` (CSV/JSON for partners) and ``duplicates``.

``export-data`` shares the newest final version of the chosen testimonies, leaving out
sensitive fields and the names of people who did not consent unless asked; asking prints a
loud warning on stderr (and asks for confirmation on a terminal unless ``--yes``). The file is
written as ``FILE.part`` and renamed when complete. ``duplicates`` lists possible duplicate
victims across testimonies with a score and reasons; ``duplicates link|dismiss|undo A B``
records a decision, ``duplicates person A`` lists every testimony about that person. The work
is in intake/sharing/export.py and intake/duplicates/finder.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intake.cli.common import (
    add_output_arguments,
    add_vault_argument,
    err,
    open_core,
    open_vault_from_args,
    out,
    print_json,
)
from intake.errors import InvalidInput, UsageError
from intake.i18n import ntr, tr

if TYPE_CHECKING:
    from intake.duplicates.finder import DuplicateFinder
    from intake.sharing.export import ShareReport

# sharing and duplicates (pypinyin, rapidfuzz, the PDF stack) are imported by the commands
# that use them, not by ``amanat --help``; tests/intake/test_cli_start.py checks these copies.
FORMATS = ("csv", "json")  # intake.sharing.export.FORMATS
DEFAULT_MIN_SCORE = 0.5  # intake.duplicates.finder.DEFAULT_MIN_SCORE
ACTIONS = ("link", "dismiss", "undo", "person")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export-data",
        help=tr("export final testimonies as CSV or JSON for partners, honouring consent"),
    )
    add_vault_argument(p)
    p.add_argument("--format", choices=FORMATS, required=True, help=tr("file format"))
    p.add_argument("ids", nargs="*", metavar="ID", help=tr("testimonies to export"))
    p.add_argument("--all", action="store_true", help=tr("every testimony with a final version"))
    p.add_argument(
        "--include-sensitive",
        action="store_true",
        help=tr("also export fields marked sensitive (contact, PRC ID, health, notes)"),
    )
    p.add_argument(
        "--include-unconsented-names",
        action="store_true",
        help=tr("also export names (and narratives) of people who did not consent"),
    )
    p.add_argument(
        "--partner",
        metavar="NAME",
        help=tr("only testimonies whose consent allows sharing with this partner"),
    )
    p.add_argument("--yes", action="store_true", help=tr("do not ask for confirmation"))
    add_output_arguments(p)
    p.set_defaults(func=cmd_export_data)

    p = sub.add_parser(
        "duplicates",
        help=tr("list possible duplicate victims, or link, dismiss or undo a pair"),
        description=tr(
            "Without an action: list candidate pairs. Victims are named TESTIMONY-ID#N."
        ),
    )
    add_vault_argument(p)
    p.add_argument(
        "action",
        nargs="?",
        choices=ACTIONS,
        metavar="ACTION",
        help=tr(
            "link A B: the same person; dismiss A B: not the same; undo A B: forget the "
            "decision; person A: every testimony about A's person"
        ),
    )
    p.add_argument("refs", nargs="*", metavar="VICTIM", help=tr("TESTIMONY-ID#N"))
    p.add_argument("--json", action="store_true", help=tr("machine-readable output"))
    p.add_argument(
        "--min-score",
        type=float,
        default=DEFAULT_MIN_SCORE,
        metavar="X",
        help=tr("list pairs scoring at least X (0 to 1)"),
    )
    p.set_defaults(func=cmd_duplicates)


# ---- export-data -----------------------------------------------------------------------------


def _confirm() -> bool:
    try:
        answer = input(tr("Continue? Type yes to export: "))
    except EOFError:
        return False
    return answer.strip().casefold() in {"yes", "y", tr("yes").casefold()}


def _summary(report: ShareReport, path: Path) -> None:
    out(
        tr(
            "Exported {testimonies} ({victims}) to {path}.",
            testimonies=ntr("{n} testimony", "{n} testimonies", report.records),
            victims=ntr("{n} victim", "{n} victims", report.victims),
            path=path,
        )
    )
    if report.names_withheld:
        out(
            ntr(
                "Names and narrative left out of {n} testimony (no consent to publish names).",
                "Names and narrative left out of {n} testimonies (no consent to publish names).",
                report.names_withheld,
            )
        )
    if report.withheld_fields:
        out(tr("Sensitive fields left out: {fields}", fields=", ".join(report.withheld_fields)))
    if report.skipped_drafts:
        out(
            ntr(
                "Skipped {n} testimony without a final version.",
                "Skipped {n} testimonies without a final version.",
                report.skipped_drafts,
            )
        )
    if report.skipped_partner:
        out(
            ntr(
                "Skipped {n} testimony whose consent does not name this partner.",
                "Skipped {n} testimonies whose consent does not name this partner.",
                report.skipped_partner,
            )
        )
    out(tr("SHA-256 of the file: {hash}", hash=report.sha256))


def cmd_export_data(args: argparse.Namespace) -> int:
    from intake.sharing.export import ShareOptions, risk_warnings

    if bool(args.ids) == bool(args.all):
        raise UsageError(tr("Give testimony IDs or --all (not both)."))
    options = ShareOptions(
        include_sensitive=args.include_sensitive,
        include_unconsented_names=args.include_unconsented_names,
        partner=args.partner.strip() if args.partner and args.partner.strip() else None,
    )
    for warning in risk_warnings(options):
        err(f"amanat: {warning}")
    asks = options.includes_anything_risky() and not args.yes and sys.stdin.isatty()
    if asks and not _confirm():
        err(tr("Nothing was exported."))
        return 1
    with open_core(args) as core:
        report = core.share(
            args.output, args.format, args.ids or None, options, overwrite=args.overwrite
        )
    _summary(report, args.output)
    return 0


# ---- duplicates --------------------------------------------------------------------------


def _print_candidates(finder: DuplicateFinder, min_score: float, as_json: bool) -> None:
    from intake.duplicates.finder import candidates_as_json

    found = finder.candidates(min_score)
    stats = finder.last_stats
    if as_json:
        print_json(candidates_as_json(found))
    elif not found:
        out(tr("No possible duplicates scoring at least {score}.", score=min_score))
    for c in [] if as_json else found:
        out(f"{c.score:.2f}  {c.a}  {c.label_a}")
        out(f"      {c.b}  {c.label_b}")
        for reason in c.reasons:
            sign = "+" if reason.weight > 0 else "-" if reason.weight < 0 else "·"
            out(f"        {sign} {reason.text()}")
    if stats is not None and stats.skipped_pairs:
        err(
            "amanat: "
            + tr(
                "{pairs} pairs in {blocks} very large groups of common names were not compared.",
                pairs=stats.skipped_pairs,
                blocks=stats.skipped_blocks,
            )
        )


def cmd_duplicates(args: argparse.Namespace) -> int:
    from intake.core.app import AmanatCore

    if not 0.0 <= args.min_score <= 1.0:
        raise InvalidInput(reason=tr("the minimum score must be between 0 and 1"))
    wanted = {None: 0, "person": 1}.get(args.action, 2)
    if len(args.refs) != wanted:
        raise UsageError(
            ntr(
                "This action takes {n} victim reference.",
                "This action takes {n} victim references.",
                wanted,
            )
        )
    vault = open_vault_from_args(args)
    try:
        finder = AmanatCore(vault).duplicates
        if args.action is None:
            _print_candidates(finder, args.min_score, args.json)
        elif args.action == "person":
            entries = finder.person_testimonies(args.refs[0])
            if args.json:
                print_json([e.__dict__ for e in entries])
            for e in [] if args.json else entries:
                out(f"{e.ref}  v{e.version_no}  {e.label}")
        elif args.action == "link":
            person = finder.link(*args.refs)
            out(tr("Linked as the same person ({person}).", person=person))
        elif args.action == "dismiss":
            finder.dismiss(*args.refs)
            out(tr("Dismissed: these two will not be proposed again."))
        else:
            finder.undo(*args.refs)
            out(tr("The decision about these two was undone."))
    finally:
        vault.close()
    return 0
