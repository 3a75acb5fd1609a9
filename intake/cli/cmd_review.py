"""The coordinator's review: ``amanat review`` (verification level, note, sources, references).

    amanat review ID                                  show the level and references
    amanat review ID --level verified --note TEXT --source TEXT [--source TEXT]
    amanat review ID --ref XJVD:1234[:URL] [--victim N]   link victim N (default 1)
    amanat review ID --remove-ref XJVD:1234 [--victim N]

Levels: unverified, corroborated, verified (docs/vault-format.md, "Review"). The review lives
outside the signed versions; every change is audited. ``amanat search --level LEVEL`` filters.
"""

from __future__ import annotations

import argparse
from typing import Any

from intake.cli.common import add_vault_argument, open_core, out, print_json
from intake.i18n import tr

LEVEL_CHOICES = ("unverified", "corroborated", "verified")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "review", help=tr("set a testimony's verification level and external references")
    )
    add_vault_argument(p)
    p.add_argument("id", metavar="ID")
    p.add_argument("--level", choices=LEVEL_CHOICES)
    p.add_argument("--note", default=None, metavar="TEXT")
    p.add_argument("--source", action="append", default=[], metavar="TEXT")
    p.add_argument("--ref", action="append", default=[], metavar="SOURCE:ENTRY[:URL]")
    p.add_argument("--remove-ref", action="append", default=[], metavar="SOURCE:ENTRY")
    p.add_argument("--victim", type=int, default=1, metavar="N")
    p.add_argument("--json", action="store_true", help=tr("machine-readable output"))
    p.set_defaults(func=cmd_review)


def cmd_review(args: argparse.Namespace) -> int:
    from intake.errors import UsageError
    from intake.review.store import parse_reference
    from intake.review.view import review_section
    from intake.testimonies.content import form_for
    from intake.testimonies.render import content_lines

    if (args.note is not None or args.source) and not args.level:
        raise UsageError(tr("--note and --source need --level."))
    with open_core(args) as core:
        reviews = core.reviews
        record = core.testimonies.get(args.id)
        if args.level:
            reviews.set_level(args.id, args.level, args.note or "", args.source)
        for text in args.ref:
            reviews.add_reference(args.id, args.victim, *parse_reference(text))
        for text in args.remove_ref:
            source, entry, _url = parse_reference(text)
            reviews.remove_reference(args.id, args.victim, source, entry)
        review = reviews.get(args.id)
        references = reviews.references(args.id)
    if args.json:
        print_json(
            {
                "id": args.id,
                "level": review.level if review else "unverified",
                "reviewer_fingerprint": review.reviewer_fingerprint if review else None,
                "reviewer_name": review.reviewer_name if review else None,
                "reviewed_at": review.reviewed_at if review else None,
                "note": review.note if review else "",
                "sources": list(review.sources) if review else [],
                "references": [
                    {"victim": r.position, "source": r.source, "entry": r.entry, "url": r.url}
                    for r in references
                ],
            }
        )
        return 0
    victims = record.content.get("victims")
    count = len(victims) if isinstance(victims, list) else 0
    section = review_section(form_for(record.form_ref), review, references, count)
    for line in content_lines([section]):
        out(line)
    return 0
