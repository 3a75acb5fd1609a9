"""Typed errors of testimony storage, attachments, canonical records and JSON input.

Each is an ``AmanatError`` with a plain, translatable message (the gettext catalogs in
resources/i18n/) and a CLI exit code. Messages name testimony ids, version numbers,
sizes and counts, never content, names or file contents. ``ValidationFailed`` carries the
validation problems (each already in the volunteer's language, each naming its field).
"""

from __future__ import annotations

from typing import ClassVar

from intake.errors import AmanatError, InvalidInput, UnsupportedFormat
from intake.forms.validation import Problem
from intake.i18n import N_, ntr


class TestimonyNotFound(AmanatError):
    __test__ = False  # not a pytest test class, despite its name

    msgid = N_("No testimony with id {id} is in this vault.")
    exit_code = 8


class ValidationFailed(InvalidInput):
    """The content has errors; ``problems`` lists them (errors and warnings)."""

    msgid = N_("The testimony has problems to fix before it can be saved as final.")

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__()

    def message(self, lang: str | None = None) -> str:
        return ntr(
            "The testimony has {n} problem to fix before it can be saved as final.",
            "The testimony has {n} problems to fix before it can be saved as final.",
            sum(1 for p in self.problems if p.severity == "error"),
            lang=lang,
        )


class InvalidContent(InvalidInput):
    """Content that cannot even be stored as a draft (wrong shape, too long, unknown field)."""

    msgid = N_("The testimony cannot be saved: {problem}")


class NotADraft(AmanatError):
    msgid = N_("This testimony is final and cannot be changed. Start a new version to edit it.")
    exit_code = 8


class NotFinal(AmanatError):
    msgid = N_("This testimony has no final version yet. Finalize it first.")
    exit_code = 8


class AlreadyFinalized(AmanatError):
    msgid = N_(
        "This testimony was finalized once and cannot be deleted; "
        "only its newest draft can be discarded."
    )
    exit_code = 10


class VersionNotFound(AmanatError):
    msgid = N_("Version {version} of this testimony is not in this vault.")
    exit_code = 8


class VersionDamaged(AmanatError):
    msgid = N_(
        "Version {version} of testimony {id} was changed or damaged after it was signed. "
        "Do not trust it; restore the vault from a backup or ask its author for a new copy."
    )
    exit_code = 9


class ImportRejected(AmanatError):
    code: ClassVar[str] = "record-invalid"  # the check that refused it (bundle-format §7.10)
    msgid = N_("A testimony version could not be accepted: {reason}")
    exit_code = 9


class BadSignature(ImportRejected):
    msgid = N_("A testimony version does not carry a valid signature of its author.")


class VersionConflict(ImportRejected):
    msgid = N_(
        "Two different texts of version {version} of testimony {id} exist. "
        "Nothing was changed; ask the author which one is right."
    )


class NotTheAuthor(ImportRejected):
    """A version of a testimony this vault holds, signed by another key than its owner's
    (the author of version 1): refused on its own (docs/testimony-format.md §5)."""

    code: ClassVar[str] = "not-author"
    msgid = N_(
        "Version {version} of testimony {id} was refused: the testimony was written by "
        "{owner}, and only its author can add versions to it. Nothing of it was stored."
    )
    exit_code = 10


class PreviousVersionMissing(ImportRejected):
    """Version N > 1 of a testimony whose version N - 1 this vault does not hold."""

    code: ClassVar[str] = "previous-missing"
    msgid = N_(
        "Version {version} of testimony {id} follows a version this vault does not hold. "
        "Nothing was changed."
    )


class NotYourTestimony(AmanatError):
    """A new version of a testimony that another key wrote (a coordinator's copy)."""

    msgid = N_(
        "This testimony was written by another volunteer ({owner}). Only its author can make "
        "a new version of it."
    )
    exit_code = 10


class AttachmentTooLarge(InvalidInput):
    msgid = N_("The file is too large to attach (at most {limit_mib} MiB).")


class FileTooLargeToShow(InvalidInput):
    msgid = N_(
        "This file is too large to show inside Amanat (more than {limit_mib} MiB)."
        " Save a copy to look at it."
    )


class ImageTooLarge(InvalidInput):
    msgid = N_(
        "This image is too large to show safely ({width} × {height} pixels; at most {limit}"
        " million pixels). A file like this can be made to exhaust memory when it is opened."
        " Save a copy to look at it."
    )


class ImageUnreadable(InvalidInput):
    msgid = N_("This image cannot be shown: it is damaged or in a format Amanat cannot read.")


class AttachmentNotFound(AmanatError):
    msgid = N_("This attachment is not in this vault.")
    exit_code = 8


class AttachmentDamaged(AmanatError):
    msgid = N_("An attachment in the vault is damaged: its contents no longer match its hash.")
    exit_code = 9


class BadFilename(InvalidInput):
    msgid = N_("The file name cannot be used: {reason}")


class CannotReadFile(InvalidInput):
    msgid = N_("The file {filename} cannot be read.")


class AuditEntryInvalid(InvalidInput):
    msgid = N_("An audit entry was refused: {reason}")


class NotCanonical(AmanatError):
    """A value or record that breaks the canonical serialization rules."""

    msgid: ClassVar[str] = N_("A record is not in canonical form ({reason}).")
    exit_code: ClassVar[int] = 8


class InputTooLarge(InvalidInput):
    msgid: ClassVar[str] = N_("The testimony file is too large ({size} bytes; at most {limit}).")


class InputNotJson(InvalidInput):
    msgid: ClassVar[str] = N_(
        "The testimony file is not valid JSON (line {line}, column {column})."
    )


class InputNotATestimony(InvalidInput):
    msgid: ClassVar[str] = N_(
        'The testimony file must be a JSON object with "content" and optionally "form".'
    )


class InputRepeatedKey(InvalidInput):
    msgid: ClassVar[str] = N_("The testimony file repeats a key inside one object.")


class InputNumber(InvalidInput):
    msgid: ClassVar[str] = N_(
        "The testimony file contains a number with a fraction or an unusual value; "
        "only whole numbers are allowed."
    )


class UnknownForm(UnsupportedFormat):
    msgid: ClassVar[str] = N_(
        "This testimony was made with a form that this version of Amanat does not know."
    )
