"""Plain-language messages for PRC ID number findings (intake/forms/prc_id.py), per finding code.

Kept apart from intake/forms/validation.py so that module stays one concept: walking content
against the form definition. ``label`` is anything that formats as the field's label.
"""

from __future__ import annotations

from intake.i18n import tr


def prc_id_message(code: str, label: object, lang: str | None) -> str:
    """The message for one PRC ID finding ``code``, naming the field by ``label``."""
    if code == "old_15_digit":
        return tr(
            "{field}: this is an old 15-digit ID number; enter the 18-character number.",
            lang=lang,
            field=label,
        )
    if code == "province":
        return tr(
            "{field}: the number does not begin with a known province code.",
            lang=lang,
            field=label,
        )
    if code == "birth_date":
        return tr(
            "{field}: the birth date inside the number is not a real date.",
            lang=lang,
            field=label,
        )
    if code == "checksum":
        return tr(
            "{field}: the last character does not match the others; a digit was probably mistyped.",
            lang=lang,
            field=label,
        )
    if code == "birth_date_mismatch":
        return tr(
            "{field}: the birth date inside the number differs from the date of birth entered.",
            lang=lang,
            field=label,
        )
    if code == "gender_mismatch":
        return tr("{field}: the number does not match the gender entered.", lang=lang, field=label)
    return tr(
        "{field}: an ID number has 18 characters: 17 digits and a last digit or X.",
        lang=lang,
        field=label,
    )
