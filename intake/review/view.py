"""The review as people read it: one rendered section for the record view, the CLI and PDFs.

``review_section`` turns a testimony's verification level (who, when, note, sources) and its
victims' external references into a ``RenderedSection`` (intake/testimonies/render.py), with
labels in the chosen language and victims numbered the way the content is ("Victim 2 of 3").
"""

from __future__ import annotations

from collections.abc import Sequence

from intake.forms.definitions import FormDefinition
from intake.i18n import current_language, tr
from intake.review.store import DEFAULT_LEVEL, Reference, Review, level_label
from intake.testimonies.render import (
    EMPTY,
    RenderedField,
    RenderedGroup,
    RenderedSection,
    ValuePart,
    item_heading,
)


def when_text(stamp: str) -> str:
    """ "2024-05-02T09:00:00Z" → "2024-05-02 09:00 UTC" (dates stay ISO 8601 everywhere)."""
    return f"{stamp.replace('T', ' ')[:16]} UTC" if "T" in stamp else stamp


def reviewer_text(review: Review) -> str:
    return f"{review.reviewer_name} ({review.reviewer_fingerprint})"


def review_section(
    form: FormDefinition,
    review: Review | None,
    references: Sequence[Reference],
    victims: int,
    lang: str | None = None,
) -> RenderedSection:
    """The "Review" section; ``victims``: how many victims the testimony has."""
    lang = lang or current_language()
    level = review.level if review else DEFAULT_LEVEL
    fields = [
        RenderedField(
            "review/level",
            tr("Verification level", lang=lang),
            (ValuePart(level_label(level, lang)),),
        )
    ]
    if review is not None:
        fields.append(
            RenderedField(
                "review/by", tr("Reviewed by", lang=lang), (ValuePart(reviewer_text(review)),)
            )
        )
        fields.append(
            RenderedField(
                "review/at",
                tr("Reviewed on", lang=lang),
                (ValuePart(when_text(review.reviewed_at)),),
            )
        )
        if review.note:
            fields.append(
                RenderedField("review/note", tr("Note", lang=lang), (ValuePart(review.note),))
            )
        if review.sources:
            fields.append(
                RenderedField(
                    "review/sources",
                    tr("Sources", lang=lang),
                    (ValuePart("\n".join(f"• {s}" for s in review.sources)),),
                )
            )
    section = form.section("victims")
    parts = []
    for ref in references:
        who = item_heading(section, ref.position, victims, lang) if section else str(ref.position)
        text = ref.label + (f"\n{ref.url}" if ref.url else "")
        parts.append(ValuePart(text, who))
    fields.append(
        RenderedField(
            "review/references",
            tr("External references", lang=lang),
            tuple(parts) or (ValuePart(EMPTY, muted=True),),
        )
    )
    return RenderedSection("review", tr("Review", lang=lang), (RenderedGroup("", tuple(fields)),))
