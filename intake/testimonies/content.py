"""Content rules and signed records of testimony versions, shared by the store and exchange.

``prepare_content`` tidies content (intake/forms/normalization.py), validates it against its form
(fully for a final version, only shape and size limits for a draft) and returns its canonical
JSON text. ``intact_record_bytes`` rebuilds the signed record bytes of a stored final version
from its database columns and checks them against the stored hash and signature
(``row_is_intact``), so a changed byte in any column of a final version is detected.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crypto.signing import verify
from intake.forms.definitions import DEFAULT_FORM, FormDefinition, FormRef, builtin_form
from intake.forms.errors import FormDefinitionError
from intake.forms.normalization import normalize_content
from intake.forms.validation import Problem, validate_content
from intake.i18n import tr
from intake.testimonies.canonical import (
    VersionRecord,
    canonical_bytes,
    parse_canonical,
    sha256_hex,
    signing_message,
)
from intake.testimonies.errors import NotCanonical, UnknownForm, ValidationFailed, VersionDamaged

# Problems that stop even a draft from being saved: the content's shape and its size limits.
# Missing required fields, bad dates or ID numbers are fine while the interview goes on.
DRAFT_BLOCKING = frozenset(
    {
        "unknown_field",
        "wrong_type",
        "too_long",
        "too_many",
        "single_line",
        "bad_characters",
        "content_too_large",
    }
)


def form_for(ref: FormRef | None) -> FormDefinition:
    """The form definition a record names (a built-in one); UnknownForm otherwise."""
    ref = ref or DEFAULT_FORM
    try:
        return builtin_form(ref.id, ref.version)
    except FormDefinitionError:
        raise UnknownForm() from None


def prepare_content(
    form: FormDefinition,
    content: object,
    *,
    final: bool,
    lang: str | None = None,
    today: date | None = None,
) -> tuple[dict[str, Any], str]:
    """Normalize and check content; returns it with its canonical JSON text.

    Raises ValidationFailed: with every error when ``final``, else only with shape and size
    problems (``DRAFT_BLOCKING``).
    """
    tidy = normalize_content(form, content)
    problems = validate_content(form, tidy, lang=lang, today=today, shape_only=not final)
    blocking = [
        p for p in problems if p.severity == "error" and (final or p.code in DRAFT_BLOCKING)
    ]
    if blocking or not isinstance(tidy, dict):
        raise ValidationFailed(problems if final else blocking)
    try:
        text = canonical_bytes(tidy).decode("utf-8")
    except NotCanonical:
        message = tr("The testimony contains a value that cannot be stored.", lang=lang)
        raise ValidationFailed([Problem("", message, "error", "not_canonical")]) from None
    return tidy, text


def _envelope_of(row: Any) -> VersionRecord:
    """The signed record of a final version row without its content (which is spliced into
    ``VersionRecord.envelope`` as stored)."""
    return VersionRecord(
        testimony_id=str(row["testimony_id"]),
        version=int(row["version_no"]),
        form=FormRef(str(row["form_id"]), int(row["form_version"])),
        previous=row["prev_hash"],
        author=bytes(row["author"]).hex(),
        created=str(row["finalized"]),
        status="final",
        content={},
    )


def intact_record_bytes(row: Any) -> bytes | None:
    """The canonical bytes of a final row's signed record when they hash to its stored hash
    and its signature verifies; None when any stored byte was changed.

    The stored content is the canonical text that was signed, so the record's bytes are its
    envelope with that text spliced in: any changed byte changes the hash.
    """
    try:
        head, tail = _envelope_of(row).envelope()
        data = head + str(row["content"]).encode("utf-8") + tail
    except (NotCanonical, ValueError, TypeError):
        return None
    digest = sha256_hex(data)
    if digest != row["hash"]:
        return None
    if not verify(bytes(row["author"]), signing_message(digest), bytes(row["signature"])):
        return None
    return data


def row_is_intact(row: Any) -> bool:
    """True when a final row's record hashes to its stored hash and its signature verifies."""
    return intact_record_bytes(row) is not None


def canonical_content(row: Any) -> dict[str, Any]:
    """The stored content of a version row, parsed strictly."""
    value = parse_canonical(str(row["content"]).encode("utf-8"))
    if not isinstance(value, dict):
        raise VersionDamaged(version=int(row["version_no"]), id=str(row["testimony_id"]))
    return value
