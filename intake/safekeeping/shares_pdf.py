"""The printed paper key: one page per SLIP-39 share (docs/vault-format.md, "Paper key backup").

Each page shows the share's number, how many shares open the vault, the vault id, the 33 words
in numbered columns, a QR code of the same words (for ``amanat restore key --qr``), and what
to do with the sheet, in the user's language and English (through intake/pdf, so Uyghur is
shaped and right to left and Chinese renders). The PDF holds the key in a form anyone can
type: it is written like every Amanat file (``.part``, owner-only, flushed, renamed), only
because the user asked for it, and the CLI and the desktop app say it is secret.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from intake.i18n import N_, current_language
from intake.pdf.blank import draw_qr
from intake.pdf.form_text import GREY, FormText
from intake.pdf.page_flow import MARGIN, paper_size

WORD_COLUMNS = 3
WORD_SIZE = 12.0
WORD_LEADING = 19.0
QR_SIDE = 170.0  # points: a 33-word share is a version 10-11 code; this scans from paper

INSTRUCTIONS = (
    N_(
        "This sheet is one part of the key of an Amanat vault. Alone it opens nothing."
        " {threshold} different shares of this set, together with the vault folder or a"
        " backup of it, open the vault without its passphrase."
    ),
    N_(
        "Keep it secret: never photograph it, copy it or type it into a computer, except to"
        " restore the vault with Amanat. Give each share to a different person you trust,"
        " who lives or keeps it in a different place."
    ),
    N_(
        "To restore: in Amanat, choose \u201cForgot the passphrase? Use key shares\u2026\u201d"
        " on the unlock screen (or run \u201camanat restore key\u201d), type the words or add"
        " a photo of the QR code, then choose a new passphrase."
    ),
    N_(
        "If a share is lost or may have been seen by someone else, print a new set and"
        " destroy every sheet of the old one. A new set does not make an old one useless:"
        " old shares keep opening the vault and its backups."
    ),
)


def share_langs() -> tuple[str, ...]:
    """The user's language first, then English (one language when it is English)."""
    lang = current_language()
    return (lang,) if lang == "en" else (lang, "en")


def render_shares_pdf(
    shares: Sequence[str],
    threshold: int,
    vault_id: str,
    out: io.BytesIO | Any,
    *,
    langs: Sequence[str] | None = None,
    paper: str = "a4",
) -> int:
    """Write one page per share to ``out``; returns the page count."""
    text = FormText(tuple(langs or share_langs()))
    page = paper_size(paper)
    width = page[0] - 2 * MARGIN
    canvas = Canvas(out, pagesize=page, pageCompression=1)
    canvas.setTitle("Amanat")
    canvas.setCreator("Amanat")
    for number, share in enumerate(shares, start=1):
        _page(canvas, text, page, width, share, number, len(shares), threshold, vault_id)
        canvas.showPage()
    canvas.save()
    return len(shares)


def _page(
    canvas: Any,
    text: FormText,
    page: tuple[float, float],
    width: float,
    share: str,
    number: int,
    count: int,
    threshold: int,
    vault_id: str,
) -> None:
    top = page[1] - MARGIN
    title = text.stack(
        text.ui(
            N_("Amanat paper key \u2014 share {number} of {count}"), number=number, count=count
        ),
        width,
        17.0,
        bold=True,
        second_size=12.0,
    )
    title.paint(canvas, MARGIN, top, width)
    top -= title.height + 6
    needed = text.stack(
        text.ui(
            N_("Shares needed to open the vault: {threshold} of {count}"),
            threshold=threshold,
            count=count,
        ),
        width,
        11.0,
        second_size=9.5,
    )
    needed.paint(canvas, MARGIN, top, width)
    top -= needed.height + 4
    ident = text.stack(text.ui(N_("Vault ID: {id}"), id=vault_id), width, 9.5, color=GREY)
    ident.paint(canvas, MARGIN, top, width)
    top -= ident.height + 12
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN, top, MARGIN + width, top)
    top -= 14

    words = share.split()
    rows = -(-len(words) // WORD_COLUMNS)
    words_width = width - QR_SIDE - 16
    column = words_width / WORD_COLUMNS
    canvas.setFillColorRGB(0, 0, 0)
    for i, word in enumerate(words):
        col, row = divmod(i, rows)
        x, y = MARGIN + col * column, top - (row + 1) * WORD_LEADING
        canvas.setFont("Helvetica", 8.5)
        canvas.drawRightString(x + 18, y, f"{i + 1}.")
        canvas.setFont("Courier-Bold", WORD_SIZE)
        canvas.drawString(x + 23, y, word)
    draw_qr(canvas, share, MARGIN + width - QR_SIDE, top - QR_SIDE, QR_SIDE, level="M")
    top -= max(rows * WORD_LEADING, QR_SIDE) + 18
    canvas.line(MARGIN, top, MARGIN + width, top)
    top -= 12
    for msgid in INSTRUCTIONS:
        para = text.stack(text.ui(msgid, threshold=threshold), width, 10.0, second_size=8.5)
        para.paint(canvas, MARGIN, top, width)
        top -= para.height + 8


def write_shares_pdf(
    path: Path,
    shares: Sequence[str],
    threshold: int,
    vault_id: str,
    *,
    overwrite: bool = False,
    langs: Sequence[str] | None = None,
) -> int:
    """Render and write ``path`` atomically, owner-only (intake/bundles/files.py)."""
    from intake.bundles import files

    buffer = io.BytesIO()
    pages = render_shares_pdf(shares, threshold, vault_id, buffer, langs=langs)
    try:
        files.write_file(path, buffer.getvalue(), private=True, overwrite=overwrite)
    finally:
        buffer.seek(0)
        buffer.write(bytes(buffer.getbuffer().nbytes))  # overwrite the copy in memory
    return pages
