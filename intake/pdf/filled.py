"""Filled testimony PDFs: every field of a record, its files and versions, and proof of integrity.

``render_testimony`` prints a ``TestimonyView`` (testimony_view.py) with the form definition it
was written with, in one language: every section and field with its label, names in all their
scripts, the coordinator's review (verification level, external references; in a coordinator's
vault), attachments with size and SHA-256, the version history and, when known, the bundles
the record was received in. Every page carries an integrity footer (record hash, author
fingerprint, signature status, bundle provenance, page N of M) and a QR code of the record hash,
so a printed page can be checked against the record in a vault. ``redacted=True`` prints a copy
for sharing: sensitive fields and names without consent to publication are removed from the
content before layout (redaction.py), so the text is not in the file at all.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from reportlab.pdfgen.canvas import Canvas

from intake.forms.definitions import FormDefinition, SectionDef
from intake.i18n import LANGUAGES, N_, is_rtl, ntr, tr
from intake.pdf.blank import draw_qr, heading_block, note_block
from intake.pdf.errors import UnsupportedFormLanguage
from intake.pdf.filled_fields import row_blocks, value_parts, withheld_part
from intake.pdf.form_text import GREY, FormText, Stack
from intake.pdf.page_flow import MARGIN, Block, Frame, paginate, paint_page, paper_size
from intake.pdf.testimony_view import TestimonyView
from intake.review.view import review_section
from intake.sharing.redaction import NameScrubber, redact
from intake.testimonies.render import ValuePart, item_heading

FOOTER_SIZE = 6.8
# The record QR is upper case so that it fits QR's alphanumeric mode (5.5 bits a character):
# about 120 characters make a 37-module code, which scans from a 150 dpi scan at 60 pt.
QR_SIZE = 60.0


def record_qr_payload(view: TestimonyView) -> str:
    """What the QR code on each page says: record id, version and SHA-256 record hash.

    Upper case (hex digits and UUIDs compare case-insensitively), e.g.
    ``AMANAT-RECORD:0D3C5A2E-…:V2:3F9A…``.
    """
    return f"amanat-record:{view.id}:v{view.version}:{view.hash}".upper()


def human_size(size: int, lang: str) -> str:
    """``1.2 MB (1 234 567 bytes)``: SI units, then the exact count."""
    value, unit = float(size), "B"
    for next_unit in ("kB", "MB", "GB", "TB"):
        if value < 1000:
            break
        value, unit = value / 1000, next_unit
    short = f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
    exact = ntr("{n} byte", "{n} bytes", size, lang=lang, n=f"{size:,}".replace(",", "\u202f"))
    return short if unit == "B" else f"{short} ({exact})"


def status_text(status: str, lang: str) -> str:
    """ "final" or "draft" in ``lang``."""
    if status == "final":
        return tr("final", lang=lang)
    if status == "draft":
        return tr("draft", lang=lang)
    return status


def signature_text(view: TestimonyView, lang: str) -> str:
    if view.signature == "valid":
        status = tr(
            "valid (the author's Ed25519 signature was checked when this PDF was made)", lang=lang
        )
    elif view.signature == "invalid":
        status = tr("NOT VALID: the record does not match its signature", lang=lang)
    elif view.signature == "unsigned":
        status = tr("not signed (a draft is signed when it is finalized)", lang=lang)
    else:
        status = tr("not checked", lang=lang)
    return tr("Signature: {status}", lang=lang, status=status)


def provenance_detail(view: TestimonyView, lang: str) -> str:
    """Where the record came from: the latest bundle it was received in, or why none is named."""
    if view.provenance is None:
        return tr("not recorded", lang=lang)
    # The bundles that carried the printed version (entries without a version: all of them).
    carried = [p for p in view.provenance if p.version in (None, view.version)]
    if not carried:
        return tr("not received in a bundle", lang=lang)
    last = carried[-1]
    text = tr(
        "bundle {bundle} from {sender}, received {received}",
        lang=lang,
        bundle=last.bundle_id,
        sender=last.sender,
        received=last.received,
    )
    if len(carried) > 1:
        text += " " + tr("(and {count} more)", lang=lang, count=len(carried) - 1)
    return text


def provenance_text(view: TestimonyView, lang: str) -> str:
    return tr("Bundle provenance: {text}", lang=lang, text=provenance_detail(view, lang))


def footer_lines(view: TestimonyView, lang: str, redacted: bool = False) -> list[str]:
    """The integrity footer, one string per line (page numbers are added per page)."""
    if view.hash and redacted:  # the hash cannot be recomputed from a copy with parts left out
        record = tr(
            "Record hash (SHA-256) of the full, unredacted record: {hash}",
            lang=lang,
            hash=view.hash,
        )
    elif view.hash:
        record = tr("Record hash (SHA-256): {hash}", lang=lang, hash=view.hash)
    else:
        record = tr("Draft: no record hash yet (it is made when the draft is finalized)", lang=lang)
    author = tr("Author: {fingerprint}", lang=lang, fingerprint=view.author_fingerprint or "?")
    return [record, author, signature_text(view, lang), provenance_text(view, lang)]


def _section_blocks(
    text: FormText, form: FormDefinition, section: SectionDef, value: Any, width: float
) -> list[Block]:
    lang = text.langs[0]
    blocks = [heading_block(text, text.pick(section.label), width, 12.0)]
    entries = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    if section.repeatable and not entries:
        blocks += row_blocks(text, "", [ValuePart("—", muted=True)], width)
    for n, entry in enumerate(entries, start=1):
        if section.repeatable:
            item = item_heading(section, n, len(entries), lang)
            blocks.append(heading_block(text, [(lang, item)], width, 10.5))
        for fdef in section.fields:
            parts = value_parts(form, fdef, entry.get(fdef.id), lang)
            blocks += row_blocks(text, fdef.label_in(lang), parts, width)
    if not entries and not section.repeatable:
        for fdef in section.fields:
            blocks += row_blocks(
                text, fdef.label_in(lang), value_parts(form, fdef, None, lang), width
            )
    return blocks


def _attachment_blocks(
    text: FormText, view: TestimonyView, scrub: NameScrubber | None, width: float
) -> list[Block]:
    lang = text.langs[0]
    blocks = [heading_block(text, text.ui(N_("Attachments")), width, 12.0)]
    if not view.attachments:
        return blocks + row_blocks(text, "", [ValuePart(tr("None", lang=lang), muted=True)], width)
    for n, att in enumerate(view.attachments, start=1):
        name = scrub(att.filename) if scrub else att.filename
        parts = [
            ValuePart(name, tr("File name", lang=lang)),
            ValuePart(att.media_type, tr("Type", lang=lang)),
            ValuePart(human_size(att.size, lang), tr("Size", lang=lang)),
            ValuePart(att.sha256, "SHA-256"),
        ]
        blocks += row_blocks(text, tr("Attachment {n}", lang=lang, n=n), parts, width)
    return blocks


def _review_blocks(
    text: FormText, form: FormDefinition, view: TestimonyView, redacted: bool, width: float
) -> list[Block]:
    """The coordinator's review; a redacted copy leaves out the free-text note and sources."""
    lang = text.langs[0]
    if view.review is None:
        return []
    victims = view.content.get("victims")
    count = len(victims) if isinstance(victims, list) else 0
    section = review_section(form, view.review.review, view.review.references, count, lang)
    blocks = [heading_block(text, [(lang, section.label)], width, 12.0)]
    for shown in section.groups[0].fields:
        parts = list(shown.parts)
        if redacted and shown.key in ("review/note", "review/sources"):
            parts = [withheld_part(lang)]
        blocks += row_blocks(text, shown.label, parts, width)
    return blocks


def _version_blocks(text: FormText, view: TestimonyView, width: float) -> list[Block]:
    lang = text.langs[0]
    blocks = [heading_block(text, text.ui(N_("Version history")), width, 12.0)]
    for entry in view.versions:
        parts = [
            ValuePart(status_text(entry.status, lang), tr("Status", lang=lang)),
            ValuePart(entry.created or "?", tr("Created", lang=lang)),
            ValuePart(entry.hash or "—", tr("Record hash", lang=lang), muted=not entry.hash),
        ]
        if entry.author_fingerprint:
            parts.append(ValuePart(entry.author_fingerprint, tr("Author", lang=lang)))
        blocks += row_blocks(text, tr("Version {n}", lang=lang, n=entry.version), parts, width)
    return blocks


def _provenance_blocks(text: FormText, view: TestimonyView, width: float) -> list[Block]:
    lang = text.langs[0]
    blocks = [heading_block(text, text.ui(N_("Received in bundles")), width, 12.0)]
    if not view.provenance:
        line = provenance_detail(view, lang)
        return blocks + row_blocks(text, "", [ValuePart(line, muted=True)], width)
    for n, entry in enumerate(view.provenance, start=1):
        parts = [
            ValuePart(entry.bundle_id, tr("Bundle", lang=lang)),
            ValuePart(entry.sender, tr("From", lang=lang)),
            ValuePart(entry.received, tr("Received", lang=lang)),
        ]
        if entry.version is not None:
            parts.append(ValuePart(str(entry.version), tr("Version", lang=lang)))
        blocks += row_blocks(text, f"{n}", parts, width)
    return blocks


def _summary_blocks(
    text: FormText, view: TestimonyView, redacted: bool, width: float
) -> list[Block]:
    lang = text.langs[0]
    blocks: list[Block] = []
    if redacted:
        blocks.append(
            note_block(
                text,
                text.ui(
                    N_(
                        "Redacted copy: sensitive fields and the names of people who did not"
                        " consent to publication are left out. Read it before sharing it."
                    )
                ),
                width,
            )
        )
    rows = [
        (tr("Testimony ID", lang=lang), view.id),
        (tr("Version", lang=lang), str(view.version)),
        (tr("Status", lang=lang), status_text(view.status, lang)),
        (tr("Form", lang=lang), f"{view.form.id} · v{view.form.version}"),
    ]
    if view.created:
        rows.append((tr("Created", lang=lang), view.created))
    for label, value in rows:
        blocks += row_blocks(text, label, [ValuePart(value)], width)
    return blocks


def testimony_blocks(
    form: FormDefinition, view: TestimonyView, lang: str, width: float, redacted: bool
) -> list[Block]:
    """Every block of the body, in order, for a frame ``width`` wide."""
    text = FormText([lang])
    content: Any = view.content
    scrub: NameScrubber | None = None
    if redacted:
        redaction = redact(form, view.content, tr("[name withheld]", lang=lang))
        content, scrub = redaction.content, redaction.scrub
    blocks = _summary_blocks(text, view, redacted, width)
    blocks += _review_blocks(text, form, view, redacted, width)  # the level up front
    for section in form.sections:
        blocks += _section_blocks(text, form, section, content.get(section.id), width)
    blocks += _attachment_blocks(text, view, scrub, width)
    blocks += _version_blocks(text, view, width)
    blocks += _provenance_blocks(text, view, width)
    return blocks


class _Chrome:
    """Header and integrity footer, laid out once per document and painted on every page.

    Their heights are measured (a Uyghur footer wraps more than an English one), and the body
    frame is whatever the page has left, so nothing ever overlaps or runs off the page.
    """

    def __init__(
        self, form: FormDefinition, view: TestimonyView, lang: str, width: float, redacted: bool
    ) -> None:
        self.text = text = FormText([lang])
        self.lang, self.view = lang, view
        self.tag_w = 120.0 if redacted else 0.0
        self.title_w = width - self.tag_w
        self.title = text.stack([(lang, form.title_in(lang))], self.title_w, 13.0, bold=True)
        ident = tr(
            "Testimony {id} · version {n} · {status}",
            lang=lang,
            id=view.id,
            n=view.version,
            status=status_text(view.status, lang),
        )
        self.sub = text.stack([(lang, ident)], self.title_w, 7.5, color=GREY)
        self.tag = (
            text.stack(text.ui(N_("REDACTED COPY")), self.tag_w, 9.0, bold=True)
            if redacted
            else None
        )
        self.lines_w = width - QR_SIZE - 10
        integrity = "\n".join(footer_lines(view, lang, redacted))
        self.integrity = text.stack([(lang, integrity)], self.lines_w, FOOTER_SIZE, color=GREY)
        widest = self._page_number(888, 888)
        self.header_height = self.title.height + self.sub.height + 8
        # 4 pt above the text, 4 below the rule, 4 spare: poppler measures Naskh by its full
        # descent (0.63 em), deeper than the line box (fonts.py), on the last line of the page.
        self.footer_height = max(self.integrity.height + widest.height, QR_SIZE) + 12

    def _page_number(self, page: int, pages: int) -> Stack:
        number = tr("Page {page} of {pages}", lang=self.lang, page=page, pages=pages)
        return self.text.stack([(self.lang, number)], self.lines_w, FOOTER_SIZE, color=GREY)

    def paint(
        self, canvas: Any, frame: Frame, page_size: tuple[float, float], page: int, pages: int
    ) -> None:
        top = page_size[1] - MARGIN
        self.title.paint(canvas, frame.x(0, self.title_w), top, self.title_w)
        self.sub.paint(canvas, frame.x(0, self.title_w), top - self.title.height, self.title_w)
        if self.tag is not None:
            self.tag.paint(canvas, frame.x(self.title_w, self.tag_w), top, self.tag_w)
        canvas.setLineWidth(0.8)
        canvas.line(frame.left, frame.top + 4, frame.right, frame.top + 4)
        # Footer: integrity lines beside a QR code of the record hash, at the end edge.
        canvas.setLineWidth(0.4)
        rule_y = MARGIN + self.footer_height - 4
        canvas.line(frame.left, rule_y, frame.right, rule_y)
        x = frame.x(0, self.lines_w)
        self.integrity.paint(canvas, x, rule_y - 4, self.lines_w)
        number = self._page_number(page, pages)
        number.paint(canvas, x, rule_y - 4 - self.integrity.height, self.lines_w)
        if self.view.hash:
            qr_x = frame.x(frame.width - QR_SIZE, QR_SIZE)
            draw_qr(canvas, record_qr_payload(self.view), qr_x, MARGIN, QR_SIZE)


def render_testimony(
    form: FormDefinition,
    view: TestimonyView,
    lang: str,
    out: BinaryIO,
    *,
    redacted: bool = False,
    paper: str = "a4",
) -> int:
    """Write ``view`` as a PDF in ``lang`` on ``paper`` to ``out``; returns the page count.

    ``form`` must be the definition the record was written with (``view.form``). With
    ``redacted`` the PDF leaves out sensitive fields and unconsented names entirely. The output
    is deterministic: the same view, language and options always give the same bytes.
    """
    if lang not in LANGUAGES:
        raise UnsupportedFormLanguage(code=lang, choices=", ".join(LANGUAGES))
    if form.ref != view.form:
        raise ValueError("the form definition is not the one the record was written with")
    page_size = paper_size(paper)
    chrome = _Chrome(form, view, lang, page_size[0] - 2 * MARGIN, redacted)
    frame = Frame(
        left=MARGIN,
        right=page_size[0] - MARGIN,
        top=page_size[1] - MARGIN - chrome.header_height,
        bottom=MARGIN + chrome.footer_height,
        rtl=is_rtl(lang),
    )
    pages = paginate(testimony_blocks(form, view, lang, frame.width, redacted), frame.height)
    canvas = Canvas(out, pagesize=page_size, invariant=True, pageCompression=1)
    canvas.setTitle(f"{form.title_in(lang)} · {view.id}")  # never a name: the title is metadata
    canvas.setCreator("Amanat")
    for number, blocks in enumerate(pages, start=1):
        chrome.paint(canvas, frame, page_size, number, len(pages))
        paint_page(canvas, blocks, frame)
        canvas.showPage()
    canvas.save()
    return len(pages)
