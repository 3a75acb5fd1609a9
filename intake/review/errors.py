"""Typed errors of the coordinator's review (levels, notes, sources, external references).

Messages name ids, positions and limits, never the note, the sources or a reference's text.
"""

from __future__ import annotations

from intake.errors import AmanatError, InvalidInput
from intake.i18n import N_


class ReviewNotAllowed(AmanatError):
    msgid = N_("Only a coordinator vault can review testimonies.")
    exit_code = 10


class UnknownLevel(InvalidInput):
    msgid = N_("Unknown verification level {level}: use unverified, corroborated or verified.")


class BadReview(InvalidInput):
    msgid = N_("The review is not valid: {reason}")


class BadReference(InvalidInput):
    msgid = N_(
        "The reference is not valid: {reason} Write it as SOURCE:ENTRY or SOURCE:ENTRY:URL,"
        " for example XJVD:1234."
    )


class VictimNotFound(InvalidInput):
    msgid = N_("Testimony {id} has no victim number {position}.")


class ReferenceNotFound(InvalidInput):
    msgid = N_("This victim has no such reference.")
