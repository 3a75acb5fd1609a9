"""The ``pdf`` subcommands: blank forms to print for paper interviews, and testimonies as PDF.

``amanat pdf blank --lang LANG[,LANG2] [--paper a4|letter] -o FILE`` prints the testimony form
for handwriting in one or two languages. ``amanat pdf testimony --vault DIR ID [--lang LANG]
[--redacted] -o FILE`` prints one testimony from the vault. A testimony PDF is plaintext by
nature: it is the user's explicit export, so it is written where the user asks and nowhere
else (first as FILE.part, renamed when complete, removed if anything fails); an existing FILE
is replaced only with ``--overwrite``, as for every file Amanat writes.
"""

from __future__ import annotations

import argparse
from typing import Any

from intake.cli.common import add_output_arguments, add_vault_argument, open_core, out
from intake.cli.errors import BadVictimCount, OneLanguageOnly
from intake.i18n import LANGUAGES, current_language, ntr, tr

# the PDF stack (reportlab, HarfBuzz, fonts) is imported by the commands that print, not by
# ``amanat --help``; tests/intake/test_cli_start.py checks these copies against intake/pdf/.
PAPERS = ("a4", "letter")  # sorted(intake.pdf.page_flow.PAPER_SIZES)
DEFAULT_VICTIM_BLOCKS = 2  # intake.pdf.blank.DEFAULT_VICTIM_BLOCKS
MAX_VICTIM_BLOCKS = 20


def _langs(value: str | None) -> list[str]:
    if not value:
        return [current_language()]
    return [part.strip().lower() for part in value.split(",") if part.strip()]


def register(sub: Any) -> None:
    pdf = sub.add_parser("pdf", help=tr("print blank forms and testimonies as PDF"))
    psub = pdf.add_subparsers(dest="pdf_command", metavar="ACTION", required=True)
    choices = ", ".join(LANGUAGES)

    p = psub.add_parser(
        "blank",
        help=tr("a blank testimony form to print and fill in by hand"),
        description=tr(
            "Print the testimony form with room to write by hand, in one language or two "
            "side by side. Each page has the form id and a QR code to match the paper to its "
            "digital record later."
        ),
    )
    p.add_argument(
        "--lang",
        metavar="LANG[,LANG2]",
        help=tr("one or two languages, e.g. kk or en,ug ({choices})", choices=choices),
    )
    p.add_argument("--paper", choices=PAPERS, default="a4")
    p.add_argument(
        "--victims",
        type=int,
        default=DEFAULT_VICTIM_BLOCKS,
        metavar="N",
        help=tr("how many victim blocks to print (default: {n})", n=DEFAULT_VICTIM_BLOCKS),
    )
    add_output_arguments(p)
    p.set_defaults(func=cmd_blank)

    p = psub.add_parser(
        "testimony",
        help=tr("print one testimony from the vault (a plaintext export)"),
        description=tr(
            "Print one testimony with every field, its attachments' SHA-256 hashes, its version "
            "history and an integrity footer. WARNING: the PDF is not encrypted. It is a "
            "plaintext copy of the testimony, written only where you ask: keep it safe, and "
            "delete it when it is no longer needed. --redacted leaves out sensitive fields and "
            "the names of people who did not consent to publication; read the redacted copy "
            "before sharing it, since a name spelled differently in the free text may remain."
        ),
    )
    add_vault_argument(p)
    p.add_argument("id", metavar="ID")
    p.add_argument(
        "--lang", metavar="LANG", help=tr("language of the labels ({choices})", choices=choices)
    )
    p.add_argument(
        "--redacted",
        action="store_true",
        help=tr("leave out sensitive fields and names without consent to publication"),
    )
    p.add_argument(
        "--version",
        type=int,
        metavar="N",
        help=tr("print version N instead of the newest version"),
    )
    p.add_argument("--paper", choices=PAPERS, default="a4")
    add_output_arguments(p)
    p.set_defaults(func=cmd_testimony)


def cmd_blank(args: argparse.Namespace) -> int:
    from intake.core.app import write_pdf
    from intake.forms.definitions import builtin_form
    from intake.pdf.blank import render_blank_form

    if not 1 <= args.victims <= MAX_VICTIM_BLOCKS:
        raise BadVictimCount(limit=MAX_VICTIM_BLOCKS)
    langs = _langs(args.lang)
    form = builtin_form()
    pages = write_pdf(
        args.output,
        lambda stream: render_blank_form(form, langs, args.paper, stream, victims=args.victims),
        overwrite=args.overwrite,
    )
    out(ntr("Wrote {path} ({n} page).", "Wrote {path} ({n} pages).", pages, path=args.output))
    return 0


def cmd_testimony(args: argparse.Namespace) -> int:
    langs = _langs(args.lang)
    if len(langs) != 1 or langs[0] not in LANGUAGES:
        raise OneLanguageOnly(choices=", ".join(LANGUAGES))
    with open_core(args) as core:
        pages = core.save_testimony_pdf(
            args.id,
            langs[0],
            args.output,
            redacted=args.redacted,
            paper=args.paper,
            version=args.version,
            overwrite=args.overwrite,
        )
    out(ntr("Wrote {path} ({n} page).", "Wrote {path} ({n} pages).", pages, path=args.output))
    return 0
