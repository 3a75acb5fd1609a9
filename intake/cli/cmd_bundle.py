"""Bundle subcommands: ``export``, ``verify``, ``import`` and the ``seal`` policy.

``export`` writes finalized testimonies for verified coordinators into one encrypted, signed
bundle (a progress bar on a terminal); ``verify`` checks a bundle completely and imports
nothing; ``import`` stores bundles, each all or nothing except for records that would add to
another author's testimony, which are refused one by one, listed with the sender's name and
fingerprint, and make the exit status 10; ``seal on|off|status`` controls
whether exported testimonies stay readable on this device. The work is in intake/bundles/.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intake.bundles.errors import BundleError
from intake.cli.common import (
    add_vault_argument,
    err,
    open_core,
    out,
    print_json,
)
from intake.errors import AmanatError, UsageError
from intake.i18n import N_, format_number, format_size, format_timestamp, ntr, ptr, tr

if TYPE_CHECKING:  # the bundle machinery is imported by the commands, not by --help
    from intake.bundles.export import ExportResult, Selection
    from intake.bundles.importer import BundleReport
    from intake.bundles.refusals import RefusedRecord

REFUSED_EXIT = 10  # intake.testimonies.errors.NotTheAuthor.exit_code (not permitted)


SEAL_HELP = N_(
    "Seal policy (off by default). When on, every successful export removes the exported "
    "testimonies' content from this vault and keeps only their ids, version hashes, the bundle "
    "id and the encrypted bundle itself, which only the coordinators can open. Someone who "
    "forces you to unlock the vault then cannot read what you already sent, and a lost USB "
    "stick loses nothing: 'amanat export --resend BUNDLE -o FILE' writes the bundle again."
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help=tr("write finalized testimonies into an encrypted, signed bundle for coordinators"),
    )
    add_vault_argument(p)
    p.add_argument(
        "--to",
        action="append",
        default=[],
        metavar="FINGERPRINT[,FINGERPRINT]",
        help=tr("verified coordinator card(s) that may open the bundle"),
    )
    p.add_argument("ids", nargs="*", metavar="ID", help=tr("testimonies to export"))
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--all-final", action="store_true", help=tr("every testimony with a final version")
    )
    which.add_argument(
        "--new",
        action="store_true",
        help=tr("final versions not yet in any bundle (the default without IDs)"),
    )
    which.add_argument(
        "--resend", metavar="BUNDLE", help=tr("write a sealed bundle kept in the vault again")
    )
    p.add_argument(
        "--classic",
        action="store_true",
        help=tr(
            "encrypt with X25519 only, for partners whose age is older than 1.3 (by default "
            "a bundle is post-quantum when every coordinator's card allows it)"
        ),
    )
    p.add_argument(
        "--forward",
        action="store_true",
        help=tr(
            "coordinators: pass testimonies on to another coordinator, with every version as "
            "its author signed it (give IDs or --all-final)"
        ),
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="FILE",
        help=tr("bundle file, or a folder to get a random file name"),
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("verify", help=tr("check a bundle completely without importing it"))
    add_vault_argument(p)
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--json", action="store_true", help=tr("machine-readable output"))
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("import", help=tr("import bundles, each one completely or not at all"))
    add_vault_argument(p)
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help=tr("machine-readable output"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "seal",
        help=tr("after export, remove what was sent from this vault (on, off, status)"),
        description=tr(SEAL_HELP),
    )
    p.add_argument("action", choices=("on", "off", "status"))
    add_vault_argument(p)
    p.set_defaults(func=cmd_seal)


class ProgressBar:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, label: str) -> None:
        self.enabled = sys.stderr.isatty()
        self.label = label
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._last < 0.1 and done < total):
            return
        self._last = now
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        sys.stderr.write(f"\r{self.label} [{bar:<30}] {share:4.0%} {format_size(done)}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def _recipients(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def cmd_export(args: argparse.Namespace) -> int:
    if args.forward and (args.resend or args.new or not (args.ids or args.all_final)):
        raise UsageError(tr("With --forward, give testimony IDs or --all-final."))
    if args.resend:
        with open_core(args) as core:
            path = core.resend_bundle(args.resend, args.output)
        out(tr("Bundle written again to {path}", path=path))
        return 0
    recipients = _recipients(args.to)
    if not recipients:
        raise UsageError(tr("Choose at least one coordinator to export to (--to FINGERPRINT)."))
    selection: Selection = "ids" if args.ids else "all-final" if args.all_final else "new"
    if args.ids and (args.new or args.all_final):
        raise UsageError(tr("Give testimony IDs, --all-final or --new, not several."))
    bar = ProgressBar(tr("Exporting"))
    with open_core(args) as core:
        try:
            result = core.export_bundle(
                recipients,
                args.output,
                selection=selection,
                ids=args.ids,
                progress=bar,
                forward=args.forward,
                classic=args.classic,
            )
        finally:
            bar.close()
    _print_export(result)
    return 0


def _print_export(result: ExportResult) -> None:
    out(tr("Bundle written to {path}", path=result.path))
    out(
        tr(
            "{versions}, {attachments}, {size}; bundle number {sequence} from this vault.",
            versions=ntr("{n} testimony version", "{n} testimony versions", result.records),
            attachments=ntr("{n} attachment", "{n} attachments", result.attachments),
            size=format_size(result.size),
            sequence=result.sequence,
        )
    )
    if result.post_quantum:
        out(
            tr(
                "Encryption: post-quantum hybrid (ML-KEM-768 + X25519); opens with age 1.3 "
                "or later."
            )
        )
    else:
        out(tr("Encryption: classic X25519; opens with age 1.0 or later."))
    out(tr("Only these coordinators can open it:"))
    for fingerprint in result.recipients:
        out(f"  {fingerprint}")
    if result.sealed:
        out(
            tr(
                "Sealed: the exported testimonies can no longer be read in this vault. The "
                "bundle is kept; 'amanat export --resend {bundle} -o FILE' writes it again.",
                bundle=result.bundle_id,
            )
        )


def _report_json(report: BundleReport, file: Path) -> dict[str, Any]:
    return {
        "file": str(file),
        "bundle": report.bundle_id,
        "created": report.created,
        "sender": {
            "fingerprint": report.sender_fingerprint,
            "name": report.sender_name,
            "status": report.sender_status,
        },
        "sequence": report.sequence,
        "recipients": list(report.recipients),
        "addressed_to_this_vault": report.addressed_to_us,
        "records": report.records,
        "attachments": report.attachments,
        "size": report.data_size,
        "already_imported": report.already_imported,
        "outcomes": report.outcomes,
        "attachments_new": report.attachments_new,
        "gaps": [list(g) for g in report.gaps],
        "reused_sequence": report.reused_sequence,
        "refused": [_refused_json(r) for r in report.refused],
        "forwarded_authors": list(report.authors),
        "problem": None
        if report.problem is None
        else {"code": report.problem.code, "message": report.problem.message()},
    }


def _refused_json(refused: RefusedRecord) -> dict[str, Any]:
    return {
        "item": refused.number,
        "testimony": refused.testimony_id,
        "version": refused.version,
        "sha256": refused.sha256,
        "code": refused.code,
        "message": refused.message(),
        "sender": {"name": refused.sender_name, "fingerprint": refused.sender_fingerprint},
    }


def _print_refused(report: BundleReport, imported: bool) -> None:
    for refused in report.refused:
        err(refused.line())
    if report.refused and imported:
        err(
            ntr(
                "{n} record of this bundle was refused and not stored; the rest of the bundle"
                " was imported. The refusal is in the audit trail.",
                "{n} records of this bundle were refused and not stored; the rest of the bundle"
                " was imported. The refusals are in the audit trail.",
                len(report.refused),
            )
        )
    elif report.refused:
        err(
            ntr(
                "{n} record of this bundle would be refused on import.",
                "{n} records of this bundle would be refused on import.",
                len(report.refused),
            )
        )


def _sender_line(report: BundleReport) -> str:
    status = {
        "enrolled": tr("enrolled and verified"),
        "unknown": tr("NOT enrolled: the name is what the card claims"),
        "revoked": tr("REVOKED"),
        "revoked later": tr(
            "enrolled; the key was REVOKED later: confirm this bundle with the volunteer"
        ),
        "not verified": tr("enrolled, NOT verified"),
    }[report.sender_status]
    return tr("Sender") + f": {report.sender_name} ({report.sender_fingerprint}) - {status}"


def _print_forwarded(report: BundleReport) -> None:
    if report.authors:  # docs/bundle-format.md §7.13
        out(
            ntr(
                "Forwarded by this coordinator: it passes on testimonies of {n} other author, "
                "each version checked against its author's own signature. Their cards are "
                "known here via this coordinator, not enrolled.",
                "Forwarded by this coordinator: it passes on testimonies of {n} other authors, "
                "each version checked against its author's own signature. Their cards are "
                "known here via this coordinator, not enrolled.",
                len(report.authors),
            )
        )
        for fingerprint in report.authors:
            out(f"  {fingerprint}")


def _print_warnings(report: BundleReport) -> None:
    if report.statements_applied:
        out(
            ntr(
                "{n} key statement (revocation or succession) from this bundle was accepted.",
                "{n} key statements (revocations or successions) from this bundle were accepted.",
                report.statements_applied,
            )
        )
    for problem in report.statements_refused:
        err(
            tr(
                "A key statement in this bundle was not accepted: {reason}",
                reason=problem.message(),
            )
        )
    for first, last in report.gaps:
        err(
            tr(
                "Note: bundles {first} to {last} of this sender have not arrived here (lost, "
                "held back, or sent to another coordinator).",
                first=first,
                last=last,
            )
        )
    if report.reused_sequence:
        err(
            tr(
                "Note: another bundle from this sender had the same number {sequence}; their "
                "vault may have been restored from a backup.",
                sequence=report.sequence,
            )
        )


def cmd_verify(args: argparse.Namespace) -> int:
    bar = ProgressBar(tr("Checking"))
    with open_core(args) as core:
        try:
            report = core.verify_bundle(args.file, progress=bar)
        finally:
            bar.close()
    if args.json:
        print_json(_report_json(report, args.file))
    else:
        out(tr("Bundle") + f": {report.bundle_id}")
        out(ptr("bundle", "Created") + f": {format_timestamp(report.created)}")
        out(_sender_line(report))
        out(tr("Signature") + ": " + tr("valid, by the key of the sender card"))
        out(tr("Number from this sender") + f": {report.sequence}")
        out(tr("Recipients") + ":")
        for fingerprint in report.recipients:
            out(f"  {fingerprint}")
        out(
            tr(
                "Contents: {versions}, {attachments}, {size}; every hash checked.",
                versions=ntr("{n} testimony version", "{n} testimony versions", report.records),
                attachments=ntr("{n} attachment", "{n} attachments", report.attachments),
                size=format_size(report.data_size),
            )
        )
        _print_forwarded(report)
        if report.already_imported:
            out(tr("This bundle was already imported."))
        _print_warnings(report)
        _print_refused(report, imported=False)
        if report.problem is None:
            out(tr("No problem found. Nothing was imported."))
    if report.problem is not None:
        err(f"amanat: {report.problem.message()}")
        return report.problem.exit_code
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    status = 0
    results: list[dict[str, Any]] = []
    with open_core(args) as core:
        for file in args.files:
            bar = ProgressBar(tr("Importing"))
            try:
                report = core.import_bundle(file, progress=bar)
            except AmanatError as exc:
                bar.close()
                err(f"amanat: {file}: {exc.message()}")
                results.append({"file": str(file), "problem": _problem(exc)})
                status = status or exc.exit_code
                continue
            bar.close()
            results.append(_report_json(report, file))
            if not args.json:
                _print_import(report, file)
            if report.refused:  # imported, but a script must notice the refusals
                status = status or REFUSED_EXIT
    if args.json:
        print_json(results)
    return status


def _problem(exc: AmanatError) -> dict[str, str]:
    code = exc.code if isinstance(exc, BundleError) else type(exc).__name__
    return {"code": code, "message": exc.message()}


def _print_import(report: BundleReport, file: Path) -> None:
    if report.already_imported:
        out(tr("{file}: already imported; nothing changed.", file=file))
        return
    counts = report.outcomes
    out(
        tr(
            "{file}: imported {versions} (new {new}, updated {updated}, unchanged {unchanged},"
            " older kept as history {older}) and {attachments} ({stored} newly stored).",
            file=file,
            versions=ntr("{n} testimony version", "{n} testimony versions", report.records),
            new=format_number(counts.get("new", 0)),
            updated=format_number(counts.get("updated", 0)),
            unchanged=format_number(counts.get("unchanged", 0)),
            older=format_number(counts.get("older", 0)),
            attachments=ntr("{n} attachment", "{n} attachments", report.attachments),
            stored=format_number(report.attachments_new),
        )
    )
    out(_sender_line(report) + "; " + tr("bundle number") + f" {report.sequence}")
    _print_forwarded(report)
    _print_warnings(report)
    _print_refused(report, imported=True)


def cmd_seal(args: argparse.Namespace) -> int:
    with open_core(args) as core:
        if args.action in ("on", "off"):
            core.set_seal(args.action == "on")
        state = core.seal_status()
    if args.action == "on":
        out(tr(SEAL_HELP))
    out(tr("Seal policy: on") if state.on else tr("Seal policy: off"))
    if args.action == "status":
        out(tr("Sealed testimony versions: {count}", count=format_number(state.sealed_versions)))
        for kept in state.kept:
            out(
                tr(
                    "Kept bundle {bundle} (number {sequence}, {created}, {size}, {versions})",
                    bundle=kept.bundle_id,
                    sequence=kept.sequence,
                    created=format_timestamp(kept.created),
                    size=format_size(kept.size),
                    versions=ntr("{n} version", "{n} versions", kept.records),
                )
            )
    return 0
