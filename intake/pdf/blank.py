"""Blank testimony forms for paper interviews, printed from the form definition, in 1–2 languages.

``render_blank_form`` writes a PDF built from a ``FormDefinition`` (there is no second copy of
the form): every section and field with room to write by hand (blank_fields.py), a number of
victim blocks for repeatable sections, the consent section followed by signature and date lines,
and on every page a header with the form title, the form id and version, a box for the record
id and a QR code (form id, version, languages, page) so a paper form can later be matched to its
digital record, and a footer "page N of M". A Uyghur-first form is laid out right to left.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, BinaryIO

import qrcode
from qrcode.constants import ERROR_CORRECT_L, ERROR_CORRECT_M
from reportlab.pdfgen.canvas import Canvas

from intake.forms.definitions import FormDefinition, SectionDef
from intake.i18n import LANGUAGES, N_, is_rtl
from intake.pdf.blank_fields import (
    LABEL_SIZE,
    LINE_PITCH,
    SECOND_SIZE,
    field_blocks,
    writing_line,
)
from intake.pdf.errors import TooManyFormLanguages, UnsupportedFormLanguage
from intake.pdf.form_text import GREY, FormText, Stack
from intake.pdf.page_flow import MARGIN, Block, Frame, paginate, paint_page, paper_size

HEADER_HEIGHT = 62.0
FOOTER_HEIGHT = 26.0
QR_SIZE = 48.0
QR_BORDER = 4  # modules of quiet zone around a QR code, as the QR standard asks
DEFAULT_VICTIM_BLOCKS = 2


def qr_payload(form: FormDefinition, langs: Sequence[str], page: int, pages: int) -> str:
    """What the QR code on each page says: enough to file a scanned page with its record."""
    return f"amanat-form:{form.id}:v{form.version}:{'+'.join(langs)}:p{page}/{pages}"


def heading_block(text: FormText, texts: list[tuple[str, str]], width: float, size: float) -> Block:
    """A section heading on a grey band; stays on the page of what follows."""
    stack = text.stack(texts, width - 12, size, bold=True, second_size=size - 2)
    pad = 12.0

    def paint(canvas: Any, frame: Frame, top: float) -> None:
        canvas.setFillColorRGB(0.9, 0.9, 0.9)
        canvas.rect(frame.left, top - pad - stack.height - 4, frame.width, stack.height + 6, 0, 1)
        canvas.setFillColorRGB(0, 0, 0)
        stack.paint(canvas, frame.left + 6, top - pad, frame.width - 12)

    return Block(pad + stack.height + 6, paint, keep_with_next=True)


def note_block(text: FormText, texts: list[tuple[str, str]], width: float) -> Block:
    """A small grey note under a heading."""
    stack = text.stack(texts, width, 7.5, second_size=7.0, color=GREY)

    def paint(canvas: Any, frame: Frame, top: float) -> None:
        stack.paint(canvas, frame.left, top - 3, frame.width)

    return Block(stack.height + 4, paint, keep_with_next=True)


def _signatures(text: FormText, width: float) -> list[Block]:
    """Signature and date lines for the person testifying and for the interviewer."""
    blocks: list[Block] = []
    for who in (N_("Signature of the person giving testimony"), N_("Signature of the interviewer")):
        sign = text.stack(text.ui(who), width * 0.6, LABEL_SIZE, second_size=SECOND_SIZE)
        date = text.stack(text.ui(N_("Date")), width * 0.3, LABEL_SIZE, second_size=SECOND_SIZE)
        blocks.append(_signature_row(sign, date))
    return blocks


def _signature_row(sign: Stack, date: Stack) -> Block:
    height = max(sign.height, date.height) + LINE_PITCH + 14

    def paint(canvas: Any, frame: Frame, top: float) -> None:
        sign_w, date_w = frame.width * 0.6, frame.width * 0.3
        sign.paint(canvas, frame.x(0, sign_w), top - 10, sign_w)
        date.paint(canvas, frame.x(frame.width - date_w, date_w), top - 10, date_w)
        writing_line(canvas, frame.x(0, sign_w), top - height + 4, sign_w)
        writing_line(canvas, frame.x(frame.width - date_w, date_w), top - height + 4, date_w)

    return Block(height, paint)


def _section_blocks(
    text: FormText, form: FormDefinition, section: SectionDef, width: float, victims: int
) -> list[Block]:
    blocks = [heading_block(text, text.pick(section.label), width, 12.0)]
    if section.help:
        blocks.append(note_block(text, text.pick(section.help), width))
    repeats = max(victims, section.min, 1) if section.repeatable else 1
    for n in range(1, repeats + 1):
        if section.repeatable:
            item = text.pick(
                {k: f"{v} {n}" for k, v in (section.item_label or section.label).items()}
            )
            blocks.append(heading_block(text, item, width, 10.5))
        for fdef in section.fields:
            blocks += field_blocks(text, form, section.id, fdef, width)
    if section.id == "consent":
        blocks += _signatures(text, width)
    return blocks


def form_blocks(
    form: FormDefinition, text: FormText, width: float, victims: int = DEFAULT_VICTIM_BLOCKS
) -> list[Block]:
    """Every block of the form body, in order, for a frame ``width`` wide."""
    blocks = [note_block(text, text.ui(N_("Fields marked * are required.")), width)]
    for section in form.sections:
        blocks += _section_blocks(text, form, section, width, victims)
    if form.section("consent") is None:
        blocks += _signatures(text, width)
    return blocks


_QR_LEVELS = {"L": ERROR_CORRECT_L, "M": ERROR_CORRECT_M}


@lru_cache(maxsize=256)
def qr_runs(value: str, level: str = "M") -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """A QR code of ``value`` (error correction ``level``): size in modules and dark runs.

    Each run is (row, first column, length) of dark modules side by side. One path of runs is
    about 30 times faster to draw than reportlab's QR widget, which makes a shape per module;
    the ``qrcode`` package encodes about twice as fast as reportlab's encoder.
    """
    code = qrcode.QRCode(error_correction=_QR_LEVELS[level], border=0)
    code.add_data(value)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    runs: list[tuple[int, int, int]] = []
    for row, modules in enumerate(matrix):
        col, count = 0, len(modules)
        while col < count:
            if modules[col]:
                start = col
                while col < count and modules[col]:
                    col += 1
                runs.append((row, start, col - start))
            else:
                col += 1
    return len(matrix), tuple(runs)


def draw_qr(
    canvas: Any, value: str, x: float, y: float, size: float = QR_SIZE, level: str = "M"
) -> None:
    """A QR code of ``value``, ``size`` points square with its quiet zone, bottom left at x, y.

    Written as raw path operators in module units (one ``re`` per run of dark modules): the
    same drawing as ``canvas.rect`` calls, without formatting thousands of coordinates.
    """
    count, runs = qr_runs(value, level)
    module = size / (count + 2 * QR_BORDER)
    top = count + QR_BORDER
    ops = [f"q 0 g {module:.5f} 0 0 {module:.5f} {x:.3f} {y:.3f} cm"]
    # Each rectangle is a hair taller than a module, so rows meet without a seam at any zoom.
    ops += [
        f"{QR_BORDER + col} {top - row - 1.02:.2f} {length} 1.02 re" for row, col, length in runs
    ]
    ops.append("f Q")
    canvas.addLiteral("\n".join(ops))


def _paint_chrome(
    canvas: Any,
    form: FormDefinition,
    text: FormText,
    frame: Frame,
    page_size: tuple[float, float],
    page: int,
    pages: int,
) -> None:
    """Header (title, form id and version, record id box, QR code) and footer (page N of M)."""
    top = page_size[1] - MARGIN
    qr_x = frame.x(frame.width - QR_SIZE, QR_SIZE)  # at the end edge: top right, or top left
    draw_qr(canvas, qr_payload(form, text.langs, page, pages), qr_x, top - QR_SIZE)
    info_w = 150.0
    info_offset = frame.width - QR_SIZE - 8 - info_w
    id_line = text.stack([("en", f"{form.id} · v{form.version}")], info_w, 7.5, color=GREY)
    id_line.paint(canvas, frame.x(info_offset, info_w), top - 2, info_w)
    record = text.stack(text.ui(N_("Record ID")), info_w, 7.5, second_size=7.0)
    record.paint(canvas, frame.x(info_offset, info_w), top - 14, info_w)
    writing_line(canvas, frame.x(info_offset, info_w), top - QR_SIZE + 2, info_w)
    title_w = info_offset - 10
    title = text.stack(text.pick(form.title), title_w, 15.0, bold=True, second_size=11.0)
    title.paint(canvas, frame.x(0, title_w), top - 2, title_w)
    canvas.setLineWidth(0.8)
    canvas.line(frame.left, frame.top + 6, frame.right, frame.top + 6)
    numbers = text.ui(N_("Page {page} of {pages}"), page=page, pages=pages)
    footer = text.stack([(text.langs[0], "   ·   ".join(v for _, v in numbers))], frame.width, 8.0)
    canvas.setLineWidth(0.4)
    canvas.line(frame.left, MARGIN + FOOTER_HEIGHT - 6, frame.right, MARGIN + FOOTER_HEIGHT - 6)
    footer.paint(canvas, frame.left, MARGIN + FOOTER_HEIGHT - 8, frame.width)


def render_blank_form(
    form: FormDefinition,
    langs: Sequence[str],
    paper: str,
    out: BinaryIO,
    *,
    victims: int = DEFAULT_VICTIM_BLOCKS,
) -> int:
    """Write a blank ``form`` in ``langs`` (one or two codes) on ``paper`` (a4, letter) to ``out``.

    Returns the number of pages. The PDF is deterministic (no creation date, fixed ids), so the
    same form, languages and paper always give the same bytes.
    """
    if not 1 <= len(langs) <= 2:
        raise TooManyFormLanguages(count=len(langs))
    for lang in langs:
        if lang not in LANGUAGES:
            raise UnsupportedFormLanguage(code=lang, choices=", ".join(LANGUAGES))
    page_size = paper_size(paper)
    text = FormText(langs)
    frame = Frame(
        left=MARGIN,
        right=page_size[0] - MARGIN,
        top=page_size[1] - MARGIN - HEADER_HEIGHT,
        bottom=MARGIN + FOOTER_HEIGHT,
        rtl=is_rtl(langs[0]),
    )
    pages = paginate(form_blocks(form, text, frame.width, victims), frame.height)
    canvas = Canvas(out, pagesize=page_size, invariant=True, pageCompression=1)
    canvas.setTitle(" / ".join(v for _, v in text.pick(form.title)))
    canvas.setCreator("Amanat")
    for number, blocks in enumerate(pages, start=1):
        _paint_chrome(canvas, form, text, frame, page_size, number, len(pages))
        paint_page(canvas, blocks, frame)
        canvas.showPage()
    canvas.save()
    return len(pages)
