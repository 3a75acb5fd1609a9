"""Testimony commands: ``testimony add/list/show/finalize``, ``attach``, ``search``, ``audit``.

    amanat testimony add --json FILE      store a testimony file as a draft, print its id
    amanat testimony list [--json]        every testimony, most recently changed first
    amanat testimony show ID [--json]     one testimony (newest version) with its history
    amanat testimony finalize ID          validate, freeze and sign the newest draft
    amanat attach ID FILE                 stream a file into the vault, linked to ID
    amanat search QUERY [--json]          names in any script, places, narrative; filters
    amanat audit verify [--json]          check the audit trail's hash chain

The JSON input format is docs/testimony-format.md (example: docs/examples/testimony.json).
Validation problems are printed one per line, naming the field in the interface language;
they never repeat the value itself.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intake.cli.common import add_vault_argument, err, open_core, out, print_json
from intake.errors import InvalidInput
from intake.i18n import format_timestamp, ntr, tr

if TYPE_CHECKING:  # the testimony machinery is imported by the commands, not by --help
    from intake.forms.definitions import FormDefinition
    from intake.forms.validation import Problem
    from intake.testimonies.attachments import AttachmentInfo
    from intake.testimonies.records import Testimony, TestimonySummary, VersionInfo
    from intake.testimonies.store import TestimonyStore

AUDIT_BROKEN_EXIT = 9  # "verification failed" (intake/errors.py exit codes)


def register(sub: Any) -> None:
    testimony = sub.add_parser("testimony", help=tr("add, list, show and finalize testimonies"))
    tsub = testimony.add_subparsers(dest="testimony_command", metavar="ACTION", required=True)

    p = tsub.add_parser("add", help=tr("store a testimony JSON file as a draft"))
    add_vault_argument(p)
    p.add_argument("--json", type=Path, required=True, metavar="FILE", dest="json_file")
    p.set_defaults(func=cmd_add)

    p = tsub.add_parser(
        "example", help=tr("print an example testimony file (fictional people) to start from")
    )
    p.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help=tr("write it to a new file instead")
    )
    p.set_defaults(func=cmd_example)

    p = tsub.add_parser("list", help=tr("list the testimonies in the vault"))
    add_vault_argument(p)
    p.add_argument("--json", action="store_true", help=tr("machine-readable output"))
    p.set_defaults(func=cmd_list)

    p = tsub.add_parser("show", help=tr("show one testimony"))
    add_vault_argument(p)
    p.add_argument("id", metavar="ID")
    p.add_argument("--version", type=int, default=None, metavar="N")
    p.add_argument("--json", action="store_true", help=tr("machine-readable output"))
    p.set_defaults(func=cmd_show)

    p = tsub.add_parser("finalize", help=tr("check, freeze and sign a testimony"))
    add_vault_argument(p)
    p.add_argument("id", metavar="ID")
    p.set_defaults(func=cmd_finalize)

    p = sub.add_parser("attach", help=tr("attach a file (photo, scan, recording) to a testimony"))
    add_vault_argument(p)
    p.add_argument("id", metavar="ID")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(func=cmd_attach)

    p = sub.add_parser("search", help=tr("find testimonies by name in any script, place or text"))
    add_vault_argument(p)
    p.add_argument("query", metavar="QUERY", nargs="?", default="")
    p.add_argument("--status", choices=("draft", "final"))
    p.add_argument("--from", dest="date_from", metavar="DATE")
    p.add_argument("--to", dest="date_to", metavar="DATE")
    p.add_argument("--hometown", metavar="PLACE")
    p.add_argument("--ethnicity", metavar="CODE")
    p.add_argument("--victim-status", metavar="CODE")
    p.add_argument("--level", choices=("unverified", "corroborated", "verified"))
    p.add_argument("--by-level", action="store_true", help=tr("verified first, then corroborated"))
    p.add_argument("--json", action="store_true", help=tr("machine-readable output"))
    p.set_defaults(func=cmd_search)

    audit = sub.add_parser("audit", help=tr("check the audit trail"))
    asub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    p = asub.add_parser("verify", help=tr("verify that no audit entry was changed or removed"))
    add_vault_argument(p)
    p.add_argument("--json", action="store_true", help=tr("machine-readable output"))
    p.set_defaults(func=cmd_audit_verify)


# ---- output helpers ------------------------------------------------------------------------


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        kind = tr("error") if problem.severity == "error" else tr("warning")
        err(f"  {kind}: {problem.message}")


def _summary_json(s: TestimonySummary, level: str | None) -> dict[str, Any]:
    extra = {} if level is None else {"level": level}
    return {
        **extra,
        "id": s.id,
        "status": s.status,
        "version": s.version_no,
        "interview_date": s.interview_date,
        "victim_names": s.victim_names,
        "updated": s.updated,
    }


def _print_summaries(
    items: list[TestimonySummary],
    as_json: bool,
    empty: str,
    levels: dict[str, str] | None = None,
) -> None:
    if as_json:
        print_json([_summary_json(s, levels.get(s.id) if levels else None) for s in items])
        return
    if not items:
        out(empty)
    for s in items:
        status = tr("final") if s.status == "final" else tr("draft")
        names = ", ".join(n for n in s.victim_names if n) or "-"
        level = ""
        if levels is not None:
            from intake.review.store import level_label

            level = f"  {level_label(levels.get(s.id, 'unverified'))}"
        out(
            f"{s.id}  {status:<6}  v{s.version_no:<3}  {s.interview_date or '-':<10}"
            f"{level}  {names}"
        )


def _version_json(info: VersionInfo, intact: bool | None) -> dict[str, Any]:
    return {
        "version": info.version_no,
        "status": info.status,
        "created": info.created,
        "updated": info.updated,
        "finalized": info.finalized,
        "hash": info.hash,
        "prev_hash": info.prev_hash,
        "author_fingerprint": info.author_fingerprint,
        "author_public": info.author_public.hex(),
        "signature_valid": intact,
    }


def _attachment_json(a: AttachmentInfo) -> dict[str, Any]:
    return {"sha256": a.sha256, "size": a.size, "media_type": a.media_type, "filename": a.filename}


def _review_json(review: Any, references: Any) -> dict[str, Any]:
    """The coordinator's review (``amanat review``): level, who, when, note, sources, and the
    victims' external references."""
    return {
        "review": None
        if review is None
        else {
            "level": review.level,
            "reviewer_fingerprint": review.reviewer_fingerprint,
            "reviewer_name": review.reviewer_name,
            "reviewed_at": review.reviewed_at,
            "note": review.note,
            "sources": list(review.sources),
        },
        "references": [
            {"victim": r.position, "source": r.source, "entry": r.entry, "url": r.url}
            for r in references
        ],
    }


def _print_content(
    form: FormDefinition, content: dict[str, Any], review: tuple[Any, Any] | None = None
) -> None:
    from intake.review.view import review_section
    from intake.testimonies.render import content_lines, render_content

    sections = render_content(form, content)
    if review is not None and (review[0] is not None or review[1]):
        victims = content.get("victims")
        count = len(victims) if isinstance(victims, list) else 0
        sections.append(review_section(form, review[0], review[1], count))
    for line in content_lines(sections):
        out(line)


# ---- commands ------------------------------------------------------------------------------


def _read_input(path: Path) -> bytes:
    from intake.testimonies.json_input import MAX_INPUT_BYTES

    try:
        with open(path, "rb") as f:
            return f.read(MAX_INPUT_BYTES + 1)
    except OSError:
        raise InvalidInput(reason=tr("cannot read {path}", path=path)) from None


def cmd_add(args: argparse.Namespace) -> int:
    from intake.forms.validation import validate_content
    from intake.testimonies.json_input import read_testimony_json

    parsed = read_testimony_json(_read_input(args.json_file))
    with open_core(args) as core:
        tid = core.testimonies.create_draft(parsed.content, parsed.form.ref)
    out(tid)
    problems = validate_content(parsed.form, parsed.content)
    errors = sum(1 for p in problems if p.severity == "error")
    if errors:
        err(tr("Saved as a draft. Fix these before finalizing:"))
        _print_problems(problems)
    elif problems:
        _print_problems(problems)
    return 0


def cmd_example(args: argparse.Namespace) -> int:
    """The shipped example (package data): to stdout, or to a new file (never replaced)."""
    from intake.cards.card_files import save_public_file
    from intake.testimonies.json_input import example_json

    data = example_json()
    if args.output is None:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return 0
    save_public_file(args.output, data)  # fictional people: nothing private in it
    out(tr("Example written to {path}", path=args.output))
    return 0


def cmd_list(args: argparse.Namespace) -> int:

    with open_core(args) as core:
        items = core.testimonies.list()
    _print_summaries(items, args.json, tr("No testimonies yet."))
    return 0


def cmd_search(args: argparse.Namespace) -> int:

    with open_core(args) as core:
        items = core.testimonies.search(
            args.query,
            status=args.status,
            date_from=args.date_from,
            date_to=args.date_to,
            hometown=args.hometown,
            ethnicity=args.ethnicity,
            victim_status=args.victim_status,
            level=args.level,
            by_level=args.by_level,
        )
        levels = core.reviews.levels(s.id for s in items)
    _print_summaries(items, args.json, tr("Nothing found."), levels)
    return 0


def _intact(store: TestimonyStore, info: VersionInfo) -> bool | None:
    return store.verify_version(info.testimony_id, info.version_no) if info.hash else None


def cmd_show(args: argparse.Namespace) -> int:
    from intake.testimonies.content import form_for

    with open_core(args) as core:
        store = core.testimonies
        t: Testimony = (
            store.get(args.id) if args.version is None else store.get_version(args.id, args.version)
        )
        history = [(info, _intact(store, info)) for info in store.versions(args.id)]
        attachments = core.attachments.list(args.id)
        review = (core.reviews.get(args.id), core.reviews.references(args.id))
        arrivals = core.origins(args.id)  # who sent and who wrote each version received
    intact = next((ok for info, ok in history if info.version_no == t.version_no), None)
    if args.json:
        print_json(
            {
                "id": t.id,
                "form": {"id": t.form_ref.id, "version": t.form_ref.version},
                **_version_json(t.info(), intact),
                "content": t.content,
                "versions": [_version_json(info, ok) for info, ok in history],
                "attachments": [_attachment_json(a) for a in attachments],
                **_review_json(*review),
                "received": [
                    {
                        "version": o.version_no,
                        "bundle": o.bundle_id,
                        "sender": o.sender.fingerprint,
                        "author": o.author.fingerprint,
                        "forwarded": o.forwarded,
                    }
                    for o in arrivals
                ],
            }
        )
        return 0
    status = tr("final") if t.status == "final" else tr("draft")
    out(tr("Testimony") + f" {t.id}")
    out(
        tr("Version")
        + f": {t.version_no} ({status}), "
        + tr("updated")
        + f" {format_timestamp(t.updated)}"
    )
    if t.hash:
        verdict = tr("valid") if intact else tr("INVALID: changed after signing")
        out(tr("Record hash") + f": {t.hash}")
        out(tr("Author") + f": {t.author_fingerprint or t.author_public.hex()}")
        out(tr("Signature") + f": {verdict}")
    if t.prev_hash:
        out(tr("Previous version hash") + f": {t.prev_hash}")
    _print_content(form_for(t.form_ref), t.content, review)
    if attachments:
        out("== " + tr("Attachments"))
        from intake.testimonies.render import size_text

        for a in attachments:
            out(f"{a.filename}  {a.media_type}  {size_text(a.size)}  sha256:{a.sha256}")
    if arrivals:
        out("== " + tr("Provenance"))
        for arrival in arrivals:
            out(arrival.line())
    return 0 if intact is not False else AUDIT_BROKEN_EXIT


def cmd_finalize(args: argparse.Namespace) -> int:
    from intake.testimonies.errors import ValidationFailed

    with open_core(args) as core:
        try:
            info = core.testimonies.finalize(args.id)
        except ValidationFailed as exc:
            _print_problems(exc.problems)
            raise
    out(tr("Finalized and signed version {version}.", version=info.version_no))
    out(tr("Record hash") + f": {info.hash}")
    return 0


def cmd_attach(args: argparse.Namespace) -> int:

    try:
        src = open(args.file, "rb")  # noqa: SIM115 - closed below, after the vault is closed
    except OSError:
        raise InvalidInput(reason=tr("cannot read {path}", path=args.file)) from None
    with src, open_core(args) as core:
        info = core.attachments.add(args.id, src, args.file.name)
    out(
        tr(
            "Attached {filename} ({media_type}, {size}).",
            filename=info.filename,
            media_type=info.media_type,
            size=ntr("{n} byte", "{n} bytes", info.size),
        )
    )
    out(f"sha256:{info.sha256}")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:

    with open_core(args) as core:
        report = core.audit.verify()
    if args.json:
        print_json({"ok": report.ok, "broken_at": report.broken_at, "checked": report.checked})
    elif report.ok:
        out(
            ntr(
                "The audit trail is intact ({n} entry checked).",
                "The audit trail is intact ({n} entries checked).",
                report.checked,
            )
        )
    else:
        err(
            tr(
                "The audit trail is broken at entry {number}: it was changed or removed.",
                number=report.broken_at,
            )
        )
    return 0 if report.ok else AUDIT_BROKEN_EXIT
